"""Fixtures of the cil tests."""

import pytest

from cil.services import import_referentiels

GRENOBLE_METRO = "200040715"


@pytest.fixture
def referentiels_grenoble(db):
    """The shipped reference data of Grenoble-Alpes-Métropole only (EPCI, 49 communes, QPV, thresholds, rates)."""
    return import_referentiels(only_epci=GRENOBLE_METRO)
