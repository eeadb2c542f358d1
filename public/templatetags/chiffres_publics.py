"""Published figures in French: « 1 234 », « 14,9 », « 33,3 % », a masked value as « s » (secret statistique)."""

from django import template
from django.utils.safestring import mark_safe

from observatoire import formats
from public.chiffres import SECRET

register = template.Library()


@register.filter
def chiffre(valeur, genre: str = "nombre"):
    """``{{ ligne.delai_median_mois|chiffre:"mois" }}``; genres: nombre, mois, ratio, part."""
    if valeur == SECRET:
        return mark_safe('<abbr title="secret statistique : valeur masquée">s</abbr>')
    if valeur is None or valeur == "":
        return mark_safe('<span title="sans objet">–</span>')
    if genre == "part":
        return f"{formats.nombre(valeur, 1)}\u00a0%"
    if genre in ("mois", "ratio"):
        return formats.nombre(valeur, 1)
    return formats.nombre(valeur)
