"""A real Celery worker picks up a task from Redis and writes to the test database (no eager mode)."""

import pytest

from config.celery import app as celery_app
from core.models import TacheExecution, User
from core.tasks import record_heartbeat

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def test_worker_runs_enqueued_task_and_writes_to_database(celery_worker_process):
    acteur = User.objects.create_user(username="operateur", password="x")
    assert celery_app.conf.task_always_eager is False

    result = record_heartbeat.delay("battement-ci", acteur_id=acteur.pk)

    execution = celery_worker_process.wait_for(
        lambda: TacheExecution.objects.filter(
            nom="core.record_heartbeat", statut=TacheExecution.Statut.REUSSIE, detail__label="battement-ci"
        ).first(),
        timeout=30,
        what="la ligne TacheExecution écrite par le worker",
    )
    assert execution.acteur == acteur
    assert execution.debut is not None and execution.fin is not None
    assert execution.fin >= execution.debut
    # Written by the worker process, not by this one: the worker names itself in the detail.
    assert execution.detail["worker"] == celery_worker_process.nodename
    assert result.get(timeout=10) == execution.pk


def test_worker_keeps_serving_across_tests(celery_worker_process):
    """The session's worker survives the flush of the previous test's data and serves the next test."""
    assert not TacheExecution.objects.exists()
    record_heartbeat.delay("deuxieme")
    execution = celery_worker_process.wait_for(
        lambda: TacheExecution.objects.filter(detail__label="deuxieme", statut=TacheExecution.Statut.REUSSIE).first(),
        what="la deuxième ligne",
    )
    assert execution.acteur is None
    assert execution.statut == TacheExecution.Statut.REUSSIE
