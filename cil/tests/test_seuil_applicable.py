"""The first-quartile threshold that applies to a year (cil.selectors.seuil_applicable): the year's own order,
else the latest earlier one, marked provisional; another territory's thresholds are never read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cil.models import Epci, SeuilQuartile
from cil.selectors import SeuilApplique, seuil_applicable

pytestmark = pytest.mark.django_db


@pytest.fixture
def territoires():
    a = Epci.objects.create(siren="200000001", nom="Territoire A")
    b = Epci.objects.create(siren="200000002", nom="Territoire B")
    for annee, seuil in ((2023, "9800"), (2024, "10100"), (2026, "10900")):
        SeuilQuartile.objects.create(epci=a, annee=annee, seuil_q1=Decimal(seuil), arrete=f"arrêté {annee}")
    SeuilQuartile.objects.create(epci=b, annee=2022, seuil_q1=Decimal("15000"), arrete="arrêté B")
    SeuilQuartile.objects.create(epci=b, annee=2025, seuil_q1=Decimal("15500"), arrete="arrêté B 2025")
    return a, b


@pytest.mark.parametrize(
    "annee, annee_seuil, seuil, provisoire",
    [
        (2024, 2024, "10100", False),  # the year's own order
        (2025, 2024, "10100", True),  # none for 2025: the latest earlier year's, provisional
        (2026, 2026, "10900", False),
        (2030, 2026, "10900", True),
        (2023, 2023, "9800", False),
        (2022, None, None, True),  # nothing up to that year (territory B's 2022 order is not A's)
    ],
)
def test_le_seuil_applicable_a_une_annee(territoires, annee, annee_seuil, seuil, provisoire):
    a, _b = territoires
    attendu = SeuilApplique(
        annee,
        annee_seuil,
        Decimal(seuil) if seuil else None,
        provisoire,
        f"arrêté {annee_seuil}" if annee_seuil else "",
        "",
    )
    assert seuil_applicable(a, annee) == attendu


def test_une_seule_requete(territoires, django_assert_num_queries):
    a, _b = territoires
    with django_assert_num_queries(1):
        assert seuil_applicable(a, 2025).provisoire
