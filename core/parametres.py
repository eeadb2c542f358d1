"""One way to read integers, years and dates from a query string (or a posted form), for every view.

A bad value raises `ParametreInvalide`, a `django.core.exceptions.BadRequest`: an HTML page answers with
the 400 page (`core.views.requete_invalide`) showing the French message, the API with a 400 JSON body
`{"<nom>": ["<message>"]}` (`core.api.gestionnaire_exceptions`). Never a 500, never a silent default.
"""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django import forms
from django.core.exceptions import BadRequest
from drf_spectacular.utils import extend_schema_field

ANNEE_MIN = 2000
ANNEE_MAX = 2100
# The largest value a bigint column (and SQLite's INTEGER) holds: beyond it the database itself fails.
ENTIER_MAX = 2**63 - 1
_ENTIER = re.compile(r"[+-]?\d+")


class ParametreInvalide(BadRequest):
    def __init__(self, nom: str, message: str):
        self.nom = nom
        self.message = message
        super().__init__(f"Paramètre « {nom} » : {message}")


def _brut(params, nom: str) -> str | None:
    valeur = params.get(nom)
    if valeur is None:
        return None
    valeur = str(valeur).strip()
    return valeur or None


def entier(
    params,
    nom: str,
    *,
    defaut: int | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
    obligatoire: bool = False,
) -> int | None:
    """The integer `params[nom]` (a QueryDict or dict), `defaut` when absent or empty."""
    valeur = _brut(params, nom)
    if valeur is None:
        if obligatoire:
            raise ParametreInvalide(nom, "paramètre obligatoire.")
        return defaut
    if not _ENTIER.fullmatch(valeur):
        raise ParametreInvalide(nom, f"« {valeur[:20]} » n'est pas un nombre entier.")
    try:
        nombre = int(valeur)
    except ValueError:  # more than 4,300 digits
        nombre = ENTIER_MAX + 1 if not valeur.startswith("-") else -ENTIER_MAX - 1
    bas = -ENTIER_MAX if minimum is None else minimum
    haut = ENTIER_MAX if maximum is None else maximum
    if not bas <= nombre <= haut:
        if minimum is not None and maximum is not None:
            raise ParametreInvalide(nom, f"doit être compris entre {minimum} et {maximum}.")
        if nombre < bas:
            if minimum is None:
                raise ParametreInvalide(nom, "nombre trop petit.")
            raise ParametreInvalide(nom, f"doit être supérieur ou égal à {bas}.")
        if maximum is None:
            raise ParametreInvalide(nom, "nombre trop grand.")
        raise ParametreInvalide(nom, f"doit être inférieur ou égal à {haut}.")
    return nombre


def annee(params, nom: str = "annee", *, defaut: int | None = None, obligatoire: bool = False) -> int | None:
    """A calendar year between ANNEE_MIN and ANNEE_MAX."""
    valeur = _brut(params, nom)
    if valeur is not None and not _ENTIER.fullmatch(valeur):
        raise ParametreInvalide(nom, f"« {valeur[:20]} » n'est pas une année (4 chiffres attendus).")
    return entier(params, nom, defaut=defaut, minimum=ANNEE_MIN, maximum=ANNEE_MAX, obligatoire=obligatoire)


def date(params, nom: str, *, defaut: dt.date | None = None, obligatoire: bool = False) -> dt.date | None:
    """A date written AAAA-MM-JJ."""
    valeur = _brut(params, nom)
    if valeur is None:
        if obligatoire:
            raise ParametreInvalide(nom, "paramètre obligatoire.")
        return defaut
    try:
        return dt.date.fromisoformat(valeur)
    except ValueError:
        raise ParametreInvalide(nom, f"« {valeur[:20]} » n'est pas une date au format AAAA-MM-JJ.") from None


def identifiant(params, nom: str, *, obligatoire: bool = False) -> int | None:
    """A primary key: a positive integer a database column can hold."""
    return entier(params, nom, minimum=1, maximum=ENTIER_MAX, obligatoire=obligatoire)


class AnneeFilter(django_filters.NumberFilter):
    """A year in a FilterSet: an integer between ANNEE_MIN and ANNEE_MAX, else the filterset is invalid
    (400 from the API, a form error on a page). The OpenAPI schema documents the bounds."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", ANNEE_MIN)
        kwargs.setdefault("max_value", ANNEE_MAX)
        super().__init__(*args, **kwargs)
        schema = {"type": "integer", "minimum": ANNEE_MIN, "maximum": ANNEE_MAX}
        schema["description"] = f"{self.label or 'Année'} (de {ANNEE_MIN} à {ANNEE_MAX})"
        extend_schema_field(schema)(self)


def filtres_valides(filtre):
    """A bound FilterSet (or form) whose values are all valid, else ParametreInvalide naming the first
    faulty field with its French message."""
    if not filtre.is_valid():
        nom, messages = next(iter(filtre.errors.items()))
        raise ParametreInvalide(nom, " ".join(str(m) for m in messages))
    return filtre
