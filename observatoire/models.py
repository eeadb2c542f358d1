"""Stored yearly balance sheets: who asked for which report, its state and its files.

The files live in ``STORAGES["prive"]`` (PRIVATE_MEDIA_ROOT, never in the web root) and are only served by
``observatoire.views.telecharger`` after a permission check.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cil.models import Bailleur, Epci, Reservataire
from core.stockage import prive as _stockage  # the name the migrations use


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


# --- The observatory's indicators (docs/observatoire.md) -------------------------------------------------------


class Indicateur(models.TextChoices):
    """What a stored figure counts (definitions: docs/observatoire.md). Shares and ratios are not stored: they are
    quotients of two stored counts (``observatoire.indicateurs.DERIVES``)."""

    DEMANDES_EN_COURS = "DEMANDES_EN_COURS", "Demandes en cours"
    DEMANDES_Q1 = "DEMANDES_Q1", "Demandes en cours du premier quartile"
    DEMANDES_PRIORITAIRES = "DEMANDES_PRIORITAIRES", "Demandes en cours de ménages prioritaires"
    DEMANDES_MUTATION = "DEMANDES_MUTATION", "Demandes de mutation en cours"
    SITUATION = "SITUATION", "Demandes en cours selon la situation de logement actuelle"
    NOUVELLES_DEMANDES = "NOUVELLES_DEMANDES", "Nouvelles demandes"
    RADIATIONS = "RADIATIONS", "Radiations"
    ATTRIBUTIONS = "ATTRIBUTIONS", "Attributions"
    ATTRIBUTIONS_Q1 = "ATTRIBUTIONS_Q1", "Attributions au premier quartile"
    ATTRIBUTIONS_PRIORITAIRES = "ATTRIBUTIONS_PRIORITAIRES", "Attributions à des ménages prioritaires"
    ATTRIBUTIONS_MUTATION = "ATTRIBUTIONS_MUTATION", "Attributions en mutation"
    DELAI_MEDIAN = "DELAI_MEDIAN", "Délai d'attente médian des ménages logés (mois)"
    DELAI_MOYEN = "DELAI_MOYEN", "Délai d'attente moyen des ménages logés (mois)"
    REFUS = "REFUS", "Refus des ménages"
    # derived: quotients of two stored counts, computed when read
    PRESSION = "PRESSION", "Demandes en cours par attribution (pression)"
    PART_Q1_DEMANDES = "PART_Q1_DEMANDES", "Part du premier quartile parmi les demandes en cours (%)"
    PART_Q1_ATTRIBUTIONS = "PART_Q1_ATTRIBUTIONS", "Part du premier quartile parmi les attributions (%)"
    PART_PRIORITAIRES_DEMANDES = "PART_PRIORITAIRES_DEMANDES", "Part des ménages prioritaires parmi les demandes (%)"
    PART_PRIORITAIRES_ATTRIBUTIONS = (
        "PART_PRIORITAIRES_ATTRIBUTIONS",
        "Part des ménages prioritaires parmi les attributions (%)",
    )


class Niveau(models.TextChoices):
    EPCI = "EPCI", "Territoire"
    COMMUNE = "COMMUNE", "Commune"
    SECTEUR = "SECTEUR", "Secteur"
    QUARTIER = "QUARTIER", "Quartier"


class CalculIndicateurs(models.Model):
    """One computation of a territory's indicators for a year: when, on which reference date, asked by whom.

    Its figures are the ``IndicateurTerritoire`` rows; a new computation replaces them (same transaction)."""

    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="calculs_indicateurs")
    annee = models.PositiveSmallIntegerField("année")
    date_reference = models.DateField(
        "date de référence", help_text="Le 31 décembre de l'année, ou la veille du calcul pour l'année en cours."
    )
    calcule_le = models.DateTimeField("calculé le")
    duree_ms = models.PositiveIntegerField("durée (ms)", default=0)
    demande_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # nullable: a row written by code that predates the column (a database shared with other versions) has none
    tableau_etat = models.JSONField(
        "tableau de l'État",
        default=dict,
        null=True,
        blank=True,
        help_text="Le tableau de l'État arrêté à la date de référence (observatoire.etat.vers_stock) ; "
        "vide quand il n'a pas pu être calculé (aucun seuil du premier quartile).",
    )

    class Meta:
        verbose_name = "calcul des indicateurs"
        verbose_name_plural = "calculs des indicateurs"
        constraints = [models.UniqueConstraint(fields=["epci", "annee"], name="calcul_indicateurs_unique")]

    def __str__(self) -> str:
        return f"Indicateurs {self.annee} – {self.epci.nom}"


class IndicateurTerritoire(models.Model):
    """One stored figure: an indicator of a year, for a place (the territory, a commune, a sector, a neighbourhood),
    a typology (empty: all), a reason (``detail``: a radiation or refusal reason, a housing situation; empty
    otherwise) and an organisation (empty: the whole territory; else a landlord's or holder's own share)."""

    calcul = models.ForeignKey(CalculIndicateurs, on_delete=models.CASCADE, related_name="figures")
    indicateur = models.CharField("indicateur", max_length=32, choices=Indicateur.choices)
    niveau = models.CharField("niveau", max_length=8, choices=Niveau.choices)
    cle = models.CharField(
        "code du lieu", max_length=20, blank=True, help_text="Code INSEE, ou id du secteur ou du quartier."
    )
    libelle = models.CharField("lieu", max_length=200)
    typologie = models.CharField("typologie", max_length=2, blank=True)
    detail = models.CharField("motif ou situation", max_length=28, blank=True)
    bailleur = models.ForeignKey(Bailleur, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reservataire = models.ForeignKey(Reservataire, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    valeur = models.DecimalField("valeur", max_digits=14, decimal_places=2, null=True)

    class Meta:
        verbose_name = "indicateur du territoire"
        verbose_name_plural = "indicateurs du territoire"
        constraints = [
            models.CheckConstraint(
                condition=Q(bailleur__isnull=True) | Q(reservataire__isnull=True), name="indicateur_une_organisation"
            )
        ]
        indexes = [models.Index(fields=["calcul", "niveau", "bailleur", "reservataire"], name="indicateur_page")]

    def __str__(self) -> str:
        return f"{self.get_indicateur_display()} – {self.libelle}"


class ChiffreReference(models.Model):
    """A figure of the département or the region, entered by the EPCI's staff with its source, shown beside the
    territory's own (never used in a computation)."""

    class Echelon(models.TextChoices):
        DEPARTEMENT = "DEPARTEMENT", "Département"
        REGION = "REGION", "Région"
        NATIONAL = "NATIONAL", "France"

    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="chiffres_reference")
    indicateur = models.CharField("indicateur", max_length=32, choices=Indicateur.choices)
    echelon = models.CharField("échelon", max_length=12, choices=Echelon.choices)
    territoire = models.CharField(
        "territoire", max_length=200, help_text="Par exemple « Isère » ou « Auvergne-Rhône-Alpes »."
    )
    annee = models.PositiveSmallIntegerField("année")
    valeur = models.DecimalField("valeur", max_digits=14, decimal_places=2)
    source = models.CharField("source", max_length=300, help_text="Publication, producteur et date (obligatoire).")

    class Meta:
        verbose_name = "chiffre de référence (département, région)"
        verbose_name_plural = "chiffres de référence (département, région)"
        ordering = ["epci", "-annee", "indicateur", "echelon"]
        constraints = [
            models.UniqueConstraint(fields=["epci", "indicateur", "echelon", "annee"], name="chiffre_reference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicateur} {self.annee} – {self.territoire}"
