"""Database back-ends for the tests that return the rows of an unordered query in random order.

SQLite returns rows in insertion order and PostgreSQL mostly does on small tables, so code that shows or
compares rows in the order of a query without ``ORDER BY`` passes its tests and then changes order in
production (after updates, vacuum, a parallel plan). The test settings (``config.settings.test``) swap
Django's SQLite and PostgreSQL back-ends for these subclasses, whose SQL compiler adds ``ORDER BY RANDOM()``
to every ``SELECT`` that has no ordering at all: no ``order_by()``, no ``Meta.ordering``. Explicit orderings
are left alone, including ties within them. The technique is gip-inclusion/les-emplois' (it patches
Django's compiler; here the compiler is subclassed through the back-end instead).

Left alone as well: ``.order_by()`` with no field (an explicit "no ordering", used by subqueries and
aggregations), ``DISTINCT`` queries (PostgreSQL requires the ``ORDER BY`` terms in the select list) and
compound queries (``union()``; SQLite forbids ``ORDER BY`` in their members, none is used here).

``CIL_TEST_ORDRE_ALEATOIRE=0`` switches it off, to tell an order dependency from another failure.
"""

from django.db.models import OrderBy
from django.db.models.functions import Random


class OrdreAleatoireParDefaut:
    """Mixin for a back-end's ``SQLCompiler``: unordered ``SELECT`` queries are ordered by ``RANDOM()``."""

    def _order_by_pairs(self):
        query = self.query
        sans_ordre = (
            not query.extra_order_by
            and not query.order_by
            and query.default_ordering
            and not query.distinct
            and not query.combinator
            and not ((meta := query.get_meta()) and meta.ordering)
        )
        if sans_ordre:
            # what Django yields for order_by("?")
            yield OrderBy(Random()), False
        else:
            yield from super()._order_by_pairs()
