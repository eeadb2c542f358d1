"""The nightly classification of the neighbourhoods, run by a real Celery worker from Redis (no eager mode)."""

import datetime as dt
from decimal import Decimal

import pytest

from cil import services_quartiers
from cil.models import ClassementQuartiers, Quartier
from config.celery import app as celery_app
from core.models import TacheExecution
from observatoire.tasks import NOM_TACHE_QUARTIERS, classer_quartiers_nuit

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def test_le_worker_classe_les_quartiers_de_nuit(celery_worker_process, territoire_minimal):
    epci = territoire_minimal["epci"]
    quartier = Quartier.objects.create(
        epci=epci, nom="Villeneuve", type="QPV", commune=territoire_minimal["communes"]["38185"],
        qpv=territoire_minimal["qpv"],
    )  # fmt: skip
    services_quartiers.creer_referentiel(epci=epci, date_debut=dt.date(2024, 1, 1), source="test")
    services_quartiers.saisir_note(
        quartier=quartier, code="TRANQUILLITE", valeur=Decimal("5"), date_valeur=dt.date(2025, 1, 1), source="test"
    )
    assert celery_app.conf.task_always_eager is False

    resultat = classer_quartiers_nuit.delay()

    classement = celery_worker_process.wait_for(
        lambda: ClassementQuartiers.objects.filter(epci=epci, declencheur="NUIT").first(),
        timeout=60,
        what="le classement de nuit écrit par le worker",
    )
    assert resultat.get(timeout=30) == {"classes": 1, "echecs": 0}
    r = classement.resultats.get()
    assert (r.quartier, r.score, r.classe_libelle) == (quartier, Decimal("100.0"), "attractif")
    assert TacheExecution.objects.get(nom=NOM_TACHE_QUARTIERS).statut == TacheExecution.Statut.REUSSIE
