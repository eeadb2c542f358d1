"""Addresses of rows in long lists: ``{% adresse 'demandes:fiche' d.pk %}`` instead of ``{% url %}`` on each row.

Django's ``reverse`` walks the resolver at every call (about 0.1 ms here): a list of 200 demands paid it 200 times.
The address of a page taking one integer (a primary key) is resolved once per page name and script prefix, with a
marker in place of the number, then the number is put in its place."""

import functools

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()

_MARQUE = 987654321987654321


@functools.lru_cache(maxsize=256)
def _gabarit(nom: str, prefixe: str) -> tuple[str, str]:
    avant, marque, apres = reverse(nom, args=[_MARQUE]).partition(str(_MARQUE))
    if not marque or str(_MARQUE) in apres:
        raise ValueError(f"{nom} : l'adresse ne prend pas un seul nombre entier")
    return avant, apres


@register.simple_tag
def adresse(nom: str, pk) -> str:
    """The address of the page ``nom`` (a URL name whose only argument is an ``<int:...>``) for ``pk``."""
    numero = int(pk)
    if numero < 0:
        return reverse(nom, args=[numero])  # refused by the integer converter, as reverse refuses it
    avant, apres = _gabarit(nom, get_script_prefix())
    return f"{avant}{numero}{apres}"
