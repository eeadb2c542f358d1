"""Statistical secrecy of every output that leaves the EPCI's staff (docs/droit/regles.md, Platform decision 11):
the masking, pure functions. The threshold is the rule in force (``cil.RegleSecret``, read by
``cil.selectors.regle_secret``). The public figures and the State's table mask their tables with ``masquer``; the
balance sheets, the policy's indicators and the applicant's rank and observed waiting time mask single counts with
``sous_le_seuil`` (the balance sheets' secondary masking is still their own: ``observatoire.tables.secret_tableau``).

A table is a mapping from cell keys to counts, and the list of its additive relations: cells whose sum is
printed in another cell (the communes' typologies add up to the commune's total, and so on).

* Primary masking: a count from 1 to ``seuil - 1`` is masked (0 is shown: it describes nobody).
* Secondary masking: a masked cell must never be recomputable from what is printed. First, no relation may
  hold exactly one masked cell (its value would be the total minus the others): one more cell of the relation
  is masked, the smallest non-zero part if any, else a zero part, else the total. Then an exact check over the
  rationals (every relation as a linear equation whose unknowns are the masked cells) finds the cells that a
  combination of relations would still give (two blocks of masked cells joined by one cell, for instance);
  one more cell is masked next to each, until none is left.

Figures derived from a count (a rate, a median) are masked with it by the caller.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

TOTAL = "ensemble"


@dataclass(frozen=True)
class Relation:
    """``sum(valeurs[p] for p in parties) == valeurs[total]``, both sides printed."""

    parties: tuple[Hashable, ...]
    total: Hashable

    @property
    def membres(self) -> tuple[Hashable, ...]:
        return (*self.parties, self.total)


def sous_le_seuil(n: int, seuil: int) -> bool:
    """Primary masking of one count: from 1 to seuil - 1 it is masked; 0 (it describes nobody) and more are shown."""
    if seuil < 1:
        raise ValueError("Le seuil du secret statistique est un entier positif.")
    return 0 < n < seuil


def primaires(valeurs: Mapping[Hashable, int], seuil: int) -> set[Hashable]:
    """The counts from 1 to seuil - 1."""
    return {cle for cle, v in valeurs.items() if sous_le_seuil(v, seuil)}


def relations_grille(
    lignes: Sequence[Hashable],
    colonnes: Sequence[Hashable],
    *,
    colonnes_additives: bool = True,
) -> list[Relation]:
    """Relations of a grid with margins. Cells are ``(ligne, colonne)``; the margins use ``TOTAL``.

    Each row adds up to its total (``(ligne, TOTAL)``) and the row of totals to the grand total. With
    ``colonnes_additives`` each column also adds up to its total ``(TOTAL, colonne)`` (an allocation is in
    one commune); without, it does not (a demand wishing three communes is counted in each of them).
    """
    relations = [Relation(tuple((li, c) for c in colonnes), (li, TOTAL)) for li in lignes]
    relations.append(Relation(tuple((TOTAL, c) for c in colonnes), (TOTAL, TOTAL)))
    if colonnes_additives:
        relations += [Relation(tuple((li, c) for li in lignes), (TOTAL, c)) for c in colonnes]
        relations.append(Relation(tuple((li, TOTAL) for li in lignes), (TOTAL, TOTAL)))
    return relations


def masquer(valeurs: Mapping[Hashable, int], relations: Iterable[Relation], seuil: int) -> frozenset[Hashable]:
    """The cells to mask: primary, then secondary until no masked cell can be recomputed."""
    if seuil < 1:
        raise ValueError("Le seuil du secret statistique est un entier positif.")
    relations = [r for r in relations if all(m in valeurs for m in r.membres)]
    rang = {cle: i for i, cle in enumerate(valeurs)}
    masques = primaires(valeurs, seuil)
    while True:
        _une_seule_par_relation(valeurs, relations, masques, rang)
        encore = recalculables(valeurs, relations, masques)
        if not encore:
            return frozenset(masques)
        cle = min(encore, key=rang.__getitem__)
        autour = [r for r in relations if cle in r.membres] + relations
        for relation in autour:
            libres = [m for m in relation.membres if m not in masques]
            if libres and any(m in masques for m in relation.membres):
                masques.add(_a_masquer(relation, libres, valeurs, rang))
                break
        else:  # pragma: no cover - every relation around a masked cell is already fully masked
            raise AssertionError("Secret statistique : aucune case de plus ne peut être masquée.")


def _a_masquer(relation: Relation, libres: list, valeurs: Mapping, rang: Mapping) -> Hashable:
    """The cell to mask among the relation's free ones: smallest non-zero part, else a zero part, else the total."""
    parties = [m for m in libres if m != relation.total]
    non_nulles = [m for m in parties if valeurs[m] > 0]
    for choix in (non_nulles, parties, libres):
        if choix:
            return min(choix, key=lambda m: (valeurs[m], rang[m]))
    raise AssertionError("relation sans case libre")  # pragma: no cover


def _une_seule_par_relation(valeurs: Mapping, relations: list[Relation], masques: set, rang: Mapping) -> None:
    change = True
    while change:
        change = False
        for relation in relations:
            membres = relation.membres
            if sum(m in masques for m in membres) == 1:
                libres = [m for m in membres if m not in masques]
                if libres:
                    masques.add(_a_masquer(relation, libres, valeurs, rang))
                    change = True


def recalculables(
    valeurs: Mapping[Hashable, int], relations: Iterable[Relation], masques: Iterable[Hashable]
) -> set[Hashable]:
    """The masked cells whose value follows from the printed cells and the relations, exactly.

    Each relation is an equation over the masked cells (parts +1, total -1; printed cells go to the right-hand
    side). A cell is determined when its unit vector lies in the span of the equations: after a full reduction
    to row echelon form over the rationals, some row has that cell alone.
    """
    ordre = {cle: i for i, cle in enumerate(valeurs)}
    inconnues = {cle: i for i, cle in enumerate(sorted(set(masques), key=ordre.__getitem__))}
    pivots: dict[int, dict[int, Fraction]] = {}
    for relation in relations:
        ligne: dict[int, Fraction] = {}
        for cle, coef in [(p, 1) for p in relation.parties] + [(relation.total, -1)]:
            if cle in inconnues:
                i = inconnues[cle]
                ligne[i] = ligne.get(i, Fraction(0)) + coef
        ligne = {i: c for i, c in ligne.items() if c}
        for col, pivot in pivots.items():
            if col in ligne:
                ligne = _combine(ligne, pivot, -ligne[col])
        if not ligne:
            continue
        col = min(ligne)
        ligne = {i: c / ligne[col] for i, c in ligne.items()}
        for autre_col, autre in list(pivots.items()):
            if col in autre:
                pivots[autre_col] = _combine(autre, ligne, -autre[col])
        pivots[col] = ligne
    cles = list(inconnues)
    return {cles[next(iter(ligne))] for ligne in pivots.values() if len(ligne) == 1}


def _combine(a: dict[int, Fraction], b: dict[int, Fraction], facteur: Fraction) -> dict[int, Fraction]:
    """a + facteur x b, without zero entries."""
    resultat = dict(a)
    for i, c in b.items():
        v = resultat.get(i, Fraction(0)) + facteur * c
        if v:
            resultat[i] = v
        else:
            resultat.pop(i, None)
    return resultat
