"""Dwellings, commission decisions (allocations) and the stored results of the objectives.

A ``DecisionCaleol`` is one commission decision about one candidate for one dwelling, whether it
came from an F1 extract or was recorded in the platform: the objectives engine counts both the same way.
The household's values are frozen as examined at the decision (docs/droit/regles.md, platform decision 4).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cil.models import Bailleur, Commune, Epci, Qpv, Quartier, Reservataire
from core.models import JournalTransition
from core.periodes import constraints_periode, verifie_periode

from . import rules


class Typologie(models.TextChoices):
    T1 = "T1", "T1"
    T2 = "T2", "T2"
    T3 = "T3", "T3"
    T4 = "T4", "T4"
    T5 = "T5", "T5"
    T6 = "T6", "T6 et plus"


class NiveauAccessibilite(models.TextChoices):
    FAUTEUIL = rules.NiveauAccessibilite.FAUTEUIL, "Accessible en fauteuil roulant"
    ADAPTABLE = rules.NiveauAccessibilite.ADAPTABLE, "Adaptable (travaux simples pour le fauteuil)"
    MOBILITE_REDUITE = rules.NiveauAccessibilite.MOBILITE_REDUITE, "Accessible aux personnes à mobilité réduite"
    NON_ACCESSIBLE = rules.NiveauAccessibilite.NON_ACCESSIBLE, "Non accessible"
    NON_RENSEIGNE = rules.NiveauAccessibilite.NON_RENSEIGNE, "Non renseigné"


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
    quartier = models.ForeignKey(
        Quartier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="logements",
        verbose_name="quartier (référentiel des quartiers)",
        help_text="Un logement en QPV est rattaché d'office au quartier de son QPV ; un autre choix ici est conservé.",
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
    # accessibility, as the field describes it (docs/logements_adaptes.md); None: not known
    niveau_accessibilite = models.CharField(
        "niveau d'accessibilité",
        max_length=16,
        choices=NiveauAccessibilite.choices,
        blank=True,
        default="",
        db_default="",
    )
    etage = models.PositiveSmallIntegerField("étage (0 : rez-de-chaussée)", null=True, blank=True)
    ascenseur = models.BooleanField("ascenseur", null=True, blank=True)
    salle_de_bain_adaptee = models.BooleanField("salle d'eau adaptée (douche de plain-pied)", null=True, blank=True)
    wc_adapte = models.BooleanField("WC avec espace de transfert", null=True, blank=True)
    largeur_portes_cm = models.PositiveSmallIntegerField(
        "largeur des portes (cm)", null=True, blank=True, help_text="Largeur nominale de la porte la plus étroite."
    )
    stationnement_adapte = models.BooleanField("place de stationnement adaptée", null=True, blank=True)
    # one truth: derived from the level by the database (wheelchair-accessible), read by the filters and the API
    accessible_pmr = models.GeneratedField(
        expression=models.Case(
            models.When(niveau_accessibilite=rules.NiveauAccessibilite.FAUTEUIL, then=models.Value(True)),
            default=models.Value(False),
        ),
        output_field=models.BooleanField("accessible en fauteuil roulant"),
        db_persist=True,
        verbose_name="accessible en fauteuil roulant",
    )

    class Meta:
        verbose_name = "logement"
        ordering = ["identifiant"]

    def __str__(self) -> str:
        return f"{self.identifiant} ({self.typologie}, {self.commune.nom})"

    @property
    def accessibilite(self) -> rules.Accessibilite:
        return rules.Accessibilite(
            niveau=self.niveau_accessibilite,
            etage=self.etage,
            ascenseur=self.ascenseur,
            salle_de_bain_adaptee=self.salle_de_bain_adaptee,
            wc_adapte=self.wc_adapte,
            largeur_portes_cm=self.largeur_portes_cm,
            stationnement_adapte=self.stationnement_adapte,
        )

    @property
    def est_adapte(self) -> bool:
        return self.niveau_accessibilite in rules.NIVEAUX_ADAPTES


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
    # ``logement`` and ``reservataire``: no row-by-row foreign-key trigger but one set-based check per statement
    # (migration 0015, docs/adr/0009): the database still refuses a decision whose dwelling or holder does not
    # exist, and the deletion of a dwelling or holder that a decision names.
    logement = models.ForeignKey(Logement, on_delete=models.PROTECT, related_name="decisions", db_constraint=False)
    # The landlord, commune, EPCI and QPV are copies "as at the decision" of reference rows that are never
    # deleted (import_referentiels only adds and updates); the import validates them. Without database-level
    # foreign-key triggers and single-column indexes on these copies, a 100,000-line file imports several
    # times faster (docs/adr/0003). Deletion is still protected by the ORM (on_delete=PROTECT).
    bailleur = models.ForeignKey(Bailleur, on_delete=models.PROTECT, related_name="decisions", db_constraint=False)
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
    reservataire = models.ForeignKey(
        Reservataire, on_delete=models.PROTECT, related_name="decisions", db_constraint=False
    )
    # The holder is not known yet: the national format (SNE) says only "a local authority" (COLTER) or "another
    # holder" (AUTRES). ``reservataire`` is then the placeholder of that national code; the decision counts for
    # the territory but in no holder's objective C until someone names the holder (services.qualifier_reservataire).
    # db_default: the F1 fast path (f1_pg) writes decisions in SQL without naming this column
    reservataire_a_qualifier = models.BooleanField("réservataire à qualifier", default=False, db_default=False)
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
    # The household's housing situation before the allocation (docs/tableau_etat.md): from the demand for a
    # decision taken in the platform, from the optional F1 columns for an imported one; None: unknown.
    sortant_hebergement = models.BooleanField(
        "sortant d'hébergement",
        null=True,
        blank=True,
        help_text="Ménage hébergé en structure ou à l'hôtel. Vide : situation inconnue (extrait sans la colonne).",
    )
    sans_abri = models.BooleanField(
        "sans-abri",
        null=True,
        blank=True,
        help_text="Ménage sans abri ou en habitat de fortune. Vide : situation inconnue (extrait sans la colonne).",
    )
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
            # the objectives page lists the allocations whose holder is still to be named (a few rows): without
            # it, every view of the page read all the territory's decisions (selectors.decisions_a_qualifier)
            models.Index(
                fields=["epci", "date_bail", "date_decision"],
                condition=Q(reservataire_a_qualifier=True),
                name="decision_a_qualifier",
            ),
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
        LECTURE = "LECTURE", "À la lecture (décisions modifiées depuis le dernier calcul)"

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
    # What the pages are served from (docs/ARCHITECTURE.md, "The objectives engine and its snapshots"): the year's
    # decisions counted by landlord, holder and commune (selectors.Cube), the marker of the decisions they counted
    # (VersionDecisions.version read before counting) and the threshold they were counted with. Empty on the
    # snapshots taken before: those are never served.
    comptes = models.JSONField("comptes par bailleur, réservataire et commune", null=True, blank=True)
    version_decisions = models.PositiveBigIntegerField("version des décisions comptées", null=True, blank=True)
    seuil_e4 = models.BigIntegerField("seuil du premier quartile compté (1/10 000 €)", null=True, blank=True)

    class Meta:
        verbose_name = "instantané des objectifs"
        verbose_name_plural = "instantanés des objectifs"
        ordering = ["-calcule_le"]
        constraints = [
            models.UniqueConstraint(fields=["epci", "annee", "jour"], name="instantane_un_par_jour"),
        ]

    def __str__(self) -> str:
        return f"{self.epci.nom} {self.annee} – {self.calcule_le:%d/%m/%Y %H:%M}"


class VersionDecisions(models.Model):
    """The freshness marker of the objectives of one EPCI-year: a counter raised in the same transaction as every
    write to a decision counted in that year (its decision date's year or its lease date's year), by
    ``services.marquer_decisions_modifiees``. A snapshot whose ``version_decisions`` equals the counter counted
    exactly the decisions in the database; any later write makes it stale (docs/ARCHITECTURE.md)."""

    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="+")
    annee = models.PositiveSmallIntegerField("année")
    version = models.PositiveBigIntegerField("version", default=0)
    modifie_le = models.DateTimeField("dernière écriture", auto_now=True)

    class Meta:
        verbose_name = "version des décisions d'une année"
        verbose_name_plural = "versions des décisions par année"
        constraints = [models.UniqueConstraint(fields=["epci", "annee"], name="version_decisions_une_par_annee")]

    def __str__(self) -> str:
        return f"{self.epci_id} {self.annee} : version {self.version}"


# --- Reservations in flows, vacancies, candidates and commission sessions ----------------------------


class ParametreAttribution(models.Model):
    """A legal or local parameter of allocations, stored as data with its source and validity dates.

    docs/droit/regles.md: every legal parameter (rates, thresholds, delays) is data, never a constant in code.
    National rows have no territory; a territory's row, when present, wins.
    """

    class Code(models.TextChoices):
        PART_MAX_ETAT = "PART_MAX_ETAT", "Part maximale du flux annuel pour l'État (agents compris)"
        PART_MAX_ETAT_AGENTS = "PART_MAX_ETAT_AGENTS", "Part maximale du flux annuel pour les agents de l'État"
        NB_CANDIDATS_MIN = "NB_CANDIDATS_MIN", "Nombre minimal de candidats examinés par logement"
        PIECES_EN_SUS_MAX = "PIECES_EN_SUS_MAX", "Pièces en sus des personnes admises sans sous-occupation"
        SURFACE_UNE_PERSONNE = "SURFACE_UNE_PERSONNE", "Surface minimale pour une personne (m²)"
        SURFACE_DEUX_PERSONNES = "SURFACE_DEUX_PERSONNES", "Surface minimale pour deux personnes (m²)"
        SURFACE_PERSONNE_SUP = "SURFACE_PERSONNE_SUP", "Surface minimale par personne supplémentaire (m²)"
        ALERTE_DALO_QPV = (
            "ALERTE_DALO_QPV",
            "Alerte : ménage DALO précaire proposé pour un logement en QPV (1 : oui, 0 : non)",
        )
        LARGEUR_PORTE_FAUTEUIL = "LARGEUR_PORTE_FAUTEUIL", "Largeur minimale des portes pour un fauteuil (cm)"

    code = models.CharField("paramètre", max_length=24, choices=Code.choices)
    valeur = models.DecimalField("valeur", max_digits=10, decimal_places=4)
    epci = models.ForeignKey(
        Epci, on_delete=models.CASCADE, null=True, blank=True, related_name="+", help_text="Vide : valeur nationale."
    )
    date_debut = models.DateField("en vigueur du")
    date_fin = models.DateField("au", null=True, blank=True)
    source = models.TextField("source")

    class Meta:
        verbose_name = "paramètre des attributions"
        verbose_name_plural = "paramètres des attributions"
        ordering = ["code", "-date_debut"]
        constraints = constraints_periode("parametre_attribution", ["code"])

    def __str__(self) -> str:
        return f"{self.get_code_display()} : {self.valeur.normalize()} (depuis le {self.date_debut:%d/%m/%Y})"

    def clean(self):
        verifie_periode(self, code=self.code, epci=self.epci_id)


class ConventionReservation(models.Model):
    """A reservation agreement in flows: a holder's yearly share of a landlord's freed dwellings (R. 441-5).

    One per landlord x holder x département; for a commune or an EPCI holder it may cover its territory.
    """

    bailleur = models.ForeignKey(Bailleur, on_delete=models.PROTECT, related_name="conventions")
    reservataire = models.ForeignKey(Reservataire, on_delete=models.PROTECT, related_name="conventions")
    departement = models.CharField("département", max_length=3, blank=True)
    epci = models.ForeignKey(
        Epci,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conventions",
        verbose_name="territoire (EPCI)",
        help_text="Pour une convention limitée au territoire d'un EPCI ; sinon, le département.",
    )
    part_flux = models.DecimalField(
        "part du flux annuel", max_digits=5, decimal_places=4, help_text="Entre 0 et 1 (0,25 = 25 %)."
    )
    date_debut = models.DateField("en vigueur du")
    date_fin = models.DateField("au", null=True, blank=True)
    date_signature = models.DateField("signée le", null=True, blank=True)
    reference = models.CharField("référence", max_length=200, blank=True)

    class Meta:
        verbose_name = "convention de réservation"
        verbose_name_plural = "conventions de réservation"
        ordering = ["bailleur", "reservataire", "-date_debut"]
        constraints = [
            models.CheckConstraint(condition=Q(part_flux__gte=0) & Q(part_flux__lte=1), name="convention_part_bornee"),
            models.CheckConstraint(
                condition=~Q(departement="") | Q(epci__isnull=False), name="convention_perimetre_requis"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bailleur} → {self.reservataire} : {self.part_flux:.2%}"

    @property
    def perimetre(self) -> str:
        return self.epci.nom if self.epci_id else f"département {self.departement}"


class Vacance(models.Model):
    """A freed dwelling to let, routed to a reservation holder; its life cycle is a state machine."""

    class Statut(models.TextChoices):
        DECLAREE = rules.StatutVacance.DECLAREE, "Déclarée"
        ORIENTEE = rules.StatutVacance.ORIENTEE, "Orientée vers un réservataire"
        REMISE_POUR_UN_TOUR = rules.StatutVacance.REMISE_POUR_UN_TOUR, "Remise au bailleur pour un tour"
        CANDIDATS_DESIGNES = rules.StatutVacance.CANDIDATS_DESIGNES, "Candidats désignés"
        EN_COMMISSION = rules.StatutVacance.EN_COMMISSION, "Inscrite en commission"
        ATTRIBUEE = rules.StatutVacance.ATTRIBUEE, "Attribuée"
        BAIL_SIGNE = rules.StatutVacance.BAIL_SIGNE, "Bail signé"

    class Deduction(models.TextChoices):
        AUCUNE = "", "Dans le flux"
        MUTATION = rules.Deduction.MUTATION, "Hors flux : mutation interne"
        RELOGEMENT_RU = rules.Deduction.RELOGEMENT_RU, "Hors flux : relogement (renouvellement urbain, ORCOD)"
        RELOGEMENT_LHI = rules.Deduction.RELOGEMENT_LHI, "Hors flux : relogement (habitat indigne)"
        VENTE_HLM = rules.Deduction.VENTE_HLM, "Hors flux : relogement lié à une vente HLM"

    class Exception3(models.TextChoices):
        AUCUNE = "", "Aucune : au moins trois candidats"
        DALO_PREFET = rules.ExceptionTroisCandidats.DALO_PREFET, "Candidat DALO désigné par le préfet"
        PLAI_ADAPTE = rules.ExceptionTroisCandidats.PLAI_ADAPTE, "Logement PLAI adapté (D. 331-25-1)"
        INSUFFISANCE = rules.ExceptionTroisCandidats.INSUFFISANCE, "Insuffisance du nombre des candidats"

    logement = models.ForeignKey(Logement, on_delete=models.PROTECT, related_name="vacances")
    bailleur = models.ForeignKey(Bailleur, on_delete=models.PROTECT, related_name="vacances")
    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, related_name="vacances")
    statut = models.CharField("statut", max_length=20, choices=Statut.choices, default=Statut.DECLAREE)
    date_declaration = models.DateField("déclarée le")
    date_liberation = models.DateField("libérée le", help_text="Date à laquelle le logement est libre.")
    date_orientation = models.DateField("orientée le", null=True, blank=True)
    reservataire = models.ForeignKey(
        Reservataire,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vacances",
        verbose_name="réservataire",
    )
    reservataire_initial = models.ForeignKey(
        Reservataire,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="réservataire avant la remise pour un tour",
    )
    deduction = models.CharField("flux", max_length=16, choices=Deduction.choices, blank=True, default="")
    exception_trois_candidats = models.CharField(
        "exception à la règle des trois candidats (R. 441-3)",
        max_length=16,
        choices=Exception3.choices,
        blank=True,
        default="",
    )
    justification_exception = models.CharField("justification de l'exception", max_length=300, blank=True)
    date_bail = models.DateField("bail signé le", null=True, blank=True)
    commentaire = models.TextField("commentaire", blank=True)
    declaree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "logement vacant"
        verbose_name_plural = "logements vacants"
        ordering = ["-date_declaration", "-pk"]
        indexes = [
            models.Index(fields=["bailleur", "statut"], name="vacance_bailleur_statut"),
            models.Index(fields=["reservataire", "statut"], name="vacance_reservataire_statut"),
            models.Index(fields=["epci", "date_bail"], name="vacance_epci_bail"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(statut="BAIL_SIGNE") | Q(date_bail__isnull=False), name="vacance_bail_date"
            ),
            models.CheckConstraint(
                condition=Q(statut="DECLAREE") | Q(reservataire__isnull=False), name="vacance_orientee_reservataire"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.logement.identifiant} libéré le {self.date_liberation:%d/%m/%Y}"


class TransitionVacance(JournalTransition):
    """The life-cycle log of a vacancy: who, when, from, to, why (``de`` is empty on the declaration)."""

    champ_objet = "vacance"

    vacance = models.ForeignKey(Vacance, on_delete=models.CASCADE, related_name="transitions")
    de = models.CharField("de", max_length=20, choices=Vacance.Statut.choices, blank=True)
    vers = models.CharField("vers", max_length=20, choices=Vacance.Statut.choices)
    action = models.CharField("action", max_length=16)

    class Meta:
        verbose_name = "changement de statut d'un logement vacant"
        verbose_name_plural = "changements de statut des logements vacants"
        ordering = ["vacance", "date", "pk"]


class SeanceCaleol(models.Model):
    """A session of a landlord's commission (CALEOL): agenda, members present, minutes."""

    class Statut(models.TextChoices):
        PREVUE = "PREVUE", "Prévue"
        TENUE = "TENUE", "Tenue"
        ROUVERTE = "ROUVERTE", "Rouverte pour rectification"

    bailleur = models.ForeignKey(Bailleur, on_delete=models.PROTECT, related_name="seances")
    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, related_name="seances_caleol")
    date = models.DateField("date de la séance")
    lieu = models.CharField("lieu", max_length=200, blank=True)
    statut = models.CharField("statut", max_length=8, choices=Statut.choices, default=Statut.PREVUE)
    membres_presents = models.TextField(
        "membres présents", blank=True, help_text="Un membre par ligne, avec sa qualité."
    )
    compte_rendu = models.TextField("procès-verbal", blank=True)
    vacances = models.ManyToManyField(Vacance, blank=True, related_name="seances", verbose_name="ordre du jour")
    creee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "séance de CALEOL"
        verbose_name_plural = "séances de CALEOL"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"CALEOL {self.bailleur} du {self.date:%d/%m/%Y}"


class ReouvertureSeance(models.Model):
    """A held session reopened by its landlord to correct a decision: who, when, why, and when it was closed again."""

    seance = models.ForeignKey(SeanceCaleol, on_delete=models.PROTECT, related_name="reouvertures")
    rouverte_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rouverte_le = models.DateTimeField("rouverte le", default=timezone.now)
    motif = models.TextField("motif de la réouverture")
    refermee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    refermee_le = models.DateTimeField("refermée le", null=True, blank=True)

    class Meta:
        verbose_name = "réouverture d'une séance de CALEOL"
        verbose_name_plural = "réouvertures de séances de CALEOL"
        ordering = ["seance", "rouverte_le", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["seance"], condition=Q(refermee_le__isnull=True), name="reouverture_une_seule_ouverte"
            )
        ]

    def __str__(self) -> str:
        return f"Réouverture de {self.seance} le {self.rouverte_le:%d/%m/%Y}"


class Candidature(models.Model):
    """A demand designated for a vacancy, then examined by the commission and answered by the household."""

    class Reponse(models.TextChoices):
        ATTENTE = "", "En attente"
        ACCEPTATION = "ACCEPTATION", "Acceptation"
        REFUS = "REFUS", "Refus"

    class MotifRefus(models.TextChoices):
        LOCALISATION = "LOCALISATION", "Localisation, quartier"
        TYPOLOGIE = "TYPOLOGIE", "Taille ou typologie du logement"
        LOYER = "LOYER", "Loyer ou charges trop élevés"
        ETAT = "ETAT", "État du logement"
        ETAGE_ACCESSIBILITE = "ETAGE_ACCESSIBILITE", "Étage, ascenseur, accessibilité"
        TRANSPORTS = "TRANSPORTS", "Éloignement du travail, des transports, de l'école"
        SITUATION = "SITUATION", "Situation du ménage changée"
        AUTRE_LOGEMENT = "AUTRE_LOGEMENT", "A trouvé un autre logement"
        SANS_REPONSE = "SANS_REPONSE", "Absence de réponse dans le délai"
        AUTRE = "AUTRE", "Autre motif"

    vacance = models.ForeignKey(Vacance, on_delete=models.CASCADE, related_name="candidatures")
    demande = models.ForeignKey("demandes.Demande", on_delete=models.PROTECT, related_name="candidatures")
    reservataire = models.ForeignKey(
        Reservataire, on_delete=models.PROTECT, related_name="+", verbose_name="désignée pour"
    )
    rang_propose = models.PositiveSmallIntegerField("ordre de présentation")
    designee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    designee_le = models.DateTimeField("désignée le")
    seance = models.ForeignKey(
        SeanceCaleol, on_delete=models.PROTECT, null=True, blank=True, related_name="candidatures"
    )
    type_decision = models.CharField("décision", max_length=24, choices=DecisionCaleol.Type.choices, blank=True)
    rang = models.PositiveSmallIntegerField("rang", null=True, blank=True)
    condition = models.CharField("condition suspensive", max_length=300, blank=True)
    date_limite_condition = models.DateField("pièce attendue avant le", null=True, blank=True)
    condition_remplie_le = models.DateField("condition remplie le", null=True, blank=True)
    motif_decision = models.TextField("motifs de la décision", blank=True)
    reponse = models.CharField("réponse du demandeur", max_length=12, choices=Reponse.choices, blank=True)
    motif_refus = models.CharField("motif du refus", max_length=20, choices=MotifRefus.choices, blank=True)
    date_reponse = models.DateField("date de la réponse", null=True, blank=True)
    date_bail = models.DateField("bail signé le", null=True, blank=True)
    decision = models.OneToOneField(
        DecisionCaleol, on_delete=models.SET_NULL, null=True, blank=True, related_name="candidature"
    )

    class Meta:
        verbose_name = "candidature"
        ordering = ["vacance", "rang_propose", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["vacance", "demande"], name="candidature_unique"),
            # one presentation order per place on a vacancy, one decision rank per vacancy and session: two agents
            # submitting at the same moment cannot both get rank 2 (services lock the vacancy, this is the net)
            models.UniqueConstraint(fields=["vacance", "rang_propose"], name="candidature_rang_propose_unique"),
            models.UniqueConstraint(
                fields=["vacance", "seance", "rang"],
                condition=Q(rang__isnull=False),
                name="candidature_rang_unique_par_seance",
            ),
            models.CheckConstraint(
                condition=~Q(type_decision="ATTRIBUTION_RANG") | Q(rang__gte=1), name="candidature_rang_requis"
            ),
            models.CheckConstraint(condition=~Q(reponse="REFUS") | ~Q(motif_refus=""), name="candidature_refus_motive"),
        ]

    def __str__(self) -> str:
        return f"{self.demande_id} pour {self.vacance_id}"

    @property
    def est_attribuee(self) -> bool:
        return self.type_decision in rules.TYPES_ATTRIBUTION


# --- Exchange between social tenants (bourse d'échange, attributions/echanges/) -----------------------------


class OffreEchange(models.Model):
    """A social tenant's offer in the exchange bourse: the dwelling they leave, for what their transfer demand
    seeks (the demand's wishes: communes, typologies, maximum rent, floor, lift, wheelchair access).

    The dwelling is a ``Logement`` of the territory when its landlord's or RPLS identifier is known; otherwise it
    is described here (landlord, commune, typology, rent), and its landlord names it from its stock when it
    accepts an exchange. The offer keeps the dwelling's description in both cases (copied from the stock when
    identified): the matching reads one set of columns. Floor and lift are the tenant's description.
    Written by ``attributions.echanges.services`` only.
    """

    class Statut(models.TextChoices):
        ACTIVE = "ACTIVE", "Active"
        ECHANGEE = "ECHANGEE", "Échange transmis en commission"
        RETIREE = "RETIREE", "Retirée"

    demande = models.ForeignKey("demandes.Demande", on_delete=models.PROTECT, related_name="offres_echange")
    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, related_name="offres_echange")
    logement = models.ForeignKey(
        Logement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offres_echange",
        verbose_name="logement du patrimoine",
    )
    bailleur = models.ForeignKey(Bailleur, on_delete=models.PROTECT, related_name="offres_echange")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="offres_echange")
    typologie = models.CharField("typologie", max_length=2, choices=Typologie.choices)
    loyer = models.DecimalField("loyer principal (€/mois)", max_digits=8, decimal_places=2, null=True, blank=True)
    adresse = models.CharField("adresse", max_length=300, blank=True)
    etage = models.PositiveSmallIntegerField("étage (0 : rez-de-chaussée)", null=True, blank=True)
    ascenseur = models.BooleanField("desservi par un ascenseur", default=False)
    accessible_pmr = models.BooleanField("accessible en fauteuil roulant", default=False)
    commentaire = models.CharField("précisions", max_length=300, blank=True)
    statut = models.CharField("statut", max_length=8, choices=Statut.choices, default=Statut.ACTIVE)
    creee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    creee_le = models.DateTimeField("créée le", default=timezone.now)

    class Meta:
        verbose_name = "offre de la bourse d'échange"
        verbose_name_plural = "offres de la bourse d'échange"
        ordering = ["-creee_le", "-pk"]
        indexes = [models.Index(fields=["epci", "statut"], name="offre_echange_epci_statut")]
        constraints = [
            models.UniqueConstraint(
                fields=["demande"], condition=~Q(statut="RETIREE"), name="offre_echange_une_par_demande"
            ),
        ]

    def __str__(self) -> str:
        return f"Offre n° {self.pk} ({self.typologie}, {self.commune.nom})"


class Echange(models.Model):
    """An exchange of dwellings between two or three tenants; each landlord of a dwelling accepts or declines."""

    class Statut(models.TextChoices):
        PROPOSE = "PROPOSE", "Proposé aux bailleurs"
        TRANSMIS = "TRANSMIS", "Accepté, transmis en commission"
        REFUSE = "REFUSE", "Refusé par un bailleur"
        ANNULE = "ANNULE", "Annulé"

    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, related_name="echanges")
    statut = models.CharField("statut", max_length=8, choices=Statut.choices, default=Statut.PROPOSE)
    proposee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposee_le = models.DateTimeField("proposé le", default=timezone.now)

    class Meta:
        verbose_name = "échange de logements"
        verbose_name_plural = "échanges de logements"
        ordering = ["-proposee_le", "-pk"]
        indexes = [models.Index(fields=["epci", "statut"], name="echange_epci_statut")]

    def __str__(self) -> str:
        return f"Échange n° {self.pk}"


class ParticipationEchange(models.Model):
    """One tenant of an exchange: the offer (their dwelling), the offer whose dwelling they move into, and the
    answer of their dwelling's landlord; once every landlord accepted, the vacancy of their dwelling."""

    class Reponse(models.TextChoices):
        ATTENTE = "", "En attente"
        ACCEPTE = "ACCEPTE", "Accepté"
        REFUSE = "REFUSE", "Refusé"

    echange = models.ForeignKey(Echange, on_delete=models.CASCADE, related_name="participations")
    offre = models.ForeignKey(OffreEchange, on_delete=models.PROTECT, related_name="participations")
    recoit = models.ForeignKey(
        OffreEchange, on_delete=models.PROTECT, related_name="+", verbose_name="emménage dans le logement de"
    )
    rang = models.PositiveSmallIntegerField("rang dans l'échange")
    reponse = models.CharField("réponse du bailleur", max_length=8, choices=Reponse.choices, blank=True)
    motif = models.CharField("motif", max_length=300, blank=True)
    repondu_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    repondu_le = models.DateTimeField("répondu le", null=True, blank=True)
    vacance = models.ForeignKey(
        Vacance, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="logement vacant"
    )

    class Meta:
        verbose_name = "participant à un échange"
        verbose_name_plural = "participants aux échanges"
        ordering = ["echange", "rang"]
        constraints = [
            models.UniqueConstraint(fields=["echange", "offre"], name="participation_echange_unique"),
            models.UniqueConstraint(fields=["echange", "rang"], name="participation_echange_rang_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.echange} : offre n° {self.offre_id}"


class TransitionEchange(JournalTransition):
    """The life-cycle log of an exchange (``de`` is empty on the proposal; an acceptance is a step without move)."""

    champ_objet = "echange"

    echange = models.ForeignKey(Echange, on_delete=models.CASCADE, related_name="transitions")
    de = models.CharField("de", max_length=20, choices=Echange.Statut.choices, blank=True)
    vers = models.CharField("vers", max_length=20, choices=Echange.Statut.choices)

    class Meta:
        verbose_name = "étape d'un échange de logements"
        verbose_name_plural = "étapes des échanges de logements"
        ordering = ["echange", "date", "pk"]
