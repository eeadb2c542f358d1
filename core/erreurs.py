"""The one base of business errors: a rule of the domain refuses what the user asked, and says why in French.

Every app's refusals inherit from ``ErreurMetier`` (``demandes.rules.DomainError``, the ``RegleError`` of
``attributions`` and ``relogement``, ``attributions.services.ActionRefusee``...), so a view never needs to
catch them only to show their message: ``core.middleware.ErreurMetierMiddleware`` turns one that escapes a
view into that message (back to the page the form was posted from, or a 400 page; ``{"detail": ...}`` with
a 400 under ``/api/``, see ``core.api.gestionnaire_exceptions``). A view still catches one when it does
something of its own with it: show it on a form field, re-render the bound form, compare versions.

Not business errors, and so not subclasses: invariants whose breach is a bug (the append-only read log's
``JournalImmuable``), security guards (``relogement.pdf.RessourceRefusee``) and private control flow
(``attributions.f1_pg._Abandon``). Those stay a 500 and reach the error log.
"""

from __future__ import annotations


class ErreurMetier(Exception):
    """A business rule refuses the operation; ``str(exc)`` is a complete French sentence for the user."""


def texte_du_refus(exc: Exception, *, separateur: str = " ") -> str:
    """The French text of a refusal for a message: a business error's sentence, or the messages of a Django
    ``ValidationError`` (the only exception here with ``messages``) joined by ``separateur``."""
    messages = getattr(exc, "messages", None)
    return separateur.join(messages) if messages is not None else str(exc)
