"""Background production of the balance sheets. The task takes an id, calls one service, owns the retries."""

from __future__ import annotations

import logging

from celery import shared_task

from core.jobs import tracked_execution

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


@shared_task(bind=True, max_retries=3, acks_late=True)
def calculer_indicateurs_nuit(self) -> dict:
    """Nightly (settings.CELERY_BEAT_SCHEDULE "indicateurs-observatoire-chaque-nuit"): every territory's indicators,
    the previous and the current year; the run is kept in the job journal (TacheExecution)."""
    try:
        with tracked_execution(services.NOM_TACHE_INDICATEURS, detail={"declencheur": "nuit"}) as execution:
            calculs = services.calculer_nuit()
            execution.detail["calculs"] = [[c.epci_id, c.annee, c.date_reference.isoformat()] for c in calculs]
        return execution.detail
    except Exception as exc:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            raise
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


@shared_task(bind=True, max_retries=3, acks_late=True)
def calculer_indicateurs_task(self, epci_id: int, annee: int, acteur_id: int | None = None) -> int:
    """One territory and year, on demand of its EPCI staff (the job journal records who asked)."""
    from cil.models import Epci

    try:
        with tracked_execution(
            services.NOM_TACHE_INDICATEURS, acteur_id=acteur_id, detail={"epci": epci_id, "annee": annee}
        ):
            calcul = services.calculer_indicateurs(Epci.objects.get(pk=epci_id), annee, acteur=None)
            if acteur_id:
                type(calcul).objects.filter(pk=calcul.pk).update(demande_par_id=acteur_id)
        return calcul.pk
    except Exception as exc:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            raise
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
