"""Scheduled jobs (django-celery-beat rows created by migration 0002): idempotent, batch by batch."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import selectors, services


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3, acks_late=True)
def envoyer_rappels_renouvellement(self) -> dict:
    """Send every renewal notice due today; an event marks each one, so a rerun sends nothing twice."""
    today = timezone.localdate()
    envoyes = 0
    for pk in list(selectors.rappels_a_envoyer(today).values_list("pk", flat=True)):
        if services.envoyer_rappel_renouvellement(pk, acteur=None, today=today):
            envoyes += 1
    return {"date": today.isoformat(), "rappels": envoyes}


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3, acks_late=True)
def radier_non_renouvelees(self) -> dict:
    """Radiate, for non-renewal, the demands whose notice was sent and whose deadline has passed."""
    today = timezone.localdate()
    radiees = 0
    for pk in list(selectors.radiations_a_faire(today).values_list("pk", flat=True)):
        if services.radier_pour_non_renouvellement(pk, today=today):
            radiees += 1
    return {"date": today.isoformat(), "radiations": radiees}


@shared_task(
    bind=True,
    autoretry_for=(ConnectionError, OperationalError),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
)
def recalculer_cotation_stock(self, calcul_id: int) -> dict:
    """Rescore a territory's stock batch by batch; a retry or a redelivery resumes at the progress mark."""
    calcul = services.recalculer_stock(calcul_id)
    return {"calcul": calcul.pk, "traitees": calcul.nb_traitees, "modifiees": calcul.nb_modifiees}


@shared_task(bind=True, autoretry_for=(ConnectionError, OperationalError), retry_backoff=True, max_retries=3)
def recalculer_toutes_les_grilles(self) -> dict:
    """Nightly: one rescoring run per adopted grid (seniority points grow with time)."""
    return {"calculs": services.recalculer_toutes_les_grilles()}


@shared_task(bind=True, autoretry_for=(ConnectionError, OperationalError), retry_backoff=True, max_retries=3)
def purger_radiees(self, dry_run: bool = False, acteur_id: int | None = None) -> dict:
    """Nightly: anonymise the radiated demands past their retention period (docs/droit/regles.md, platform decision 13).

    The run and its report (counts per kind, the demands' numbers, failures) are kept in TacheExecution.
    """
    from core.jobs import tracked_execution

    from .services_rgpd import NOM_TACHE_PURGE, purger_demandes_radiees

    with tracked_execution(NOM_TACHE_PURGE, acteur_id=acteur_id, detail={"simulation": dry_run}) as execution:
        purger_demandes_radiees(dry_run=dry_run, rapport=execution.detail)
    return execution.detail


NOM_TACHE_DELAIS = "demandes.detecter_delais_anormalement_longs"


@shared_task(bind=True, autoretry_for=(ConnectionError, OperationalError), retry_backoff=True, max_retries=3)
def detecter_delais_anormalement_longs(self, acteur_id: int | None = None) -> dict:
    """Nightly: list the demands past the abnormally long delay (services.detecter_delais_depasses, idempotent)."""
    from core.jobs import tracked_execution

    with tracked_execution(NOM_TACHE_DELAIS, acteur_id=acteur_id) as execution:
        execution.detail.update(services.detecter_delais_depasses())
    return execution.detail


NOM_TACHE_ACTIVITE = "demandes.calculer_activite_guichets"


@shared_task(bind=True, autoretry_for=(ConnectionError, OperationalError), retry_backoff=True, max_retries=3)
def calculer_activite_guichets(self, acteur_id: int | None = None) -> dict:
    """Nightly: the reception points' figures of the closed months (services.calculer_activite_guichets)."""
    from core.jobs import tracked_execution

    with tracked_execution(NOM_TACHE_ACTIVITE, acteur_id=acteur_id) as execution:
        execution.detail.update(services.calculer_activite_guichets())
    return execution.detail
