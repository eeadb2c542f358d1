"""Policy documents of the CIL: document-cadre, CIA (or CIA valant document-cadre), PPGDID.

A document (one per subject and territory) has versions: the initial text and each amendment or revision,
each with its life cycle (``rules.Statut``) and dates. A version holds its orientations, their strategic
objectives and the numbered actions (pilot, partners, milestones, status, indicators). Local targets
(``cil.CibleLocale``) name the version and article that set them.

Every change goes through ``services`` and is written in ``JournalPolitique`` (who, when, what).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cil.models import Bailleur, Commune, Epci, Reservataire, Secteur

from . import rules


class DocumentQuerySet(models.QuerySet):
    def for_user(self, user):
        from .permissions import epcis_lisibles

        epcis = epcis_lisibles(user)
        return self if epcis is None else self.filter(epci__in=epcis)


class DocumentPolitique(models.Model):
    """A policy document of a territory, whatever its versions."""

    Type = models.TextChoices("Type", [(t.name, (t.value, rules.LIBELLES_TYPES[t])) for t in rules.TypeDocument])

    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="documents_politique")
    type = models.CharField("type de document", max_length=20, choices=Type.choices)
    titre = models.CharField("titre", max_length=300)
    description = models.TextField("présentation", blank=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "document de la politique d'attribution"
        verbose_name_plural = "documents de la politique d'attribution"
        ordering = ["epci", "type", "titre"]

    def __str__(self) -> str:
        return self.titre

    @property
    def approbation_prefet(self) -> bool:
        return rules.APPROBATION_PREFET[rules.TypeDocument(self.type)]


class VersionQuerySet(models.QuerySet):
    def en_vigueur(self):
        return self.filter(statut=rules.Statut.EN_VIGUEUR)

    def publiees(self):
        return self.filter(publie=True, statut__in=[s.value for s in rules.ADOPTES])


class VersionDocument(models.Model):
    """One text of a document: the initial version, an amendment (avenant) or a revision, with its life cycle."""

    Statut = models.TextChoices(
        "Statut", [(s.name, (s.value, rules.LIBELLES_STATUTS[s].capitalize())) for s in rules.Statut]
    )

    class Nature(models.TextChoices):
        INITIALE = "INITIALE", "Version initiale"
        AVENANT = "AVENANT", "Avenant"
        REVISION = "REVISION", "Révision"

    document = models.ForeignKey(DocumentPolitique, on_delete=models.CASCADE, related_name="versions")
    numero = models.PositiveSmallIntegerField("numéro de version")
    nature = models.CharField("nature", max_length=10, choices=Nature.choices, default=Nature.INITIALE)
    intitule = models.CharField("intitulé", max_length=300, help_text="Ex. : « Avenant n° 1 : cotation ».")
    resume = models.TextField("objet et résumé", blank=True)
    statut = models.CharField("statut", max_length=12, choices=Statut.choices, default=rules.Statut.BROUILLON)
    date_soumission = models.DateField("soumis le", null=True, blank=True)
    date_adoption = models.DateField("adopté le", null=True, blank=True)
    # The deliberation that adopted the version: the conference's own record when it voted on the platform
    # (its number and date are then copied below), or, for an older or outside deliberation (the community
    # council's), its number and date as typed.
    deliberation = models.ForeignKey(
        "conference.Deliberation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="versions_adoptees",
        verbose_name="délibération de la conférence",
    )
    deliberation_reference = models.CharField(
        "délibération (numéro ou intitulé)",
        max_length=200,
        blank=True,
        help_text="Ex. : « Délibération n° 2020-12-04 ».",
    )
    deliberation_date = models.DateField("date de la délibération", null=True, blank=True)
    date_signature = models.DateField("signé le", null=True, blank=True, help_text="Pour une convention (CIA).")
    date_approbation_prefet = models.DateField("approuvé par le préfet le", null=True, blank=True)
    date_entree_vigueur = models.DateField("en vigueur depuis le", null=True, blank=True)
    date_fin_vigueur = models.DateField("en vigueur jusqu'au", null=True, blank=True)
    date_echeance = models.DateField(
        "échéance prévue", null=True, blank=True, help_text="Fin de la période couverte (ex. : 6 ans pour un PPGDID)."
    )
    publie = models.BooleanField(
        "publié", default=False, help_text="Un document adopté publié sera montré sur les pages publiques."
    )
    publie_le = models.DateTimeField("publié le", null=True, blank=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = "version d'un document"
        verbose_name_plural = "versions des documents"
        ordering = ["document", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["document", "numero"], name="version_document_numero_unique"),
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(statut="EN_VIGUEUR"),
                name="une_version_en_vigueur_par_document",
                violation_error_message="Une autre version de ce document est déjà en vigueur : une seule version "
                "d'un document s'applique à la fois.",
            ),
            models.CheckConstraint(
                condition=Q(statut__in=["BROUILLON", "SOUMIS"], date_adoption__isnull=True)
                | Q(statut__in=["ADOPTE", "APPROUVE", "EN_VIGUEUR", "REMPLACE"], date_adoption__isnull=False),
                name="version_adoptee_a_une_date_d_adoption",
                violation_error_message="Une version adoptée porte sa date d'adoption, une version non adoptée n'en "
                "porte pas.",
            ),
            models.CheckConstraint(
                condition=~Q(statut="EN_VIGUEUR") | Q(date_entree_vigueur__isnull=False),
                name="version_en_vigueur_datee",
                violation_error_message="Une version en vigueur porte sa date d'entrée en vigueur.",
            ),
            models.CheckConstraint(
                condition=Q(publie=False) | Q(statut__in=["ADOPTE", "APPROUVE", "EN_VIGUEUR", "REMPLACE"]),
                name="version_publiee_adoptee",
                violation_error_message="Seule une version adoptée peut être publiée.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.titre} – {self.intitule}"

    @property
    def contenu_modifiable(self) -> bool:
        return rules.contenu_modifiable(self.statut)

    @property
    def suivi_modifiable(self) -> bool:
        return rules.suivi_modifiable(self.statut)


class Orientation(models.Model):
    version = models.ForeignKey(VersionDocument, on_delete=models.CASCADE, related_name="orientations")
    numero = models.PositiveSmallIntegerField("numéro")
    intitule = models.CharField("intitulé", max_length=300)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "orientation"
        ordering = ["version", "numero"]
        constraints = [models.UniqueConstraint(fields=["version", "numero"], name="orientation_numero_unique")]

    def __str__(self) -> str:
        return f"Orientation {self.numero} : {self.intitule}"


class ObjectifStrategique(models.Model):
    orientation = models.ForeignKey(Orientation, on_delete=models.CASCADE, related_name="objectifs")
    numero = models.PositiveSmallIntegerField("numéro dans l'orientation")
    intitule = models.CharField("intitulé", max_length=300)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "objectif stratégique"
        verbose_name_plural = "objectifs stratégiques"
        ordering = ["orientation", "numero"]
        constraints = [models.UniqueConstraint(fields=["orientation", "numero"], name="objectif_numero_unique")]

    def __str__(self) -> str:
        return f"Objectif {self.code} : {self.intitule}"

    @property
    def code(self) -> str:
        return f"{self.orientation.numero}.{self.numero}"


class Action(models.Model):
    """A numbered action of a version (numbers run through the whole document: "Action 8")."""

    class Statut(models.TextChoices):
        A_ENGAGER = "A_ENGAGER", "À engager"
        EN_COURS = "EN_COURS", "En cours"
        REALISEE = "REALISEE", "Réalisée"
        REPORTEE = "REPORTEE", "Reportée"
        ABANDONNEE = "ABANDONNEE", "Abandonnée"

    version = models.ForeignKey(VersionDocument, on_delete=models.CASCADE, related_name="actions")
    objectif = models.ForeignKey(ObjectifStrategique, on_delete=models.CASCADE, related_name="actions")
    numero = models.PositiveSmallIntegerField("numéro")
    intitule = models.CharField("intitulé", max_length=300)
    description = models.TextField("description", blank=True)
    pilote = models.CharField("pilote", max_length=200, help_text="Qui conduit l'action (ex. : la Métropole).")
    partenaires = models.TextField("partenaires", blank=True)
    statut = models.CharField("statut", max_length=12, choices=Statut.choices, default=Statut.A_ENGAGER)
    commentaire_suivi = models.TextField("point d'avancement", blank=True)
    suivi_modifie_le = models.DateTimeField("avancement mis à jour le", null=True, blank=True)
    suivi_modifie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "action"
        ordering = ["version", "numero"]
        constraints = [models.UniqueConstraint(fields=["version", "numero"], name="action_numero_unique")]

    def __str__(self) -> str:
        return f"Action {self.numero} : {self.intitule}"


class Jalon(models.Model):
    """A step of an action's calendar: what, due when, done when."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="jalons")
    libelle = models.CharField("jalon", max_length=300)
    echeance = models.DateField("échéance")
    date_realisation = models.DateField("réalisé le", null=True, blank=True)

    class Meta:
        verbose_name = "jalon"
        ordering = ["action", "echeance", "pk"]

    def __str__(self) -> str:
        return f"{self.libelle} ({self.echeance:%d/%m/%Y})"

    def regle(self) -> rules.Jalon:
        return rules.Jalon(libelle=self.libelle, echeance=self.echeance, realise_le=self.date_realisation)


class Indicateur(models.Model):
    """How an action is measured: a live figure of the platform (``indicateurs.NATURES``), computed when read,
    or a value entered by the EPCI staff with its date and source. Never a stored copy of a live figure."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="indicateurs")
    libelle = models.CharField("indicateur", max_length=300)
    nature = models.CharField("nature", max_length=30)
    annee = models.PositiveSmallIntegerField(
        "année mesurée", null=True, blank=True, help_text="Vide : l'année du suivi (par défaut, l'année écoulée)."
    )
    bailleur = models.ForeignKey(Bailleur, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reservataire = models.ForeignKey(Reservataire, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    secteur = models.ForeignKey(Secteur, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    valeur_cible = models.DecimalField(
        "valeur cible", max_digits=9, decimal_places=4, null=True, blank=True,
        help_text="Une fraction pour un taux (0,425 pour 42,5 %), des mois pour un délai, un nombre sinon.",
    )  # fmt: skip
    valeur_saisie = models.DecimalField("valeur constatée", max_digits=12, decimal_places=2, null=True, blank=True)
    date_valeur = models.DateField("constatée le", null=True, blank=True)
    source_valeur = models.CharField("source de la valeur", max_length=300, blank=True)

    class Meta:
        verbose_name = "indicateur"
        ordering = ["action", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(bailleur__isnull=True, reservataire__isnull=True, commune__isnull=True)
                    | Q(bailleur__isnull=True, reservataire__isnull=True, secteur__isnull=True)
                    | Q(bailleur__isnull=True, commune__isnull=True, secteur__isnull=True)
                    | Q(reservataire__isnull=True, commune__isnull=True, secteur__isnull=True)
                ),
                name="indicateur_un_seul_perimetre",
                violation_error_message="Un indicateur porte sur un seul périmètre : un bailleur, un réservataire, "
                "une commune ou un secteur (ou tout le territoire).",
            ),
        ]

    def __str__(self) -> str:
        return self.libelle


class JournalPolitique(models.Model):
    """Who changed what in the policy documents and local targets, and when (every change is logged)."""

    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(
        DocumentPolitique, on_delete=models.SET_NULL, null=True, blank=True, related_name="journal"
    )
    objet = models.CharField("objet", max_length=40)  # model name: document, version, action, ciblelocale...
    objet_id = models.PositiveBigIntegerField("identifiant", null=True, blank=True)
    operation = models.CharField("opération", max_length=40)
    libelle = models.CharField("libellé", max_length=400)
    detail = models.JSONField("détail", default=dict, blank=True)
    acteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    date = models.DateTimeField("date", auto_now_add=True)

    class Meta:
        verbose_name = "entrée du journal des documents"
        verbose_name_plural = "journal des documents et des cibles"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y %H:%M} {self.libelle}"
