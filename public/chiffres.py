"""The figures published to applicants, per commune and typology (R. 441-2-17, PPGDID item 5; open data).

Everything is counted in SQL, a few grouped queries per territory (no row read in Python):

* demands in force on the date: filed on or before it, not radiated on it; counted in each commune they wish
  (the platform keeps the wished communes without an order of preference) under their first wished typology;
  with the share filed five years ago or more and the share of first-quartile households (resources per
  consumption unit of the household on the date, against the EPCI's threshold of the year);
* allocations of the last twelve months: one per dwelling and commission (attribution, attribution under
  condition, first of a ranked decision), in the commune and typology of the dwelling; the share of
  first-quartile households against the threshold of the decision's year;
* waiting time of the households housed: lease date (else decision date) minus filing date, median and 80th
  percentile per cell with ``core.db.Percentile`` (PostgreSQL's percentile_cont, the same on SQLite).

``tableau_publie`` then masks the counts (``cil.secret``: the platform's one masking, with the threshold of the rule in
force) and returns the open-data rows (``public/schema/chiffres-communes-typologies.json``), masked values as
``SECRET``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.lookups import Exact, In

from attributions.models import DecisionCaleol
from attributions.rules import TypeDecision
from attributions.selectors import duree_attente, q_premier_quartile
from cil import secret
from cil.models import Commune, Epci
from cil.selectors import seuil_applicable
from core.db import Percentile, ordre_fr
from core.durees import en_mois
from demandes.models import Demande
from demandes.rules import add_months
from demandes.selectors import q_demande_premier_quartile, q_en_cours

TYPOLOGIES = ["T1", "T2", "T3", "T4", "T5+"]
LIBELLES_TYPOLOGIES = {"T1": "T1", "T2": "T2", "T3": "T3", "T4": "T4", "T5+": "T5 et plus", secret.TOTAL: "Ensemble"}
ENSEMBLE = secret.TOTAL
SECRET = "s"  # a masked value, in the stored rows and the CSV (the schema's missing value for secrecy)
FENETRE_MOIS = 12
ANCIENNETE_MOIS = 60
CENTILES = {"mediane": 0.5, "p80": 0.8}

CHAMPS = [
    "date_reference",
    "epci_siren",
    "niveau",
    "code_geo",
    "libelle_geo",
    "typologie",
    "demandes_en_cours",
    "attributions_12_mois",
    "demandes_par_attribution",
    "delai_median_mois",
    "delai_80e_centile_mois",
    "part_demandes_5_ans_ou_plus",
    "part_q1_demandes",
    "part_q1_attributions",
]


def _typologie(champ) -> Case:
    """T1 … T4 as they are, T5 and T6 ("T6 et plus") together as "T5+", anything else NULL."""
    expression = F(champ) if isinstance(champ, str) else champ
    whens = [When(In(expression, ["T5", "T6"]), then=Value("T5+"))]
    whens += [When(Exact(expression, t), then=Value(t)) for t in TYPOLOGIES[:-1]]
    return Case(*whens, default=Value(None), output_field=CharField())


def demandes_en_cours(epci: Epci, jour: dt.date) -> QuerySet:
    """Demands of the territory in force on ``jour``: filed on or before it, not radiated on it."""
    return Demande.objects.filter(q_en_cours(jour), epci=epci)


def attributions_12_mois(epci: Epci, jour: dt.date) -> QuerySet:
    """Allocations of the twelve months ending on ``jour``, one per dwelling and commission."""
    T = TypeDecision
    return DecisionCaleol.objects.filter(
        epci=epci, date_decision__gt=add_months(jour, -FENETRE_MOIS), date_decision__lte=jour
    ).filter(
        Q(type_decision__in=[T.ATTRIBUTION.value, T.ATTRIBUTION_CONDITION.value])
        | Q(type_decision=T.ATTRIBUTION_RANG.value, rang=1)
    )


@dataclass
class Agregats:
    """Raw counts (not masked) of one territory on one date; keys ``(code_insee | TOTAL, typologie | TOTAL)``."""

    communes: list[tuple[str, str]]
    demandes: dict = field(default_factory=lambda: defaultdict(int))
    anciennes: dict = field(default_factory=lambda: defaultdict(int))
    q1_demandes: dict | None = field(default_factory=lambda: defaultdict(int))
    attributions: dict = field(default_factory=lambda: defaultdict(int))
    q1_attributions: dict | None = field(default_factory=lambda: defaultdict(int))
    delais: dict = field(default_factory=dict)  # key -> {"mediane": days, "p80": days}
    seuils_q1: dict = field(default_factory=dict)  # year -> (threshold, year of the order, provisional)


def agreger(epci: Epci, jour: dt.date) -> Agregats:
    """Every raw figure of the table, in eight grouped SQL queries."""
    communes = list(Commune.objects.filter(epci=epci).order_by(ordre_fr("nom")).values_list("code_insee", "nom"))
    codes = [c for c, _ in communes]
    ag = Agregats(communes=communes)
    annees = sorted({(add_months(jour, -FENETRE_MOIS) + dt.timedelta(days=1)).year, jour.year})
    for annee in annees:
        s = seuil_applicable(epci, annee)
        if s.seuil_q1 is not None:
            ag.seuils_q1[annee] = (s.seuil_q1, s.annee_seuil, s.provisoire)
    seuil_jour = ag.seuils_q1.get(jour.year)
    ancien = add_months(jour, -ANCIENNETE_MOIS)

    # demands: per wished commune (the M2M rows) and first typology, then per typology for the whole territory
    Through = Demande.communes_souhaitees.through
    compteurs = {"n": Count("pk"), "anciennes": Count("pk", filter=Q(date_depot__lte=ancien))}
    if seuil_jour:
        compteurs["q1"] = Count("pk", filter=q_demande_premier_quartile(jour, seuil_jour[0]))
    else:
        ag.q1_demandes = None
    en_cours = (
        demandes_en_cours(epci, jour).annotate(typo=_typologie(KeyTextTransform("0", "typologies"))).exclude(typo=None)
    )
    par_commune = (
        Through.objects.filter(demande__in=en_cours.values("pk"), commune__code_insee__in=codes)
        .annotate(typo=_typologie(KeyTextTransform("0", "demande__typologies")))
        .order_by()
        .values("commune__code_insee", "typo")
        .annotate(
            n=Count("pk"),
            anciennes=Count("pk", filter=Q(demande__date_depot__lte=ancien)),
            **(
                {"q1": Count("pk", filter=q_demande_premier_quartile(jour, seuil_jour[0], "demande__"))}
                if seuil_jour
                else {}
            ),
        )
    )
    for r in par_commune:
        _ajoute_demandes(ag, r["commune__code_insee"], r["typo"], r)
    # the territory's row: each demand once, whatever the communes it wishes
    for r in en_cours.order_by().values("typo").annotate(**compteurs):
        _ajoute_demandes(ag, secret.TOTAL, r["typo"], r)

    # allocations: four groupings (cell, commune, typology, whole territory) for the percentiles
    attrib = attributions_12_mois(epci, jour).filter(commune__code_insee__in=codes)
    attrib = attrib.annotate(
        typo=_typologie("typologie"),
        # a lease signed after the date was not known on the date (a past month recomputed)
        duree=duree_attente(jour),
    )
    mesures = {"n": Count("pk"), **{nom: Percentile("duree", f) for nom, f in CENTILES.items()}}
    if ag.seuils_q1:
        q1 = Q()
        for annee, (seuil, _, _) in ag.seuils_q1.items():
            q1 |= Q(date_decision__year=annee) & q_premier_quartile(seuil)
        mesures["q1"] = Count("pk", filter=q1)
    else:
        ag.q1_attributions = None
    for groupe in (("commune__code_insee", "typo"), ("commune__code_insee",), ("typo",), ()):
        qs = attrib.order_by().values(*groupe).annotate(**mesures) if groupe else [attrib.aggregate(**mesures)]
        for r in qs:
            cle = (r.get("commune__code_insee", secret.TOTAL), r.get("typo", secret.TOTAL))
            if groupe == ("commune__code_insee", "typo"):
                ag.attributions[cle] += r["n"]
                if ag.q1_attributions is not None:
                    ag.q1_attributions[cle] += r["q1"]
            if r["n"]:
                ag.delais[cle] = {nom: r[nom] for nom in CENTILES}
    _marges(ag, codes)
    return ag


def _ajoute_demandes(ag: Agregats, code: str, typo: str, r: dict) -> None:
    cle = (code, typo)
    ag.demandes[cle] += r["n"]
    ag.anciennes[cle] += r["anciennes"]
    if ag.q1_demandes is not None:
        ag.q1_demandes[cle] += r["q1"]


def _marges(ag: Agregats, codes: list[str]) -> None:
    """Totals of the additive cells: a commune's typologies, and the territory's (allocations: every way)."""
    for table in (ag.demandes, ag.anciennes, ag.q1_demandes, ag.attributions, ag.q1_attributions):
        if table is None:
            continue
        for code in [*codes, secret.TOTAL]:
            table[(code, secret.TOTAL)] = sum(table[(code, t)] for t in TYPOLOGIES)
    for table in (ag.attributions, ag.q1_attributions):
        if table is None:
            continue
        for t in TYPOLOGIES:
            table[(secret.TOTAL, t)] = sum(table[(c, t)] for c in codes)
        table[(secret.TOTAL, secret.TOTAL)] = sum(table[(secret.TOTAL, t)] for t in TYPOLOGIES)


def _cles(codes: list[str]) -> list[tuple[str, str]]:
    return [(c, t) for c in [*codes, secret.TOTAL] for t in [*TYPOLOGIES, secret.TOTAL]]


def _masques(table: dict | None, codes: list[str], seuil: int, *, colonnes_additives: bool) -> frozenset:
    if table is None:
        return frozenset()
    valeurs = {cle: table[cle] for cle in _cles(codes)}
    relations = secret.relations_grille(codes, TYPOLOGIES, colonnes_additives=colonnes_additives)
    return secret.masquer(valeurs, relations, seuil)


def _mois(jours) -> float | None:
    mois = en_mois(jours)
    return None if mois is None else round(mois, 1)


def _part(numerateur: int, denominateur: int) -> float | None:
    return None if not denominateur else round(100 * numerateur / denominateur, 1)


def tableau_publie(epci: Epci, jour: dt.date, seuil: int) -> tuple[list[dict], dict]:
    """The published rows (masked) and the parameters of the computation."""
    ag = agreger(epci, jour)
    codes = [c for c, _ in ag.communes]
    noms = dict(ag.communes)
    m_dem = _masques(ag.demandes, codes, seuil, colonnes_additives=False)
    m_anc = _masques(ag.anciennes, codes, seuil, colonnes_additives=False)
    m_q1d = _masques(ag.q1_demandes, codes, seuil, colonnes_additives=False)
    m_att = _masques(ag.attributions, codes, seuil, colonnes_additives=True)
    m_q1a = _masques(ag.q1_attributions, codes, seuil, colonnes_additives=True)

    lignes = []
    for cle in _cles(codes):
        code, typo = cle
        d, a = ag.demandes[cle], ag.attributions[cle]
        d_cache, a_cache = cle in m_dem, cle in m_att
        delais = ag.delais.get(cle, {})

        def masque(cache: bool, valeur):
            return SECRET if cache else valeur

        ligne = {
            "date_reference": jour.isoformat(),
            "epci_siren": epci.siren,
            "niveau": "epci" if code == secret.TOTAL else "commune",
            "code_geo": epci.siren if code == secret.TOTAL else code,
            "libelle_geo": epci.nom if code == secret.TOTAL else noms[code],
            "typologie": typo,
            "demandes_en_cours": masque(d_cache, d),
            "attributions_12_mois": masque(a_cache, a),
            "demandes_par_attribution": masque(d_cache or a_cache, round(d / a, 1) if a else None),
            "delai_median_mois": masque(a_cache, _mois(delais.get("mediane"))),
            "delai_80e_centile_mois": masque(a_cache, _mois(delais.get("p80"))),
            "part_demandes_5_ans_ou_plus": masque(d_cache or cle in m_anc, _part(ag.anciennes[cle], d)),
            "part_q1_demandes": None
            if ag.q1_demandes is None
            else masque(d_cache or cle in m_q1d, _part(ag.q1_demandes[cle], d)),
            "part_q1_attributions": None
            if ag.q1_attributions is None
            else masque(a_cache or cle in m_q1a, _part(ag.q1_attributions[cle], a)),
        }
        lignes.append(ligne)
    parametres = {
        "fenetre_attributions": [add_months(jour, -FENETRE_MOIS).isoformat(), jour.isoformat()],
        "depot_5_ans_avant_le": add_months(jour, -ANCIENNETE_MOIS).isoformat(),
        "seuils_q1": {
            str(annee): {"seuil": str(seuil), "annee_arrete": arrete, "provisoire": provisoire}
            for annee, (seuil, arrete, provisoire) in ag.seuils_q1.items()
        },
        "cases_masquees": sum(v == SECRET for li in lignes for v in li.values()),
    }
    return lignes, parametres
