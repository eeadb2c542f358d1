"""One way to write a life cycle: a transition table, and one helper that moves an object and logs the move.

The three state machines of the platform (a demand, ``demandes``; a household to relocate, ``relogement``;
a vacant dwelling, ``attributions``) each declare their table in their ``rules.py`` as a ``Cycle``, a pure
value (no ORM, no clock), and log their moves in a model that inherits ``core.models.JournalTransition``.
Their services call ``appliquer``: check (state, action) against the rule, set the new state, write the log
row (from, to, action, who, when, why). The object itself is not saved: the service saves it with the other
fields the step changes, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import timezone

from .cycles import Cycle

__all__ = ["Cycle", "appliquer", "journaliser"]

if TYPE_CHECKING:
    import datetime as dt

    from django.db import models

    from .models import JournalTransition


def journaliser(
    objet: models.Model,
    journal: type[JournalTransition],
    *,
    de: str,
    vers: str,
    action: str,
    acteur,
    motif: str = "",
    date: dt.datetime | None = None,
    **colonnes,
) -> JournalTransition:
    """Write one row of ``objet``'s log: a move, or a step noted without a move (``de == vers``).

    ``acteur`` is the user who acted, or nothing for a scheduled task (an anonymous or unsaved user is
    logged as nobody). A reason longer than the column is cut, never refused.
    """
    longueur = journal._meta.get_field("motif").max_length
    return journal.objects.create(
        **{journal.champ_objet: objet},
        de=de,
        vers=vers,
        action=str(action),
        motif=(motif or "")[:longueur],
        acteur=acteur if getattr(acteur, "pk", None) else None,
        date=date or timezone.now(),
        **colonnes,
    )


def appliquer(
    objet: models.Model,
    action,
    *,
    regle: Callable[[str, object], str],
    journal: type[JournalTransition],
    acteur,
    motif: str = "",
    champ: str = "statut",
    date: dt.datetime | None = None,
    **colonnes,
) -> JournalTransition:
    """Move ``objet`` by ``action`` and log it; the object is left for the caller to save.

    ``regle(state, action)`` gives the new state or raises an ``ErreurMetier``: a ``Cycle``, or a function of
    the app's ``rules.py`` that adds its own condition to one. ``colonnes`` fills the columns a log adds to
    ``JournalTransition`` (a free comment...). Returns the log row (its ``de`` is the former state).
    """
    ancien = getattr(objet, champ)
    nouveau = regle(ancien, action)
    ligne = journaliser(
        objet, journal, de=ancien, vers=nouveau, action=action, acteur=acteur, motif=motif, date=date, **colonnes
    )
    setattr(objet, champ, nouveau)
    return ligne
