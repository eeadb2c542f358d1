"""The indicators against the hand-computed territory of ``monde_indicateurs`` (docs/observatoire.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from observatoire import indicateurs, services
from observatoire.models import CalculIndicateurs, Indicateur, IndicateurTerritoire, Niveau

from .monde_indicateurs import AUJOURD_HUI, JOUR

I = Indicateur  # noqa: E741


def _figures(calcul, niveau=Niveau.EPCI, cle="", typologie="", organisation=None) -> dict:
    qs = IndicateurTerritoire.objects.filter(calcul=calcul, niveau=niveau, cle=cle, typologie=typologie)
    kind, pk = organisation or (None, None)
    qs = qs.filter(
        bailleur_id=pk if kind == "bailleur" else None, reservataire_id=pk if kind == "reservataire" else None
    )
    return {(f.indicateur, f.detail): f.valeur for f in qs}


@pytest.fixture
def calcul(monde_obs):
    return services.calculer_indicateurs(monde_obs["epci"], 2025, aujourd_hui=AUJOURD_HUI)


def test_reference_date():
    assert indicateurs.date_reference(2025, AUJOURD_HUI) == JOUR
    assert indicateurs.date_reference(2026, AUJOURD_HUI) == dt.date(2026, 2, 28)


def test_territory_figures(calcul):
    assert calcul.date_reference == JOUR
    f = _figures(calcul)
    attendu = {
        (I.DEMANDES_EN_COURS, ""): 3,
        (I.DEMANDES_Q1, ""): 1,
        (I.DEMANDES_PRIORITAIRES, ""): 1,
        (I.DEMANDES_MUTATION, ""): 1,
        (I.SITUATION, "LOCATAIRE_PRIVE"): 1,
        (I.SITUATION, "HEBERGE_TIERS"): 1,
        (I.SITUATION, "LOCATAIRE_HLM"): 1,
        (I.NOUVELLES_DEMANDES, ""): 3,
        (I.RADIATIONS, ""): 1,
        (I.RADIATIONS, "RENONCIATION"): 1,
        (I.ATTRIBUTIONS, ""): 3,
        (I.ATTRIBUTIONS_Q1, ""): 1,
        (I.ATTRIBUTIONS_PRIORITAIRES, ""): 2,
        (I.ATTRIBUTIONS_MUTATION, ""): 1,
        (I.DELAI_MEDIAN, ""): Decimal("14.98"),  # 456 days / (365.25 / 12)
        (I.DELAI_MOYEN, ""): Decimal("15.97"),  # (120 + 456 + 882) / 3 = 486 days
        (I.REFUS, ""): 2,
        (I.REFUS, "LOYER"): 1,
        (I.REFUS, "LOCALISATION"): 1,
    }
    assert f == {k: Decimal(v) for k, v in attendu.items()}


@pytest.mark.parametrize(
    ("niveau", "code", "attendu"),
    [
        # Grenoble: d1, d2, d5 in force; d2, d5 new; a1, a2 (120 and 456 days: median and mean 288 days)
        (
            "COMMUNE",
            "38185",
            {
                I.DEMANDES_EN_COURS: 3,
                I.NOUVELLES_DEMANDES: 2,
                I.ATTRIBUTIONS: 2,
                I.DELAI_MEDIAN: "9.46",
                I.DELAI_MOYEN: "9.46",
                I.ATTRIBUTIONS_Q1: 1,
            },
        ),
        # Échirolles: d2 in force; d2, d3 new; d3 radiated; a3 (882 days)
        (
            "COMMUNE",
            "38151",
            {
                I.DEMANDES_EN_COURS: 1,
                I.NOUVELLES_DEMANDES: 2,
                I.RADIATIONS: 1,
                I.ATTRIBUTIONS: 1,
                I.DELAI_MEDIAN: "28.98",
                I.DELAI_MOYEN: "28.98",
            },
        ),
    ],
)
def test_commune_figures(calcul, niveau, code, attendu):
    f = {k: v for (k, detail), v in _figures(calcul, niveau, code).items() if not detail}
    for indicateur, valeur in attendu.items():
        assert f.get(indicateur) == Decimal(valeur), indicateur
    assert (
        not {k for k in f if k.startswith("DEMANDES_") or k == I.NOUVELLES_DEMANDES}
        - set(attendu)
        - {I.DEMANDES_Q1, I.DEMANDES_PRIORITAIRES, I.DEMANDES_MUTATION}
    )


def test_sector_counts_each_demand_once(calcul, monde_obs):
    # d2 wishes both communes of the sector: one demand
    f = _figures(calcul, Niveau.SECTEUR, str(monde_obs["sud"].pk))
    assert f[(I.DEMANDES_EN_COURS, "")] == 3
    assert f[(I.ATTRIBUTIONS, "")] == 3


def test_neighbourhood_and_typology(calcul, monde_obs):
    f = _figures(calcul, Niveau.QUARTIER, str(monde_obs["villeneuve"].pk))
    assert f[(I.ATTRIBUTIONS, "")] == 1
    assert f[(I.ATTRIBUTIONS_MUTATION, "")] == 1
    t3 = _figures(calcul, typologie="T3")
    assert t3[(I.DEMANDES_EN_COURS, "")] == 2  # d1, d5 (d2's first wish is T2)
    assert t3[(I.ATTRIBUTIONS, "")] == 2
    assert _figures(calcul, typologie="T2")[(I.DEMANDES_EN_COURS, "")] == 1


def test_organisation_shares(calcul, monde_obs):
    a = _figures(calcul, organisation=("bailleur", monde_obs["bailleur"].pk))
    assert a[(I.ATTRIBUTIONS, "")] == 2
    assert a[(I.REFUS, "LOYER")] == 1
    assert not any(k.startswith("DEMANDES") for k, _ in a)  # a landlord has no share of the demands
    al = _figures(calcul, organisation=("reservataire", monde_obs["al"].pk))
    assert al[(I.ATTRIBUTIONS, "")] == 2
    assert al[(I.ATTRIBUTIONS_PRIORITAIRES, "")] == 2


def test_derived_figures():
    valeurs = {I.DEMANDES_EN_COURS: Decimal(3), I.ATTRIBUTIONS: Decimal(2), I.DEMANDES_Q1: Decimal(1)}
    assert indicateurs.derive(valeurs, I.PRESSION) == Decimal("1.5")
    assert indicateurs.derive(valeurs, I.PART_Q1_DEMANDES) == Decimal("33.3")
    assert indicateurs.derive(valeurs, I.PART_Q1_ATTRIBUTIONS) == Decimal("0.0")
    assert indicateurs.derive({I.DEMANDES_EN_COURS: Decimal(3)}, I.PRESSION) is None


@pytest.mark.parametrize(
    ("indicateur", "niveau", "cle", "detail", "n"),
    [
        (I.DEMANDES_EN_COURS, "SECTEUR", "sud", "", 3),
        (I.DEMANDES_Q1, "EPCI", "", "", 1),
        (I.SITUATION, "EPCI", "", "HEBERGE_TIERS", 1),
        (I.RADIATIONS, "COMMUNE", "38151", "RENONCIATION", 1),
        (I.ATTRIBUTIONS, "COMMUNE", "38185", "", 2),
        (I.DELAI_MEDIAN, "EPCI", "", "", 3),
        (I.REFUS, "EPCI", "", "LOYER", 1),
    ],
)
def test_each_figure_has_its_list(monde_obs, indicateur, niveau, cle, detail, n):
    cle = str(monde_obs["sud"].pk) if cle == "sud" else cle
    qs = indicateurs.lignes(indicateur, monde_obs["epci"], 2025, JOUR, niveau=niveau, cle=cle, detail=detail)
    assert qs.count() == n


def test_recomputing_replaces_the_figures(calcul, monde_obs):
    n = IndicateurTerritoire.objects.filter(calcul=calcul).count()
    autre = services.calculer_indicateurs(monde_obs["epci"], 2025, aujourd_hui=AUJOURD_HUI)
    assert CalculIndicateurs.objects.filter(epci=monde_obs["epci"], annee=2025).count() == 1
    assert IndicateurTerritoire.objects.filter(calcul=autre).count() == n


def test_values_per_commune_for_the_maps(calcul, monde_obs):
    epci = monde_obs["epci"]
    # pressure: Grenoble 3 demands / 2 allocations, Échirolles 1 / 1; Fontaine has no allocation
    assert indicateurs.valeurs_par_commune(epci, 2025, I.PRESSION) == {"38185": 1.5, "38151": 1.0}
    assert indicateurs.valeurs_par_commune(epci, 2025, I.DELAI_MEDIAN) == {"38185": 9.46, "38151": 28.98}
    assert indicateurs.valeurs_par_commune(epci, 2024, I.PRESSION) == {}
