from django.db.backends.postgresql import compiler
from django.db.backends.postgresql.compiler import (  # noqa: F401 - the back-end's other compilers, unchanged
    SQLAggregateCompiler,
    SQLDeleteCompiler,
    SQLInsertCompiler,
    SQLUpdateCompiler,
)

from tests.ordre_aleatoire import OrdreAleatoireParDefaut


class SQLCompiler(OrdreAleatoireParDefaut, compiler.SQLCompiler):
    pass
