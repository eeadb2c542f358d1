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


NOM_TACHE_QUARTIERS = "observatoire.classer_quartiers"


@shared_task(acks_late=True)
def classer_quartiers_nuit() -> dict:
    """Nightly: classify the neighbourhoods of every territory with a version of the index in force today.

    One run per territory, each in its own transaction: a territory that fails is recorded in the job journal
    and does not stop the others."""
    import datetime as dt

    from cil.models import Epci
    from core.jobs import tracked_execution

    from .quartiers import classer_quartiers

    jour = dt.date.today()
    epcis = Epci.objects.filter(referentiels_quartiers__date_debut__lte=jour).exclude(
        referentiels_quartiers__date_fin__lt=jour
    )
    with tracked_execution(NOM_TACHE_QUARTIERS, detail={"jour": jour.isoformat()}) as execution:
        classes, echecs = [], []
        for epci in epcis.distinct().order_by("pk"):
            try:
                classement = classer_quartiers(epci, declencheur="NUIT", jour=jour)
            except Exception as exc:  # one territory's failure is recorded, the others still run
                logger.exception("Classement des quartiers de %s échoué", epci.nom)
                echecs.append({"epci": epci.siren, "erreur": str(exc)})
            else:
                classes.append({"epci": epci.siren, "classement": classement.pk})
        execution.detail = {**execution.detail, "classes": classes, "echecs": echecs}
    return {"classes": len(classes), "echecs": len(echecs)}


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
