"""French formats for the relocation pages and the PDF summary ("23,5 %", "412 €", "95 jours")."""

from django import template

from observatoire.formats import euros as _euros
from observatoire.formats import nombre, pourcentage

register = template.Library()


@register.filter
def pct(fraction, decimales: int = 1) -> str:
    return pourcentage(fraction, decimales)


@register.filter
def eur(valeur) -> str:
    return _euros(valeur)


@register.filter
def nb(valeur, decimales: int = 0) -> str:
    return nombre(valeur, decimales)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""
