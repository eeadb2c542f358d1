"""Background jobs of the relocation app. Safe to retry (idempotent)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, retry_kwargs={"max_retries": 3})
def synchroniser_objectif_a(self, epci_id: int | None = None) -> int:
    """Mark again the commission decisions of definitive relocations (after an F1 import rewrote them).

    To run after each import of allocations and every night (django-celery-beat).
    """
    return services.synchroniser_objectif_a(epci_id=epci_id)


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, retry_kwargs={"max_retries": 3})
def purger_donnees_sensibles(self) -> int:
    """Nightly: erase the sensitive answers of closed files past their retention period (GDPR)."""
    return services.purger_donnees_sensibles()
