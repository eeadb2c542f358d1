"""The PostgreSQL cursor the platform runs with: parameters bound by the server and statements prepared.

Django's default cursor for psycopg 3 merges each query's parameters into its text in Python (client-side
binding): every page's 10 to 30 queries are then new texts that PostgreSQL parses and plans anew, and the
merging itself is Python work. With server-side binding the text of a query is the same at every request
(``WHERE "demandes_demande"."id" = $1``); psycopg prepares a text on its ``prepare_threshold``-th execution on a
connection (connections are kept: ``CONN_MAX_AGE``), and PostgreSQL then skips the parse and, once its plan is
stable, the planning. Measured on the demonstration data (bench/NOTES.md, "Prepared statements"): a third less
CPU on the heaviest pages, PostgreSQL's and the server's together.

One limit comes with it: a statement carries at most 65,535 bound parameters (the protocol counts them on 16
bits), where client-side binding has none. A statement with more (a ``bulk_create`` of thousands of rows, a
long ``pk__in`` list) is merged in Python as before and sent once, never prepared: :class:`CurseurServeur`.

Settings: ``config/settings/env.py`` (``DATABASE_PREPARED_STATEMENTS``; docs/stack.md); SQLite is unaffected.
"""

from __future__ import annotations

import psycopg
from django.db.backends.postgresql.base import ServerBindingCursor

# the largest number of parameters one statement may bind (PostgreSQL's Bind message counts them on 16 bits)
MAX_PARAMETRES = 65_535


class CurseurServeur(ServerBindingCursor):
    """Django's server-binding cursor, except for a statement with more parameters than the protocol allows:
    that one is merged client-side (``mogrify``, as Django's default cursor does) and executed unprepared."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        if params is not None and len(params) > MAX_PARAMETRES:
            texte = psycopg.ClientCursor(self.connection).mogrify(query, params)
            return super().execute(texte, None, prepare=False, binary=binary)
        return super().execute(query, params, prepare=prepare, binary=binary)
