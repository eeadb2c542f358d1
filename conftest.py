"""Root conftest: registers the fixtures shared by every app's tests (tests/fixtures/, one name per meaning).

Test modules use these fixtures by name and never import fixtures from another app's tests.
"""

import pytest

pytest_plugins = [
    "tests.fixtures.territoires",
    "tests.fixtures.demandes",
    "tests.fixtures.attributions",
    "tests.fixtures.relogement",
    "tests.fixtures.politique",
    "tests.fixtures.conference",
]


@pytest.fixture(scope="session")
def django_db_modify_db_settings_xdist_suffix(request):
    """Under pytest-xdist (``make test``, ``TEST_WORKERS=2`` by default), one test database per process:
    ``test_<name>_gw0``...

    pytest-django's own fixture recognises an SQLite database by Django's engine name only: with the
    random-order back-ends (``tests.ordre_aleatoire.sqlite3``) it would turn the in-memory test database into
    a file named ``test_/.../cil.sqlite3_gw0``. An SQLite test database stays in memory, private to its
    process; the others get the process's suffix, as pytest-django does."""
    from django.conf import settings

    suffix = getattr(request.config, "workerinput", {}).get("workerid")
    if not suffix:
        return
    for base in settings.DATABASES.values():
        nom = base.get("TEST", {}).get("NAME")
        if not nom:
            if base["ENGINE"].rsplit(".", 1)[-1] == "sqlite3":
                continue
            nom = f"test_{base['NAME']}"
        if nom != ":memory:":
            base.setdefault("TEST", {})["NAME"] = f"{nom}_{suffix}"


@pytest.fixture
def stockage_prive(settings, tmp_path):
    """The private files (``STORAGES["prive"]``) in a temporary folder for this test; the settings
    fixture restores the configured folder afterwards."""
    dossier = tmp_path / "prive"
    prive = settings.STORAGES["prive"]
    options = {**prive.get("OPTIONS", {}), "location": str(dossier)}
    settings.STORAGES = {**settings.STORAGES, "prive": {**prive, "OPTIONS": options}}
    return dossier


@pytest.fixture(autouse=True)
def _donnees_des_migrations(request):
    """A transactional test may start after another one's flush emptied every table: the rows the data
    migrations write (national parameters of the demands and of relocation, allocation parameters, legal
    rates), which the code reads instead of constants, are loaded again first (tests/donnees_initiales.py)."""
    marqueur = request.node.get_closest_marker("django_db")
    transactionnel = marqueur is not None and marqueur.kwargs.get("transaction", False)
    from tests import donnees_initiales

    if transactionnel or "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        donnees_initiales.recharger()
    elif marqueur is not None or "db" in request.fixturenames:
        # A test in a transaction does not depend on the order tests run in either: if a transactional test's
        # flush ran before it, the rows are loaded again inside its transaction (rolled back with it).
        request.getfixturevalue("db")
        if donnees_initiales.manquantes():
            donnees_initiales.recharger()


@pytest.fixture(autouse=True)
def _cache_vide():
    """Each test starts with an empty cache: a page or a figure kept by an earlier test (another database's
    rows under the same address) is never served to this one."""
    from django.core.cache import cache

    cache.clear()
    yield
