"""Public pages for applicants (no login): each territory's entrance, how to apply, reception points, scoring,
priorities, waiting times and key figures, open data (R. 441-2-17, L. 441-2-6).

Every page: French, readable without JavaScript, printable, cacheable by browsers and proxies (no personal
data, no CSRF token for anonymous visitors), served from stored rows only (no aggregation in the request).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from cil import contours
from cil.cartes import position_guichet
from cil.models import Commune, Guichet
from cil.selectors import regle_secret
from core.db import cle_fr
from demandes.models import ChecklistPiece, CriterePriorite, TypePiece

from . import cartes, chiffres, selectors
from .models import ChiffresPublics

DUREE_CACHE = 3600  # pages: figures change once a night
DUREE_CACHE_FICHIERS = 86400  # a month's file and the schema do not change
# What a worker keeps of a page it rendered for an anonymous visitor (much less than the hour that browsers and
# proxies are allowed): the next visitors of the same address get the same bytes without a query or a template.
DUREE_CACHE_SERVEUR = 300
SCHEMA = settings.BASE_DIR / "public" / "schema" / "chiffres-communes-typologies.json"
PORTAIL_NATIONAL = "https://www.demande-logement-social.gouv.fr"
NIVEAUX = {
    1: (
        "Information : renseignements sur la demande de logement social, le parc de logements et les délais "
        "d'attente ; aide pour déposer la demande en ligne ; orientation vers un guichet qui enregistre les demandes."
    ),
    2: (
        "Information et enregistrement : en plus du niveau 1, enregistrement de la demande (une attestation "
        "d'enregistrement vous est remise), réception des pièces justificatives, mise à jour et renouvellement."
    ),
    3: (
        "Accueil approfondi : en plus du niveau 2, un entretien personnalisé sur rendez-vous, dans le délai fixé "
        "par le plan partenarial de gestion de la demande, et un accompagnement des ménages en difficulté."
    ),
}
PAGES = [
    ("public:territoire", "Accueil"),
    ("public:demander", "Faire une demande"),
    ("public:guichets", "Lieux d'accueil"),
    ("public:cotation", "Cotation"),
    ("public:priorites", "Publics prioritaires"),
    ("public:chiffres", "Délais et chiffres"),
    ("public:donnees", "Données ouvertes"),
]
MOIS = re.compile(r"^(\d{4})-(\d{2})$")


def _cacheable(response, duree: int = DUREE_CACHE):
    patch_cache_control(response, public=True, max_age=duree)
    return response


def _rendre(request, gabarit: str, contexte: dict, *, page: str | None = None):
    epci = contexte.get("epci")
    if epci is not None:
        contexte["pages"] = [
            {"url": reverse(nom, args=[epci.slug]), "libelle": libelle, "active": nom == page} for nom, libelle in PAGES
        ]
    if not request.user.is_authenticated:
        # no CSRF token on a public page: a page that a proxy may keep must not set a cookie
        contexte["csrf_token"] = ""
    return _cacheable(render(request, gabarit, contexte))


def _cle_du_cache(request) -> str | None:
    """The server cache's key for this request, or None when it must not be served from there: a visitor with
    a session (a signed-in agent, an applicant following the demand, a message waiting to be shown) always gets
    a page rendered for them."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    adresse = f"{request.get_host()}{request.get_full_path()}"
    return "public:page:" + hashlib.sha256(adresse.encode()).hexdigest()


def _en_cache(vue):
    """A public page rendered once for every anonymous visitor of the same address for DUREE_CACHE_SERVEUR
    seconds. Kept: a complete 200 answer that sets no cookie (its status, bytes and headers); a streamed file
    or an error is rendered anew each time. Each hit builds its own response (nothing shared between
    threads)."""

    @wraps(vue)
    def enveloppe(request, *args, **kwargs):
        cle = _cle_du_cache(request)
        if cle is not None:
            garde = cache.get(cle)
            if garde is not None:
                contenu, entetes = garde
                return HttpResponse(contenu, headers=entetes)
        response = vue(request, *args, **kwargs)
        if cle is not None and response.status_code == 200 and not response.streaming and not response.cookies:
            cache.set(cle, (response.content, dict(response.items())), DUREE_CACHE_SERVEUR)
        return response

    return enveloppe


def page_publique(vue):
    """Resolve the territory from its address (slug of its name; a SIREN redirects there), GET only; the
    rendered page is kept for the next anonymous visitors (``_en_cache``)."""

    @require_GET
    @wraps(vue)
    @_en_cache
    def enveloppe(request, slug, **kwargs):
        table = selectors.slugs()
        epci = table.get(slug)
        if epci is None:
            epci = next((e for e in table.values() if e.siren == slug), None)
            if epci is None:
                raise Http404("Ce territoire n'a pas de pages publiques sur la plateforme.")
            url = reverse(request.resolver_match.view_name, kwargs={**kwargs, "slug": epci.slug})
            requete = request.META.get("QUERY_STRING", "")
            return _cacheable(redirect(f"{url}?{requete}" if requete else url, permanent=True))
        return vue(request, epci, **kwargs)

    return enveloppe


@require_GET
@_en_cache
def index(request):
    territoires = sorted(selectors.slugs().items(), key=lambda item: cle_fr(item[1].nom))
    return _rendre(request, "public/index.html", {"territoires": territoires})


@page_publique
def territoire(request, epci):
    derniers = selectors.derniers_chiffres(epci)
    ensemble = None
    if derniers:
        ensemble = next(
            (li for li in derniers.lignes if li["niveau"] == "epci" and li["typologie"] == "ensemble"), None
        )
    return _rendre(
        request,
        "public/territoire.html",
        {
            "epci": epci,
            "chiffres": derniers,
            "ensemble": ensemble,
            "nb_guichets": Guichet.objects.filter(epci=epci).count(),
            "documents": selectors.documents_publies(epci),
        },
        page="public:territoire",
    )


@page_publique
def demander(request, epci):
    from django.db.models import Q

    regles = ChecklistPiece.objects.filter(Q(epci__isnull=True) | Q(epci=epci)).order_by("ordre", "id")
    libelles_pieces = dict(TypePiece.choices)
    par_situation: dict[str, list[str]] = {}
    for regle in regles:
        libelle = libelles_pieces.get(regle.type_piece, regle.type_piece)
        pieces = par_situation.setdefault(regle.get_condition_display(), [])
        if libelle not in pieces:
            pieces.append(libelle)
    toujours = par_situation.pop(ChecklistPiece.Condition.TOUJOURS.label, [])
    enregistreurs = Guichet.objects.filter(epci=epci, enregistreur=True).count()
    return _rendre(
        request,
        "public/demander.html",
        {
            "epci": epci,
            "portail": PORTAIL_NATIONAL,
            "toujours": toujours,
            "par_situation": sorted(par_situation.items()),
            "enregistreurs": enregistreurs,
        },
        page="public:demander",
    )


@page_publique
def guichets(request, epci):
    communes = list(Commune.objects.filter(epci=epci).order_by("nom").values_list("code_insee", "nom"))
    traces = {
        code: (nom, polygones)
        for code, nom, polygones in Commune.objects.filter(epci=epci, contour__isnull=False).values_list(
            "code_insee", "nom", "contour__polygones"
        )
    }
    choisie = request.GET.get("commune", "")
    if choisie not in dict(communes):
        choisie = ""
    origine = contours.centre(traces[choisie][1]) if choisie in traces else None
    lignes = []
    for g in Guichet.objects.filter(epci=epci).select_related("commune").order_by("nom"):
        c = traces.get(g.commune.code_insee)
        position, approchee = position_guichet(g, contours.centre(c[1]) if c else None)
        distance = contours.distance_km(origine, position) if origine and position else None
        lignes.append({"guichet": g, "position": position, "approchee": approchee, "distance": distance})
    if origine:
        lignes.sort(key=lambda li: (li["distance"] is None, li["distance"] or 0, li["guichet"].nom))
    for numero, ligne in enumerate(lignes, start=1):
        ligne["numero"] = numero
    reperes = [cartes.Repere(li["numero"], li["guichet"].nom, *li["position"]) for li in lignes if li["position"]]
    nom_choisie = dict(communes).get(choisie, "")
    carte = cartes.carte_svg(
        [(code, nom, polygones) for code, (nom, polygones) in traces.items()],
        reperes,
        titre=f"Carte des lieux d'accueil – {epci.nom}",
        description=(
            f"{len(reperes)} lieux d'accueil numérotés sur la carte des {len(traces)} communes du territoire"
            + (f" ; la commune de {nom_choisie} est mise en évidence" if nom_choisie else "")
            + ". Le tableau qui suit donne, pour chaque numéro, le nom, l'adresse et les horaires."
        ),
        selection=choisie or None,
    )
    return _rendre(
        request,
        "public/guichets.html",
        {
            "epci": epci,
            "communes": communes,
            "choisie": choisie,
            "nom_choisie": nom_choisie,
            "lignes": lignes,
            "carte": carte,
            "niveaux": [(n, NIVEAUX[n]) for n in sorted(NIVEAUX)],
        },
        page="public:guichets",
    )


@page_publique
def cotation(request, epci):
    from demandes.selectors import grille_adoptee

    grille = grille_adoptee(epci.pk)
    criteres = list(grille.criteres.all()) if grille else []
    return _rendre(
        request,
        "public/cotation.html",
        {
            "epci": epci,
            "grille": grille,
            "criteres": [c for c in criteres if c.type != "REFUS"],
            "refus": [(c, abs(c.points)) for c in criteres if c.type == "REFUS"],
        },
        page="public:cotation",
    )


@page_publique
def document(request, epci, pk):
    """A policy document the territory published: its orientations, objectives and numbered actions with their
    pilot, partners, status and milestones (the live indicators stay on the partners' pages)."""
    from politique.models import VersionDocument
    from politique.selectors import version_avec_contenu

    if not VersionDocument.objects.publiees().filter(pk=pk, document__epci=epci).exists():
        raise Http404("Ce document n'est pas publié sur ce territoire.")
    return _rendre(
        request, "public/document.html", {"epci": epci, "version": version_avec_contenu(pk)}, page="public:territoire"
    )


@page_publique
def priorites(request, epci):
    return _rendre(
        request,
        "public/priorites.html",
        {"epci": epci, "criteres": [libelle for _, libelle in CriterePriorite.Critere.choices]},
        page="public:priorites",
    )


def _tableau(lignes: list[dict], code: str) -> list[dict]:
    """The rows of one place (a commune's INSEE code or the territory's SIREN), typologies in order."""
    par_typo = {li["typologie"]: li for li in lignes if li["code_geo"] == code}
    if not par_typo:
        return []
    return [{**par_typo[t], "libelle": chiffres.LIBELLES_TYPOLOGIES[t]} for t in [*chiffres.TYPOLOGIES, "ensemble"]]


@page_publique
def chiffres_territoire(request, epci):
    code = request.GET.get("commune", "")
    if code:
        if not Commune.objects.filter(epci=epci, code_insee=code).exists():
            raise Http404("Cette commune n'est pas dans le territoire.")
        return _cacheable(redirect("public:chiffres_commune", slug=epci.slug, code_insee=code))
    derniers = selectors.derniers_chiffres(epci)
    lignes = derniers.lignes if derniers else []
    communes = [li for li in lignes if li["niveau"] == "commune" and li["typologie"] == "ensemble"]
    return _rendre(
        request,
        "public/chiffres.html",
        {
            "epci": epci,
            "chiffres": derniers,
            "typologies": _tableau(lignes, epci.siren) if lignes else [],
            "communes": communes,
        },
        page="public:chiffres",
    )


@page_publique
def chiffres_commune(request, epci, code_insee):
    commune = Commune.objects.filter(epci=epci, code_insee=code_insee).first()
    if commune is None:
        raise Http404("Cette commune n'est pas dans le territoire.")
    derniers = selectors.derniers_chiffres(epci)
    lignes = _tableau(derniers.lignes, code_insee) if derniers else []
    return _rendre(
        request,
        "public/commune.html",
        {"epci": epci, "commune": commune, "chiffres": derniers, "lignes": lignes},
        page="public:chiffres",
    )


@page_publique
def donnees(request, epci):
    return _rendre(
        request,
        "public/donnees.html",
        {
            "epci": epci,
            "mois": selectors.fichiers_mensuels(epci),
            "champs": json.loads(SCHEMA.read_text(encoding="utf-8"))["fields"],
            "regle": regle_secret(epci, timezone.localdate()),
        },
        page="public:donnees",
    )


def _chiffres_du_mois(epci, mois: str):
    m = MOIS.match(mois)
    if not m:
        raise Http404("Mois attendu au format AAAA-MM.")
    annee, numero = int(m.group(1)), int(m.group(2))
    jour = next((j for j in selectors.fichiers_mensuels(epci) if (j.year, j.month) == (annee, numero)), None)
    if jour is None:
        raise Http404("Pas de fichier publié pour ce mois.")
    return ChiffresPublics.objects.get(epci=epci, jour=jour)


@page_publique
def donnees_csv(request, epci, mois):
    publies = _chiffres_du_mois(epci, mois)
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, lineterminator="\r\n")
    ecrivain.writerow(chiffres.CHAMPS)
    for ligne in publies.lignes:
        ecrivain.writerow(["" if ligne[c] is None else ligne[c] for c in chiffres.CHAMPS])
    response = HttpResponse(tampon.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="chiffres-{epci.siren}-{mois}.csv"'
    response["Link"] = f'<{request.build_absolute_uri(reverse("public:schema"))}>; rel="describedby"'
    return _cacheable(response, DUREE_CACHE_FICHIERS)


@page_publique
def donnees_json(request, epci, mois):
    publies = _chiffres_du_mois(epci, mois)
    lignes = []
    for ligne in publies.lignes:
        masques = [c for c in chiffres.CHAMPS if ligne[c] == chiffres.SECRET]
        lignes.append({**{c: None if c in masques else ligne[c] for c in chiffres.CHAMPS}, "masques": masques})
    contenu = {
        "schema": request.build_absolute_uri(reverse("public:schema")),
        "territoire": {"siren": epci.siren, "nom": epci.nom},
        "date_reference": publies.jour.isoformat(),
        "calcule_le": publies.calcule_le.isoformat(),
        "secret_statistique": {"seuil": publies.seuil_secret, "regle": publies.regle_secret},
        "parametres": publies.parametres,
        "lignes": lignes,
    }
    return _cacheable(JsonResponse(contenu, json_dumps_params={"ensure_ascii": False}), DUREE_CACHE_FICHIERS)


@require_GET
def schema(request):
    response = HttpResponse(SCHEMA.read_bytes(), content_type="application/json; charset=utf-8")
    return _cacheable(response, DUREE_CACHE_FICHIERS)
