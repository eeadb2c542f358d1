"""The test back-ends (tests/ordre_aleatoire) shuffle unordered queries and only those."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cil.models import Qpv
from core.models import User

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not connection.settings_dict["ENGINE"].startswith("tests.ordre_aleatoire."),
        reason="CIL_TEST_ORDRE_ALEATOIRE=0 : ordre aléatoire désactivé",
    ),
]


def _sql(queryset) -> str:
    with CaptureQueriesContext(connection) as requetes:
        list(queryset)
    [requete] = requetes.captured_queries
    return requete["sql"].upper()


def test_une_requete_sans_ordre_est_melangee():
    assert "ORDER BY RAND" in _sql(User.objects.filter(is_active=True))
    assert "ORDER BY RAND" in _sql(User.objects.values_list("username", flat=True))


@pytest.mark.parametrize(
    "queryset",
    [
        lambda: User.objects.order_by("username"),  # explicit ordering
        lambda: User.objects.order_by(),  # explicitly none (subqueries, aggregations)
        lambda: User.objects.values_list("is_active", flat=True).distinct(),  # PostgreSQL: ORDER BY in the select
    ],
)
def test_les_autres_requetes_sont_laissees_telles_quelles(queryset):
    assert "RAND" not in _sql(queryset())


def test_l_ordre_du_modele_est_garde():
    assert Qpv._meta.ordering == ["code"]
    sql = _sql(Qpv.objects.all())
    assert "ORDER BY" in sql and "RAND" not in sql


def test_l_ordre_change_vraiment_d_une_requete_a_l_autre():
    User.objects.bulk_create(User(username=f"u{i:02d}") for i in range(20))
    ordres = {tuple(User.objects.values_list("username", flat=True)) for _ in range(10)}
    assert len(ordres) > 1  # ten draws of 20 rows all in the same order: about one chance in 10^165
