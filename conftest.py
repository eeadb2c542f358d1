"""Fixtures shared by every app's tests."""

import pytest


@pytest.fixture
def stockage_prive(settings, tmp_path):
    """The private files (``STORAGES["prive"]``) in a temporary folder for this test; the settings
    fixture restores the configured folder afterwards."""
    dossier = tmp_path / "prive"
    prive = settings.STORAGES["prive"]
    options = {**prive.get("OPTIONS", {}), "location": str(dossier)}
    settings.STORAGES = {**settings.STORAGES, "prive": {**prive, "OPTIONS": options}}
    return dossier
