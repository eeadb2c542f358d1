"""Background jobs of the objectives: every night and on demand. Safe to retry (idempotent per day)."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db.models.functions import ExtractYear
from django.utils import timezone

from cil.models import Epci

from . import services
from .models import DecisionCaleol


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, retry_kwargs={"max_retries": 3})
def recalculer_instantane(self, epci_id: int, annee: int, declencheur: str = "DEMANDE", acteur_id: int | None = None):
    epci = Epci.objects.get(pk=epci_id)
    acteur = get_user_model().objects.filter(pk=acteur_id).first() if acteur_id else None
    instantane = services.enregistrer_instantane(epci=epci, annee=annee, declencheur=declencheur, acteur=acteur)
    return instantane.pk


@shared_task
def recalculer_tous_les_instantanes():
    """Nightly: the current and previous year of every EPCI that has decisions (one task each)."""
    annee = timezone.localdate().year
    epcis = DecisionCaleol.objects.values_list("epci_id", flat=True).distinct()
    annees_par_epci: dict[int, set[int]] = {}
    for epci_id, year in (
        DecisionCaleol.objects.filter(date_decision__year__gte=annee - 1)
        .annotate(y=ExtractYear("date_decision"))
        .values_list("epci_id", "y")
        .distinct()
    ):
        annees_par_epci.setdefault(epci_id, set()).add(year)
    count = 0
    for epci_id in epcis:
        for year in sorted(annees_par_epci.get(epci_id, set()) | {annee - 1, annee}):
            recalculer_instantane.delay(epci_id, year, declencheur="NUIT")
            count += 1
    return count
