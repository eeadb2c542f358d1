"""Dwellings, commission decisions (allocations) and the stored results of the objectives (P3, P4, P5).

A ``DecisionCaleol`` is one commission decision about one candidate for one dwelling, whether it
came from an F1 extract or was recorded in the platform: the objectives engine counts both the same way.
The household's values are frozen as examined at the decision (RULES.md, Platform decision 4).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cil.models import Bailleur, Commune, Epci, Qpv, Reservataire

from . import rules


class Typologie(models.TextChoices):
    T1 = "T1", "T1"
    T2 = "T2", "T2"
    T3 = "T3", "T3"
    T4 = "T4", "T4"
    T5 = "T5", "T5"
    T6 = "T6", "T6 et plus"


class Logement(models.Model):
    """A dwelling, as in the landlords' register (RPLS)."""

    class Financement(models.TextChoices):
        PLAI = "PLAI", "PLAI"
        PLUS = "PLUS", "PLUS"
        PLS = "PLS", "PLS"
        PLI = "PLI", "PLI"
        AUTRE = "AUTRE", "Autre"

    identifiant = models.CharField("identifiant RPLS ou du bailleur", max_length=40, unique=True)
    bailleur = models.ForeignKey(Bailleur, on_delete=models.PROTECT, related_name="logements")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="logements")
    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, related_name="logements")
    qpv = models.ForeignKey(
        Qpv,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="logements",
        verbose_name="QPV (géographie 2024)",
    )
    qpv_2015 = models.ForeignKey(
        Qpv,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="logements_2015",
        verbose_name="QPV (géographie 2015)",
    )
    carte_2024_connue = models.BooleanField("situation sur la carte 2024 connue", default=False)
    carte_2015_connue = models.BooleanField("situation sur la carte 2015 connue", default=False)
    typologie = models.CharField("typologie", max_length=2, choices=Typologie.choices)
    adresse = models.CharField("adresse", max_length=300, blank=True)
    surface = models.DecimalField("surface habitable (m²)", max_digits=6, decimal_places=2, null=True, blank=True)
    financement = models.CharField("financement", max_length=5, choices=Financement.choices, blank=True)
    loyer = models.DecimalField("loyer principal (€/mois)", max_digits=8, decimal_places=2, null=True, blank=True)
    date_premiere_location = models.DateField("première mise en location", null=True, blank=True)
    date_conventionnement = models.DateField("date de conventionnement APL", null=True, blank=True)
    accessible_pmr = models.BooleanField("accessible aux personnes à mobilité réduite", default=False)

    class Meta:
        verbose_name = "logement"
        ordering = ["identifiant"]

    def __str__(self) -> str:
        return f"{self.identifiant} ({self.typologie}, {self.commune.nom})"


class LotImport(models.Model):
    """One imported F1 file: who, when, what it did."""

    class Statut(models.TextChoices):
        IMPORTE = "IMPORTE", "Importé"
        REJETE = "REJETE", "Rejeté"

    nom_fichier = models.CharField("fichier", max_length=255)
    empreinte = models.CharField("empreinte SHA-256", max_length=64, db_index=True)
    importe_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    importe_le = models.DateTimeField("importé le", auto_now_add=True)
    statut = models.CharField("statut", max_length=8, choices=Statut.choices)
    nb_lignes = models.PositiveIntegerField("lignes", default=0)
    nb_creees = models.PositiveIntegerField("décisions créées", default=0)
    nb_modifiees = models.PositiveIntegerField("décisions modifiées", default=0)
    nb_inchangees = models.PositiveIntegerField("décisions inchangées", default=0)
    erreurs = models.JSONField("erreurs", default=list, blank=True)
    avertissements = models.JSONField("avertissements", default=list, blank=True)
    duree_ms = models.PositiveIntegerField("durée (ms)", default=0)

    class Meta:
        verbose_name = "import d'attributions"
        verbose_name_plural = "imports d'attributions"
        ordering = ["-importe_le"]

    def __str__(self) -> str:
        return f"{self.nom_fichier} ({self.get_statut_display()}, {self.importe_le:%d/%m/%Y %H:%M})"


class DecisionQuerySet(models.QuerySet):
    def for_user(self, user):
        from .permissions import decisions_for_user

        return decisions_for_user(user, self)


class DecisionCaleol(models.Model):
    """A commission (CALEOL) decision about one candidate for one dwelling (F1 row)."""

    class Type(models.TextChoices):
        ATTRIBUTION = rules.TypeDecision.ATTRIBUTION, "Attribution"
        ATTRIBUTION_RANG = rules.TypeDecision.ATTRIBUTION_RANG, "Attribution avec classement"
        ATTRIBUTION_CONDITION = rules.TypeDecision.ATTRIBUTION_CONDITION, "Attribution sous condition"
        NON_ATTRIBUTION = rules.TypeDecision.NON_ATTRIBUTION, "Non-attribution"
        IRRECEVABILITE = rules.TypeDecision.IRRECEVABILITE, "Irrecevabilité"

    class Relogement(models.TextChoices):
        AUCUN = "", "Aucun"
        ANRU = "ANRU", "Renouvellement urbain (ANRU/NPNRU)"
        ORCOD = "ORCOD", "Copropriété dégradée (ORCOD)"
        LHI = "LHI", "Lutte contre l'habitat indigne (LHI)"

    class Source(models.TextChoices):
        IMPORT = "IMPORT", "Import d'un extrait"
        PLATEFORME = "PLATEFORME", "Saisie dans la plateforme"

    numero_unique = models.CharField("numéro unique", max_length=40)
    date_depot = models.DateField("date de dépôt de la demande")
    date_decision = models.DateField("date de la décision")
    type_decision = models.CharField("décision", max_length=24, choices=Type.choices)
    rang = models.PositiveSmallIntegerField("rang", null=True, blank=True)
    date_bail = models.DateField("date de signature du bail", null=True, blank=True)
    logement = models.ForeignKey(Logement, on_delete=models.PROTECT, related_name="decisions")
    # The landlord, commune, EPCI and QPV are copies "as at the decision" of reference rows that are never
    # deleted (import_referentiels only adds and updates); the import validates them. Without database-level
    # foreign-key triggers and single-column indexes on these copies, a 100,000-line file imports several
    # times faster (docs/adr/0003). Deletion is still protected by the ORM (on_delete=PROTECT).
    bailleur = models.ForeignKey(
        Bailleur, on_delete=models.PROTECT, related_name="decisions", db_constraint=False
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="decisions", db_constraint=False, db_index=False
    )
    epci = models.ForeignKey(
        Epci, on_delete=models.PROTECT, related_name="decisions", db_constraint=False, db_index=False
    )
    qpv = models.ForeignKey(
        Qpv,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name="QPV à la décision",
        db_constraint=False,
        db_index=False,
    )
    en_qpv_au_bail = models.BooleanField(
        "en QPV à la date du bail",
        null=True,
        blank=True,
        help_text="Situation du logement sur la carte des QPV en vigueur à la signature du bail.",
    )
    typologie = models.CharField("typologie", max_length=2, choices=Typologie.choices)
    reservataire = models.ForeignKey(Reservataire, on_delete=models.PROTECT, related_name="decisions")
    ressources_mensuelles = models.DecimalField("ressources mensuelles (€)", max_digits=14, decimal_places=4)
    # 12 x monthly resources in ten-thousandths of a euro: an exact integer for SQL comparisons.
    ressources_annuelles_e4 = models.BigIntegerField("ressources annuelles (1/10 000 €)")
    nb_personnes_14_plus = models.PositiveSmallIntegerField("personnes de 14 ans ou plus")
    nb_enfants_moins_14 = models.PositiveSmallIntegerField("enfants de moins de 14 ans")
    uc_dixiemes = models.PositiveSmallIntegerField("unités de consommation (dixièmes)")
    dalo = models.BooleanField("DALO", default=False)
    prioritaire = models.BooleanField("prioritaire (L. 441-1)", default=False)
    relogement = models.CharField("relogement", max_length=5, choices=Relogement.choices, blank=True, default="")
    mutation = models.BooleanField("mutation", default=False)
    source = models.CharField("origine", max_length=10, choices=Source.choices, default=Source.IMPORT)
    lot = models.ForeignKey(
        LotImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        db_constraint=False,
        db_index=False,
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "décision de CALEOL"
        verbose_name_plural = "décisions de CALEOL"
        ordering = ["-date_decision", "numero_unique"]
        constraints = [
            models.UniqueConstraint(fields=["numero_unique", "logement", "date_decision"], name="decision_identite"),
            models.CheckConstraint(
                condition=~Q(type_decision="ATTRIBUTION_RANG") | Q(rang__gte=1), name="decision_rang_requis"
            ),
            models.CheckConstraint(condition=Q(nb_personnes_14_plus__gte=1), name="decision_un_demandeur"),
            models.CheckConstraint(condition=Q(ressources_annuelles_e4__gte=0), name="decision_ressources_positives"),
        ]
        indexes = [
            models.Index(fields=["epci", "date_decision"], name="decision_epci_date"),
            models.Index(fields=["epci", "date_bail"], name="decision_epci_bail"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_decision_display()} {self.numero_unique} – {self.logement_id} ({self.date_decision})"

    @property
    def unites_consommation(self):
        return rules.unites_consommation(self.nb_personnes_14_plus, self.nb_enfants_moins_14)

    @property
    def ressources_par_uc(self):
        return rules.ressources_annuelles_par_uc(self.ressources_mensuelles, self.unites_consommation)


class InstantaneObjectifs(models.Model):
    """A dated snapshot of the objectives of one EPCI for one year (nightly or on demand)."""

    class Declencheur(models.TextChoices):
        NUIT = "NUIT", "Calcul de nuit"
        DEMANDE = "DEMANDE", "À la demande"
        IMPORT = "IMPORT", "Après un import"

    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="instantanes")
    annee = models.PositiveSmallIntegerField("année")
    jour = models.DateField("jour du calcul")
    calcule_le = models.DateTimeField("calculé le")
    declencheur = models.CharField("déclenché par", max_length=8, choices=Declencheur.choices)
    demande_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    provisoire = models.BooleanField("provisoire", default=False)
    resultat = models.JSONField("résultat (format F2 et détails)")
    duree_ms = models.PositiveIntegerField("durée (ms)", default=0)

    class Meta:
        verbose_name = "instantané des objectifs"
        verbose_name_plural = "instantanés des objectifs"
        ordering = ["-calcule_le"]
        constraints = [
            models.UniqueConstraint(fields=["epci", "annee", "jour"], name="instantane_un_par_jour"),
        ]

    def __str__(self) -> str:
        return f"{self.epci.nom} {self.annee} – {self.calcule_le:%d/%m/%Y %H:%M}"
