"""The neighbourhood index (référentiel des quartiers): from indicator values to a score and a class. Pure.

A territory's version of the reference (``cil.ReferentielQuartiers``) lists indicators, each with a weight, a
direction and the bounds of its scale; and classes, each from a minimum score. For one neighbourhood:

- each indicator's value becomes a mark from 0 to 100 (``note``): the lower bound gives 0 and the upper bound
  100 for an indicator where more is more attractive (``FAVORABLE``), the reverse for one where more is a sign
  of fragility (``DEFAVORABLE``: a high refusal rate, a long vacancy); values outside the bounds are clipped;
- the score is the weighted mean of the marks of the indicators that have a value (``score``): an indicator
  without a value (no allocation in the neighbourhood over the period, no mark entered) is left out and its
  weight with it; no value at all, no score;
- the class is the one with the highest minimum score at or below the score (``classe``); a score below every
  minimum gets the lowest class. No score, no class.

Marks and scores are rounded to one decimal, half up, only at the end (the weighted mean is computed exactly).
docs/quartiers.md explains the indicators and their defaults.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.erreurs import ErreurMetier

CENT = Decimal(100)
UN_DIXIEME = Decimal("0.1")


class IndiceError(ErreurMetier, ValueError):
    """A reference version that cannot classify (bad bounds, weights or thresholds)."""


class Sens(enum.StrEnum):
    FAVORABLE = "FAVORABLE"  # more is more attractive
    DEFAVORABLE = "DEFAVORABLE"  # more is a sign of fragility


@dataclass(frozen=True)
class Seuil:
    code: str
    libelle: str
    score_min: Decimal


@dataclass(frozen=True)
class Classe:
    code: str
    libelle: str


def arrondi(valeur: Decimal) -> Decimal:
    return valeur.quantize(UN_DIXIEME, rounding=ROUND_HALF_UP)


def _note_exacte(valeur: Decimal, borne_min: Decimal, borne_max: Decimal, sens: str) -> Decimal:
    if borne_max <= borne_min:
        raise IndiceError("La borne haute d'un indicateur doit être supérieure à sa borne basse.")
    borne = min(max(Decimal(valeur), borne_min), borne_max)
    part = (borne - borne_min) / (borne_max - borne_min)
    if sens == Sens.DEFAVORABLE:
        part = 1 - part
    elif sens != Sens.FAVORABLE:
        raise IndiceError(f"Sens d'indicateur inconnu : {sens}.")
    return part * CENT


def note(valeur: Decimal | None, borne_min: Decimal, borne_max: Decimal, sens: str) -> Decimal | None:
    """The indicator's mark from 0 to 100 (one decimal), or None without a value."""
    if valeur is None:
        return None
    return arrondi(_note_exacte(Decimal(valeur), Decimal(borne_min), Decimal(borne_max), sens))


def score(notes: Iterable[tuple[Decimal | None, Decimal]]) -> Decimal | None:
    """The weighted mean of the (mark, weight) pairs that have a mark, one decimal; None if none has."""
    somme = Decimal(0)
    poids_total = Decimal(0)
    for valeur, poids in notes:
        if Decimal(poids) <= 0:
            raise IndiceError("Le poids d'un indicateur doit être positif.")
        if valeur is None:
            continue
        somme += Decimal(valeur) * Decimal(poids)
        poids_total += Decimal(poids)
    if poids_total == 0:
        return None
    return arrondi(somme / poids_total)


def classe(valeur: Decimal | None, seuils: Sequence[Seuil]) -> Classe | None:
    """The class of a score: the highest minimum at or below it; below every minimum, the lowest class."""
    if valeur is None:
        return None
    if not seuils:
        raise IndiceError("La version du référentiel n'a aucune classe.")
    ordonnes = sorted(seuils, key=lambda s: s.score_min)
    if len({s.score_min for s in ordonnes}) != len(ordonnes):
        raise IndiceError("Deux classes du référentiel ont le même score minimal.")
    retenue = ordonnes[0]
    for seuil in ordonnes:
        if Decimal(valeur) >= seuil.score_min:
            retenue = seuil
    return Classe(retenue.code, retenue.libelle)
