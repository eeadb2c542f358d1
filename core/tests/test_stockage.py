"""One private storage (STORAGES["prive"]) behind the FileFields of demands' documents and balance sheets."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from core.stockage import StockagePrive, prive, stockage_prive
from demandes.models import PieceJustificative
from observatoire.models import BilanAnnuel

CHAMPS = [(PieceJustificative, "fichier"), (BilanAnnuel, "fichier"), (BilanAnnuel, "fichier_xlsx")]


def test_configured_in_the_settings_outside_the_web_root():
    config = settings.STORAGES["prive"]
    assert config["BACKEND"] == "core.stockage.StockagePrive"
    assert config["OPTIONS"]["location"] == settings.PRIVATE_MEDIA_ROOT
    assert Path(settings.PRIVATE_MEDIA_ROOT).resolve() != Path(settings.MEDIA_ROOT).resolve()


@pytest.mark.parametrize(("modele", "champ"), CHAMPS)
def test_the_fields_name_the_callable_not_the_folder(modele, champ):
    # What the migrations write: the function core.stockage.prive, whatever the settings say.
    assert modele._meta.get_field(champ).deconstruct()[3]["storage"] is prive


def test_a_settings_override_moves_every_field(settings, tmp_path):
    for dossier in (tmp_path / "un", tmp_path / "deux"):
        config = {"BACKEND": "core.stockage.StockagePrive", "OPTIONS": {"location": str(dossier)}}
        settings.STORAGES = {**settings.STORAGES, "prive": config}
        for modele, champ in CHAMPS:
            stockage = modele._meta.get_field(champ).storage
            nom = stockage.save(f"{champ}/essai.txt", ContentFile(b"contenu"))
            assert (dossier / nom).read_bytes() == b"contenu"
            assert stockage.path(nom) == str(dossier / nom)
    assert isinstance(stockage_prive._wrapped, StockagePrive)


def test_the_stockage_prive_fixture(stockage_prive):
    nom = PieceJustificative._meta.get_field("fichier").storage.save("x.txt", ContentFile(b"x"))
    assert (stockage_prive / nom).is_file()


def test_no_public_address(stockage_prive):
    with pytest.raises(ValueError, match="pas d'adresse publique"):
        BilanAnnuel._meta.get_field("fichier").storage.url("bilans/2025/bilan.pdf")
