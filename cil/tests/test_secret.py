"""Statistical secrecy (Platform decision 11) from tables of cases: primary and secondary masking, and the
exact check that no masked cell can be recomputed from the printed totals."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cil.secret import TOTAL, Relation, masquer, primaires, recalculables, relations_grille

T = TOTAL


def grille(cellules: list[list[int]], *, colonnes_additives: bool = True) -> tuple[dict, list[Relation]]:
    """A grid and its margins (rows ``a, b, c…``, columns ``0, 1, 2…``), with its relations."""
    lignes = [chr(ord("a") + i) for i in range(len(cellules))]
    colonnes = list(range(len(cellules[0])))
    valeurs = {}
    for li, rangee in zip(lignes, cellules, strict=True):
        for c, v in zip(colonnes, rangee, strict=True):
            valeurs[(li, c)] = v
        valeurs[(li, T)] = sum(rangee)
    for c in colonnes:
        valeurs[(T, c)] = sum(r[c] for r in cellules)
    valeurs[(T, T)] = sum(map(sum, cellules))
    return valeurs, relations_grille(lignes, colonnes, colonnes_additives=colonnes_additives)


@pytest.mark.parametrize(
    ("cellules", "seuil", "attendus"),
    [
        # nothing small: nothing masked
        ([[12, 30], [40, 11]], 10, set()),
        # zero describes nobody: shown
        ([[0, 30], [40, 0]], 10, set()),
        # one small cell: the smallest other cell of its row and of its column is masked too, then the fourth
        # corner (each row and column then holds two masked cells)
        ([[3, 30, 50], [40, 20, 60], [70, 80, 90]], 10, {("a", 0), ("a", 1), ("b", 0), ("b", 1)}),
        # the second cell of the row is the smallest NON-ZERO one, not a zero
        ([[3, 0, 15, 50], [12, 40, 60, 70]], 10, {("a", 0), ("a", 2), ("b", 0), ("b", 2)}),
        # the threshold is a setting: 5 instead of 10
        ([[7, 30], [40, 11]], 5, set()),
        ([[4, 30], [40, 11]], 5, {("a", 0), ("a", 1), ("b", 0), ("b", 1)}),
    ],
)
def test_masquage_primaire_et_secondaire(cellules, seuil, attendus):
    valeurs, relations = grille(cellules)
    masques = masquer(valeurs, relations, seuil)
    assert {m for m in masques if T not in m} == attendus
    assert not recalculables(valeurs, relations, masques)


def test_une_seule_case_masquee_dans_une_ligne_entraine_un_second_masquage():
    valeurs = {"T1": 3, "T2": 25, "T3": 40, "ensemble": 68}
    relation = Relation(("T1", "T2", "T3"), "ensemble")
    assert primaires(valeurs, 10) == {"T1"}
    assert recalculables(valeurs, [relation], {"T1"}) == {"T1"}  # 68 - 25 - 40
    assert masquer(valeurs, [relation], 10) == {"T1", "T2"}


def test_un_total_petit_masque_une_partie_aussi():
    """A small commune total with all its parts printed would be the sum of its parts."""
    valeurs = {"T1": 0, "T2": 0, "T3": 4, "ensemble": 4}
    masques = masquer(valeurs, [Relation(("T1", "T2", "T3"), "ensemble")], 10)
    assert masques == {"T3", "ensemble"}


def test_lignes_seules_additives():
    """Demands wishing several communes: columns do not add up, only the rows (one first typology each)."""
    valeurs, relations = grille([[3, 30], [40, 50]], colonnes_additives=False)
    masques = masquer(valeurs, relations, 10)
    assert {m for m in masques if T not in m} == {("a", 0), ("a", 1)}


def test_deux_blocs_relies_par_une_case_sont_proteges_par_le_calcul_exact():
    """Every row and column holds two masked cells or more, yet the cell joining the two blocks follows from
    rows a + b - columns 0 - 1: the exact check masks more."""
    cellules = [
        [1, 2, 3, 50, 60],
        [4, 5, 70, 80, 90],
        [60, 70, 6, 7, 80],
        [50, 60, 8, 9, 70],
        [40, 50, 60, 70, 80],
    ]
    valeurs, relations = grille(cellules)
    prim = primaires(valeurs, 10)
    assert len(prim) == 9
    assert all(sum(m in prim for m in r.membres) != 1 for r in relations)  # the simple rule sees nothing
    assert recalculables(valeurs, relations, prim) == {("a", 2)}
    masques = masquer(valeurs, relations, 10)
    assert prim < masques
    assert not recalculables(valeurs, relations, masques)


def test_rectangle_non_recalculable():
    valeurs, relations = grille([[3, 4, 50], [5, 6, 60], [70, 80, 90]])
    rectangle = {("a", 0), ("a", 1), ("b", 0), ("b", 1)}
    assert not recalculables(valeurs, relations, rectangle)
    assert recalculables(valeurs, relations, rectangle - {("b", 1)}) == rectangle - {("b", 1)}


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=6).flatmap(
        lambda n: st.lists(
            st.lists(st.integers(min_value=0, max_value=40), min_size=n, max_size=n), min_size=1, max_size=7
        )
    ),
    st.booleans(),
)
def test_propriete_aucune_petite_valeur_visible_aucune_case_recalculable(cellules, colonnes_additives):
    valeurs, relations = grille(cellules, colonnes_additives=colonnes_additives)
    masques = masquer(valeurs, relations, 10)
    assert primaires(valeurs, 10) <= masques
    assert not recalculables(valeurs, relations, masques)
    for relation in relations:
        assert sum(m in masques for m in relation.membres) != 1
