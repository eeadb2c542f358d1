"""Stored yearly balance sheets: who asked for which report, its state and its files.

The files live under ``settings.PRIVATE_MEDIA_ROOT`` (never in the web root) and are only served by
``observatoire.views.telecharger`` after a permission check.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.signals import setting_changed
from django.db import models
from django.db.models import Q
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

from cil.models import Bailleur, Epci, Reservataire


class _StockagePrive(LazyObject):
    """A FileSystemStorage rooted at PRIVATE_MEDIA_ROOT, resolved when first used (tests override the setting)."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


stockage_prive = _StockagePrive()


@receiver(setting_changed)
def _reinitialise_stockage(*, setting, **kwargs):
    if setting == "PRIVATE_MEDIA_ROOT":
        stockage_prive._wrapped = empty


def _stockage():
    return stockage_prive


class BilanQuerySet(models.QuerySet):
    def for_user(self, user):
        from .permissions import bilans_for_user

        return bilans_for_user(user, self)


class BilanAnnuel(models.Model):
    class Kind(models.TextChoices):
        CIL = "CIL", "Bilan annuel de la CIL"
        BAILLEUR = "BAILLEUR", "Bilan d'un bailleur"
        RESERVATAIRE = "RESERVATAIRE", "Bilan pour un réservataire"

    class Statut(models.TextChoices):
        EN_COURS = "EN_COURS", "En cours de production"
        PRET = "PRET", "Prêt"
        ECHEC = "ECHEC", "Échec"

    kind = models.CharField("type de bilan", max_length=12, choices=Kind.choices)
    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="bilans")
    annee = models.PositiveSmallIntegerField("année")
    bailleur = models.ForeignKey(Bailleur, on_delete=models.CASCADE, null=True, blank=True, related_name="bilans")
    reservataire = models.ForeignKey(
        Reservataire, on_delete=models.CASCADE, null=True, blank=True, related_name="bilans"
    )
    statut = models.CharField("statut", max_length=8, choices=Statut.choices, default=Statut.EN_COURS)
    fichier = models.FileField("PDF", storage=_stockage, upload_to="bilans/%Y/", blank=True)
    fichier_xlsx = models.FileField("tableur", storage=_stockage, upload_to="bilans/%Y/", blank=True)
    demande_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField("demandé le", auto_now_add=True)
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)
    duree_ms = models.PositiveIntegerField("durée (ms)", null=True, blank=True)
    nb_pages = models.PositiveSmallIntegerField("pages", null=True, blank=True)
    erreur = models.TextField("erreur", blank=True)

    objects = BilanQuerySet.as_manager()

    class Meta:
        verbose_name = "bilan annuel"
        verbose_name_plural = "bilans annuels"
        ordering = ["-cree_le"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="CIL", bailleur__isnull=True, reservataire__isnull=True)
                    | Q(kind="BAILLEUR", bailleur__isnull=False, reservataire__isnull=True)
                    | Q(kind="RESERVATAIRE", bailleur__isnull=True, reservataire__isnull=False)
                ),
                name="bilan_organisation_selon_type",
            ),
        ]
        indexes = [models.Index(fields=["epci", "annee"], name="bilan_epci_annee")]

    def __str__(self) -> str:
        return f"{self.titre} ({self.get_statut_display()})"

    @property
    def organisation(self):
        return self.bailleur or self.reservataire

    @property
    def titre(self) -> str:
        if self.kind == self.Kind.CIL:
            return f"Bilan annuel {self.annee} de la CIL – {self.epci.nom}"
        return f"Bilan annuel {self.annee} – {self.organisation} – {self.epci.nom}"
