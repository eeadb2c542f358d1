from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def nombre(value, decimales=2):
    """Decimal(2.7) -> '2,70'; None -> '–'."""
    if value is None or value == "":
        return "–"
    return f"{Decimal(value):.{int(decimales)}f}".replace(".", ",")


@register.filter
def signe(value, decimales=2):
    """A signed gap in French: Decimal(-0.7) -> '−0,70', 0.75 -> '+0,75'."""
    if value is None:
        return "–"
    value = Decimal(value)
    prefixe = "+" if value > 0 else ("−" if value < 0 else "")
    return prefixe + f"{abs(value):.{int(decimales)}f}".replace(".", ",")


@register.filter
def euros(value):
    if value is None or value == "":
        return "–"
    entier, _, decimales = f"{Decimal(value):,.2f}".partition(".")
    return entier.replace(",", "\u202f") + "," + decimales + "\u00a0€"
