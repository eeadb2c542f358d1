"""What the public pages read: the nightly figures per territory and the applicants' codes (the secrecy rule is
``cil.RegleSecret``).

A public page never aggregates demands or allocations in the request: the nightly job (``public.tasks``)
computes the masked table of a territory and stores it in ``ChiffresPublics``; the pages, the open-data files
and the JSON read that row only.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from cil.models import Epci


class ChiffresPublics(models.Model):
    """The published table of one territory on one date: demands, allocations and waiting times per commune
    and typology, already masked. ``lignes`` holds the open-data rows (public/schema), so the page, the CSV
    and the JSON print exactly the same figures."""

    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="chiffres_publics")
    jour = models.DateField("chiffres arrêtés au")
    calcule_le = models.DateTimeField("calculés le")
    seuil_secret = models.PositiveSmallIntegerField("seuil du secret statistique")
    regle_secret = models.TextField("règle appliquée")
    parametres = models.JSONField("paramètres du calcul", default=dict)
    lignes = models.JSONField("lignes publiées", default=list)
    duree_ms = models.PositiveIntegerField("durée du calcul (ms)", default=0)
    demande_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide : le calcul de nuit.",
    )

    class Meta:
        verbose_name = "chiffres publiés"
        verbose_name_plural = "chiffres publiés"
        ordering = ["epci", "-jour"]
        constraints = [models.UniqueConstraint(fields=["epci", "jour"], name="chiffres_publics_epci_jour")]

    def __str__(self) -> str:
        return f"{self.epci.nom} au {self.jour:%d/%m/%Y}"

    @property
    def fenetre_attributions(self) -> tuple[dt.date, dt.date] | None:
        """The twelve months of allocations counted: (excluded first day, last day)."""
        bornes = self.parametres.get("fenetre_attributions")
        return tuple(dt.date.fromisoformat(b) for b in bornes) if bornes else None


class CodeSuivi(models.Model):
    """A one-time code sent to the applicant's e-mail address to open their own follow-up (R. 441-2-17):
    six digits, kept only as a keyed hash, valid ``suivi.DUREE_CODE``, used once, a few tries at most."""

    demande = models.ForeignKey("demandes.Demande", on_delete=models.CASCADE, related_name="+")
    empreinte = models.CharField("empreinte du code", max_length=64)
    cree_le = models.DateTimeField("envoyé le", auto_now_add=True)
    expire_le = models.DateTimeField("valable jusqu'au")
    utilise_le = models.DateTimeField("utilisé le", null=True, blank=True)
    essais = models.PositiveSmallIntegerField("essais erronés", default=0)

    class Meta:
        verbose_name = "code de suivi"
        verbose_name_plural = "codes de suivi"
        ordering = ["-cree_le", "-id"]

    def __str__(self) -> str:
        return f"Code du {self.cree_le:%d/%m/%Y %H:%M}"


class EchecSuivi(models.Model):
    """A failed identification (wrong number or birth date, wrong code) on a territory's follow-up page.
    Both keys are keyed hashes (no number nor address kept in clear); ``suivi.ECHECS_MAX`` failures
    within ``suivi.DUREE_BLOCAGE`` for one number or one address lock the identification."""

    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="+")
    cle_numero = models.CharField("numéro (empreinte)", max_length=64, db_index=True)
    cle_adresse = models.CharField("adresse IP (empreinte)", max_length=64, db_index=True)
    date = models.DateTimeField("date", db_index=True)

    class Meta:
        verbose_name = "échec d'identification au suivi"
        verbose_name_plural = "échecs d'identification au suivi"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Échec le {self.date:%d/%m/%Y %H:%M}"
