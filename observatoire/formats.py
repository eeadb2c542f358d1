"""French number formatting shared by the charts, the print templates and the exports.

Pure functions, no Django: "23,5 %", "1 234", "10 716 €". The thousands separator and the space
before "%" are non-breaking (U+00A0) so that a figure is never split across two lines.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"


def _arrondi(valeur, decimales: int) -> Decimal:
    quantum = Decimal(1).scaleb(-decimales)
    return Decimal(str(valeur)).quantize(quantum, rounding=ROUND_HALF_UP)


def nombre(valeur, decimales: int = 0) -> str:
    """1234.5 -> '1 234,5' (decimales=1); None -> '–'."""
    if valeur is None:
        return "–"
    d = _arrondi(valeur, decimales)
    signe = "-" if d < 0 else ""
    texte = f"{abs(d):,.{decimales}f}"
    entier, _, frac = texte.partition(".")
    entier = entier.replace(",", NBSP)
    return f"{signe}{entier},{frac}" if decimales else f"{signe}{entier}"


def pourcentage(fraction, decimales: int = 1) -> str:
    """A fraction between 0 and 1 as a French percentage: 0.235 -> '23,5 %'; None -> '–'.

    Rounded exactly like the dashboard's ``pct`` filter (``float * 100`` then ``format``), so that a
    figure printed in a balance sheet is the figure on screen.
    """
    if fraction is None or fraction == "":
        return "–"
    return f"{float(fraction) * 100:.{int(decimales)}f}".replace(".", ",") + f"{NBSP}%"


def points(fraction, decimales: int = 1) -> str:
    """A gap of two fractions in percentage points, signed like the dashboard: -0.021 -> '−2,1 pt'."""
    if fraction is None:
        return "–"
    valeur = float(fraction) * 100
    signe = "+" if valeur > 0 else ("−" if valeur < 0 else "")
    return f"{signe}{abs(valeur):.{int(decimales)}f}".replace(".", ",") + f"{NBSP}pt"


def euros(valeur) -> str:
    if valeur is None:
        return "–"
    return f"{nombre(valeur, 0)}{NBSP}€"
