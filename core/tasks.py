"""Background jobs shared by every app, and the journal of background job runs (TacheExecution).

Other apps' tasks wrap their body in ``tracked_execution`` so that staff can list the jobs that
ran, when, launched by whom, and with which outcome.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from celery import shared_task
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


@shared_task(name="core.record_heartbeat")
def record_heartbeat(label: str, acteur_id: int | None = None) -> int:
    """Write one journal row proving that a worker picks up tasks and reaches the database.

    Returns the row's id. Used by the integration tests and by operators checking a deployment
    (``celery -A config call core.record_heartbeat --args='["deploiement"]'``).
    """
    with tracked_execution("core.record_heartbeat", acteur_id=acteur_id, detail={"label": label}) as execution:
        execution.detail["worker"] = record_heartbeat.request.hostname or "eager"
    return execution.pk
