"""A life cycle as a pure value: a transition table and the refusal of any move it does not list.

Pure (no Django, no clock): the apps' ``rules.py`` declare their cycles with it; ``core.transitions`` moves an
object along a cycle and logs the move.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .erreurs import ErreurMetier


@dataclass(frozen=True)
class Cycle:
    """A transition table ``(state, action) -> new state`` and the refusal of any pair it does not list.

    ``refus(state, action)`` builds the exception raised for a pair the table does not list: an
    ``ErreurMetier`` whose French message names the action and the state. States and actions are compared
    as their values, so a ``StrEnum`` member and its string find the same row.
    """

    # states and actions are each app's own enums: Any, since Mapping's key type is invariant
    table: Mapping[tuple[Any, Any], Any]
    refus: Callable[[Any, Any], ErreurMetier]

    @classmethod
    def par_action(
        cls,
        table: Mapping[Any, tuple[Iterable[Any], Any]],
        refus: Callable[[Any, Any], ErreurMetier],
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
