"""How a value reads in a French sentence or page: a choice's label instead of its code, dates as 29/11/2026,
numbers with a decimal comma, booleans as oui/non. One helper for every page that shows entered values
(registration recap, scoring grids, objectives), so that no raw code or ISO date reaches a user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Model
from django.utils import formats

VIDE = "—"


def _choix(champ) -> dict:
    """The flattened {code: label} of a form or model field's choices (groups included), or {}."""
    choices = getattr(champ, "flatchoices", None) or getattr(champ, "choices", None)
    if not choices or isinstance(choices, str):
        return {}
    resultat = {}
    try:
        for code, label in choices:
            if isinstance(label, list | tuple):
                resultat.update({str(c): lab for c, lab in label})
            else:
                resultat[str(code)] = label
    except (TypeError, ValueError):
        return {}
    return resultat


def date_fr(jour: dt.date | dt.datetime | str | None) -> str:
    """29/11/2026 (the date inside a French sentence); a datetime adds 'à 14 h 05' in local time. An ISO
    string (as stored in JSON snapshots) is read first."""
    if jour is None or jour == "":
        return VIDE
    if isinstance(jour, str):
        try:
            jour = dt.datetime.fromisoformat(jour) if "T" in jour else dt.date.fromisoformat(jour)
        except ValueError:
            return jour
    if isinstance(jour, dt.datetime):
        from django.utils import timezone

        local = timezone.localtime(jour) if timezone.is_aware(jour) else jour
        return f"{local:%d/%m/%Y} à {local.hour} h {local:%M}"
    return f"{jour:%d/%m/%Y}"


def libelle(valeur, champ=None, *, choix: dict | None = None) -> str:
    """``valeur`` as a reader expects it; ``champ`` (a form or model field) or ``choix`` give the labels."""
    if valeur is None or valeur == "" or (isinstance(valeur, list | tuple | set) and not valeur):
        return VIDE
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, dt.date):
        return date_fr(valeur)
    if isinstance(valeur, Model):
        return str(valeur)
    labels = choix if choix is not None else _choix(champ)
    if isinstance(valeur, str | int) and str(valeur) in labels:
        return str(labels[str(valeur)])
    if isinstance(valeur, Decimal | float):
        return formats.number_format(valeur, use_l10n=True, force_grouping=True)
    if isinstance(valeur, Iterable) and not isinstance(valeur, str):
        return ", ".join(libelle(v, champ, choix=labels) for v in valeur)
    return str(valeur)


def pluriel(n: int, singulier: str = "", pluriel_: str = "s") -> str:
    """The ending of a French noun after a count: 0 and 1 take the singular ("1 ménage", "0 ménage")."""
    return singulier if abs(n) < 2 else pluriel_
