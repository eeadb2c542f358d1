"""What the platform keeps of the national format: a demand's national record and the journal of files.

Only ``sne.services`` writes these tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from demandes.models import Evenement


class DossierSne(models.Model):
    """The national record of a demand received from (or sent to) the SNE.

    ``donnees`` is the ``demande`` block of the last file applied, as validated (xmlschema's dict): what the
    platform does not model (disability details, DALO typology, employer's address...) is exported again as
    received, so that nothing the SNE said is lost on the way back.
    """

    demande = models.OneToOneField("demandes.Demande", on_delete=models.CASCADE, related_name="dossier_sne")
    numero_guichet = models.CharField("numéro du guichet national", max_length=5, blank=True)
    version_interface = models.CharField("version de l'interface", max_length=5)
    type_fichier = models.CharField("type du dernier fichier", max_length=3)
    date_fichier = models.CharField("date du dernier fichier", max_length=40, blank=True)
    donnees = models.JSONField("bloc « demande » reçu", default=dict)
    modifie_le = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "dossier national (SNE)"
        verbose_name_plural = "dossiers nationaux (SNE)"

    def __str__(self) -> str:
        return f"{self.demande.numero_national} ({self.type_fichier})"


class FichierSne(models.Model):
    """One file submitted for import: who, when, its fingerprint, and what happened (all or nothing)."""

    class Statut(models.TextChoices):
        IMPORTE = "IMPORTE", "Importé"
        INCHANGE = "INCHANGE", "Déjà importé, rien à changer"
        REFUSE = "REFUSE", "Refusé"

    nom_fichier = models.CharField("fichier", max_length=255)
    empreinte = models.CharField("empreinte SHA-256", max_length=64, db_index=True)
    importe_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    importe_le = models.DateTimeField("importé le", auto_now_add=True)
    statut = models.CharField("statut", max_length=8, choices=Statut.choices)
    version_interface = models.CharField("version", max_length=5, blank=True)
    type_fichier = models.CharField("type", max_length=3, blank=True)
    numero_national = models.CharField("numéro national", max_length=18, blank=True)
    epci = models.ForeignKey("cil.Epci", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    demande = models.ForeignKey(
        "demandes.Demande", on_delete=models.SET_NULL, null=True, blank=True, related_name="fichiers_sne"
    )
    constats = models.JSONField("erreurs", default=list, blank=True)
    avertissements = models.JSONField("avertissements", default=list, blank=True)
    resume = models.CharField("résultat", max_length=300, blank=True)

    class Meta:
        verbose_name = "fichier national importé"
        verbose_name_plural = "fichiers nationaux importés"
        ordering = ["-importe_le", "-pk"]

    def __str__(self) -> str:
        return f"{self.nom_fichier} ({self.get_statut_display()})"


class TypeEvenementSne(models.Model):
    """An event type of the SNE's shared management (``InterfaceNuuGPTypeEvenement``), as data with its national
    flags, and the platform's event type it stands for (``type_plateforme``, empty: not mapped yet)."""

    code = models.CharField("code national", max_length=10)
    code_territoire = models.CharField(
        "territoire", max_length=3, blank=True, help_text="Vide : type national ; sinon le code du territoire."
    )
    libelle = models.CharField("libellé", max_length=100, blank=True)
    texte_sne = models.CharField("texte descriptif (SNE)", max_length=500, blank=True)
    texte_pgp = models.CharField("texte descriptif (portail du demandeur)", max_length=500, blank=True)
    a_publier = models.BooleanField("publié au demandeur (aPublierSurPGP)", default=False)
    reglementaire = models.BooleanField("réglementaire", default=False)
    multiples_attributions = models.BooleanField("utilisable pour les attributions multiples sous condition")
    recherche_instruction = models.BooleanField("utilisable en recherche et instruction")
    date_debut = models.DateField("valable du", null=True, blank=True)
    date_fin = models.DateField("au", null=True, blank=True)
    type_plateforme = models.CharField(
        "type d'événement de la plateforme", max_length=24, choices=Evenement.Type.choices, blank=True
    )

    class Meta:
        verbose_name = "type d'événement national"
        verbose_name_plural = "types d'événements nationaux"
        ordering = ["code_territoire", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "code_territoire"], name="type_evenement_sne_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.libelle}"
