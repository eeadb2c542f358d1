"""Private files (documents of a demand, stored balance sheets): one storage, ``STORAGES["prive"]``
in the settings (a folder outside the web root, PRIVATE_MEDIA_ROOT), served only by views that check
the reader's rights.

FileFields take ``storage=prive``: a callable, so the migrations name this function and never the
settings' folder, and the storage it returns follows a change of ``settings.STORAGES`` (tests).
"""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

ALIAS = "prive"


class StockagePrive(FileSystemStorage):
    """A FileSystemStorage without public address: a private file is never linked to directly."""

    def url(self, name):
        raise ValueError(
            "Un fichier privé n'a pas d'adresse publique : il est servi par une vue qui vérifie les droits."
        )


class _Prive(LazyObject):
    """``storages["prive"]``, looked up again after the settings change (like Django's default_storage)."""

    def _setup(self):
        self._wrapped = storages[ALIAS]


stockage_prive = _Prive()


@receiver(setting_changed)
def _oublie_le_stockage(*, setting, **kwargs):
    if setting == "STORAGES":
        stockage_prive._wrapped = empty


def prive():
    """For ``FileField(storage=prive)``."""
    return stockage_prive
