"""The observatory's nightly job on a real Celery worker and PostgreSQL: the hand-computed territory of
``observatoire.tests.monde_indicateurs`` gives the same figures as the unit tests."""

from decimal import Decimal

import pytest

from core.models import TacheExecution
from observatoire.models import CalculIndicateurs, Indicateur, IndicateurTerritoire
from observatoire.tasks import calculer_indicateurs_nuit
from observatoire.tests.monde_indicateurs import monde_obs  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def test_nightly_indicators_on_the_worker(celery_worker_process, monde_obs):  # noqa: F811
    calculer_indicateurs_nuit.delay()
    execution = celery_worker_process.wait_for(
        lambda: TacheExecution.objects.filter(
            nom="observatoire.indicateurs", statut=TacheExecution.Statut.REUSSIE
        ).first(),
        timeout=120,
        what="le calcul de nuit des indicateurs",
    )
    assert [monde_obs["epci"].pk, 2025, "2025-12-31"] in execution.detail["calculs"]
    calcul = CalculIndicateurs.objects.get(epci=monde_obs["epci"], annee=2025)
    figures = dict(
        IndicateurTerritoire.objects.filter(
            calcul=calcul, niveau="EPCI", typologie="", detail="", bailleur=None, reservataire=None
        ).values_list("indicateur", "valeur")
    )
    assert figures[Indicateur.DEMANDES_EN_COURS] == 3
    assert figures[Indicateur.ATTRIBUTIONS] == 3
    assert figures[Indicateur.DELAI_MEDIAN] == Decimal("14.98")  # PostgreSQL's percentile_cont
    assert figures[Indicateur.DELAI_MOYEN] == Decimal("15.97")
