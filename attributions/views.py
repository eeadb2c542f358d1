"""Pages of the objectives: dashboard, list of allocations behind each figure, import of F1 files."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cil.models import Epci, Reservataire
from cil.permissions import scope_for
from core import exports_differes, parametres
from core.navigation import rubrique

from . import exports
from .filters import DecisionFilter
from .forms import ImportForm
from .models import DecisionCaleol, InstantaneObjectifs, LotImport
from .permissions import can_import, can_view_objectives, can_view_whole_territory
from .selectors import (
    OBJECTIFS,
    ObjectifsIndisponibles,
    decisions_a_qualifier,
    liste_decisions,
)
from .services import (
    TYPES_QUALIFICATION,
    ActionRefusee,
    ImportRejete,
    figures_servies,
    import_attributions,
    objectifs_servis,
    qualifier_reservataire,
)

LIBELLES_OBJECTIFS = {
    "hors_qpv": "Attributions hors QPV suivies d'un bail (objectif A)",
    "qpv": "Attributions en QPV (objectif B)",
    "prioritaires": "Attributions par réservataire : DALO ou prioritaires (objectif C)",
    "mutations": "Mutations",
}
LIBELLES_PARTS = {"base": "toutes les attributions comptées", "numerateur": "celles qui remplissent l'objectif"}


def epcis_visibles(user):
    scope = scope_for(user)
    if scope.admin:
        return Epci.objects.filter(pk__in=DecisionCaleol.objects.values("epci")).order_by("nom")
    return Epci.objects.filter(pk__in=scope.epci_tous).order_by("nom")


def _choisir_epci(request) -> Epci:
    visibles = epcis_visibles(request.user)
    siren = request.GET.get("epci") or request.POST.get("epci")
    epci = visibles.filter(siren=siren).first() if siren else visibles.first()
    if epci is None or not can_view_objectives(request.user, epci):
        raise PermissionDenied("Vous n'avez accès aux objectifs d'aucun territoire.")
    return epci


def _choisir_annee(request, epci, queryset) -> int:
    annee = parametres.annee(request.GET) or parametres.annee(request.POST)
    if annee:
        return annee
    derniere = queryset.filter(epci=epci).aggregate(d=Max("date_decision"))["d"]
    return derniere.year if derniere else timezone.localdate().year


def _perimetre(user, epci):
    """The decisions the user may count: the whole territory, or their organisation's share."""
    if can_view_whole_territory(user, epci):
        return None, "Tout le territoire"
    scope = scope_for(user)
    qs = DecisionCaleol.objects.for_user(user)
    noms = []
    if scope.bailleurs:
        from cil.models import Bailleur

        noms += list(Bailleur.objects.filter(pk__in=scope.bailleurs).values_list("nom", flat=True))
    if scope.reservataires:
        from cil.models import Reservataire

        noms += list(Reservataire.objects.filter(pk__in=scope.reservataires).values_list("nom", flat=True))
    return qs, "Attributions de " + ", ".join(noms)


def _nom_utilisateur(prenom, nom, identifiant) -> str | None:
    """As core.User.__str__, from the values of a row."""
    if not identifiant:
        return None
    complet = f"{prenom or ''} {nom or ''}".strip()
    return f"{complet} ({identifiant})" if complet else identifiant


def _instantanes_affiches(epci, annee: int) -> list[dict]:
    """The last five snapshots of the year, with only the three rates the table shows (never the whole JSON)."""
    from django.db.models.fields.json import KeyTransform

    rows = (
        InstantaneObjectifs.objects.filter(epci=epci, annee=annee)
        .order_by("-calcule_le", "-pk")
        .annotate(
            a=KeyTransform("hors_qpv", "resultat"),
            b=KeyTransform("qpv", "resultat"),
            c=KeyTransform("prioritaires", "resultat"),
            simulation=KeyTransform("simulation_seuil", "resultat"),
        )
        .values(
            "calcule_le",
            "declencheur",
            "a",
            "b",
            "c",
            "simulation",
            "demande_par__username",
            "demande_par__first_name",
            "demande_par__last_name",
        )[:5]
    )
    return [
        {
            **row,
            "origine": InstantaneObjectifs.Declencheur(row["declencheur"]).label,
            "demande_par": _nom_utilisateur(
                row["demande_par__first_name"], row["demande_par__last_name"], row["demande_par__username"]
            ),
        }
        for row in rows
    ]


@login_required
@rubrique("attributions:tableau_de_bord")
def tableau_de_bord(request):
    epci = _choisir_epci(request)
    queryset, perimetre = _perimetre(request.user, epci)
    annee = _choisir_annee(request, epci, queryset if queryset is not None else DecisionCaleol.objects.all())
    try:
        resultat, calcule_le = objectifs_servis(request.user, epci, annee)
    except ObjectifsIndisponibles as exc:
        return render(request, "attributions/indisponible.html", {"epci": epci, "message": str(exc)}, status=409)
    historique = []
    for a in range(annee - 2, annee + 1):
        if a == annee:
            historique.append({"annee": a, **resultat})
            continue
        try:
            historique.append(figures_servies(request.user, epci, a))
        except ObjectifsIndisponibles:
            continue  # no threshold loaded for that year: the year is left out of the comparison
    territoire_entier = queryset is None
    instantanes = _instantanes_affiches(epci, annee) if territoire_entier else []
    simulation = simulation_le = None
    if instantanes:
        simulation = next((i["simulation"] for i in instantanes if i["simulation"]), None)
        if simulation:
            simulation_le = (
                dt.datetime.fromisoformat(simulation["calculee_le"])
                if simulation.get("calculee_le")
                else next(i["calcule_le"] for i in instantanes if i["simulation"])
            )
    graphique = evolution = None
    try:
        from observatoire import charts
    except ImportError:  # the observatory app is optional for this page
        charts = None
    if charts is not None:
        indicateurs = [
            {"label": "A. Hors QPV : 1er quartile ou relogés", **resultat["hors_qpv"]},
            {"label": "B. En QPV : quartiles 2 à 4", **resultat["qpv"]},
            {"label": "C. DALO ou prioritaires (tous réservataires)", **resultat["prioritaires"]},
        ] + [{"label": f"C. {r['nom']}", **r} for r in resultat["reservataires"]]
        titre = f"Objectifs légaux {annee} – {epci.nom}"
        if not territoire_entier:
            titre += f" – {perimetre}"
        graphique = charts.barres_objectifs(indicateurs, titre=titre)
        evolution = charts.evolution(
            {
                "A. Hors QPV": [(h["annee"], h["hors_qpv"]["taux"]) for h in historique],
                "B. En QPV": [(h["annee"], h["qpv"]["taux"]) for h in historique],
                "C. Prioritaires": [(h["annee"], h["prioritaires"]["taux"]) for h in historique],
            },
            titre="Évolution sur trois ans",
        )
    codes = ("hors_qpv", "qpv", "prioritaires", "mutations")

    def groupes(key):
        return [{"nom": g["nom"], "pk": g["pk"], "cellules": [(c, g[c]) for c in codes]} for g in resultat.get(key, [])]

    return render(
        request,
        "attributions/tableau_de_bord.html",
        {
            "epci": epci,
            "epcis": epcis_visibles(request.user),
            "annee": annee,
            "annees": list(range(annee - 4, annee + 2)),
            "r": resultat,
            "historique": historique,
            "perimetre": perimetre,
            "territoire_entier": territoire_entier,
            "instantanes": instantanes,
            "simulation": simulation,
            "simulation_le": simulation_le,
            "calcule_le": calcule_le,
            "peut_recalculer": can_import(request.user, epci),
            "graphique": graphique,
            "evolution": evolution,
            "par_bailleur": groupes("bailleurs"),
            "par_commune": groupes("communes"),
            "par_secteur": groupes("secteurs"),
            "a_qualifier": list(decisions_a_qualifier(epci, queryset)[:200]),
            "peut_qualifier": can_import(request.user, epci),
            "reservataires_qualifiables": _reservataires_qualifiables(epci) if can_import(request.user, epci) else [],
        },
    )


def _reservataires_qualifiables(epci):
    """The holders a generic national code may stand for on this territory (local authorities, other holders)."""
    types = set().union(*TYPES_QUALIFICATION.values())
    return list(
        Reservataire.objects.filter(epcis=epci, type__in=types).exclude(code__startswith="SNE-").order_by("nom")
    )


@login_required
@require_POST
def qualifier(request, pk: int):
    """Name the holder of an allocation received from the SNE with a generic code (COLTER, AUTRES)."""
    decision = get_object_or_404(DecisionCaleol.objects.for_user(request.user).select_related("epci"), pk=pk)
    if not can_import(request.user, decision.epci):
        raise PermissionDenied("Seul le personnel de l'EPCI qualifie le réservataire d'une attribution.")
    reservataire = Reservataire.objects.filter(
        pk=parametres.entier(request.POST, "reservataire"), epcis=decision.epci
    ).first()
    url = reverse("attributions:tableau_de_bord") + f"?epci={decision.epci.siren}&annee={decision.date_decision.year}"
    if reservataire is None:
        messages.error(request, "Choisissez le réservataire de cette attribution.")
        return redirect(url + "#a-qualifier")
    try:
        qualifier_reservataire(decision=decision, reservataire=reservataire, acteur=request.user)
    except ActionRefusee as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Attribution du logement {decision.logement.identifiant} : réservataire {reservataire.nom}."
        )
    return redirect(url + "#a-qualifier")


@login_required
@require_POST
def recalculer(request):
    epci = _choisir_epci(request)
    annee = _choisir_annee(request, epci, DecisionCaleol.objects.all())
    if not can_import(request.user, epci):
        raise PermissionDenied
    from .tasks import recalculer_instantane

    transaction.on_commit(
        lambda: recalculer_instantane.delay(epci.pk, annee, declencheur="DEMANDE", acteur_id=request.user.pk)
    )
    messages.success(request, f"Le calcul des objectifs {annee} est lancé ; l'instantané apparaîtra ci-dessous.")
    return redirect(reverse("attributions:tableau_de_bord") + f"?epci={epci.siren}&annee={annee}")


def _liste(request):
    epci = _choisir_epci(request)
    queryset, perimetre = _perimetre(request.user, epci)
    annee = _choisir_annee(request, epci, DecisionCaleol.objects.all())
    objectif = request.GET.get("objectif", "prioritaires")
    part = request.GET.get("part", "base")
    if objectif not in OBJECTIFS or part not in LIBELLES_PARTS:
        raise Http404("Objectif inconnu")
    try:
        decisions = liste_decisions(epci, annee, objectif, part, queryset)
    except ObjectifsIndisponibles as exc:
        raise Http404(str(exc)) from None
    filtre = DecisionFilter(request.GET, queryset=decisions, epci=epci)
    decisions = filtre.qs.select_related("logement", "bailleur", "commune", "qpv", "reservataire").order_by(
        "-date_decision", "numero_unique", "pk"
    )
    titre = f"{LIBELLES_OBJECTIFS[objectif]} – {LIBELLES_PARTS[part]} – {epci.nom} {annee}"
    return epci, annee, objectif, part, filtre, decisions, titre, perimetre


def _cibles_de_la_liste(epci, annee: int, objectif: str, filtre) -> dict:
    """The legal target of the figure behind the list and, beside it, the local target of its scope (if any)."""
    from cil.models import Objectif
    from cil.selectors import cibles_locales_pour_annee, taux_legaux_pour_annee
    from core.pourcentages import texte_pourcentage

    from .selectors import CODES_CIBLES, Cibles

    code = next(o for o, c in CODES_CIBLES.items() if c == objectif)
    cibles = Cibles(legales=taux_legaux_pour_annee(annee), locales=cibles_locales_pour_annee(epci, annee))
    donnees = filtre.form.cleaned_data if filtre.form.is_valid() else {}
    portee = {f"{k}_id": donnees[k].pk for k in ("bailleur", "reservataire", "secteur", "commune") if donnees.get(k)}
    legale = cibles.legale(code)
    reservataire = donnees.get("reservataire")
    if reservataire is not None and reservataire.type in ("ETAT", "ETAT_AGENTS"):
        legale = cibles.legale(Objectif.PRIORITAIRES_ETAT)
    return {"legale": texte_pourcentage(legale), "locale": cibles.locale(code, **portee)}


@login_required
@rubrique("attributions:liste")
def liste(request):
    epci, annee, objectif, part, filtre, decisions, titre, perimetre = _liste(request)
    page = Paginator(decisions, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "attributions/liste.html",
        {
            "epci": epci,
            "annee": annee,
            "objectif": objectif,
            "part": part,
            "filtre": filtre,
            "page": page,
            "titre": titre,
            "perimetre": perimetre,
            "params": params.urlencode(),
            "cibles": _cibles_de_la_liste(epci, annee, objectif, filtre),
        },
    )


@login_required
@rubrique("attributions:liste")
def export(request, format):
    """The list as CSV or XLSX: in the response up to ``settings.EXPORT_DIRECT_MAX_LIGNES`` rows, written by the
    worker above (``core.exports_differes``)."""
    if format not in ("csv", "xlsx"):
        raise Http404("Format inconnu")
    epci, annee, objectif, part, filtre, decisions, titre, perimetre = _liste(request)
    nom = f"attributions_{epci.siren}_{annee}_{objectif}_{part}"
    differe = exports_differes.differer_au_dela_du_seuil(
        request,
        "attributions.liste",
        dict(request.GET.lists()),
        total=decisions.count,
        titre=f"{titre} ({perimetre})",
        nom_fichier=f"{nom}.{format}",
    )
    if differe is not None:
        return differe
    if format == "csv":
        return exports.to_csv(f"{nom}.csv", decisions.iterator(chunk_size=2000))
    return exports.to_xlsx(f"{nom}.xlsx", decisions.iterator(chunk_size=2000), titre=f"{titre} ({perimetre})")


def production_liste(utilisateur, parametres: dict) -> exports_differes.Production:
    """The allocations list as a deferred file: the page's own selection and scoping (``_liste``), applied for
    the user who asked, when the worker writes the file."""
    _epci, _annee, _objectif, _part, _filtre, decisions, titre, perimetre = _liste(
        exports_differes.requete_de(utilisateur, parametres)
    )
    return exports_differes.Production(
        titre=f"{titre} ({perimetre})",
        colonnes=[nom for nom, _ in exports.COLONNES],
        total=decisions.count(),
        lignes=exports.lignes(decisions.iterator(chunk_size=2000)),
        feuille="Attributions",
    )


@login_required
@rubrique("attributions:import")
def importer(request):
    if not can_import(request.user):
        raise PermissionDenied("Seul le personnel de l'EPCI peut importer des extraits.")
    rejet = rapport = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            fichier = form.cleaned_data["fichier"]
            try:
                rapport = import_attributions(contenu=fichier.read(), nom_fichier=fichier.name, acteur=request.user)
            except ImportRejete as exc:
                rejet = exc
            else:
                messages.success(
                    request,
                    f"{fichier.name} importé : {rapport.nb_creees} décisions créées, {rapport.nb_modifiees} modifiées, "
                    f"{rapport.nb_inchangees} inchangées. Les objectifs sont recalculés.",
                )
                return redirect("attributions:import")
    else:
        form = ImportForm()
    scope = scope_for(request.user)
    lots = LotImport.objects.select_related("importe_par")
    if not scope.admin:
        lots = lots.filter(decisions__epci__in=scope.epci_staff).distinct()
    return render(
        request,
        "attributions/import.html",
        {"form": form, "rejet": rejet, "rapport": rapport, "lots": lots[:20]},
        status=400 if rejet else 200,
    )
