"""PostgreSQL with parameters bound by the server and statements prepared (core/curseur_pg.py)."""

import pytest
from django.db import connection

from core.curseur_pg import MAX_PARAMETRES, CurseurServeur
from core.models import User

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite binds its own way"),
]


def _preparees() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {ligne[0] for ligne in cursor.fetchall()}


def test_the_connection_binds_on_the_server_with_the_platform_cursor():
    connection.ensure_connection()
    assert connection.features.uses_server_side_binding
    assert isinstance(connection.connection.cursor(), CurseurServeur)


def test_a_query_run_twice_on_a_connection_is_prepared_once_and_answers_the_same():
    User.objects.create(username="prepare-a")
    User.objects.create(username="prepare-b")
    requete = User.objects.filter(username__startswith="prepare-").order_by("username")
    reponses = [list(requete.values_list("username", flat=True)) for _ in range(3)]
    assert reponses == [["prepare-a", "prepare-b"]] * 3
    # the same text with other values: the same prepared statement, the right answer
    assert list(User.objects.filter(username__startswith="prepare-b").values_list("username", flat=True)) == [
        "prepare-b"
    ]
    preparees = [texte for texte in _preparees() if '"core_user"."username"::text LIKE' in texte]
    assert len(preparees) == 1 and "$1" in preparees[0]


def test_a_statement_with_more_parameters_than_the_protocol_allows_still_runs():
    utilisateur = User.objects.create(username="beaucoup")
    ids = [utilisateur.pk, *range(-MAX_PARAMETRES - 10, 0)]  # more than 65,535 values, one of them real
    assert len(ids) > MAX_PARAMETRES
    assert list(User.objects.filter(pk__in=ids).values_list("username", flat=True)) == ["beaucoup"]
    avec_pourcent = User.objects.filter(pk__in=ids, username__contains="%").count()  # a % inside a merged value
    assert avec_pourcent == 0


def test_a_prepared_statement_is_planned_with_each_execution_s_values():
    """plan_cache_mode=force_custom_plan (config/settings/env.py): the parse is saved, never the plan for the
    values at hand; in mode auto PostgreSQL switches to a generic plan after five executions, and that plan
    doubled the objectives' aggregate on 1,000,000 decisions (bench/NOTES.md)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_custom_plan"
    User.objects.create(username="plan-a")
    for _ in range(8):
        assert User.objects.filter(username="plan-a").count() == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%COUNT(*)%"core_user"."username" = $1%'],
        )
        assert cursor.fetchall() == [(0, 6)]  # prepared after two executions, then planned anew each time


@pytest.mark.django_db(transaction=True)  # the job's transaction is a real one, not a test's savepoint
def test_a_bulk_job_lets_postgresql_keep_a_generic_plan_until_its_transaction_ends():
    """core.db.plans_generiques_permis: inside the bulk job's transaction, plan_cache_mode is auto (the SNE
    import's statements planned once: a third of PostgreSQL's CPU); after it, each execution is planned again."""
    from django.db import transaction

    from core.db import plans_generiques_permis

    def mode() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            return cursor.fetchone()[0]

    with transaction.atomic():
        plans_generiques_permis()
        assert mode() == "auto"
    assert mode() == "force_custom_plan"
