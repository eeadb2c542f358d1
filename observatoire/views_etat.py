"""The State's per-EPCI table (observatoire.etat): the page, its CSV/XLSX export and the list behind each figure."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from attributions import exports as exports_decisions
from attributions.models import DecisionCaleol
from attributions.rules import RegleError
from attributions.selectors import ObjectifsIndisponibles
from cil.models import Epci
from cil.permissions import scope_for
from core import exports_differes, parametres
from core.erreurs import ErreurMetier
from core.navigation import rubrique

from . import etat, services
from .exports_etat import classeur_etat, lignes_csv_etat
from .permissions import can_recalculer_indicateurs, perimetre_etat


def _epcis_visibles(user):
    scope = scope_for(user)
    if scope.admin:
        return Epci.objects.filter(pk__in=DecisionCaleol.objects.values("epci")).order_by("nom")
    ids = scope.epci_lecture | (scope.epci_tous if scope.bailleurs or scope.reservataires else frozenset())
    return Epci.objects.filter(pk__in=ids).order_by("nom")


def _contexte(request):
    """The territory, year, day (None: the nightly figures' day) and what the user sees of it; 404 for a territory
    they may not see."""
    visibles = list(_epcis_visibles(request.user))
    siren = request.GET.get("epci")
    epci = next((e for e in visibles if e.siren == siren), None) if siren else (visibles[0] if visibles else None)
    perimetre = perimetre_etat(request.user, epci) if epci is not None else None
    if perimetre is None:
        raise Http404("Territoire inconnu ou hors de votre périmètre.")
    aujourd_hui = timezone.localdate()
    annee = parametres.annee(request.GET, defaut=aujourd_hui.year)
    jour = parametres.date(request.GET, "jour", defaut=None)
    if jour is not None and jour.year != annee:
        raise parametres.ParametreInvalide("jour", f"le jour doit être dans l'année {annee}.")
    return epci, annee, jour, perimetre, visibles


def _lecture(epci, annee, jour, perimetre) -> etat.Lecture:
    try:
        return etat.lire(epci, annee, jour, perimetre, aujourd_hui=timezone.localdate())
    except (ObjectifsIndisponibles, RegleError) as exc:
        raise Http404(str(exc)) from None


def _cases(ligne: etat.Ligne, url_liste: str) -> list[tuple]:
    """The figures of a line as the page prints them, (value, link to its list or None, masked), computed once here
    rather than by some ten template lookups per cell."""
    cases = []
    for c in ligne.cellules:
        lien = f"{url_liste}&public={c.public}{ligne.parametre}"
        cases.append((c.nombre, lien, c.nombre_masque))
        cases.append((c.en_qpv, f"{url_liste}&public={c.public}&qpv=1{ligne.parametre}", c.en_qpv_masque))
        cases.append((c.part_qpv_texte, None, c.part_masquee))
    return cases


def _sections(tableau: etat.TableauEtat, url_liste: str) -> list[dict]:
    sections = []
    for titre, ident, lignes in (
        ("Territoire", "etat-territoire", [tableau.total] if tableau.total else []),
        ("Par bailleur", "etat-bailleurs", tableau.bailleurs),
        ("Par réservataire", "etat-reservataires", tableau.reservataires),
    ):
        if lignes:
            sections.append(
                {
                    "titre": titre,
                    "id": ident,
                    "lignes": [{"ligne": li, "cases": _cases(li, url_liste)} for li in lignes],
                }
            )
    return sections


@login_required
@rubrique("observatoire:etat")
def tableau(request):
    epci, annee, jour, perimetre, visibles = _contexte(request)
    lecture = _lecture(epci, annee, jour, perimetre)
    tableau = lecture.tableau
    aujourd_hui = timezone.localdate()
    # the lists' address, reversed once (a table of 40 lines holds some 600 links)
    url_liste = f"{reverse('observatoire:etat_liste')}?epci={epci.siren}&annee={annee}&jour={tableau.jour.isoformat()}"
    return render(
        request,
        "observatoire/etat.html",
        {
            "t": tableau,
            "lecture": lecture,
            "epci": epci,
            "epcis": visibles,
            "annee": annee,
            "jour": tableau.jour,
            "annees": list(range(aujourd_hui.year - 4, aujourd_hui.year + 1)),
            "publics": etat.PUBLICS,
            "entier": perimetre.entier,
            "en_cours": tableau.jour < dt.date(annee, 12, 31),
            "peut_recalculer": can_recalculer_indicateurs(request.user, epci),
            "params": f"epci={epci.siren}&annee={annee}&jour={tableau.jour.isoformat()}",
            "url_liste": url_liste,
            # the cells are prepared only when the tables are rendered (not when their kept rendering is served)
            "sections": lambda: _sections(tableau, url_liste),
        },
    )


@login_required
@require_POST
@rubrique("observatoire:etat")
def recalculer(request):
    """EPCI staff count the territory's indicators and State table of the year again now (the indicators' job)."""
    epci, annee, _, perimetre, _ = _contexte(request)
    try:
        services.demander_calcul_indicateurs(epci, annee, acteur=request.user)
    except ErreurMetier as exc:
        messages.error(request, str(exc))
    else:
        messages.info(
            request, f"Le calcul du tableau {annee} et des indicateurs est lancé ; sa date s'affiche ci-dessous."
        )
    return redirect(f"{reverse('observatoire:etat')}?{urlencode({'epci': epci.siren, 'annee': annee})}")


@login_required
@rubrique("observatoire:etat")
def export(request, format: str):
    if format not in ("csv", "xlsx"):
        raise Http404("Format inconnu")
    epci, annee, jour, perimetre, _ = _contexte(request)
    tableau = _lecture(epci, annee, jour, perimetre).tableau
    nom = f"tableau_etat_{epci.siren}_{annee}_au_{tableau.jour.isoformat()}"
    from core import exports as core_exports

    if format == "csv":
        entete, lignes = lignes_csv_etat(tableau)
        return core_exports.csv_response(f"{nom}.csv", entete, lignes)
    return core_exports.xlsx_response(f"{nom}.xlsx", classeur_etat(tableau))


def _cle_cellule(public: str, *, en_qpv: bool, inconnue: bool) -> str:
    if inconnue:
        return f"{public}__inconnue"
    return f"{public}__qpv" if en_qpv else public


def _liste(request):
    epci, annee, jour, perimetre, _ = _contexte(request)
    public = request.GET.get("public", "attributions")
    if public not in etat.PUBLICS:
        raise Http404("Public inconnu")
    inconnue = request.GET.get("situation") == "inconnue"
    if inconnue and public not in etat.INCONNUES:
        raise Http404("Public inconnu")
    en_qpv = request.GET.get("qpv") == "1"
    bailleur = parametres.identifiant(request.GET, "bailleur")
    reservataire = parametres.identifiant(request.GET, "reservataire")
    if bailleur is not None and reservataire is not None:
        raise Http404("Aucun chiffre du tableau ne croise un bailleur et un réservataire.")
    if not perimetre.entier and not (
        (bailleur is not None and bailleur in perimetre.bailleurs)
        or (reservataire is not None and reservataire in perimetre.reservataires)
    ):
        raise Http404("Liste hors de votre périmètre.")
    if not perimetre.masque:
        jour = jour or etat.jour_lu_par_defaut(annee, timezone.localdate())
    else:
        # the list of a masked figure would print it: refused, as the figure is
        lecture = _lecture(epci, annee, jour, perimetre)
        jour = lecture.tableau.jour
        if bailleur is not None:
            ligne = ("BAILLEUR", bailleur)
        elif reservataire is not None:
            ligne = ("RESERVATAIRE", reservataire)
        else:
            ligne = ("EPCI", epci.pk)
        if lecture.tableau.est_masquee(*ligne, _cle_cellule(public, en_qpv=en_qpv, inconnue=inconnue)):
            raise Http404("Ce chiffre est couvert par le secret statistique : sa liste n'est pas consultable.")
    try:
        decisions = etat.liste_decisions(
            epci,
            annee,
            jour,
            public,
            en_qpv=en_qpv,
            inconnue=inconnue,
            bailleur=bailleur,
            reservataire=reservataire,
        )
    except ObjectifsIndisponibles as exc:
        raise Http404(str(exc)) from None
    decisions = decisions.select_related("logement", "bailleur", "commune", "qpv", "reservataire").order_by(
        "-date_bail", "numero_unique", "pk"
    )
    titre = etat.PUBLICS[public]
    if inconnue:
        titre += " : situation inconnue"
    elif en_qpv:
        titre += " en QPV"
    titre += f" – {epci.nom}, baux signés du 01/01/{annee} au {jour:%d/%m/%Y}"
    if bailleur is not None or reservataire is not None:
        from cil.models import Bailleur, Reservataire

        organisation = (
            Bailleur.objects.filter(pk=bailleur).first()
            if bailleur is not None
            else Reservataire.objects.filter(pk=reservataire).first()
        )
        if organisation is not None:
            titre += f" – {organisation.nom}"
    return epci, annee, jour, decisions, titre


@login_required
@rubrique("observatoire:etat")
def liste(request):
    epci, annee, jour, decisions, titre = _liste(request)
    page = Paginator(decisions, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "observatoire/etat_liste.html",
        {
            "epci": epci,
            "annee": annee,
            "jour": jour,
            "page": page,
            "titre": titre,
            "params": params.urlencode(),
        },
    )


@login_required
@rubrique("observatoire:etat")
def liste_export(request, format: str):
    """The decisions behind a figure as CSV or XLSX; above ``settings.EXPORT_DIRECT_MAX_LIGNES`` rows written by
    the worker (``core.exports_differes``, producer ``production_liste``)."""
    if format not in ("csv", "xlsx"):
        raise Http404("Format inconnu")
    epci, annee, jour, decisions, titre = _liste(request)
    nom = f"tableau_etat_{epci.siren}_{annee}_decisions"
    differe = exports_differes.differer_au_dela_du_seuil(
        request,
        "observatoire.etat_liste",
        dict(request.GET.lists()),
        total=decisions.count,
        titre=titre,
        nom_fichier=f"{nom}.{format}",
    )
    if differe is not None:
        return differe
    if format == "csv":
        return exports_decisions.to_csv(f"{nom}.csv", decisions.iterator(chunk_size=2000))
    return exports_decisions.to_xlsx(f"{nom}.xlsx", decisions.iterator(chunk_size=2000), titre=titre)


def production_liste(utilisateur, parametres: dict) -> exports_differes.Production:
    """The decisions behind a figure as a deferred file: the list page's own selection, scoping and secrecy
    (``_liste``), applied for the user who asked, when the worker writes the file."""
    _epci, _annee, _jour, decisions, titre = _liste(exports_differes.requete_de(utilisateur, parametres))
    return exports_differes.Production(
        titre=titre,
        colonnes=[nom for nom, _ in exports_decisions.COLONNES],
        total=decisions.count(),
        lignes=exports_decisions.lignes(decisions.iterator(chunk_size=2000)),
        feuille="Attributions",
    )
