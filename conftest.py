"""Root conftest: registers the fixtures shared by every app's tests (tests/fixtures/, one name per meaning).

Test modules use these fixtures by name and never import fixtures from another app's tests.
"""

pytest_plugins = [
    "tests.fixtures.territoires",
    "tests.fixtures.demandes",
    "tests.fixtures.attributions",
    "tests.fixtures.relogement",
]
