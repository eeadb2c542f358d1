"""The job journal (TacheExecution) and the heartbeat task, run eagerly in-process.

The same task run by a real worker through Redis is tested in tests/test_celery_worker.py.
"""

import pytest

from config.celery import app as celery_app
from core.jobs import tracked_execution
from core.models import TacheExecution, User
from core.tasks import record_heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager():
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


def test_heartbeat_records_a_successful_run(eager):
    acteur = User.objects.create_user(username="operateur", password="x")
    pk = record_heartbeat.delay("essai", acteur_id=acteur.pk).get()

    execution = TacheExecution.objects.get(pk=pk)
    assert execution.nom == "core.record_heartbeat"
    assert execution.statut == TacheExecution.Statut.REUSSIE
    assert execution.acteur == acteur
    assert execution.detail["label"] == "essai"
    assert execution.debut <= execution.fin
    assert execution.duree is not None
    assert str(execution) == "core.record_heartbeat (Réussie)"


def test_tracked_execution_records_a_failure_and_reraises():
    with pytest.raises(ValueError, match="fichier illisible"), tracked_execution("import", detail={"fichier": "a.csv"}):
        raise ValueError("fichier illisible")

    execution = TacheExecution.objects.get(nom="import")
    assert execution.statut == TacheExecution.Statut.ECHOUEE
    assert execution.fin is not None
    assert execution.detail == {"fichier": "a.csv", "erreur": "ValueError: fichier illisible"}


def test_tracked_execution_keeps_what_the_body_adds():
    with tracked_execution("recalcul") as execution:
        assert TacheExecution.objects.get(pk=execution.pk).statut == TacheExecution.Statut.EN_COURS
        execution.detail["lignes"] = 42
    execution.refresh_from_db()
    assert execution.statut == TacheExecution.Statut.REUSSIE
    assert execution.detail == {"lignes": 42}
    assert execution.acteur is None


def test_journal_lists_newest_first():
    first = TacheExecution.objects.create(nom="a")
    second = TacheExecution.objects.create(nom="b")
    assert list(TacheExecution.objects.all()) == [second, first]
