"""Nightly detection of the demands past the abnormally long delay by a real Celery worker (Redis + PostgreSQL):
the run is journaled, a second run (a retry, the next night) creates no duplicate, and a radiated demand leaves
the list."""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import TacheExecution
from demandes import services
from demandes.models import DelaiAnormalementLong, DelaiDepasse
from demandes.tasks import NOM_TACHE_DELAIS, detecter_delais_anormalement_longs
from demandes.tests.factories import CommuneFactory, EpciFactory, GuichetFactory, creer_demande


def _executions(n):
    qs = TacheExecution.objects.filter(nom=NOM_TACHE_DELAIS, statut=TacheExecution.Statut.REUSSIE)
    return list(qs.order_by("debut")) if qs.count() >= n else None


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_un_vrai_worker_detecte_les_delais_sans_doublon(celery_worker_process):
    today = timezone.localdate()
    epci = EpciFactory()
    guichet = GuichetFactory(epci=epci, commune=CommuneFactory(epci=epci))
    DelaiAnormalementLong.objects.create(
        departement="38", mois=24, date_debut=dt.date(2020, 1, 1), source="Arrêté préfectoral de test"
    )
    anciennes = [
        creer_demande(guichet, nom=f"Ancienne{i}", date_depot=today - dt.timedelta(days=800 + 30 * i)) for i in range(4)
    ]
    creer_demande(guichet, nom="Recente", date_depot=today - dt.timedelta(days=100))

    detecter_delais_anormalement_longs.delay()
    (premiere,) = celery_worker_process.wait_for(lambda: _executions(1), timeout=60, what="la première détection")
    assert premiere.detail["nouvelles"] == 4
    assert set(DelaiDepasse.objects.values_list("demande_id", flat=True)) == {d.pk for d in anciennes}
    detectees = dict(DelaiDepasse.objects.values_list("demande_id", "detectee_le"))

    # the retry (or the next night): no duplicate, the first detection date kept; a radiated demand leaves
    services.radier(anciennes[0], motif="RENONCIATION", acteur=None)
    detecter_delais_anormalement_longs.delay()
    executions = celery_worker_process.wait_for(lambda: _executions(2), timeout=60, what="la seconde détection")
    assert executions[1].detail["nouvelles"] == 0 and executions[1].detail["retirees"] == 1
    assert DelaiDepasse.objects.count() == 3
    assert dict(DelaiDepasse.objects.values_list("demande_id", "detectee_le")) == {
        d.pk: detectees[d.pk] for d in anciennes[1:]
    }
