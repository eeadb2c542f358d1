"""Waiting times: counted in days (``attributions.selectors.duree_attente``), shown in months of 365.25 / 12
days (30.4375) everywhere: the observatory's indicators and tables, the public figures, a demand's positions."""

from __future__ import annotations

from decimal import Decimal

JOURS_PAR_MOIS = Decimal("365.25") / 12


def en_mois(jours) -> float | None:
    """A number of days as months (unrounded: each output rounds as it prints); None stays None."""
    return None if jours is None else float(jours) / float(JOURS_PAR_MOIS)
