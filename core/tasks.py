"""Background jobs of ``core``: the heartbeat that proves a worker reaches the database.

The journal of job runs (``tracked_execution``) is in ``core.jobs``.
"""

from __future__ import annotations

from celery import shared_task

from .jobs import tracked_execution


@shared_task(name="core.record_heartbeat")
def record_heartbeat(label: str, acteur_id: int | None = None) -> int:
    """Write one journal row proving that a worker picks up tasks and reaches the database.

    Returns the row's id. Used by the integration tests and by operators checking a deployment
    (``celery -A config call core.record_heartbeat --args='["deploiement"]'``).
    """
    with tracked_execution("core.record_heartbeat", acteur_id=acteur_id, detail={"label": label}) as execution:
        execution.detail["worker"] = record_heartbeat.request.hostname or "eager"
    return execution.pk
