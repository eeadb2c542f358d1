"""Page addresses resolved once: Django's ``reverse`` walks the resolver at every call (about 0.1 ms here), and
the menu of every page, the several hundred figures of a dashboard and the rows of long lists asked it again
for the same few pages.

- ``adresse_fixe(nom)``: a page without argument, resolved once per script prefix.
- ``adresse(nom, pk)``: a page taking one integer (a primary key), resolved once per name and script prefix with
  a marker in place of the number, then the number put in its place (``{% adresse %}`` in the templates)."""

import functools

from django.urls import get_script_prefix, reverse

_MARQUE = 987654321987654321


@functools.lru_cache(maxsize=256)
def _fixe(nom: str, prefixe: str) -> str:
    return reverse(nom)


def adresse_fixe(nom: str) -> str:
    """The address of the page ``nom`` (no argument); raises NoReverseMatch as ``reverse`` does."""
    return _fixe(nom, get_script_prefix())


@functools.lru_cache(maxsize=256)
def _gabarit(nom: str, prefixe: str) -> tuple[str, str]:
    avant, marque, apres = reverse(nom, args=[_MARQUE]).partition(str(_MARQUE))
    if not marque or str(_MARQUE) in apres:
        raise ValueError(f"{nom} : l'adresse ne prend pas un seul nombre entier")
    return avant, apres


def adresse(nom: str, pk) -> str:
    """The address of the page ``nom`` (a URL name whose only argument is an ``<int:...>``) for ``pk``."""
    numero = int(pk)
    if numero < 0:
        return reverse(nom, args=[numero])  # refused by the integer converter, as reverse refuses it
    avant, apres = _gabarit(nom, get_script_prefix())
    return f"{avant}{numero}{apres}"
