"""Statistical secrecy of the observatory's tables shown beyond the EPCI's staff (docs/droit/regles.md, Platform
decision 11): one rule, the public pages' own.

The threshold is ``public.RegleSecret`` (per territory or for the platform, dated; 10 when none is recorded), read
by ``public.selectors.regle_secret``; the masking is ``public.rules.masquer`` (primary masking of the counts from 1
to threshold - 1, then secondary masking checked exactly, so that no masked cell can be recomputed from the printed
totals). This module only says which cells of a table add up to which: it restates neither the threshold nor the
masking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping

from cil.models import Epci
from public.rules import Relation, masquer
from public.selectors import Regle, regle_secret


def regle(epci: Epci, jour: dt.date) -> Regle:
    """The rule in force on ``jour`` for ``epci`` (its threshold and the sentence that states it)."""
    return regle_secret(epci, jour)


def cellules_masquees(
    valeurs: Mapping[Hashable, int], relations: Iterable[Relation], seuil: int
) -> frozenset[Hashable]:
    return masquer(valeurs, list(relations), seuil)


__all__ = ["Regle", "Relation", "cellules_masquees", "regle"]
