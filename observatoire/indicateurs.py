"""The observatory's indicators: what each counts (docs/observatoire.md), counted in SQL, stored, read back.

One definition per indicator serves both the count and its list: ``source(indicateur, ...)`` gives the rows
behind a figure (a queryset of demands, decisions or candidates) and ``Source`` knows how to group them by place,
typology, reason and organisation. ``calculer`` runs the grouped aggregations (a few dozen queries per territory
and year, whatever its size) and returns the figures; ``services.calculer_indicateurs`` stores them; the pages read
the stored rows only (``tableau``, ``par_commune``).

The rules come from the apps that own them, never restated here: what an allocation counts for
(``attributions.selectors.q_decision_comptee``: one per dwelling and commission, in the year of the decision), the
observed waiting time (``attributions.selectors.duree_attente``), the first quartile of an allocation
(``attributions.selectors.q_premier_quartile``) and of a demand (``demandes.selectors.q_demande_premier_quartile``),
a priority household (``dalo`` or ``prioritaire`` on a decision; ``demandes.selectors.q_demande_prioritaire`` on a
demand), a demand in force (``demandes.selectors.q_en_cours``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform

from attributions.models import Candidature, DecisionCaleol, Typologie
from attributions.selectors import duree_attente, q_decision_comptee, q_premier_quartile
from cil.models import Commune, Epci, Quartier, Secteur
from cil.selectors import seuil_applicable
from core.db import Percentile, cle_fr
from core.durees import JOURS_PAR_MOIS
from demandes.models import Demande
from demandes.selectors import q_demande_premier_quartile, q_demande_prioritaire, q_en_cours

from .models import CalculIndicateurs, Indicateur, IndicateurTerritoire, Niveau

I = Indicateur  # noqa: E741 - short alias for the table below
DEUX_DECIMALES = Decimal("0.01")
TYPOLOGIES = list(Typologie.values)
LIBELLES_TYPOLOGIES = dict(Typologie.choices)

# The families of rows an indicator counts; each has its own base queryset (``source``).
DEMANDES, NOUVELLES, RADIEES, ATTRIBUEES, REFUSEES = "demandes", "nouvelles", "radiees", "attribuees", "refusees"
FAMILLE = {
    I.DEMANDES_EN_COURS: DEMANDES,
    I.DEMANDES_Q1: DEMANDES,
    I.DEMANDES_PRIORITAIRES: DEMANDES,
    I.DEMANDES_MUTATION: DEMANDES,
    I.SITUATION: DEMANDES,
    I.NOUVELLES_DEMANDES: NOUVELLES,
    I.RADIATIONS: RADIEES,
    I.ATTRIBUTIONS: ATTRIBUEES,
    I.ATTRIBUTIONS_Q1: ATTRIBUEES,
    I.ATTRIBUTIONS_PRIORITAIRES: ATTRIBUEES,
    I.ATTRIBUTIONS_MUTATION: ATTRIBUEES,
    I.DELAI_MEDIAN: ATTRIBUEES,
    I.DELAI_MOYEN: ATTRIBUEES,
    I.REFUS: REFUSEES,
}
# Families a landlord or a reservation holder has a share of (their own dwellings, their own candidates).
FAMILLES_ORGANISATION = frozenset({ATTRIBUEES, REFUSEES})
# Derived figures: numerator, denominator, factor (a share in percent, or a plain ratio).
DERIVES = {
    I.PRESSION: (I.DEMANDES_EN_COURS, I.ATTRIBUTIONS, 1),
    I.PART_Q1_DEMANDES: (I.DEMANDES_Q1, I.DEMANDES_EN_COURS, 100),
    I.PART_Q1_ATTRIBUTIONS: (I.ATTRIBUTIONS_Q1, I.ATTRIBUTIONS, 100),
    I.PART_PRIORITAIRES_DEMANDES: (I.DEMANDES_PRIORITAIRES, I.DEMANDES_EN_COURS, 100),
    I.PART_PRIORITAIRES_ATTRIBUTIONS: (I.ATTRIBUTIONS_PRIORITAIRES, I.ATTRIBUTIONS, 100),
}
# Indicators broken down by a reason (stored with ``detail``), and the labels of the reasons.
DETAILS = {
    I.SITUATION: dict(Demande.LogementActuel.choices),
    I.RADIATIONS: dict(Demande._meta.get_field("motif_radiation").choices),
    I.REFUS: dict(Candidature.MotifRefus.choices),
}


def date_reference(annee: int, aujourd_hui: dt.date) -> dt.date:
    """31 December of the year; for the current year, the day before the computation (the last complete day)."""
    return min(dt.date(annee, 12, 31), aujourd_hui - dt.timedelta(days=1))


def _debut(annee: int) -> dt.date:
    return dt.date(annee, 1, 1)


# --- The rows behind each figure ------------------------------------------------------------------------------


def base(famille: str, epci: Epci, annee: int, jour: dt.date) -> QuerySet:
    """The rows a family of indicators counts, for the territory, the year and its reference date ``jour``."""
    if famille == DEMANDES:
        return Demande.objects.filter(q_en_cours(jour), epci=epci)
    if famille == NOUVELLES:
        return Demande.objects.filter(epci=epci, date_depot__gte=_debut(annee), date_depot__lte=jour)
    if famille == RADIEES:
        return Demande.objects.filter(epci=epci, date_radiation__gte=_debut(annee), date_radiation__lte=jour)
    if famille == ATTRIBUEES:
        return DecisionCaleol.objects.filter(q_decision_comptee(annee), epci=epci, date_decision__lte=jour)
    if famille == REFUSEES:
        return Candidature.objects.filter(
            vacance__epci=epci,
            reponse=Candidature.Reponse.REFUS,
            date_reponse__gte=_debut(annee),
            date_reponse__lte=jour,
        )
    raise ValueError(famille)


def condition(indicateur: str, annee: int, jour: dt.date, seuil_q1: Decimal | None) -> Q | None:
    """What a row must also satisfy to count for ``indicateur`` (None: every row of its family).

    Raises ValueError for a first-quartile figure without a threshold (the caller skips it)."""
    if indicateur in (I.DEMANDES_Q1, I.ATTRIBUTIONS_Q1) and seuil_q1 is None:
        raise ValueError("Aucun seuil du premier quartile pour cette année.")
    return {
        I.DEMANDES_Q1: lambda: q_demande_premier_quartile(jour, seuil_q1),
        I.DEMANDES_PRIORITAIRES: lambda: q_demande_prioritaire(jour),
        I.DEMANDES_MUTATION: lambda: Q(est_mutation=True),
        I.ATTRIBUTIONS_Q1: lambda: q_premier_quartile(seuil_q1),
        I.ATTRIBUTIONS_PRIORITAIRES: lambda: Q(dalo=True) | Q(prioritaire=True),
        I.ATTRIBUTIONS_MUTATION: lambda: Q(mutation=True),
    }.get(indicateur, lambda: None)()


@dataclass(frozen=True)
class Dimensions:
    """How a family's rows are placed: the field of each level (None for the territory), of the typology, of the
    reason and of each kind of organisation."""

    lieux: dict[str, str | None]
    typologie: str
    detail: str | None = None
    organisations: dict[str, str] = field(default_factory=dict)


_DEMANDE = {
    Niveau.EPCI: None,
    Niveau.COMMUNE: "communes_souhaitees__code_insee",
    Niveau.SECTEUR: "communes_souhaitees__secteurs",
}
DIMENSIONS = {
    DEMANDES: Dimensions(_DEMANDE, "typo"),
    NOUVELLES: Dimensions(_DEMANDE, "typo"),
    RADIEES: Dimensions(_DEMANDE, "typo", detail="motif_radiation"),
    ATTRIBUEES: Dimensions(
        {
            Niveau.EPCI: None,
            Niveau.COMMUNE: "commune__code_insee",
            Niveau.SECTEUR: "commune__secteurs",
            Niveau.QUARTIER: "qpv__quartiers",
        },
        "typologie",
        organisations={"bailleur": "bailleur", "reservataire": "reservataire"},
    ),
    REFUSEES: Dimensions(
        {
            Niveau.EPCI: None,
            Niveau.COMMUNE: "vacance__logement__commune__code_insee",
            Niveau.SECTEUR: "vacance__logement__commune__secteurs",
            Niveau.QUARTIER: "vacance__logement__qpv__quartiers",
        },
        "vacance__logement__typologie",
        detail="motif_refus",
        organisations={"bailleur": "vacance__bailleur", "reservataire": "reservataire"},
    ),
}


def _avec_typo(qs: QuerySet, famille: str) -> QuerySet:
    if famille in (DEMANDES, NOUVELLES, RADIEES):
        # a demand's typology: the first it wishes (the platform keeps its wishes in order)
        return qs.annotate(typo=KeyTextTransform("0", "typologies"))
    return qs


def lignes(
    indicateur: str,
    epci: Epci,
    annee: int,
    jour: dt.date,
    *,
    niveau: str = Niveau.EPCI,
    cle: str = "",
    typologie: str = "",
    detail: str = "",
    organisation: tuple[str, int] | None = None,
) -> QuerySet:
    """The rows behind one stored figure (its drill-down list), by the same definition as the count."""
    famille = FAMILLE[indicateur]
    dims = DIMENSIONS[famille]
    seuil = seuil_applicable(epci, annee).seuil_q1
    qs = _avec_typo(base(famille, epci, annee, jour), famille)
    cond = condition(indicateur, annee, jour, seuil)
    if cond is not None:
        qs = qs.filter(cond)
    champ = dims.lieux.get(niveau)
    if champ is not None:
        qs = qs.filter(**{champ: cle})
    if typologie:
        qs = qs.filter(**{dims.typologie: typologie})
    if detail and dims.detail:
        qs = qs.filter(**{dims.detail: detail})
    elif indicateur == I.SITUATION and detail:
        qs = qs.filter(logement_actuel=detail)
    if organisation is not None:
        kind, pk = organisation
        qs = qs.filter(**{dims.organisations[kind]: pk})
    return qs.distinct() if champ is not None else qs


# --- The computation ------------------------------------------------------------------------------------------


@dataclass
class Figure:
    indicateur: str
    niveau: str
    cle: str
    typologie: str
    detail: str
    bailleur_id: int | None
    reservataire_id: int | None
    valeur: Decimal | None


def _mois(jours) -> Decimal | None:
    if jours is None:
        return None
    return (Decimal(str(jours)) / JOURS_PAR_MOIS).quantize(DEUX_DECIMALES, ROUND_HALF_UP)


def _mesures(famille: str, annee: int, jour: dt.date, seuil: Decimal | None, *, distinct: bool) -> dict:
    """The aggregates of a family: one Count per indicator (``distinct`` when a join may repeat a row), and the
    waiting times of the allocations."""
    # a reason's total is stored too (radiations, refusals); the housing situations add up to the demands in force
    delais = (I.DELAI_MEDIAN, I.DELAI_MOYEN)
    noms = [i for i, f in FAMILLE.items() if f == famille and i != I.SITUATION and i not in delais]
    mesures = {}
    for indicateur in noms:
        try:
            cond = condition(indicateur, annee, jour, seuil)
        except ValueError:
            continue  # no first-quartile threshold: the figure is not computed (shown as unavailable)
        mesures[str(indicateur)] = Count("pk", distinct=distinct, filter=cond)
    if famille == ATTRIBUEES:
        mesures[str(I.DELAI_MEDIAN)] = Percentile("duree", 0.5)
        mesures[str(I.DELAI_MOYEN)] = Avg("duree")
    return mesures


def _groupes(famille: str, dims: Dimensions) -> list[tuple[str, str | None, bool, str | None]]:
    """Every grouping: (level, its field, by typology or not, organisation kind or None)."""
    organisations: list[str | None] = [None, *dims.organisations]
    return [
        (niveau, champ, par_typo, org)
        for niveau, champ in dims.lieux.items()
        for par_typo in (False, True)
        for org in organisations
    ]


def calculer(epci: Epci, annee: int, jour: dt.date) -> list[Figure]:
    """Every figure of the territory for ``annee`` counted on ``jour``: grouped SQL aggregations only."""
    seuil = seuil_applicable(epci, annee).seuil_q1
    lieux = libelles_lieux(epci)
    figures: list[Figure] = []
    for famille, dims in DIMENSIONS.items():
        qs0 = _avec_typo(base(famille, epci, annee, jour), famille)
        if famille == ATTRIBUEES:
            qs0 = qs0.annotate(duree=duree_attente(jour))
        for niveau, champ, par_typo, org in _groupes(famille, dims):
            qs = qs0
            groupe = [c for c in (champ, dims.typologie if par_typo else None) if c]
            if org is not None:
                qs = qs.filter(**{f"{dims.organisations[org]}__isnull": False})
                groupe.append(dims.organisations[org])
            distinct = champ is not None and famille in (DEMANDES, NOUVELLES, RADIEES) and niveau == Niveau.SECTEUR
            mesures = _mesures(famille, annee, jour, seuil, distinct=distinct)
            figures += _lire(qs, groupe, mesures, niveau, champ, dims, par_typo, org)
            # the reasons: one more grouping by the reason's field
            details = [i for i, f in FAMILLE.items() if f == famille and i in DETAILS]
            for indicateur in details:
                champ_detail = dims.detail or "logement_actuel"
                compte = {str(indicateur): Count("pk", distinct=distinct)}
                figures += _lire(
                    qs, [*groupe, champ_detail], compte, niveau, champ, dims, par_typo, org, detail=champ_detail
                )
    # a place outside the territory (a wished commune of another EPCI, another territory's sector) is left out
    return [f for f in figures if (f.niveau, f.cle) in lieux]


def _lire(qs, groupe, mesures, niveau, champ, dims, par_typo, org, *, detail=None) -> list[Figure]:
    if not mesures:
        return []
    rangees = qs.order_by().values(*groupe).annotate(**mesures) if groupe else [qs.aggregate(**mesures)]
    figures = []
    for r in rangees:
        typo = (r.get(dims.typologie) or "") if par_typo else ""
        if par_typo and not typo:
            continue  # a demand without a wished typology is in the "all typologies" figures only
        org_pk = r.get(dims.organisations[org]) if org else None
        for nom, valeur in ((k, r[k]) for k in mesures):
            if nom in (I.DELAI_MEDIAN, I.DELAI_MOYEN):
                valeur = _mois(valeur)
                if valeur is None:
                    continue
            else:
                if not valeur:
                    continue
                valeur = Decimal(valeur)
            figures.append(
                Figure(
                    indicateur=nom,
                    niveau=niveau,
                    cle="" if champ is None else str(r[champ]),
                    typologie=typo,
                    detail=(r.get(detail) or "") if detail else "",
                    bailleur_id=org_pk if org == "bailleur" else None,
                    reservataire_id=org_pk if org == "reservataire" else None,
                    valeur=valeur,
                )
            )
    return figures


def libelles_lieux(epci: Epci) -> dict[tuple[str, str], str]:
    """The names of the places of the territory, by (level, key)."""
    libelles = {(Niveau.EPCI, ""): epci.nom}
    for code, nom in Commune.objects.filter(epci=epci).values_list("code_insee", "nom"):
        libelles[(Niveau.COMMUNE, code)] = nom
    for pk, nom in Secteur.objects.filter(epci=epci).values_list("pk", "nom"):
        libelles[(Niveau.SECTEUR, str(pk))] = nom
    for pk, nom in Quartier.objects.filter(epci=epci).values_list("pk", "nom"):
        libelles[(Niveau.QUARTIER, str(pk))] = nom
    return libelles


# --- Reading the stored figures ---------------------------------------------------------------------------------


def derive(valeurs: dict, indicateur: str) -> Decimal | None:
    """A derived figure from stored counts (a missing count is zero; no denominator: no figure)."""
    num, den, facteur = DERIVES[indicateur]
    if not valeurs.get(den):
        return None
    return (Decimal(valeurs.get(num) or 0) * facteur / Decimal(valeurs[den])).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Ligne:
    niveau: str
    cle: str
    libelle: str
    valeurs: dict = field(default_factory=dict)  # indicator -> Decimal
    details: dict = field(default_factory=lambda: defaultdict(dict))  # indicator -> {reason: Decimal}

    def valeur(self, indicateur: str) -> Decimal | None:
        if indicateur in DERIVES:
            return derive(self.valeurs, indicateur)
        return self.valeurs.get(indicateur)


def lire(figures, libelles: dict) -> dict[tuple[str, str], Ligne]:
    """Stored rows (values of IndicateurTerritoire) gathered by place."""
    resultat: dict[tuple[str, str], Ligne] = {}
    for f in figures:
        cle = (f["niveau"], f["cle"])
        ligne = resultat.get(cle)
        if ligne is None:
            libelle = libelles.get(cle, f["libelle"])
            ligne = resultat[cle] = Ligne(f["niveau"], f["cle"], libelle)
        valeur = f["valeur"]
        if valeur is not None and f["indicateur"] not in (I.DELAI_MEDIAN, I.DELAI_MOYEN):
            valeur = int(valeur)  # a count
        if f["detail"]:
            ligne.details[f["indicateur"]][f["detail"]] = valeur
        else:
            ligne.valeurs[f["indicateur"]] = valeur
    return resultat


def trier(lignes_: dict[tuple[str, str], Ligne]) -> list[Ligne]:
    return sorted(lignes_.values(), key=lambda ligne: cle_fr(ligne.libelle))


def valeurs_par_commune(epci: Epci, annee: int, indicateur: str, *, typologie: str = "") -> dict[str, float]:
    """``{code_insee: value}`` of one indicator of the territory's communes for a year, from the stored figures
    (for the maps: ``PRESSION``, demands in force per allocation; ``DELAI_MEDIAN``, the median waiting time in
    months; any stored or derived indicator). A commune without a value is left out (no allocation: no pressure).
    Empty when the year has not been computed. Two queries."""
    calcul = CalculIndicateurs.objects.filter(epci=epci, annee=annee).first()
    if calcul is None:
        return {}
    codes = DERIVES[indicateur][:2] if indicateur in DERIVES else (indicateur,)
    figures = IndicateurTerritoire.objects.filter(
        calcul=calcul,
        niveau=Niveau.COMMUNE,
        typologie=typologie,
        detail="",
        bailleur__isnull=True,
        reservataire__isnull=True,
        indicateur__in=codes,
    ).values_list("cle", "indicateur", "valeur")
    par_commune: dict[str, dict] = defaultdict(dict)
    for cle, code, valeur in figures:
        par_commune[cle][code] = valeur
    resultat = {}
    for cle, valeurs in par_commune.items():
        valeur = derive(valeurs, indicateur) if indicateur in DERIVES else valeurs.get(indicateur)
        if valeur is not None:
            resultat[cle] = float(valeur)
    return resultat
