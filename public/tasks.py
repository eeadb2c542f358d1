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


@shared_task(bind=True, max_retries=5, acks_late=True)
def envoyer_code_suivi(self, demande_id: int, code: str) -> None:
    """Send an applicant their one-time follow-up code (``public.suivi.envoyer_code``); a mail server that does
    not answer is retried, the code stays valid for its fifteen minutes."""
    from . import suivi

    try:
        suivi.envoyer_code(demande_id, code)
    except OSError as exc:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            raise
        raise self.retry(exc=exc, countdown=10 * 2**self.request.retries) from exc
