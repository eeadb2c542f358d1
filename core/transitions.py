"""One way to write a life cycle: a transition table, and one helper that moves an object and logs the move.

The three state machines of the platform (a demand, ``demandes``; a household to relocate, ``relogement``;
a vacant dwelling, ``attributions``) each declare their table in their ``rules.py`` as a ``Cycle``, a pure
value (no ORM, no clock), and log their moves in a model that inherits ``core.models.JournalTransition``.
Their services call ``appliquer``: check (state, action) against the rule, set the new state, write the log
row (from, to, action, who, when, why). The object itself is not saved: the service saves it with the other
fields the step changes, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from .erreurs import ErreurMetier

if TYPE_CHECKING:
    import datetime as dt

    from django.db import models

    from .models import JournalTransition


@dataclass(frozen=True)
class Cycle:
    """A transition table ``(state, action) -> new state`` and the refusal of any pair it does not list.

    ``refus(state, action)`` builds the exception raised for a pair the table does not list: an
    ``ErreurMetier`` whose French message names the action and the state. States and actions are compared
    as their values, so a ``StrEnum`` member and its string find the same row.
    """

    table: Mapping[tuple[Hashable, Hashable], Hashable]
    refus: Callable[[Hashable, Hashable], ErreurMetier]

    @classmethod
    def par_action(
        cls,
        table: Mapping[Hashable, tuple[Iterable[Hashable], Hashable]],
        refus: Callable[[Hashable, Hashable], ErreurMetier],
    ) -> Cycle:
        """The same cycle written ``action -> (states it is allowed from, new state)``."""
        return cls({(de, action): vers for action, (depuis, vers) in table.items() for de in depuis}, refus)

    def suivant(self, etat, action):
        """The state after ``action`` from ``etat``; raises ``refus(etat, action)`` when the table has no row."""
        try:
            return self.table[(etat, action)]
        except KeyError:
            raise self.refus(etat, action) from None

    __call__ = suivant

    def actions_possibles(self, etat) -> list:
        """The actions allowed from ``etat``, in the order of the table."""
        return list(dict.fromkeys(action for de, action in self.table if de == etat))


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
