"""Platform decision 6, one rule: the QPV of a dwelling at a date is rules.qpv_au, and the SQL of the F1 fast
path is generated from the same table (rules.CARTES_QPV) and reading order. The SQL twins are run on
PostgreSQL against the Python functions over every combination of a table of cases."""

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest
from django.db import connection

from attributions import f1_pg, rules
from attributions import services as aservices

J = dt.date
INCONNUE = object()  # the dwelling's situation on that map is not known

# dates around each map's start, in mainland France and overseas (2024 map: 2024-01-01, 2025-01-01 overseas)
JOURS = [J(2014, 6, 30), J(2015, 1, 1), J(2023, 12, 31), J(2024, 1, 1), J(2024, 12, 31), J(2025, 1, 1)]
SITUATIONS_2024 = [INCONNUE, None, 11]
SITUATIONS_2015 = [INCONNUE, None, 22]


def _situations(s2024, s2015) -> dict:
    situations = {}
    if s2024 is not INCONNUE:
        situations["2024"] = s2024
    if s2015 is not INCONNUE:
        situations["2015"] = s2015
    return situations


@pytest.mark.parametrize(
    ("jour", "outre_mer", "s2024", "s2015", "attendu"),
    [
        (J(2023, 12, 31), False, 11, 22, 22),  # 2015 map until 31 December 2023
        (J(2024, 1, 1), False, 11, 22, 11),  # 2024 map from 1 January 2024
        (J(2024, 6, 1), True, 11, 22, 22),  # overseas: 2015 map until 2024
        (J(2025, 1, 1), True, 11, 22, 11),
        (J(2014, 6, 30), False, 11, 22, 22),  # before the first map: the earliest one
        (J(2023, 12, 31), False, 11, INCONNUE, 11),  # 2015 situation unknown: the 2024 one
        (J(2023, 12, 31), False, None, INCONNUE, None),
        (J(2025, 1, 1), False, INCONNUE, 22, 22),  # 2024 situation unknown: the 2015 one
        (J(2025, 1, 1), False, None, 22, None),  # known outside any QPV on the map in force
        (J(2025, 1, 1), False, INCONNUE, INCONNUE, None),  # nothing known: outside
    ],
)
def test_qpv_au_selon_la_carte_en_vigueur(jour, outre_mer, s2024, s2015, attendu):
    assert rules.qpv_au(jour, _situations(s2024, s2015), outre_mer=outre_mer) == attendu


def test_un_logement_en_qpv_sur_une_carte_y_est_connu():
    """A dwelling with a QPV on a map is known on that map, even when its flag was never set (admin, tests)."""
    assert rules.situations_qpv(qpv_2024=11) == {"2024": 11}
    assert rules.situations_qpv(carte_2015_connue=True) == {"2015": None}
    assert rules.situations_qpv() == {}


def test_la_decision_vaut_pour_la_carte_de_sa_ligne():
    """At the lease, the decision's own QPV replaces the dwelling's on the map it was recorded on."""
    logement = {"2024": None, "2015": None}
    assert rules.qpv_au_bail(J(2023, 6, 1), logement, carte_decision="2015", qpv_decision=22, outre_mer=False) == 22
    # lease under the next map: the dwelling's situation there, known
    assert rules.qpv_au_bail(J(2024, 6, 1), logement, carte_decision="2015", qpv_decision=22, outre_mer=False) is None
    # ... unknown: the decision's
    assert rules.qpv_au_bail(J(2024, 6, 1), {}, carte_decision="2015", qpv_decision=22, outre_mer=False) == 22


def test_est_outre_mer():
    assert [rules.est_outre_mer(d) for d in ("971", "976", "38", "2A", "97")] == [True, True, False, False, False]


# --- the SQL twins, on PostgreSQL -------------------------------------------------------------------------

sql = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQL du chemin rapide propre à PostgreSQL")


def _executer(requete: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(requete, params)
        return cursor.fetchall()


@sql
@pytest.mark.django_db
def test_la_carte_en_vigueur_en_sql_est_celle_de_python():
    cas = list(itertools.product(JOURS, (False, True)))
    valeurs = ", ".join("(%s::int, %s::date, %s::boolean)" for _ in cas)
    params = [x for i, (jour, om) in enumerate(cas) for x in (i, jour, om)]
    expression = rules.carte_qpv_sql("t.jour", outre_mer="t.om")
    lignes = _executer(f"SELECT t.i, {expression} FROM (VALUES {valeurs}) AS t(i, jour, om) ORDER BY t.i", params)
    assert [carte for _, carte in lignes] == [rules.carte_qpv_en_vigueur(j, outre_mer=om) for j, om in cas]
    assert {carte for _, carte in lignes} == {"2015", "2024"}


@sql
@pytest.mark.django_db
def test_qpv_au_en_sql_est_qpv_au_de_python():
    cas = list(itertools.product(JOURS, ("38", "971"), SITUATIONS_2024, SITUATIONS_2015))
    valeurs = ", ".join("(%s::int, %s::date, %s::text, %s::boolean, %s::int, %s::boolean, %s::int)" for _ in cas)
    params = []
    for i, (jour, departement, s2024, s2015) in enumerate(cas):
        params += [i, jour, departement, s2024 is not INCONNUE, None if s2024 is INCONNUE else s2024]
        params += [s2015 is not INCONNUE, None if s2015 is INCONNUE else s2015]
    expression = rules.qpv_au_sql(
        "t.jour",
        {"2024": ("t.c2024", "t.q2024"), "2015": ("t.c2015", "t.q2015")},
        outre_mer=rules.est_outre_mer_sql("t.departement"),
    )
    lignes = _executer(
        f"SELECT t.i, {expression} FROM (VALUES {valeurs}) AS t(i, jour, departement, c2024, q2024, c2015, q2015) "
        "ORDER BY t.i",
        params,
    )
    attendus = [
        rules.qpv_au(jour, _situations(s2024, s2015), outre_mer=rules.est_outre_mer(departement))
        for jour, departement, s2024, s2015 in cas
    ]
    assert [qpv for _, qpv in lignes] == attendus
    assert {11, 22, None} <= set(attendus)  # the table reaches every outcome


# An F1 row: (map its QPV code names, its QPV); no code: (None, None).
LIGNES_QPV = [(None, None), ("2015", 33), ("2024", 44)]
# The dwelling as written: (qpv_id, qpv_2015_id, carte_2024_connue, carte_2015_connue).
LOGEMENTS = [(qpv, qpv15, c24, c15) for qpv in (None, 11) for qpv15 in (None, 22) for c24 in (0, 1) for c15 in (0, 1)]


@sql
@pytest.mark.django_db
def test_en_qpv_au_bail_du_chemin_rapide_est_celui_du_chemin_python():
    """f1_pg's generated SQL against services._en_qpv_au_bail (the Python path) on every combination."""
    dates = [J(2014, 6, 30), J(2023, 12, 31), J(2024, 6, 1), J(2025, 1, 1)]
    cas = list(itertools.product(dates, [None, *dates], ("38", "971"), LIGNES_QPV, LOGEMENTS))
    cas = [c for c in cas if c[1] is None or c[1] >= c[0]]
    valeurs = ", ".join(
        "(%s::int, %s::date, %s::date, %s::text, %s::text, %s::int, %s::int, %s::int, %s::boolean, %s::boolean)"
        for _ in cas
    )
    params = []
    for i, (decision, bail, departement, (carte, qpv), (l24, l15, c24, c15)) in enumerate(cas):
        params += [i, decision, bail, departement, carte, qpv, l24, l15, bool(c24), bool(c15)]
    lignes = _executer(
        f"""
        WITH t AS (SELECT * FROM (VALUES {valeurs}) AS v(i, date_decision, date_bail, departement, carte_qpv, qpv_id,
                                                         l_qpv_id, l_qpv_2015_id, l_c2024, l_c2015)),
        o AS (SELECT t.*, {f1_pg._carte_decision_sql()} AS carte_decision FROM t),
        l AS (SELECT i, l_qpv_id AS qpv_id, l_qpv_2015_id AS qpv_2015_id, l_c2024 AS carte_2024_connue,
                     l_c2015 AS carte_2015_connue FROM t)
        SELECT o.i, {f1_pg._en_qpv_au_bail_sql()} FROM o JOIN l ON l.i = o.i ORDER BY o.i
        """,
        params,
    )
    attendus = []
    for decision, bail, departement, (carte, qpv), (l24, l15, c24, c15) in cas:
        ligne = SimpleNamespace(
            date_decision=decision, date_bail=bail, departement=departement, carte_qpv=carte, qpv_id=qpv
        )
        etat = {"qpv_id": l24, "qpv_2015_id": l15, "carte_2024_connue": bool(c24), "carte_2015_connue": bool(c15)}
        attendus.append(aservices._en_qpv_au_bail(ligne, etat))
    assert [en_qpv for _, en_qpv in lignes] == attendus
    assert {True, False, None} == set(attendus)


@sql
@pytest.mark.django_db
def test_les_unites_de_consommation_en_sql_sont_celles_de_python():
    cas = [(n14, nm14) for n14 in range(1, 5) for nm14 in range(0, 5)]
    valeurs = ", ".join("(%s::int, %s::int)" for _ in cas)
    expression = rules.unites_consommation_dixiemes_sql("t.n14", "t.nm14")
    lignes = _executer(f"SELECT {expression} FROM (VALUES {valeurs}) AS t(n14, nm14)", [x for c in cas for x in c])
    assert [u for (u,) in lignes] == [rules.unites_consommation_dixiemes(n14, nm14) for n14, nm14 in cas]


@sql
@pytest.mark.django_db
def test_ce_que_compte_une_decision_en_sql_est_ce_que_dit_python():
    cas = [(t.value, rang) for t in rules.TypeDecision for rang in (None, 1, 2)]
    valeurs = ", ".join("(%s::text, %s::int)" for _ in cas)
    lignes = _executer(
        f"SELECT {rules.est_attribution_sql('t.type')}, {rules.compte_pour_b_c_sql('t.type', 't.rang')} "
        f"FROM (VALUES {valeurs}) AS t(type, rang)",
        [x for c in cas for x in c],
    )
    attendus = [(rules.est_attribution(t), rules.compte_pour_b_c(t, rang)) for t, rang in cas]
    # SQL's NULL rank gives NULL where Python says False: both "not counted"
    assert [(a, bool(b)) for a, b in lignes] == attendus
