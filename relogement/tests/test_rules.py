"""The pure rules, from tables of cases (no database)."""

import datetime as dt
from decimal import Decimal

import pytest

from attributions import rules as arules
from relogement import rules
from relogement.rules import Action, Cas, RegleError, Statut

D = dt.date


@pytest.mark.parametrize(
    ("statut", "action", "attendu"),
    [
        (Statut.A_ENQUETER, Action.ENQUETER, Statut.ENQUETE),
        (Statut.ENQUETE, Action.CHERCHER, Statut.EN_RECHERCHE),
        (Statut.ENQUETE, Action.PROPOSER, Statut.PROPOSITION),
        (Statut.EN_RECHERCHE, Action.PROPOSER, Statut.PROPOSITION),
        (Statut.PROPOSITION, Action.PROPOSER, Statut.PROPOSITION),
        (Statut.PROPOSITION, Action.REFUS, Statut.EN_RECHERCHE),
        (Statut.PROPOSITION, Action.RELOGER_DEFINITIVEMENT, Statut.RELOGE_DEFINITIF),
        (Statut.PROPOSITION, Action.RELOGER_TEMPORAIREMENT, Statut.RELOGE_TEMPORAIRE),
        (Statut.RELOGE_TEMPORAIRE, Action.PROPOSER, Statut.PROPOSITION),
        (Statut.RELOGE_TEMPORAIRE, Action.RELOGER_DEFINITIVEMENT, Statut.RELOGE_DEFINITIF),
        (Statut.RELOGE_DEFINITIF, Action.SUIVRE, Statut.SUIVI_FAIT),
        (Statut.A_ENQUETER, Action.SORTIR, Statut.SORTI),
        (Statut.RELOGE_TEMPORAIRE, Action.SORTIR, Statut.SORTI),
    ],
)
def test_transitions_permises(statut, action, attendu):
    assert rules.transition(statut, action) == attendu


@pytest.mark.parametrize(
    ("statut", "action"),
    [
        (Statut.A_ENQUETER, Action.PROPOSER),  # no offer before the social survey
        (Statut.A_ENQUETER, Action.RELOGER_DEFINITIVEMENT),
        (Statut.EN_RECHERCHE, Action.REFUS),  # nothing to refuse
        (Statut.RELOGE_DEFINITIF, Action.SORTIR),
        (Statut.RELOGE_DEFINITIF, Action.PROPOSER),
        (Statut.SUIVI_FAIT, Action.SUIVRE),
        (Statut.SORTI, Action.ENQUETER),
        (Statut.ENQUETE, Action.SUIVRE),
    ],
)
def test_transitions_refusees(statut, action):
    with pytest.raises(RegleError):
        rules.transition(statut, action)


def test_un_refus_laisse_en_proposition_si_une_autre_offre_attend():
    assert rules.transition(Statut.PROPOSITION, Action.REFUS, propositions_en_attente=1) == Statut.PROPOSITION
    assert rules.transition(Statut.PROPOSITION, Action.REFUS, propositions_en_attente=0) == Statut.EN_RECHERCHE


def test_actions_possibles():
    assert rules.actions_possibles(Statut.A_ENQUETER) == [Action.ENQUETER, Action.SORTIR]
    assert rules.actions_possibles(Statut.SUIVI_FAIT) == []


@pytest.mark.parametrize(
    ("type_operation", "compte"), [("NPNRU", True), ("ORCOD", True), ("LHI", False)]
)  # docs/droit/regles.md §1.2 and platform decision 1: LHI relocations are not in objective A's numerator
def test_objectif_a_selon_le_type(type_operation, compte):
    assert rules.compte_pour_objectif_a(type_operation) is compte


@pytest.mark.parametrize(
    ("loyer", "charges", "apl", "rac"),
    [
        ("420", "130", "150", "400"),
        ("300.50", "80.25", "0", "380.75"),
        ("250", "50", "320", "-20"),  # benefit above rent and charges
    ],
)
def test_reste_a_charge(loyer, charges, apl, rac):
    assert rules.reste_a_charge(Decimal(loyer), Decimal(charges), Decimal(apl)) == Decimal(rac)


def test_reste_a_charge_refuse_un_montant_negatif():
    with pytest.raises(RegleError):
        rules.reste_a_charge(Decimal("-1"), Decimal("0"), Decimal("0"))


@pytest.mark.parametrize(
    ("rac", "ressources", "taux"),
    [("400", "1600", "0.25"), ("0", "1000", "0"), ("400", "0", None), (None, "1000", None)],
)
def test_taux_effort(rac, ressources, taux):
    rac = None if rac is None else Decimal(rac)
    attendu = None if taux is None else Decimal(taux)
    assert rules.taux_effort(rac, Decimal(ressources)) == attendu


@pytest.mark.parametrize(
    ("bail", "premiere", "convention", "attendu"),
    [
        (D(2026, 3, 1), D(2021, 3, 1), None, True),  # exactly 5 years: still "< 5 years" counted (>= limit)
        (D(2026, 3, 1), D(2021, 2, 28), None, False),
        (D(2026, 3, 1), D(1970, 1, 1), D(2022, 6, 1), True),  # old, but conventioned 4 years ago
        (D(2026, 3, 1), None, None, False),
        (D(2024, 2, 29), D(2019, 2, 28), None, True),  # 29 February: the limit is 28 February
        (D(2025, 6, 1), D(2026, 1, 1), None, True),  # lease before the first letting (new building, off-plan)
    ],
)
def test_neuf_ou_recent(bail, premiere, convention, attendu):
    assert rules.neuf_ou_recent(bail, premiere, convention) is attendu


@pytest.mark.parametrize(
    ("bail", "qpv_2024", "qpv_2015", "connue_2015", "outre_mer", "attendu"),
    [
        (D(2024, 1, 1), True, False, True, False, True),  # 2024 map from 1 January 2024
        (D(2023, 12, 31), True, False, True, False, False),  # 2015 map until 31 December 2023
        (D(2023, 12, 31), True, False, False, False, True),  # 2015 situation unknown: the 2024 one
        (D(2024, 6, 1), False, True, True, True, True),  # overseas: 2015 map until 2024
        (D(2025, 1, 1), False, True, True, True, False),
    ],
)
def test_en_qpv_au_bail_selon_la_carte_en_vigueur(bail, qpv_2024, qpv_2015, connue_2015, outre_mer, attendu):
    """The relocation reads the new dwelling's QPV with the one rule of attributions (rules.qpv_au)."""
    situations = arules.situations_qpv(
        qpv_2024="Q2024" if qpv_2024 else None,
        qpv_2015="Q2015" if qpv_2015 else None,
        carte_2024_connue=True,
        carte_2015_connue=connue_2015,
    )
    assert (arules.qpv_au(bail, situations, outre_mer=outre_mer) is not None) is attendu


@pytest.mark.parametrize(
    ("emmenagement", "echeance"),
    [(D(2025, 1, 15), D(2025, 7, 15)), (D(2025, 8, 31), D(2026, 2, 28)), (D(2023, 8, 31), D(2024, 2, 29))],
)
def test_echeance_du_suivi_a_six_mois(emmenagement, echeance):
    assert rules.echeance_suivi(emmenagement) == echeance


def test_delai_refuse_un_bail_avant_l_enquete():
    assert rules.delai_jours(D(2025, 1, 1), D(2025, 4, 1)) == 90
    assert rules.delai_jours(None, D(2025, 4, 1)) is None
    with pytest.raises(RegleError):
        rules.delai_jours(D(2025, 4, 1), D(2025, 1, 1))


def _reloge(**kw):
    valeurs = {
        "statut": Statut.RELOGE_DEFINITIF,
        "nb_propositions": 1,
        "date_enquete": D(2025, 1, 1),
        "ressources_mensuelles": Decimal("1600"),
        "rac_avant": Decimal("400"),
        "date_bail": D(2025, 4, 1),
        "en_qpv": False,
        "neuf_ou_recent": False,
        "rac_apres": Decimal("400"),
        "parc": "SOCIAL",
        "typologie_avant": "T3",
        "typologie_apres": "T3",
    }
    valeurs.update(kw)
    return Cas(**valeurs)


def test_indicateurs_sur_une_table_de_cas():
    cas = [
        _reloge(nb_propositions=2, rac_apres=Decimal("380"), neuf_ou_recent=True),  # 90 days
        _reloge(en_qpv=True, rac_apres=Decimal("460"), date_bail=D(2025, 3, 2), typologie_apres="T4"),  # 60 days
        _reloge(statut=Statut.SUIVI_FAIT, nb_propositions=3, date_bail=D(2025, 5, 1), parc="PRIVE"),  # 120 days
        Cas(statut=Statut.PROPOSITION, nb_propositions=1),
        Cas(statut=Statut.A_ENQUETER),
        Cas(statut=Statut.RELOGE_TEMPORAIRE, nb_propositions=1),
        Cas(statut=Statut.SORTI),
    ]
    ind = rules.indicateurs(cas)
    assert ind.nb_menages == 7
    assert ind.nb_reloges_definitifs == 3
    assert ind.nb_reloges_temporaires == 1
    assert ind.nb_sortis == 1
    assert ind.nb_restant == 3
    assert ind.nb_hors_qpv == 2 and ind.pct_hors_qpv == Decimal(2) / 3
    assert ind.par_parc == {"SOCIAL": 2, "PRIVE": 1}
    assert (ind.nb_typologie_plus_grande, ind.nb_typologie_identique, ind.nb_typologie_plus_petite) == (1, 2, 0)
    assert ind.nb_neuf_ou_recent == 1
    assert ind.nb_rac_maitrise == 2 and ind.nb_avec_rac == 3
    assert ind.rac_avant_moyen == Decimal("400")
    assert ind.rac_apres_moyen == Decimal("1240") / 3
    assert ind.taux_effort_avant_moyen == Decimal("0.25")
    assert ind.propositions_par_menage == Decimal(6) / 3  # only offers to the relocated households
    assert ind.delai_moyen_jours == Decimal(90) and ind.delai_median_jours == Decimal(90)
    assert ind.par_statut == {
        "RELOGE_DEFINITIF": 2,
        "SUIVI_FAIT": 1,
        "PROPOSITION": 1,
        "A_ENQUETER": 1,
        "RELOGE_TEMPORAIRE": 1,
        "SORTI": 1,
    }


def test_tolerance_sur_le_reste_a_charge():
    cas = [_reloge(rac_apres=Decimal("420"))]  # +5 %
    assert rules.indicateurs(cas).nb_rac_maitrise == 0
    assert rules.indicateurs(cas, tolerance_rac=Decimal("0.05")).nb_rac_maitrise == 1


def test_indicateurs_sans_relogement():
    ind = rules.indicateurs([Cas(statut=Statut.A_ENQUETER)])
    assert ind.pct_hors_qpv is None and ind.propositions_par_menage is None and ind.delai_moyen_jours is None


@pytest.mark.parametrize(
    ("statut", "cloture", "today", "attendu"),
    [
        (Statut.SUIVI_FAIT, D(2024, 3, 15), D(2026, 3, 15), True),  # 24 months to the day
        (Statut.SUIVI_FAIT, D(2024, 3, 15), D(2026, 3, 14), False),
        (Statut.SORTI, D(2023, 1, 1), D(2026, 1, 1), True),
        (Statut.RELOGE_DEFINITIF, D(2020, 1, 1), D(2026, 1, 1), False),  # follow-up not done: file still open
        (Statut.SUIVI_FAIT, None, D(2026, 1, 1), False),
    ],
)
def test_purge_des_donnees_sensibles(statut, cloture, today, attendu):
    assert rules.a_purger(statut, cloture, today, conservation_mois=24) is attendu
