"""Background production of the balance sheets. The task takes an id, calls one service, owns the retries."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(bind=True, max_retries=3, acks_late=True)
def produire_bilan_task(self, bilan_id: int) -> int:
    try:
        return services.produire_bilan(bilan_id).pk
    except Exception as exc:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            services.marquer_echec(bilan_id, f"Erreur lors de la production du bilan : {exc}")
            raise
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
