"""Django's PostgreSQL back-end, unordered queries in random order (see tests.ordre_aleatoire).

Its flush (run after every transactional test: ``transaction=True``, the live server, the Celery worker) empties
the tables with ``DELETE`` instead of Django's one ``TRUNCATE`` of every table: a ``TRUNCATE`` gives each of the
hundred-odd tables and their indexes new files, written to disk at its commit (about 4 s per test, measured on
nearly empty tables), where deleting the few rows a test leaves takes some milliseconds. The result is the same
(every row gone, sequences left as they are, as Django's flush leaves them): the foreign keys are deferred to
the commit, and the tables are emptied before the tables they refer to, so that the checks of a decision's
dwelling and holder (statement triggers, attributions migration 0017) find no decision left.
"""

from django.db.backends.postgresql import base, operations


def ordre_de_suppression(tables: list[str]) -> list[str]:
    """``tables`` in an order where each comes before the tables it refers to (through the models' relations,
    foreign keys with or without a database constraint); a cycle is broken at its first table, in given order."""
    from django.apps import apps

    citees: dict[str, set[str]] = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        for field in model._meta.local_fields:
            if field.is_relation and field.related_model is not None and field.related_model is not model:
                citees.setdefault(table, set()).add(field.related_model._meta.db_table)
    restantes = list(tables)
    ordre: list[str] = []
    while restantes:
        encore_citees = set().union(*(citees.get(t, set()) for t in restantes))
        libres = [t for t in restantes if t not in encore_citees] or restantes[:1]
        ordre += libres
        restantes = [t for t in restantes if t not in libres]
    return ordre


class DatabaseOperations(operations.DatabaseOperations):
    compiler_module = "tests.ordre_aleatoire.postgresql.compiler"

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or allow_cascade:
            return super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [
            f"{style.SQL_KEYWORD('SET CONSTRAINTS ALL DEFERRED')};",
            *(
                f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
                for table in ordre_de_suppression(tables)
            ),
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
