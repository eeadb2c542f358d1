"""The rows of the data migrations are back whatever ran before: a flush (a transactional test) empties them,
and the root fixture loads them again before the next test (conftest.py, tests/donnees_initiales.py)."""

import datetime as dt

import pytest

from demandes.models import ElementSensible, ParametresDemande
from demandes.selectors import delais_pour
from tests import donnees_initiales

pytestmark = pytest.mark.django_db


def test_apres_une_purge_les_lignes_des_migrations_reviennent():
    assert not donnees_initiales.manquantes()
    ElementSensible.objects.all().delete()
    ParametresDemande.objects.all().delete()
    assert donnees_initiales.manquantes()
    donnees_initiales.recharger()
    assert not donnees_initiales.manquantes()
    assert delais_pour(None, dt.date(2026, 12, 3)).validite_mois == 12


def test_les_criteres_communs_de_mutation_reviennent_apres_une_purge():
    """The platform's default mutation criteria (migration demandes.0013) are among the rows loaded again."""
    import importlib

    from demandes.models import CritereMutation

    migration = importlib.import_module("demandes.migrations.0013_criteres_communs_de_mutation")
    attendus = [code for code, _ in migration.CRITERES]
    assert list(CritereMutation.objects.filter(epci=None).values_list("code", flat=True)) == attendus
    CritereMutation.objects.all().delete()
    donnees_initiales.recharger()
    assert list(CritereMutation.objects.filter(epci=None).values_list("code", flat=True)) == attendus
