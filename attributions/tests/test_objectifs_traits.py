"""Objectives A (outside QPV) and B (in QPV) counted from decisions described by their traits
(attributions/tests/factories.py): each trait moves a decision in or out of a base or a numerator."""

from decimal import Decimal

import pytest

from attributions import rules
from attributions.selectors import calcule_objectifs_epci

from .factories import DecisionCaleolFactory

pytestmark = pytest.mark.django_db

SEUIL_2025 = Decimal("10716")  # territoire_minimal's threshold for 2025


def test_chaque_trait_decrit_la_decision(territoire_minimal):
    ordinaire = DecisionCaleolFactory()
    assert ordinaire.epci == territoire_minimal["epci"] and ordinaire.qpv is None
    assert ordinaire.en_qpv_au_bail is False and ordinaire.relogement == ""
    assert not rules.est_premier_quartile(ordinaire.ressources_mensuelles, 1, 0, SEUIL_2025)

    modeste = DecisionCaleolFactory(premier_quartile=True, nb_enfants_moins_14=2)
    assert rules.est_premier_quartile(modeste.ressources_mensuelles, 1, 2, SEUIL_2025)
    assert (modeste.uc_dixiemes, modeste.ressources_annuelles_e4) == (16, 600 * 120_000)

    en_qpv = DecisionCaleolFactory(en_qpv=True)
    assert en_qpv.qpv == en_qpv.logement.qpv == territoire_minimal["qpv"] and en_qpv.en_qpv_au_bail is True

    assert DecisionCaleolFactory(reloge_anru=True).relogement == "ANRU"
    assert DecisionCaleolFactory(date_bail=None).en_qpv_au_bail is None


def test_objectifs_a_et_b(territoire_minimal):
    DecisionCaleolFactory()  # outside QPV, above the first quartile: A's base only
    DecisionCaleolFactory(premier_quartile=True)  # A's numerator
    DecisionCaleolFactory(reloge_anru=True)  # A's numerator whatever the resources
    DecisionCaleolFactory(premier_quartile=True, date_bail=None)  # no lease signed: outside A
    DecisionCaleolFactory(en_qpv=True, premier_quartile=True)  # in QPV: B's base, not its numerator
    DecisionCaleolFactory(en_qpv=True, reloge_anru=True)  # in QPV, above the first quartile: B's numerator

    resultat = calcule_objectifs_epci(territoire_minimal["epci"], 2025)

    assert (resultat["hors_qpv"]["base"], resultat["hors_qpv"]["numerateur"]) == (3, 2)
    assert (resultat["qpv"]["base"], resultat["qpv"]["numerateur"]) == (2, 1)
