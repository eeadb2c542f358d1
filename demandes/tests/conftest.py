"""Fixtures of the demand tests. Their world (``monde_demandes``) is shared: tests/fixtures/demandes.py."""

import pytest

from .factories import creer_demande


@pytest.fixture
def demande(monde_demandes):
    return creer_demande(monde_demandes.guichet, acteur=monde_demandes.agent)


@pytest.fixture(autouse=True)
def _stockage_prive(stockage_prive):
    return stockage_prive


def connecte(client, user):
    client.force_login(user)
    return client
