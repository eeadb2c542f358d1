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


@shared_task(bind=True, max_retries=2, acks_late=True)
def produire_export(self, export_id: int) -> str:
    """Write one deferred spreadsheet (``core.exports_differes.produire``); its failures are recorded on the
    export for the user, not retried blindly."""
    from . import exports_differes

    return exports_differes.produire(export_id).statut


@shared_task
def purger_exports() -> int:
    """Delete the deferred spreadsheets older than a week (settings.CELERY_BEAT_SCHEDULE)."""
    from . import exports_differes

    with tracked_execution("core.purger_exports") as execution:
        execution.detail["supprimes"] = exports_differes.purger()
    return execution.detail["supprimes"]
