"""Percentages typed and read by people: "42,5 %" in, an exact ``Decimal`` out, and back.

Pure functions, no Django. Targets (local targets of the CIA, target values of indicators) are typed as
percentages with a French decimal comma and stored as exact fractions (0.425); they read back as people
wrote them, never rounded ("33,33 %", not "33,3 %").
"""

from __future__ import annotations

import re
from decimal import Decimal


class PourcentageInvalide(ValueError):
    """What was typed is not a percentage between 0 and 100; the message is in French."""


ESPACES = {" ", "\u00a0", "\u202f", "\t"}
_NOMBRE = re.compile(r"^(\d+(\.\d*)?|\.\d+)$")


def lire_pourcentage(texte: str | Decimal | int, *, decimales: int = 2) -> Decimal:
    """A percentage as typed in French ("42,5", "42,5 %", "42.5") -> Decimal("42.5"), between 0 and 100.

    Raises ``PourcentageInvalide`` with a French message for anything else: a value above 100, negative, with more
    than ``decimales`` decimals, or that is not a number.
    """
    if isinstance(texte, Decimal | int):
        valeur = Decimal(texte)
        if not valeur.is_finite():
            raise PourcentageInvalide("Saisissez un pourcentage, par exemple 42,5.")
    else:
        brut = "".join(c for c in str(texte) if c not in ESPACES).removesuffix("%").replace(",", ".")
        if not brut:
            raise PourcentageInvalide("Saisissez un pourcentage, par exemple 42,5.")
        if brut.startswith("-") and _NOMBRE.match(brut[1:]):
            raise PourcentageInvalide("Un pourcentage est compris entre 0 et 100 (par exemple 42,5 pour 42,5 %).")
        if not _NOMBRE.match(brut):
            raise PourcentageInvalide(
                f"« {texte} » n'est pas un pourcentage : saisissez par exemple 42,5 (virgule décimale)."
            )
        valeur = Decimal(brut)
    if valeur < 0 or valeur > 100:
        raise PourcentageInvalide("Un pourcentage est compris entre 0 et 100 (par exemple 42,5 pour 42,5 %).")
    if valeur.quantize(Decimal(1).scaleb(-decimales)) != valeur:
        raise PourcentageInvalide(f"Au plus {decimales} décimales (par exemple 42,5 ou 33,33).")
    return _sans_zeros(valeur)


def _sans_zeros(valeur: Decimal) -> Decimal:
    """42.50 -> 42.5, 100.00 -> 100 (never 1E+2)."""
    valeur = valeur.normalize()
    return valeur.quantize(Decimal(1)) if valeur == valeur.to_integral_value() else valeur


def fraction(pourcentage: Decimal) -> Decimal:
    """42.5 (percent) -> 0.425 (the fraction stored and compared exactly)."""
    return Decimal(pourcentage) / 100


def texte_pourcentage(fraction_: Decimal | float | None) -> str:
    """A target as people wrote it: 0.425 -> "42,5 %", 0.25 -> "25 %", 0.3333 -> "33,33 %" (never rounded)."""
    if fraction_ is None:
        return "–"
    valeur = _sans_zeros(Decimal(str(fraction_)) * 100)
    return f"{valeur:f}".replace(".", ",") + "\u00a0%"
