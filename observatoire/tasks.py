"""Background production of the balance sheets. The task takes an id, calls one service, owns the retries."""

from __future__ import annotations

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=3, acks_late=True)
def produire_bilan_task(self, bilan_id: int) -> int | None:
    try:
        return services.produire_bilan(bilan_id).pk
    except Exception as exc:
        if self.request.is_eager:
            # Without a worker (the demo) the task runs inside the user's request, after its commit: the
            # failure is recorded on the report and logged with its traceback instead of breaking the page.
            logger.exception("Échec de la production du bilan %s", bilan_id)
            services.marquer_echec(bilan_id, f"Erreur lors de la production du bilan : {exc}")
            return None
        if self.request.retries >= self.max_retries:
            services.marquer_echec(bilan_id, f"Erreur lors de la production du bilan : {exc}")
            raise
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
