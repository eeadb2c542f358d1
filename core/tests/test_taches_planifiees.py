"""Every scheduled task, in the settings or stored by a migration for django-celery-beat, names a task the
worker knows: a renamed task must not leave the scheduler sending messages nobody consumes."""

import pytest
from django.conf import settings
from django_celery_beat.models import PeriodicTask

from config.celery import app


def _taches_connues() -> set[str]:
    app.loader.import_default_modules()
    return {nom for nom in app.tasks if not nom.startswith("celery.")}


def test_le_planning_des_reglages_designe_des_taches_connues():
    connues = _taches_connues()
    inconnues = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()} - connues
    assert not inconnues, inconnues


@pytest.mark.django_db
def test_les_taches_planifiees_par_migration_existent():
    taches = set(PeriodicTask.objects.values_list("task", flat=True))
    assert "demandes.tasks.radier_non_renouvelees" in taches
    assert not taches - _taches_connues(), taches - _taches_connues()
