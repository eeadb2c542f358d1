"""Nightly job of the public figures (settings.CELERY_BEAT_SCHEDULE "chiffres-publics-chaque-nuit")."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(bind=True, max_retries=3, acks_late=True)
def calculer_chiffres_publics(self) -> int:
    """Every public territory's table counted on yesterday (idempotent: a retry rewrites the same rows)."""
    try:
        return len(services.calculer_nuit())
    except Exception as exc:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            raise
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
