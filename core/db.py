"""Portable SQL expressions shared by the apps (PostgreSQL in production, SQLite for the demo).

Each expression gives the same answer on both databases; tests run the suite on both.
"""

from __future__ import annotations

from django.db.models import DecimalField, Func, IntegerField


class Quotient(Func):
    """``numerator / denominator`` as an exact decimal on PostgreSQL and as a real on SQLite, never as a
    division of integers.

    SQLite stores whole decimal amounts as integers and then divides them as integers (450 / 1800 = 0):
    the numerator is cast to REAL there. PostgreSQL divides ``numeric`` values exactly; integers are cast
    to ``numeric`` first.
    """

    arity = 2
    arg_joiner = " AS NUMERIC) / "
    template = "(CAST(%(expressions)s)"

    def __init__(self, numerator, denominator, output_field=None, **extra):
        super().__init__(
            numerator,
            denominator,
            output_field=output_field or DecimalField(max_digits=14, decimal_places=4),
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, arg_joiner=" AS REAL) / ", **extra_context)


class DureeJours(Func):
    """Days between two dates, as an integer, on PostgreSQL and SQLite."""

    arity = 2
    output_field = IntegerField()
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(JULIANDAY(%(expressions)s) AS INTEGER)",
            arg_joiner=") - JULIANDAY(",
            **extra_context,
        )
