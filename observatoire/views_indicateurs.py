"""Pages of the indicators (docs/observatoire.md): served from the stored figures, never counted on reading.

- ``accueil``: the territories and years the user may open;
- ``tableau``: one year's figures by place (territory, communes, sectors or neighbourhoods) and typology, the
  reasons (radiations, refusals, housing situations) and the comparisons (previous year, the territory, the
  département or region figures entered by the EPCI);
- ``liste``: the rows behind one figure (its drill-down), scoped to the user, exported as CSV or XLSX;
- ``export``: the table as CSV or XLSX; ``recalculer``: EPCI staff count the figures again now.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from attributions.models import DecisionCaleol, Typologie
from attributions.permissions import decisions_for_user
from attributions.selectors import duree_attente
from cil.models import Bailleur, Epci, Reservataire
from core import exports as core_exports
from core import exports_differes
from core.affichage import date_fr
from core.erreurs import ErreurMetier
from core.navigation import rubrique
from demandes.models import JournalConsultation
from demandes.permissions import acces_for, demandes_for_user
from demandes.services_rgpd import enregistrer_consultation_liste

from . import formats, indicateurs, services
from .indicateurs import ATTRIBUEES, DEMANDES, DETAILS, FAMILLE, FAMILLES_ORGANISATION, NOUVELLES, RADIEES, REFUSEES
from .models import CalculIndicateurs, ChiffreReference, Indicateur, IndicateurTerritoire, Niveau
from .permissions import can_recalculer_indicateurs, epcis_indicateurs, perimetres_indicateurs

I = Indicateur  # noqa: E741

# The columns of the table: (indicator, short header, kind of number)
COLONNES = [
    (I.DEMANDES_EN_COURS, "Demandes en cours", "nombre"),
    (I.NOUVELLES_DEMANDES, "Nouvelles demandes", "nombre"),
    (I.RADIATIONS, "Radiations", "nombre"),
    (I.ATTRIBUTIONS, "Attributions", "nombre"),
    (I.PRESSION, "Demandes par attribution", "ratio"),
    (I.DELAI_MEDIAN, "Délai médian (mois)", "mois"),
    (I.DELAI_MOYEN, "Délai moyen (mois)", "mois"),
    (I.REFUS, "Refus", "nombre"),
    (I.DEMANDES_MUTATION, "Demandes de mutation", "nombre"),
    (I.ATTRIBUTIONS_MUTATION, "Attributions en mutation", "nombre"),
    (I.PART_Q1_DEMANDES, "1er quartile parmi les demandes", "pct"),
    (I.PART_Q1_ATTRIBUTIONS, "1er quartile parmi les attributions", "pct"),
    (I.PART_PRIORITAIRES_DEMANDES, "Prioritaires parmi les demandes", "pct"),
    (I.PART_PRIORITAIRES_ATTRIBUTIONS, "Prioritaires parmi les attributions", "pct"),
]
# The list behind a derived or waiting-time figure: its numerator (the households counted).
LISTE_DE = {
    I.PRESSION: I.DEMANDES_EN_COURS,
    I.PART_Q1_DEMANDES: I.DEMANDES_Q1,
    I.PART_Q1_ATTRIBUTIONS: I.ATTRIBUTIONS_Q1,
    I.PART_PRIORITAIRES_DEMANDES: I.DEMANDES_PRIORITAIRES,
    I.PART_PRIORITAIRES_ATTRIBUTIONS: I.ATTRIBUTIONS_PRIORITAIRES,
}
NIVEAUX = [Niveau.COMMUNE, Niveau.SECTEUR, Niveau.QUARTIER]
LIBELLES_NIVEAUX = {Niveau.COMMUNE: "Communes", Niveau.SECTEUR: "Secteurs", Niveau.QUARTIER: "Quartiers"}


def _famille(indicateur: str) -> str:
    return FAMILLE[LISTE_DE.get(indicateur, indicateur)]


def _texte(valeur, genre: str) -> str:
    if valeur is None:
        return "–"
    if genre == "pct":
        return formats.nombre(valeur, 1) + formats.NBSP + "%"
    if genre in ("mois", "ratio"):
        return formats.nombre(valeur, 1)
    return formats.nombre(valeur)


# --- Who sees what ---------------------------------------------------------------------------------------------


def _organisation(request, perimetres: list) -> tuple[str, int] | None:
    """The view asked for (``?organisation=bailleur-12``) among those allowed, else the first one."""
    demande = request.GET.get("organisation", "")
    for p in perimetres:
        if p is not None and f"{p[0]}-{p[1]}" == demande:
            return p
    return perimetres[0]


def _contexte(request, siren: str, annee: int):
    epci = get_object_or_404(Epci, siren=siren)
    perimetres = perimetres_indicateurs(request.user, epci)
    if not perimetres:
        raise Http404("Territoire inconnu")
    return epci, perimetres, _organisation(request, perimetres)


def _familles_visibles(organisation) -> set[str]:
    return (
        set(FAMILLES_ORGANISATION) if organisation is not None else {DEMANDES, NOUVELLES, RADIEES, ATTRIBUEES, REFUSEES}
    )


def _peut_lister(user, epci, famille: str, organisation) -> bool:
    """Lists of demands: those who may read the territory's demands (reception desks, EPCI staff); CIL members
    read the counts only. Lists of allocations and refusals: everyone who sees the figure."""
    if famille not in _familles_visibles(organisation):
        return False
    if famille in (DEMANDES, NOUVELLES, RADIEES):
        acces = acces_for(user)
        return acces.admin or epci.pk in acces.gestion
    return True


def _filtre_organisation(organisation) -> Q:
    kind, pk = organisation or (None, None)
    return Q(bailleur_id=pk if kind == "bailleur" else None, reservataire_id=pk if kind == "reservataire" else None)


def _nom_organisation(organisation) -> str:
    if organisation is None:
        return ""
    kind, pk = organisation
    modele = Bailleur if kind == "bailleur" else Reservataire
    return str(modele.objects.filter(pk=pk).first() or "")


# --- Home ------------------------------------------------------------------------------------------------------


@login_required
@rubrique("observatoire:indicateurs")
def accueil(request):
    epcis = epcis_indicateurs(request.user)
    qs = Epci.objects.all() if epcis is None else Epci.objects.filter(pk__in=epcis)
    calculs = CalculIndicateurs.objects.filter(epci__in=qs).select_related("epci").order_by("epci__nom", "-annee")
    territoires: dict[int, dict] = {}
    for c in calculs:
        territoires.setdefault(c.epci_id, {"epci": c.epci, "calculs": []})["calculs"].append(c)
    annee = timezone.localdate().year
    sans = qs.exclude(pk__in=territoires.keys()) if epcis is not None else Epci.objects.none()
    return render(
        request,
        "observatoire/indicateurs_accueil.html",
        {"territoires": list(territoires.values()), "sans_calcul": list(sans.order_by("nom")), "annee": annee},
    )


# --- The table -------------------------------------------------------------------------------------------------


def _params(**kwargs) -> str:
    return urlencode({k: v for k, v in kwargs.items() if v not in (None, "")})


def _cle_organisation(organisation) -> str:
    return f"{organisation[0]}-{organisation[1]}" if organisation else ""


def _donnees(epci, annee: int, niveau: str, typologie: str, organisation):
    """The stored figures of one year: the territory's row and the rows of the level (one query)."""
    calcul = CalculIndicateurs.objects.filter(epci=epci, annee=annee).first()
    if calcul is None:
        return None, None, []
    figures = (
        IndicateurTerritoire.objects.filter(calcul=calcul, niveau__in=[Niveau.EPCI, niveau], typologie=typologie)
        .filter(_filtre_organisation(organisation))
        .values("niveau", "cle", "libelle", "indicateur", "detail", "valeur")
    )
    lignes = indicateurs.lire(figures, {(Niveau.EPCI, ""): epci.nom})
    total = lignes.pop((Niveau.EPCI, ""), None) or indicateurs.Ligne(Niveau.EPCI, "", epci.nom)
    return calcul, total, indicateurs.trier(lignes)


def _cellule(epci, annee, ligne, indicateur, genre, *, typologie, organisation, listes: set[str], detail=""):
    if indicateur in DETAILS and detail:
        valeur = ligne.details.get(indicateur, {}).get(detail)
    else:
        valeur = ligne.valeur(indicateur)
    url = None
    cible = LISTE_DE.get(indicateur, indicateur)
    if valeur and FAMILLE[cible] in listes:
        url = (
            reverse("observatoire:indicateurs_liste", args=[epci.siren, annee, cible])
            + "?"
            + _params(
                niveau=ligne.niveau,
                cle=ligne.cle,
                typologie=typologie,
                detail=detail,
                organisation=_cle_organisation(organisation),
            )
        )
    return {"texte": _texte(valeur, genre), "url": url, "valeur": valeur}


def _comparaisons(epci, annee, lieu, total, colonnes, typologie, organisation) -> list[dict]:
    """The place's figures beside the previous year's, the territory's and the reference figures."""
    avant = dict(
        IndicateurTerritoire.objects.filter(
            calcul__epci=epci, calcul__annee=annee - 1, niveau=lieu.niveau, cle=lieu.cle, typologie=typologie, detail=""
        )
        .filter(_filtre_organisation(organisation))
        .values_list("indicateur", "valeur")
    )
    refs: dict[str, list] = {}
    if organisation is None and not typologie:
        for r in ChiffreReference.objects.filter(epci=epci, annee__in=[annee, annee - 1]).order_by("-annee", "echelon"):
            refs.setdefault(r.indicateur, []).append(r)
    lignes = []
    avant_lieu = indicateurs.Ligne(lieu.niveau, lieu.cle, lieu.libelle, valeurs=avant)
    for indicateur, _libelle, genre in colonnes:
        n = lieu.valeur(indicateur)
        n1 = avant_lieu.valeur(indicateur)
        evolution = None
        if n is not None and n1 is not None:
            evolution = n - n1
        lignes.append(
            {
                "libelle": Indicateur(indicateur).label,
                "n": _texte(n, genre),
                "n1": _texte(n1, genre),
                "evolution": ("+" if evolution and evolution > 0 else "") + _texte(evolution, genre)
                if evolution is not None
                else "–",
                "territoire": _texte(total.valeur(indicateur), genre) if lieu.niveau != Niveau.EPCI else None,
                "references": [
                    f"{r.territoire} {r.annee} : {_texte(r.valeur, genre)} ({r.source})"
                    for r in refs.get(indicateur, [])
                ],
            }
        )
    return lignes


def _details(epci, annee, ligne, typologie, organisation, listes) -> list[dict]:
    """The reasons of the selected place: radiations, refusals, housing situations (with their lists)."""
    sections = []
    for indicateur, titre in (
        (I.SITUATION, "Situation de logement actuelle des demandeurs (demandes en cours)"),
        (I.RADIATIONS, "Radiations selon le motif"),
        (I.REFUS, "Refus des ménages selon le motif"),
    ):
        if FAMILLE[indicateur] not in _familles_visibles(organisation):
            continue
        libelles = DETAILS[indicateur]
        valeurs = ligne.details.get(indicateur, {})
        total = sum(valeurs.values(), Decimal(0))
        lignes = []
        for code, libelle in libelles.items():
            if not code:
                continue
            cellule = _cellule(
                epci,
                annee,
                ligne,
                indicateur,
                "nombre",
                typologie=typologie,
                organisation=organisation,
                listes=listes,
                detail=code,
            )
            part = (cellule["valeur"] or 0) * 100 / total if total else None
            lignes.append({"libelle": libelle, "cellule": cellule, "part": _texte(part, "pct")})
        sections.append({"code": indicateur, "titre": titre, "lignes": lignes, "total": formats.nombre(total)})
    return sections


def _tableau(request, siren: str, annee: int):
    epci, perimetres, organisation = _contexte(request, siren, annee)
    niveau = request.GET.get("niveau", Niveau.COMMUNE)
    if niveau not in NIVEAUX:
        niveau = Niveau.COMMUNE
    typologie = request.GET.get("typologie", "")
    if typologie not in Typologie.values:
        typologie = ""
    calcul, total, lignes = _donnees(epci, annee, niveau, typologie, organisation)
    visibles = _familles_visibles(organisation)
    colonnes = [c for c in COLONNES if _famille(c[0]) in visibles]
    listes = {f for f in visibles if _peut_lister(request.user, epci, f, organisation)}
    return epci, perimetres, organisation, niveau, typologie, calcul, total, lignes, colonnes, listes


@login_required
@rubrique("observatoire:indicateurs")
def tableau(request, siren: str, annee: int):
    epci, perimetres, organisation, niveau, typologie, calcul, total, lignes, colonnes, listes = _tableau(
        request, siren, annee
    )
    contexte = {
        "epci": epci,
        "annee": annee,
        "niveau": niveau,
        "niveaux": [(n, LIBELLES_NIVEAUX[n]) for n in NIVEAUX],
        "typologie": typologie,
        "typologies": Typologie.choices,
        "calcul": calcul,
        "peut_recalculer": can_recalculer_indicateurs(request.user, epci),
        "organisation": _cle_organisation(organisation),
        "organisations": [
            (_cle_organisation(p), _nom_organisation(p) if p else "Tout le territoire") for p in perimetres
        ],
        "nom_organisation": _nom_organisation(organisation),
        "colonnes": colonnes,
        "params": _params(niveau=niveau, typologie=typologie, organisation=_cle_organisation(organisation)),
    }
    if calcul is not None:
        opts = {"typologie": typologie, "organisation": organisation, "listes": listes}
        lieu_demande = request.GET.get("lieu", "")
        lieu = next((ligne for ligne in lignes if f"{ligne.niveau}:{ligne.cle}" == lieu_demande), total)
        contexte.update(
            {
                "total": [_cellule(epci, annee, total, c, g, **opts) for c, _, g in colonnes],
                "lignes": [
                    {"ligne": ligne, "cellules": [_cellule(epci, annee, ligne, c, g, **opts) for c, _, g in colonnes]}
                    for ligne in lignes
                ],
                "lieu": lieu,
                "lieu_code": f"{lieu.niveau}:{lieu.cle}" if lieu is not total else "",
                "comparaisons": _comparaisons(epci, annee, lieu, total, colonnes, typologie, organisation),
                "details": _details(epci, annee, lieu, typologie, organisation, listes),
                "annees": list(
                    CalculIndicateurs.objects.filter(epci=epci).order_by("-annee").values_list("annee", flat=True)
                ),
            }
        )
    return render(request, "observatoire/indicateurs.html", contexte)


@login_required
@rubrique("observatoire:indicateurs")
def export(request, siren: str, annee: int, format: str):
    """The table as shown (level, typology, view), each row a place, the territory last; then the reasons."""
    if format not in ("csv", "xlsx"):
        raise Http404("Format inconnu")
    epci, _p, organisation, niveau, typologie, calcul, total, lignes, colonnes, _l = _tableau(request, siren, annee)
    if calcul is None:
        raise Http404("Indicateurs non calculés")
    entete = ["Niveau", "Code", "Lieu", *[Indicateur(c).label for c, _, _ in colonnes]]
    rangees = [
        [Niveau(ligne.niveau).label, ligne.cle, ligne.libelle, *[ligne.valeur(c) for c, _, _ in colonnes]]
        for ligne in [*lignes, total]
    ]
    details = []
    for indicateur in DETAILS:
        if FAMILLE[indicateur] not in _familles_visibles(organisation):
            continue
        for ligne in [*lignes, total]:
            for code, valeur in sorted(ligne.details.get(indicateur, {}).items()):
                details.append(
                    [Indicateur(indicateur).label, ligne.libelle, DETAILS[indicateur].get(code, code), valeur]
                )
    nom = core_exports.safe_filename(
        f"indicateurs_{epci.siren}_{annee}_{niveau.lower()}{'_' + typologie if typologie else ''}"
        f"{'_' + _cle_organisation(organisation) if organisation else ''}"
    )
    titre = (
        f"Indicateurs {annee} – {epci.nom}{' – ' + _nom_organisation(organisation) if organisation else ''}"
        f"{' – ' + typologie if typologie else ''} – chiffres au {date_fr(calcul.date_reference)}, calculés le "
        f"{date_fr(timezone.localtime(calcul.calcule_le))}"
    )
    if format == "csv":
        return core_exports.csv_response(f"{nom}.csv", entete, rangees)
    wb = core_exports.new_workbook()
    ws = wb.create_sheet("Indicateurs")
    ws.append(core_exports.xlsx_row(ws, [titre]))
    ws.append(core_exports.xlsx_row(ws, entete))
    for r in rangees:
        ws.append(core_exports.xlsx_row(ws, r))
    ws2 = wb.create_sheet("Motifs et situations")
    ws2.append(core_exports.xlsx_row(ws2, ["Indicateur", "Lieu", "Motif ou situation", "Nombre"]))
    for r in details:
        ws2.append(core_exports.xlsx_row(ws2, r))
    return core_exports.xlsx_response(f"{nom}.xlsx", wb)


@login_required
@require_POST
@rubrique("observatoire:indicateurs")
def recalculer(request, siren: str, annee: int):
    epci = get_object_or_404(Epci, siren=siren)
    if not perimetres_indicateurs(request.user, epci):
        raise Http404("Territoire inconnu")
    try:
        services.demander_calcul_indicateurs(epci, annee, acteur=request.user)
    except ErreurMetier as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, f"Le calcul des indicateurs {annee} est lancé ; la date du calcul s'affiche ci-dessous.")
    return redirect("observatoire:indicateurs_tableau", siren=epci.siren, annee=annee)


# --- The list behind a figure ----------------------------------------------------------------------------------

COLONNES_LISTES = {
    "demandes": [
        "Numéro unique",
        "Déposée le",
        "Typologie (1er souhait)",
        "Situation de logement",
        "Radiée le",
        "Motif",
    ],
    "decisions": [
        "Numéro unique",
        "Demande déposée le",
        "Décision",
        "Décidée le",
        "Bail signé le",
        "Commune",
        "Typologie",
        "Bailleur",
        "Réservataire",
        "Attente (jours)",
    ],
    "refus": ["Logement", "Commune", "Typologie", "Bailleur", "Désignée pour", "Réponse le", "Motif du refus"],
}


CHAMPS_LISTES = {
    "demandes": ["numero_unique", "date_depot", "typologies", "logement_actuel", "date_radiation", "motif_radiation"],
    "decisions": [
        "numero_unique",
        "date_depot",
        "type_decision",
        "date_decision",
        "date_bail",
        "commune__nom",
        "typologie",
        "bailleur__nom",
        "reservataire__nom",
        "attente",
    ],
    "refus": [
        "vacance__logement__identifiant",
        "vacance__logement__commune__nom",
        "vacance__logement__typologie",
        "vacance__bailleur__nom",
        "reservataire__nom",
        "date_reponse",
        "motif_refus",
    ],
}
ORDRE_LISTES = {"demandes": ("date_depot", "pk"), "decisions": ("date_decision", "pk"), "refus": ("date_reponse", "pk")}
LIBELLES_CHAMPS = {
    "logement_actuel": DETAILS[I.SITUATION],
    "motif_radiation": DETAILS[I.RADIATIONS],
    "motif_refus": DETAILS[I.REFUS],
    "type_decision": dict(DecisionCaleol.Type.choices),
}


def _rangee(cle_liste: str, d: dict) -> list:
    rangee = []
    for champ in CHAMPS_LISTES[cle_liste]:
        valeur = d[champ]
        if champ == "typologies":
            valeur = (valeur or [""])[0]
        elif champ in LIBELLES_CHAMPS:
            valeur = LIBELLES_CHAMPS[champ].get(valeur, valeur)
        rangee.append(valeur)
    return rangee


def _liste(request, siren: str, annee: int, indicateur: str):
    if indicateur not in FAMILLE:
        raise Http404("Indicateur inconnu")
    epci, _perimetres, organisation = _contexte(request, siren, annee)
    famille = FAMILLE[indicateur]
    if famille not in _familles_visibles(organisation):
        raise Http404("Indicateur inconnu")
    if not _peut_lister(request.user, epci, famille, organisation):
        raise PermissionDenied("La liste des demandes est réservée aux guichets et au personnel de l'EPCI.")
    calcul = get_object_or_404(CalculIndicateurs, epci=epci, annee=annee)
    niveau = request.GET.get("niveau", Niveau.EPCI)
    if niveau not in Niveau.values:
        raise Http404("Niveau inconnu")
    cle = request.GET.get("cle", "")
    typologie = request.GET.get("typologie", "")
    detail = request.GET.get("detail", "")
    qs = indicateurs.lignes(
        indicateur,
        epci,
        annee,
        calcul.date_reference,
        niveau=niveau,
        cle=cle,
        typologie=typologie,
        detail=detail,
        organisation=organisation,
    )
    if famille == ATTRIBUEES:
        qs = decisions_for_user(request.user, qs).annotate(attente=duree_attente(calcul.date_reference))
    libelle_lieu = (
        IndicateurTerritoire.objects.filter(calcul=calcul, niveau=niveau, cle=cle)
        .values_list("libelle", flat=True)
        .first()
        or epci.nom
    )
    titre = Indicateur(indicateur).label
    if detail:
        titre += f" – {DETAILS.get(indicateur, {}).get(detail, detail)}"
    perimetre = f"{libelle_lieu}, {annee}{', ' + typologie if typologie else ''}"
    if organisation:
        perimetre += f", {_nom_organisation(organisation)}"
    journal = False
    if famille in (DEMANDES, NOUVELLES, RADIEES):
        cle_liste = "demandes"
        qs = demandes_for_user(request.user, qs)
        # the demands shown go in the read log (docs/droit/regles.md: who consulted which demands): all of the
        # territory's (indicateurs.base), so its row's number is the list's own count, not counted again
        journal = True
    else:
        cle_liste = "decisions" if famille == ATTRIBUEES else "refus"
    qs = qs.order_by(*ORDRE_LISTES[cle_liste]).values(*CHAMPS_LISTES[cle_liste])
    return epci, calcul, qs, titre, perimetre, cle_liste, journal


@login_required
@rubrique("observatoire:indicateurs")
def liste(request, siren: str, annee: int, indicateur: str):
    epci, calcul, qs, titre, perimetre, cle_liste, journal = _liste(request, siren, annee, indicateur)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    if journal:
        enregistrer_consultation_liste(
            utilisateur=request.user,
            objet=JournalConsultation.Objet.LISTE,
            canal=JournalConsultation.Canal.PAGE,
            nombre_par_territoire={epci.pk: page.paginator.count},
            detail=f"Observatoire : {titre} ({perimetre})"[:300],
        )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "observatoire/indicateurs_liste.html",
        {
            "epci": epci,
            "annee": annee,
            "calcul": calcul,
            "titre": titre,
            "perimetre": perimetre,
            "colonnes": COLONNES_LISTES[cle_liste],
            "rangees": [_rangee(cle_liste, d) for d in page],
            "page": page,
            "indicateur": indicateur,
            "params": params.urlencode(),
        },
    )


@login_required
@rubrique("observatoire:indicateurs")
def liste_export(request, siren: str, annee: int, indicateur: str, format: str):
    """The list behind an indicator as CSV or XLSX; above ``settings.EXPORT_DIRECT_MAX_LIGNES`` rows written by
    the worker (``core.exports_differes``, producer ``production_liste``). The read log is written here, when
    the user asks for the demands."""
    if format not in ("csv", "xlsx"):
        raise Http404("Format inconnu")
    epci, calcul, qs, titre, perimetre, cle_liste, journal = _liste(request, siren, annee, indicateur)
    nombre = qs.count()
    if journal:
        enregistrer_consultation_liste(
            utilisateur=request.user,
            objet=JournalConsultation.Objet.EXPORT,
            canal=JournalConsultation.Canal.EXPORT,
            nombre_par_territoire={epci.pk: nombre},
            detail=f"Observatoire, export {format.upper()} : {titre} ({perimetre})"[:300],
        )
    nom = core_exports.safe_filename(f"{indicateur.lower()}_{epci.siren}_{annee}")
    titre_fichier = f"{titre} ({perimetre}) – au {date_fr(calcul.date_reference)}"
    differe = exports_differes.differer_au_dela_du_seuil(
        request,
        "observatoire.indicateurs_liste",
        {"siren": siren, "annee": annee, "indicateur": indicateur, "get": dict(request.GET.lists())},
        total=lambda: nombre,
        titre=titre_fichier,
        nom_fichier=f"{nom}.{format}",
    )
    if differe is not None:
        return differe
    rangees = (_rangee(cle_liste, d) for d in qs.iterator(chunk_size=2000))
    entete = COLONNES_LISTES[cle_liste]
    if format == "csv":
        return core_exports.csv_response(f"{nom}.csv", entete, rangees)
    classeur = core_exports.classeur_liste("Liste", titre_fichier, entete, rangees)
    return core_exports.xlsx_response(f"{nom}.xlsx", classeur)


def production_liste(utilisateur, parametres: dict) -> exports_differes.Production:
    """The list behind an indicator as a deferred file: the page's own selection and scoping (``_liste``),
    applied for the user who asked, when the worker writes the file (the read log was written at the request)."""
    _epci, calcul, qs, titre, perimetre, cle_liste, _journal = _liste(
        exports_differes.requete_de(utilisateur, parametres["get"]),
        parametres["siren"],
        parametres["annee"],
        parametres["indicateur"],
    )
    return exports_differes.Production(
        titre=f"{titre} ({perimetre}) – au {date_fr(calcul.date_reference)}",
        colonnes=COLONNES_LISTES[cle_liste],
        total=qs.count(),
        lignes=(_rangee(cle_liste, d) for d in qs.iterator(chunk_size=2000)),
        feuille="Liste",
    )
