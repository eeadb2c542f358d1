"""Portable SQL expressions shared by the apps (PostgreSQL in production, SQLite for the demo).

Each expression gives the same answer on both databases; tests run the suite on both.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata

from django.db.models import (
    Aggregate,
    Count,
    DecimalField,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce, Collate

# French collation: "Échirolles" sorts with the E, before "Vizille". PostgreSQL's ICU collation (present in
# Debian's and the official images' builds); on SQLite a collation of the same name is registered on every
# new connection (core.apps), so the same query sorts the same way on both databases.
COLLATION_FR = "fr-x-icu"


@functools.lru_cache(maxsize=65536)
def cle_fr(texte) -> tuple[str, str]:
    """Python sort key in French order: letters without accents and case first, then the exact text
    (``None`` sorts as an empty text)."""
    texte = str(texte or "")
    base = unicodedata.normalize("NFKD", texte)
    base = "".join(c for c in base if not unicodedata.combining(c))
    base = base.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    return base.casefold(), texte


def _compare_fr(a: str, b: str) -> int:
    ka, kb = cle_fr(a), cle_fr(b)
    return (ka > kb) - (ka < kb)


def enregistrer_collation_fr(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: gives SQLite the collation PostgreSQL has (and ``percentile_cont``)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION_FR, _compare_fr)
        connection.connection.create_aggregate("percentile_cont", 2, _PercentileSqlite)


def ordre_fr(champ: str, *, descending: bool = False) -> OrderBy:
    """``order_by(ordre_fr("nom"))``: a name column in French alphabetical order, on both databases."""
    return OrderBy(Collate(F(champ), COLLATION_FR), descending=descending)


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


def percentile_cont(valeurs, fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont``: the value at position ``fraction x (n - 1)`` of the sorted values,
    interpolated linearly between its two neighbours (``None`` without values)."""
    tries = sorted(v for v in valeurs if v is not None)
    if not tries:
        return None
    position = float(fraction) * (len(tries) - 1)
    bas = int(position)
    haut = min(bas + 1, len(tries) - 1)
    return float(tries[bas]) + (float(tries[haut]) - float(tries[bas])) * (position - bas)


class _PercentileSqlite:
    """SQLite aggregate ``percentile_cont(valeur, fraction)``, the signature of SQLite's own percentile
    extension (not compiled into Debian's SQLite 3.40): the rows stay in the database engine's loop."""

    def __init__(self):
        self.valeurs: list = []
        self.fraction = 0.5

    def step(self, valeur, fraction):
        self.fraction = fraction
        if valeur is not None:
            self.valeurs.append(valeur)

    def finalize(self):
        return percentile_cont(self.valeurs, self.fraction)


class Percentile(Aggregate):
    """``Percentile(expression, 0.8)``: the continuous percentile of a group, computed by the database.

    PostgreSQL: the ordered-set aggregate ``percentile_cont(0.8) WITHIN GROUP (ORDER BY expression)``;
    SQLite: the ``percentile_cont(expression, 0.8)`` aggregate registered on every connection (core.apps).
    Same interpolation on both, so both databases give the same figures.
    """

    function = "PERCENTILE_CONT"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= float(fraction) <= 1:
            raise ValueError("Le centile est une fraction entre 0 et 1.")
        self.fraction = float(fraction)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template=f"%(function)s({self.fraction!r}) WITHIN GROUP (ORDER BY %(expressions)s)",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template=f"%(function)s(%(expressions)s, {self.fraction!r})", **extra_context
        )


def q_liste_contient(champ: str, code: str):
    """A JSON list column holds the string ``code``: containment on PostgreSQL, the quoted text on SQLite
    (no JSON containment there; codes are plain words or digits, so the quoted form cannot match by accident)."""
    from django.db import connection
    from django.db.models import Q

    if connection.vendor == "postgresql":
        return Q(**{f"{champ}__contains": [code]})
    return Q(**{f"{champ}__icontains": f'"{code}"'})


def mettre_a_jour_statistiques(using: str = "default") -> None:
    """ANALYZE every table: the planner's statistics after a bulk write (the demo's seeding, a reference import).
    Until autovacuum has run (or where it is off, as on the CI machines), PostgreSQL would plan on the estimates
    of empty tables: a count of a territory's events through 3,000 nested index probes instead of one scan.
    SQLite's planner reads the same statement's results (sqlite_stat1)."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")


def nombre_de(lignes: QuerySet, cle: str) -> Coalesce:
    """The number of ``lignes`` whose ``cle`` is the outer row, as a correlated subquery (0 when none). On a page of
    a long list PostgreSQL counts them for the page's rows only, after the sort and the limit, where
    ``annotate(Count(...))`` over a join grouped every row of the list first."""
    sous = lignes.filter(**{cle: OuterRef("pk")}).order_by().values(cle).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(sous, output_field=IntegerField()), Value(0))


def jours_locaux(champ: str, debut: dt.date, fin: dt.date) -> Q:
    """The rows whose timestamp ``champ`` falls on a local day from ``debut`` to ``fin`` included, as a range on
    the column itself ([local midnight of ``debut``, local midnight after ``fin``)): an index on the column
    answers it, where ``champ__date`` casts every row to its local date first (a scan)."""
    from django.utils import timezone

    def minuit(jour: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(jour, dt.time.min))

    return Q(**{f"{champ}__gte": minuit(debut), f"{champ}__lt": minuit(fin + dt.timedelta(days=1))})


def plans_generiques_permis(using: str = "default") -> None:
    """Inside a bulk job's transaction, until it ends: PostgreSQL may keep a generic plan for its prepared
    statements (``plan_cache_mode = auto``). The connections plan each execution for its own values
    (``force_custom_plan``, config/settings/env.py), which protects the pages from a plan made for another
    territory; a bulk job runs the same statements thousands of times with values of one shape, and planning
    each tripled PostgreSQL's CPU in the SNE import (bench/NOTES.md). No-op on SQLite and outside PostgreSQL."""
    from django.db import connections

    connexion = connections[using]
    if connexion.vendor == "postgresql":
        with connexion.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = auto")
