"""The journal of background job runs (``TacheExecution``): what ran, when, launched by whom, with which outcome.

A Celery task or a management command wraps its body in ``tracked_execution`` to appear in the journal (the
admin lists it). Apps import it from here, never from another app's ``tasks`` module.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from django.utils import timezone

from .models import TacheExecution

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def tracked_execution(
    nom: str, *, acteur_id: int | None = None, detail: dict | None = None
) -> Iterator[TacheExecution]:
    """Record one run of a job: a row ``EN_COURS`` at the start, ``REUSSIE`` or ``ECHOUEE`` at the end.

    The body may add to ``execution.detail``; it is saved with the final status. An exception is
    recorded (its type and message) and raised again, so that Celery's retry policy still applies.
    """
    execution = TacheExecution.objects.create(
        nom=nom,
        statut=TacheExecution.Statut.EN_COURS,
        debut=timezone.now(),
        acteur_id=acteur_id,
        detail=dict(detail or {}),
    )
    try:
        yield execution
    except Exception as exc:
        execution.statut = TacheExecution.Statut.ECHOUEE
        execution.fin = timezone.now()
        execution.detail = {**execution.detail, "erreur": f"{type(exc).__name__}: {exc}"}
        execution.save(update_fields=["statut", "fin", "detail"])
        logger.exception("Tâche %s échouée", nom)
        raise
    execution.statut = TacheExecution.Statut.REUSSIE
    execution.fin = timezone.now()
    execution.save(update_fields=["statut", "fin", "detail"])
