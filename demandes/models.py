"""Demands for social housing: the national form, life cycle, documents, qualification, events.

Writes go through ``services.py`` only. Querysets carry the vocabulary (``for_user``, ``actives``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from cil.models import Bailleur, Commune, Epci, Guichet
from core.erreurs import ErreurMetier
from core.models import JournalTransition
from core.periodes import constraints_periode, verifie_periode
from core.stockage import prive as _private_storage  # the name the migrations use

from . import rules


class Statut(models.TextChoices):
    ACTIVE = rules.Statut.ACTIVE, "Active"
    A_RENOUVELER = rules.Statut.A_RENOUVELER, "À renouveler"
    RADIEE = rules.Statut.RADIEE, "Radiée"


class MotifRadiation(models.TextChoices):
    ATTRIBUTION = rules.MotifRadiation.ATTRIBUTION, "Attribution d'un logement (bail signé)"
    RENONCIATION = rules.MotifRadiation.RENONCIATION, "Renonciation écrite du demandeur"
    IRRECEVABILITE = rules.MotifRadiation.IRRECEVABILITE, "Irrecevabilité"
    NON_RENOUVELLEMENT = rules.MotifRadiation.NON_RENOUVELLEMENT, "Non-renouvellement"
    SANS_REPONSE = rules.MotifRadiation.SANS_REPONSE, "Absence de réponse à un courrier"


class ParametresDemande(models.Model):
    """The territory's delays, with their source and validity dates (docs/droit/regles.md: every delay is data)."""

    epci = models.ForeignKey(
        Epci,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide : valeurs nationales par défaut.",
    )
    date_debut = models.DateField("en vigueur du")
    date_fin = models.DateField("au", null=True, blank=True)
    validite_mois = models.PositiveSmallIntegerField("durée de validité (mois)", default=12)
    preavis_rappel_mois = models.PositiveSmallIntegerField("préavis de renouvellement (mois)", default=1)
    radiation_non_renouvellement_mois = models.PositiveSmallIntegerField(
        "radiation pour non-renouvellement (mois après le dépôt ou le renouvellement)", default=13
    )
    reactivation_non_renouvellement_mois = models.PositiveSmallIntegerField(
        "réactivation possible jusqu'à (mois après le dépôt ou le renouvellement)", default=18
    )
    reactivation_sans_reponse_mois = models.PositiveSmallIntegerField(
        "réactivation après absence de réponse (mois après la radiation)", default=5
    )
    radiation_apres_avertissement_mois = models.PositiveSmallIntegerField(
        "radiation possible après l'avertissement (mois ; absence de réponse, irrecevabilité)", default=1
    )
    delai_max_entretien_jours = models.PositiveSmallIntegerField(
        "délai maximal d'entretien après l'enregistrement (jours, PPGDID)", default=30
    )
    conservation_radiees_mois = models.PositiveSmallIntegerField(
        "conservation des données d'une demande radiée (mois après la radiation)",
        default=12,
        help_text="Décret 2017-917, art. 4 (règle du système national d'enregistrement) : un an.",
    )
    source = models.TextField("source")

    class Meta:
        verbose_name = "paramètres des demandes"
        verbose_name_plural = "paramètres des demandes"
        ordering = ["epci", "-date_debut"]
        constraints = constraints_periode("parametres_demande", [])

    def __str__(self) -> str:
        return f"{self.epci or 'National'} depuis le {self.date_debut:%d/%m/%Y}"

    def clean(self):
        verifie_periode(self, epci=self.epci_id)

    def delais(self) -> rules.Delais:
        return rules.Delais(
            validite_mois=self.validite_mois,
            preavis_rappel_mois=self.preavis_rappel_mois,
            radiation_non_renouvellement_mois=self.radiation_non_renouvellement_mois,
            reactivation_non_renouvellement_mois=self.reactivation_non_renouvellement_mois,
            reactivation_sans_reponse_mois=self.reactivation_sans_reponse_mois,
            radiation_apres_avertissement_mois=self.radiation_apres_avertissement_mois,
            delai_max_entretien_jours=self.delai_max_entretien_jours,
        )


class SequenceNumero(models.Model):
    """The last number given per department and year; locked (select_for_update) when incremented."""

    departement = models.CharField(max_length=3)
    annee = models.PositiveSmallIntegerField()
    dernier = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "séquence de numéros uniques"
        constraints = [models.UniqueConstraint(fields=["departement", "annee"], name="sequence_dep_annee_unique")]

    def __str__(self) -> str:
        return f"{self.departement}-{self.annee} : {self.dernier}"


class DemandeQuerySet(models.QuerySet):
    def for_user(self, user):
        from .permissions import demandes_for_user

        return demandes_for_user(user, self)

    def actives(self):
        return self.filter(statut__in=[Statut.ACTIVE, Statut.A_RENOUVELER])

    def besoin_logement_adapte(self):
        """Demands whose household needs an adapted dwelling: ``rules.a_besoin_logement_adapte`` in SQL."""
        return self.filter(q_besoin_logement_adapte())


def q_besoin_logement_adapte() -> Q:
    """The SQL side of ``rules.a_besoin_logement_adapte`` (same constants; its test compares both)."""
    from core.db import q_liste_contient

    q = Q(accessibilite_pmr=True) | Q(capacite_marche__in=sorted(rules.CAPACITES_LIMITEES))
    for code in sorted(rules.EQUIPEMENTS_ACCESSIBILITE):
        q |= q_liste_contient("equipements_handicap", code)
    return q


class CapaciteMarche(models.TextChoices):
    """National codes (ListeCapaciteMarcheHandicap)."""

    NON_RENSEIGNEE = "", "Non renseignée"
    IMPOSSIBLE = rules.CapaciteMarche.IMPOSSIBLE, "Impossible (aucune marche)"
    MARCHES = rules.CapaciteMarche.MARCHES, "1 à 3 marches"
    PREMIER_ETAGE = rules.CapaciteMarche.PREMIER_ETAGE, "Jusqu'au 1er étage"
    PLUS_D_UN_ETAGE = rules.CapaciteMarche.PLUS_D_UN_ETAGE, "Plus d'un étage"


class AideTechnique(models.TextChoices):
    """National codes (ListeAideTechniqueHandicap)."""

    AUCUNE = rules.AideTechnique.AUCUNE, "Aucune"
    CANNE = rules.AideTechnique.CANNE, "Canne, béquille"
    DEAMBULATEUR = rules.AideTechnique.DEAMBULATEUR, "Déambulateur"
    FAUTEUIL_MANUEL = rules.AideTechnique.FAUTEUIL_MANUEL, "Fauteuil roulant manuel"
    FAUTEUIL_ELECTRIQUE = rules.AideTechnique.FAUTEUIL_ELECTRIQUE, "Fauteuil roulant électrique"
    LEVE_PERSONNE = rules.AideTechnique.LEVE_PERSONNE, "Lève-personne"
    LIT_MEDICALISE = rules.AideTechnique.LIT_MEDICALISE, "Lit médicalisé"


class EquipementHandicap(models.TextChoices):
    """National codes (ListeEquipementHandicap)."""

    BAIGNOIRE_ADAPTEE = rules.Equipement.BAIGNOIRE_ADAPTEE, "Baignoire adaptée"
    WC_TRANSFERT = rules.Equipement.WC_TRANSFERT, "WC avec espace de transfert"
    DOUCHE_SANS_SEUIL = rules.Equipement.DOUCHE_SANS_SEUIL, "Douche sans seuil"
    ASCENSEUR = rules.Equipement.ASCENSEUR, "Ascenseur"
    CHAMBRE_TIERCE_PERSONNE = rules.Equipement.CHAMBRE_TIERCE_PERSONNE, "Chambre pour une tierce personne"
    STATIONNEMENT = rules.Equipement.STATIONNEMENT, "Place de stationnement adaptée (3,30 m)"


class Demande(models.Model):
    class Sexe(models.TextChoices):
        F = "F", "Femme"
        M = "M", "Homme"

    class Nationalite(models.TextChoices):
        FRANCAISE = "FR", "Française"
        UE = "UE", "Union européenne"
        HORS_UE = "HORS_UE", "Hors Union européenne"

    class SituationFamiliale(models.TextChoices):
        CELIBATAIRE = "CELIBATAIRE", "Célibataire"
        MARIE = "MARIE", "Marié(e)"
        PACSE = "PACSE", "Pacsé(e)"
        CONCUBINAGE = "CONCUBINAGE", "Concubinage"
        SEPARE = "SEPARE", "Séparé(e)"
        DIVORCE = "DIVORCE", "Divorcé(e)"
        VEUF = "VEUF", "Veuf ou veuve"

    class SituationProfessionnelle(models.TextChoices):
        CDI = "CDI", "Salarié(e) en CDI (ou fonctionnaire)"
        CDD = "CDD", "Salarié(e) en CDD, intérim, apprentissage"
        INDEPENDANT = "INDEPENDANT", "Artisan, commerçant, profession libérale"
        DEMANDEUR_EMPLOI = "DEMANDEUR_EMPLOI", "Demandeur d'emploi"
        RETRAITE = "RETRAITE", "Retraité(e)"
        ETUDIANT = "ETUDIANT", "Étudiant(e)"
        SANS_ACTIVITE = "SANS_ACTIVITE", "Sans activité professionnelle"
        AUTRE = "AUTRE", "Autre"

    class LogementActuel(models.TextChoices):
        LOCATAIRE_HLM = "LOCATAIRE_HLM", "Locataire du parc social"
        LOCATAIRE_PRIVE = "LOCATAIRE_PRIVE", "Locataire du parc privé"
        PROPRIETAIRE = "PROPRIETAIRE", "Propriétaire occupant"
        HEBERGE_FAMILLE = "HEBERGE_FAMILLE", "Hébergé(e) chez des parents ou enfants"
        HEBERGE_TIERS = "HEBERGE_TIERS", "Hébergé(e) chez un tiers"
        STRUCTURE = "STRUCTURE", "Structure d'hébergement, logement-foyer, résidence sociale"
        HOTEL = "HOTEL", "Hôtel"
        SANS_ABRI = "SANS_ABRI", "Sans abri ou habitat de fortune"
        AUTRE = "AUTRE", "Autre"

    class Motif(models.TextChoices):
        SANS_LOGEMENT = "SANS_LOGEMENT", "Sans logement ou hébergé"
        TROP_CHER = "TROP_CHER", "Logement trop cher"
        TROP_PETIT = "TROP_PETIT", "Logement trop petit"
        TROP_GRAND = "TROP_GRAND", "Logement trop grand"
        INDECENT = "INDECENT", "Logement non décent, insalubre ou dangereux"
        HANDICAP = "HANDICAP", "Logement inadapté au handicap ou à la perte d'autonomie"
        EXPULSION = "EXPULSION", "Procédure d'expulsion"
        SEPARATION = "SEPARATION", "Divorce, séparation"
        VIOLENCES = "VIOLENCES", "Violences familiales"
        RAPPROCHEMENT_TRAVAIL = "RAPPROCHEMENT_TRAVAIL", "Rapprochement du lieu de travail"
        RAPPROCHEMENT_FAMILLE = "RAPPROCHEMENT_FAMILLE", "Rapprochement familial"
        DEMOLITION = "DEMOLITION", "Démolition"
        DECOHABITATION = "DECOHABITATION", "Décohabitation, futur couple"
        AUTRE = "AUTRE", "Autre motif"

    class Typologie(models.TextChoices):
        T1 = "T1", "T1"
        T2 = "T2", "T2"
        T3 = "T3", "T3"
        T4 = "T4", "T4"
        T5 = "T5", "T5"
        T6 = "T6", "T6 et plus"

    numero_unique = models.CharField("numéro unique", max_length=16, unique=True)
    # The national number (NUD) of the national registration system (SNE), kept verbatim as received in its
    # exchange format (sne app); empty for a demand the platform alone knows. Searchable (selectors).
    numero_national = models.CharField(
        "numéro unique national (SNE)", max_length=18, blank=True, default="", editable=False
    )
    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, related_name="demandes", verbose_name="territoire")
    guichet = models.ForeignKey(
        Guichet, on_delete=models.PROTECT, related_name="demandes", verbose_name="guichet enregistreur"
    )
    statut = models.CharField("statut", max_length=16, choices=Statut.choices, default=Statut.ACTIVE)
    motif_radiation = models.CharField("motif de radiation", max_length=20, choices=MotifRadiation.choices, blank=True)
    date_depot = models.DateField("date de dépôt", help_text="Fixe l'ancienneté ; conservée lors des renouvellements.")
    date_dernier_renouvellement = models.DateField("dernier renouvellement", null=True, blank=True)
    date_radiation = models.DateField("date de radiation", null=True, blank=True)
    # start of the current validity year (rules.debut_validite), kept by the database itself
    debut_validite = models.GeneratedField(
        expression=Coalesce("date_dernier_renouvellement", "date_depot"),
        output_field=models.DateField(),
        db_persist=True,
        verbose_name="début de la validité en cours",
    )
    version = models.PositiveIntegerField("version", default=1)

    # a) identity of the applicant (the co-applicant and the others are MembreMenage rows)
    nom = models.CharField("nom d'usage", max_length=100)
    nom_naissance = models.CharField("nom de naissance", max_length=100, blank=True)
    prenom = models.CharField("prénom(s)", max_length=100)
    date_naissance = models.DateField("date de naissance")
    sexe = models.CharField("sexe", max_length=1, choices=Sexe.choices)
    nationalite = models.CharField(
        "nationalité", max_length=8, choices=Nationalite.choices, default=Nationalite.FRANCAISE
    )
    nom_norm = models.CharField(max_length=100, editable=False)
    nom_naissance_norm = models.CharField(max_length=100, editable=False, blank=True)
    prenom_norm = models.CharField(max_length=100, editable=False)
    # b) address and contact details
    adresse = models.CharField("adresse", max_length=300)
    code_postal = models.CharField("code postal", max_length=5)
    ville = models.CharField("ville", max_length=100)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    courrier_postal = models.BooleanField("souhaite recevoir les courriers par voie postale", default=True)
    # c), d), e)
    situation_familiale = models.CharField("situation de famille", max_length=16, choices=SituationFamiliale.choices)
    situation_professionnelle = models.CharField(
        "situation professionnelle", max_length=20, choices=SituationProfessionnelle.choices
    )
    employeur = models.CharField("employeur", max_length=200, blank=True)
    employeur_siret = models.CharField("SIRET de l'employeur", max_length=14, blank=True)
    revenu_fiscal_reference = models.PositiveIntegerField("revenu fiscal de référence (€)", null=True, blank=True)
    annee_revenu_fiscal = models.PositiveSmallIntegerField("année des revenus", null=True, blank=True)
    # f), g)
    logement_actuel = models.CharField("situation de logement actuelle", max_length=20, choices=LogementActuel.choices)
    loyer_actuel = models.DecimalField(
        "loyer actuel (€ par mois)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    est_mutation = models.BooleanField("demande de mutation (locataire HLM)", default=False)
    bailleur_actuel = models.ForeignKey(
        Bailleur, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="bailleur actuel"
    )
    motifs = models.JSONField("motifs de la demande", default=list, blank=True)
    criteres_mutation = models.JSONField(
        "critères communs de mutation", default=list, blank=True, help_text="Codes des critères du territoire."
    )
    commentaire = models.TextField("précisions", blank=True)
    # h), i) wishes
    communes_souhaitees = models.ManyToManyField(
        Commune, blank=True, related_name="+", verbose_name="communes souhaitées"
    )
    typologies = models.JSONField("typologies souhaitées", default=list, blank=True)
    loyer_max = models.PositiveIntegerField("loyer maximum (€ par mois, charges comprises)", null=True, blank=True)
    etage_max = models.PositiveSmallIntegerField("étage maximum", null=True, blank=True)
    ascenseur_requis = models.BooleanField("ascenseur indispensable", default=False)
    # disability needs, as the national form records them (listeHandicap; docs/logements_adaptes.md)
    handicap_moteur = models.BooleanField("handicap moteur", default=False, db_default=False)
    handicap_sensoriel = models.BooleanField(
        "handicap sensoriel (déficience auditive ou visuelle)", default=False, db_default=False
    )
    capacite_marche = models.CharField(
        "capacité à monter des marches",
        max_length=1,
        choices=CapaciteMarche.choices,
        blank=True,
        default="",
        db_default="",
    )
    aides_techniques = models.JSONField(
        "aides techniques", default=list, blank=True, help_text="Codes nationaux (fauteuil roulant : 4 ou 5)."
    )
    equipements_handicap = models.JSONField(
        "équipements nécessaires", default=list, blank=True, help_text="Codes nationaux des équipements."
    )
    # derived from ``aides_techniques`` on every save (one truth): a wheelchair, manual or electric
    accessibilite_pmr = models.BooleanField("logement accessible en fauteuil roulant", default=False, editable=False)
    besoin_adaptation = models.CharField("besoin particulier (handicap, perte d'autonomie)", max_length=300, blank=True)

    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    # the score under the territory's adopted grid (cotation): written only by services (rescoring)
    score = models.IntegerField("cotation (points)", null=True, blank=True, editable=False)
    score_grille = models.ForeignKey(
        "GrilleCotation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="grille de la cotation",
        db_index=False,  # no index on the score columns: stock rescoring updates stay HOT
    )
    score_calcule_le = models.DateField("cotation modifiée le", null=True, blank=True, editable=False)

    # GDPR (docs/droit/regles.md, platform decision 13)
    suivi_social_en_cours = models.BooleanField(
        "accompagnement social poursuivi après l'attribution",
        default=False,
        help_text="Coché : les appréciations sur les difficultés sociales sont conservées au bail signé "
        "(autorisation unique AU-2014-124, art. 4).",
    )
    anonymisee_le = models.DateTimeField(
        "données personnelles effacées le", null=True, blank=True, editable=False, db_index=True
    )

    objects = DemandeQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de logement social"
        verbose_name_plural = "demandes de logement social"
        ordering = ["nom_norm", "prenom_norm", "id"]
        indexes = [
            models.Index(fields=["nom_norm", "prenom_norm", "id"], name="demande_nom_idx"),
            models.Index(fields=["epci", "nom_norm", "prenom_norm", "id"], name="demande_epci_nom_idx"),
            models.Index(fields=["nom_naissance_norm"], name="demande_nom_naiss_idx"),
            models.Index(fields=["epci", "date_naissance"], name="demande_epci_naissance_idx"),
            models.Index(fields=["statut", "epci"], name="demande_statut_idx"),
            # the scheduled jobs' "due on or before" filters and counts (selectors._echues): index-only scans
            models.Index(fields=["statut", "epci", "debut_validite"], name="demande_debut_validite_idx"),
            # a territory's demands by filing date: the interviews overdue (oldest first, the first 200 read in
            # date order), the new demands of a year
            models.Index(fields=["epci", "date_depot"], name="demande_epci_depot_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["numero_national"], condition=~Q(numero_national=""), name="demande_numero_national_unique"
            ),
            models.CheckConstraint(
                condition=Q(statut="RADIEE", date_radiation__isnull=False) & ~Q(motif_radiation="")
                | ~Q(statut="RADIEE") & Q(motif_radiation=""),
                name="demande_radiation_motivee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.numero_unique} {self.nom} {self.prenom}"

    def save(self, *args, **kwargs):
        self.deriver()
        if kwargs.get("update_fields") is not None and "aides_techniques" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "accessibilite_pmr"}
        super().save(*args, **kwargs)

    def deriver(self) -> None:
        """The columns derived from others, set before every write (``save`` and the bulk services)."""
        self.accessibilite_pmr = rules.en_fauteuil(self.aides_techniques or [])
        self.nom_norm = rules.normaliser(self.nom)
        self.nom_naissance_norm = rules.normaliser(self.nom_naissance)
        self.prenom_norm = rules.normaliser(self.prenom)

    def clean(self):
        super().clean()
        erreurs = {}
        if not isinstance(self.aides_techniques, list):
            erreurs["aides_techniques"] = "Une liste de codes est attendue."
        elif message := rules.erreur_aides_techniques(self.aides_techniques):
            erreurs["aides_techniques"] = message
        if not isinstance(self.equipements_handicap, list):
            erreurs["equipements_handicap"] = "Une liste de codes est attendue."
        elif message := rules.erreur_equipements(self.equipements_handicap):
            erreurs["equipements_handicap"] = message
        if erreurs:
            raise ValidationError(erreurs)

    @property
    def a_besoin_logement_adapte(self) -> bool:
        return rules.a_besoin_logement_adapte(
            self.aides_techniques or [], self.capacite_marche, self.equipements_handicap or []
        )

    def get_aides_techniques_display(self) -> list[str]:
        labels = dict(AideTechnique.choices)
        return [labels.get(code, code) for code in self.aides_techniques or []]

    def get_equipements_handicap_display(self) -> list[str]:
        labels = dict(EquipementHandicap.choices)
        return [labels.get(code, code) for code in self.equipements_handicap or []]

    @property
    def est_active(self) -> bool:
        return self.statut in (Statut.ACTIVE, Statut.A_RENOUVELER)

    def get_motifs_display(self) -> list[str]:
        labels = dict(self.Motif.choices)
        return [labels.get(code, code) for code in self.motifs]


class MembreMenage(models.Model):
    class Lien(models.TextChoices):
        CO_TITULAIRE = "CO_TITULAIRE", "Co-titulaire (conjoint, partenaire)"
        ENFANT = "ENFANT", "Enfant"
        ASCENDANT = "ASCENDANT", "Ascendant"
        AUTRE = "AUTRE", "Autre personne à loger"

    class Garde(models.TextChoices):
        AUCUNE = "", "—"
        ALTERNEE = "ALTERNEE", "Garde alternée"
        VISITE = "VISITE", "Droit de visite et d'hébergement"

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="membres")
    lien = models.CharField("lien avec le demandeur", max_length=16, choices=Lien.choices)
    nom = models.CharField("nom", max_length=100)
    prenom = models.CharField("prénom", max_length=100)
    date_naissance = models.DateField("date de naissance")
    situation_professionnelle = models.CharField(
        "situation professionnelle", max_length=20, choices=Demande.SituationProfessionnelle.choices, blank=True
    )
    enfant_a_naitre = models.BooleanField("enfant à naître", default=False)
    garde = models.CharField(
        "enfant en garde",
        max_length=8,
        choices=Garde.choices,
        blank=True,
        default="",
        help_text="Enfant d'un parent séparé : garde alternée ou droit de visite (compté dans le ménage).",
    )

    class Meta:
        verbose_name = "membre du ménage"
        verbose_name_plural = "membres du ménage"
        ordering = ["demande", "date_naissance", "id"]

    def __str__(self) -> str:
        return f"{self.prenom} {self.nom} ({self.get_lien_display()})"


class Ressource(models.Model):
    """A monthly resource of one person; housing benefits are recorded apart and excluded from totals."""

    class Nature(models.TextChoices):
        SALAIRE = "SALAIRE", "Salaires, traitements"
        CHOMAGE = "CHOMAGE", "Allocations chômage"
        RETRAITE = "RETRAITE", "Retraite"
        PRESTATIONS_FAMILIALES = "PRESTATIONS_FAMILIALES", "Prestations familiales"
        AAH = "AAH", "Allocation aux adultes handicapés (AAH)"
        RSA = "RSA", "Revenu de solidarité active (RSA)"
        PRIME_ACTIVITE = "PRIME_ACTIVITE", "Prime d'activité"
        PENSION_ALIMENTAIRE = "PENSION_ALIMENTAIRE", "Pension alimentaire reçue"
        BOURSE = "BOURSE", "Bourse d'études"
        AUTRE = "AUTRE", "Autres ressources"
        AIDE_LOGEMENT = "AIDE_LOGEMENT", "Aide au logement (APL, AL) – non comptée"

    NATURES_EXCLUES = {Nature.AIDE_LOGEMENT}

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="ressources")
    membre = models.ForeignKey(
        MembreMenage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ressources",
        help_text="Vide : le demandeur.",
    )
    nature = models.CharField("nature", max_length=24, choices=Nature.choices)
    montant_mensuel = models.DecimalField("montant mensuel (€)", max_digits=9, decimal_places=2)

    class Meta:
        verbose_name = "ressource mensuelle"
        verbose_name_plural = "ressources mensuelles"
        ordering = ["demande", "membre", "nature"]
        constraints = [models.CheckConstraint(condition=Q(montant_mensuel__gte=0), name="ressource_positive")]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} : {self.montant_mensuel} €"


class TransitionStatut(JournalTransition):
    """The life-cycle log: who, when, from, to, why (the ground of a radiation, and a free comment)."""

    champ_objet = "demande"

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="transitions")
    de = models.CharField("de", max_length=16, choices=Statut.choices)
    vers = models.CharField("vers", max_length=16, choices=Statut.choices)
    action = models.CharField("action", max_length=16)
    motif = models.CharField("motif", max_length=20, choices=MotifRadiation.choices, blank=True)
    raison = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "changement de statut"
        verbose_name_plural = "changements de statut"
        ordering = ["demande", "date", "id"]


class Evenement(models.Model):
    """The shared-management event log (R. 441-2-15). Only services.py writes it."""

    class Type(models.TextChoices):
        ENREGISTREMENT = "ENREGISTREMENT", "Enregistrement de la demande"
        RECTIFICATION = "RECTIFICATION", "Mise à jour ou rectification"
        PIECE_DEMANDEE = "PIECE_DEMANDEE", "Pièce justificative demandée"
        PIECE_RECUE = "PIECE_RECUE", "Pièce justificative reçue"
        PIECE_VALIDEE = "PIECE_VALIDEE", "Pièce justificative vérifiée"
        PRIORITE_RECONNUE = "PRIORITE_RECONNUE", "Priorité reconnue (L. 441-1)"
        PRIORITE_LEVEE = "PRIORITE_LEVEE", "Priorité levée"
        DALO = "DALO", "Décision DALO"
        RENDEZ_VOUS = "RENDEZ_VOUS", "Rendez-vous fixé"
        ENTRETIEN = "ENTRETIEN", "Entretien"
        RAPPEL_RENOUVELLEMENT = "RAPPEL_RENOUVELLEMENT", "Avis de renouvellement envoyé"
        RENOUVELLEMENT = "RENOUVELLEMENT", "Renouvellement"
        AVERTISSEMENT = "AVERTISSEMENT", "Courrier d'avertissement"
        DESIGNATION = "DESIGNATION", "Désignation par un réservataire"
        VISITE = "VISITE", "Visite du logement"
        PROPOSITION = "PROPOSITION", "Proposition de logement"
        EXAMEN_CAL = "EXAMEN_CAL", "Examen en commission (CALEOL)"
        DECISION_CAL = "DECISION_CAL", "Décision de la commission (CALEOL)"
        REFUS = "REFUS", "Refus du demandeur"
        BAIL_SIGNE = "BAIL_SIGNE", "Bail signé"
        AVIS_COMMISSION = "AVIS_COMMISSION", "Avis d'une commission (coordination, cas complexes)"
        ECHANGE = "ECHANGE", "Bourse d'échange entre locataires"
        RADIATION = "RADIATION", "Radiation"
        REACTIVATION = "REACTIVATION", "Réactivation"
        FICHE_INFORMATION = "FICHE_INFORMATION", "Attestation et fiche d'information remises"
        COTATION = "COTATION", "Cotation modifiée"
        EFFACEMENT = "EFFACEMENT", "Données personnelles effacées (RGPD)"

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="evenements")
    type = models.CharField("type", max_length=24, choices=Type.choices)
    date = models.DateTimeField("date")
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    organisation = models.CharField("organisation", max_length=200, blank=True)
    libelle = models.CharField("libellé", max_length=300, blank=True)
    detail = models.JSONField("détail", default=dict, blank=True)

    class Meta:
        verbose_name = "événement"
        ordering = ["demande", "-date", "-id"]
        indexes = [
            models.Index(fields=["demande", "date"], name="evenement_demande_date_idx"),
            models.Index(fields=["type", "date"], name="evenement_type_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} le {self.date:%d/%m/%Y}"


class DelaiAnormalementLong(models.Model):
    """The abnormally long delay (L. 441-1-4) set by the préfet's order for a département, with its source and
    validity dates (docs/droit/regles.md §6.4). A row may narrow to one territory of the département and to
    one typology when the order distinguishes them; ``rules.delai_applicable`` picks the most specific."""

    departement = models.CharField("département", max_length=3, help_text="Code du département (ex. 44, 2A, 974).")
    epci = models.ForeignKey(
        Epci,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="territoire",
        help_text="Vide : tout le département. Renseigné : l'arrêté fixe un délai propre à ce territoire.",
    )
    typologie = models.CharField(
        "typologie",
        max_length=2,
        choices=[("", "Toutes typologies"), *Demande.Typologie.choices],
        blank=True,
        default="",
        help_text="Vide : toutes les typologies.",
    )
    mois = models.PositiveSmallIntegerField("délai (mois)")
    date_debut = models.DateField("en vigueur du")
    date_fin = models.DateField("au", null=True, blank=True)
    source = models.TextField("source", help_text="Arrêté préfectoral : référence, date, lien.")

    class Meta:
        verbose_name = "délai anormalement long"
        verbose_name_plural = "délais anormalement longs"
        ordering = ["departement", "epci", "typologie", "-date_debut"]
        constraints = constraints_periode("delai_anormalement_long", ["departement", "typologie"])

    def __str__(self) -> str:
        portee = f"{self.departement}" + (f", {self.epci.nom}" if self.epci_id else "")
        typo = f", {self.typologie}" if self.typologie else ""
        return f"{self.mois} mois ({portee}{typo}) depuis le {self.date_debut:%d/%m/%Y}"

    def clean(self):
        verifie_periode(self, departement=self.departement, typologie=self.typologie, epci=self.epci_id)

    def regle(self) -> rules.RegleDelai:
        return rules.RegleDelai(mois=self.mois, epci_id=self.epci_id, typologie=self.typologie)


class DelaiDepasse(models.Model):
    """A demand found, by the nightly detection, past its abnormally long delay: one row per demand, updated by
    each run and deleted when the demand no longer is (radiated, housed, or the order changed)."""

    demande = models.OneToOneField(Demande, on_delete=models.CASCADE, related_name="delai_depasse")
    delai_mois = models.PositiveSmallIntegerField("délai applicable (mois)")
    echeance = models.DateField("délai atteint le")
    detectee_le = models.DateField("détectée le")
    verifiee_le = models.DateField("vérifiée le")

    class Meta:
        verbose_name = "demande en délai anormalement long"
        verbose_name_plural = "demandes en délai anormalement long"
        ordering = ["echeance", "demande_id"]

    def __str__(self) -> str:
        return f"{self.demande_id} : délai de {self.delai_mois} mois atteint le {self.echeance:%d/%m/%Y}"


class TypePiece(models.TextChoices):
    IDENTITE = "IDENTITE", "Pièce d'identité du demandeur"
    IDENTITE_MENAGE = "IDENTITE_MENAGE", "Pièces d'identité des personnes à loger"
    TITRE_SEJOUR = "TITRE_SEJOUR", "Titre de séjour en cours de validité"
    AVIS_IMPOSITION = "AVIS_IMPOSITION", "Avis d'imposition (N-1 et N-2)"
    LIVRET_FAMILLE = "LIVRET_FAMILLE", "Livret de famille ou acte de naissance des enfants"
    BULLETINS_SALAIRE = "BULLETINS_SALAIRE", "Trois derniers bulletins de salaire"
    ATTESTATION_POLE_EMPLOI = "ATTESTATION_POLE_EMPLOI", "Attestation de France Travail"
    PENSION_RETRAITE = "PENSION_RETRAITE", "Justificatif de pension de retraite"
    ATTESTATION_CAF = "ATTESTATION_CAF", "Attestation de prestations CAF ou MSA"
    CERTIFICAT_SCOLARITE = "CERTIFICAT_SCOLARITE", "Certificat de scolarité ou carte d'étudiant"
    ATTESTATION_HEBERGEMENT = "ATTESTATION_HEBERGEMENT", "Attestation d'hébergement"
    QUITTANCES_LOYER = "QUITTANCES_LOYER", "Dernières quittances de loyer"
    BAIL_ACTUEL = "BAIL_ACTUEL", "Bail du logement social actuel"
    CARTE_INVALIDITE = "CARTE_INVALIDITE", "Carte d'invalidité ou décision MDPH"
    JUGEMENT_SEPARATION = "JUGEMENT_SEPARATION", "Jugement ou justificatif de séparation"
    ORDONNANCE_PROTECTION = "ORDONNANCE_PROTECTION", "Ordonnance de protection ou récépissé de plainte"
    DECISION_DALO = "DECISION_DALO", "Décision de la commission de médiation DALO"
    AUTRE = "AUTRE", "Autre justificatif"


class ChecklistPiece(models.Model):
    """One line of the single file's checklist: when ``condition`` holds, ``type_piece`` is expected."""

    class Condition(models.TextChoices):
        TOUJOURS = "TOUJOURS", "Toujours"
        SALARIE = "SALARIE", "Le demandeur ou un membre est salarié"
        DEMANDEUR_EMPLOI = "DEMANDEUR_EMPLOI", "Demandeur d'emploi"
        RETRAITE = "RETRAITE", "Retraité"
        ETUDIANT = "ETUDIANT", "Étudiant"
        HEBERGE = "HEBERGE", "Hébergé"
        LOCATAIRE = "LOCATAIRE", "Locataire"
        MUTATION = "MUTATION", "Demande de mutation"
        HANDICAP = "HANDICAP", "Handicap ou besoin d'adaptation"
        VIOLENCES = "VIOLENCES", "Violences conjugales"
        ENFANTS = "ENFANTS", "Enfants dans le ménage"
        HORS_UE = "HORS_UE", "Nationalité hors Union européenne"
        SEPARATION = "SEPARATION", "Séparation, divorce"

    epci = models.ForeignKey(
        Epci,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide : liste commune à tous les territoires.",
    )
    condition = models.CharField("situation", max_length=20, choices=Condition.choices)
    type_piece = models.CharField("pièce", max_length=24, choices=TypePiece.choices)
    ordre = models.PositiveSmallIntegerField(default=0)
    source = models.CharField("source", max_length=300, blank=True)

    class Meta:
        verbose_name = "pièce attendue selon la situation"
        verbose_name_plural = "liste des pièces attendues"
        ordering = ["ordre", "id"]
        constraints = [
            models.UniqueConstraint(fields=["epci", "condition", "type_piece"], name="checklist_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_condition_display()} : {self.get_type_piece_display()}"


class PieceJustificative(models.Model):
    class StatutPiece(models.TextChoices):
        ATTENDUE = "ATTENDUE", "Attendue"
        RECUE = "RECUE", "Reçue"
        VALIDE = "VALIDE", "Vérifiée"
        EXPIREE = "EXPIREE", "Expirée"

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="pieces")
    type_piece = models.CharField("type de pièce", max_length=24, choices=TypePiece.choices)
    statut = models.CharField("statut", max_length=10, choices=StatutPiece.choices, default=StatutPiece.RECUE)
    fichier = models.FileField("fichier", storage=_private_storage, upload_to="demandes/%Y/%m/", blank=True)
    nom_original = models.CharField("nom du fichier", max_length=200, blank=True)
    type_mime = models.CharField(max_length=50, blank=True)
    taille = models.PositiveIntegerField("taille (octets)", default=0)
    recue_le = models.DateTimeField("reçue le", null=True, blank=True)
    recue_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    valide_jusqu_au = models.DateField("valable jusqu'au", null=True, blank=True)

    class Meta:
        verbose_name = "pièce justificative"
        verbose_name_plural = "pièces justificatives"
        ordering = ["demande", "type_piece", "-recue_le"]

    def __str__(self) -> str:
        return f"{self.get_type_piece_display()} ({self.get_statut_display()})"


class CritereMutationQuerySet(models.QuerySet):
    def pour_territoire(self, epci_id, jour=None):
        """The common transfer criteria of a territory: the platform's default list and the territory's own,
        in force on ``jour`` (today when omitted)."""
        jour = jour or timezone.localdate()
        return (
            self.filter(Q(epci__isnull=True) | Q(epci_id=epci_id))
            .filter(Q(date_debut__isnull=True) | Q(date_debut__lte=jour))
            .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=jour))
            .order_by("ordre", "code")
        )


class CritereMutation(models.Model):
    """A common transfer criterion of a territory (under- or over-occupation, loss of autonomy, distance to a new
    job, rent no longer affordable, and those the territory adds): the same list for every landlord, recorded
    on the transfer demand (``Demande.criteres_mutation``) and usable in the scoring grid (a ``MUTATION``
    criterion lists their codes). The platform's default list has no territory; a territory adds its own."""

    epci = models.ForeignKey(
        Epci,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="territoire",
        help_text="Vide : liste commune par défaut de la plateforme.",
    )
    code = models.SlugField("code", max_length=40)
    libelle = models.CharField("libellé", max_length=200)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)
    source = models.CharField("source", max_length=300)
    date_debut = models.DateField("en vigueur du", null=True, blank=True)
    date_fin = models.DateField("au", null=True, blank=True)

    objects = CritereMutationQuerySet.as_manager()

    class Meta:
        verbose_name = "critère commun de mutation"
        verbose_name_plural = "critères communs de mutation"
        ordering = ["ordre", "code"]
        constraints = [
            models.UniqueConstraint(fields=["epci", "code"], name="critere_mutation_code_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(epci__isnull=True), name="critere_mutation_code_national_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.libelle


class CriterePriorite(models.Model):
    """A dated, evidenced L. 441-1 priority flag (docs/droit/regles.md §3.1): who recognised it, when, on what proof."""

    class Critere(models.TextChoices):
        HANDICAP = "HANDICAP", "a) Personne en situation de handicap ou ménage en ayant la charge"
        ACT = "ACT", "a bis) Sortie d'appartement de coordination thérapeutique"
        MAL_LOGE_DEFAVORISE = "MAL_LOGE_DEFAVORISE", "b) Personne mal logée ou défavorisée"
        HEBERGE_TRANSITION = "HEBERGE_TRANSITION", "c) Hébergée ou logée temporairement"
        REPRISE_ACTIVITE = "REPRISE_ACTIVITE", "d) Reprise d'activité après chômage de longue durée"
        HABITAT_INDIGNE = "HABITAT_INDIGNE", "e) Exposée à l'habitat indigne"
        VIOLENCES_COUPLE = "VIOLENCES_COUPLE", "f) Victime de violences au sein du couple ou menacée de mariage forcé"
        SORTIE_PROSTITUTION = "SORTIE_PROSTITUTION", "g) Engagée dans un parcours de sortie de la prostitution"
        TRAITE_PROXENETISME = "TRAITE_PROXENETISME", "h) Victime de traite ou de proxénétisme"
        ENFANT_SUROCCUPE_INDECENT = (
            "ENFANT_SUROCCUPE_INDECENT",
            "i) Avec enfant mineur en logement sur-occupé ou indécent",
        )
        SANS_LOGEMENT = "SANS_LOGEMENT", "j) Dépourvue de logement, y compris hébergée par des tiers"
        MENACE_EXPULSION = "MENACE_EXPULSION", "k) Menacée d'expulsion sans relogement"
        JEUNE_ASE = "JEUNE_ASE", "l) Jeune de moins de 21 ans sortant de l'aide sociale à l'enfance"
        VICTIME_VIOL_DOMICILE = "VICTIME_VIOL_DOMICILE", "m) Victime de viol ou d'agression sexuelle à son domicile"

    class Source(models.TextChoices):
        DECLARE = "DECLARE", "Déclaré par le demandeur"
        GUICHET = "GUICHET", "Reconnu par le guichet"
        BAILLEUR = "BAILLEUR", "Reconnu par le bailleur"
        RESERVATAIRE = "RESERVATAIRE", "Reconnu par le réservataire"
        COMMISSION = "COMMISSION", "Reconnu par une commission (accord collectif, cas complexes)"

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="priorites")
    critere = models.CharField("critère", max_length=28, choices=Critere.choices)
    source = models.CharField("reconnu par", max_length=16, choices=Source.choices)
    reconnu_le = models.DateField("reconnu le")
    reconnu_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="agent",
    )
    organisation = models.CharField("organisation", max_length=200, blank=True)
    piece = models.ForeignKey(
        PieceJustificative,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="pièce justificative",
    )
    commentaire = models.CharField("commentaire", max_length=300, blank=True)
    fin_le = models.DateField("levée le", null=True, blank=True)

    class Meta:
        verbose_name = "critère de priorité (L. 441-1)"
        verbose_name_plural = "critères de priorité (L. 441-1)"
        ordering = ["demande", "-reconnu_le", "id"]
        indexes = [models.Index(fields=["critere", "fin_le"], name="priorite_critere_idx")]

    def __str__(self) -> str:
        return self.get_critere_display()

    @staticmethod
    def q_en_vigueur(jour) -> models.Q:
        """In force on ``jour``: recognised on or before it and not lifted on it (docs/droit/regles.md §3.1)."""
        return models.Q(reconnu_le__lte=jour) & (models.Q(fin_le__isnull=True) | models.Q(fin_le__gt=jour))

    def en_vigueur(self, jour) -> bool:
        """The same condition as ``q_en_vigueur`` on a row already read (a demand's file)."""
        return self.reconnu_le <= jour and (self.fin_le is None or self.fin_le > jour)


class ElementSensible(models.Model):
    """One item whose mere mention reveals a sensitive situation (docs/droit/regles.md, platform decision 12).

    The one definition of what is sensitive: reasons of the demand, L. 441-1 criteria, document types and
    event types. Rows without a territory are the platform's defaults (loaded by migration 0006: domestic
    and sexual violence); a territory adds its own rows, it cannot remove a default. Who may see the
    detail is decided by ``permissions.can_see_sensitive``; ``sensibles.py`` reads these rows and masks.
    """

    class Nature(models.TextChoices):
        MOTIF = "MOTIF", "Motif de la demande"
        CRITERE = "CRITERE", "Critère de priorité (L. 441-1)"
        PIECE = "PIECE", "Type de pièce justificative"
        EVENEMENT = "EVENEMENT", "Type d'événement du dossier"

    CHOIX = {
        Nature.MOTIF: Demande.Motif.choices,
        Nature.CRITERE: CriterePriorite.Critere.choices,
        Nature.PIECE: TypePiece.choices,
        Nature.EVENEMENT: Evenement.Type.choices,
    }

    epci = models.ForeignKey(
        Epci,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="territoire",
        help_text="Vide : règle de la plateforme, valable sur tous les territoires.",
    )
    nature = models.CharField("nature", max_length=10, choices=Nature.choices)
    code = models.CharField(
        "code",
        max_length=28,
        help_text="Code du motif, du critère, du type de pièce ou du type d'événement (ex. VIOLENCES_COUPLE).",
    )
    source = models.CharField("source ou délibération", max_length=300, blank=True)

    class Meta:
        verbose_name = "élément sensible"
        verbose_name_plural = "éléments sensibles (détail réservé)"
        ordering = ["epci", "nature", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["nature", "code"], condition=Q(epci__isnull=True), name="sensible_defaut_unique"
            ),
            models.UniqueConstraint(
                fields=["epci", "nature", "code"], condition=Q(epci__isnull=False), name="sensible_territoire_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} : {self.libelle} ({self.epci or 'plateforme'})"

    @property
    def libelle(self) -> str:
        return dict(self.CHOIX.get(self.nature, ())).get(self.code, self.code)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.nature in self.CHOIX and self.code not in dict(self.CHOIX[self.nature]):
            raise ValidationError(
                {"code": f"Code inconnu pour la nature « {self.get_nature_display()} » : {self.code}."}
            )


class DecisionDalo(models.Model):
    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="decisions_dalo")
    date_decision = models.DateField("date de la décision")
    prioritaire_urgent = models.BooleanField("reconnu prioritaire et urgent", default=True)
    commission = models.CharField("commission de médiation", max_length=200)
    reference = models.CharField("référence", max_length=100, blank=True)
    piece = models.ForeignKey(
        PieceJustificative,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="pièce justificative",
    )
    saisie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "décision DALO"
        verbose_name_plural = "décisions DALO"
        ordering = ["demande", "-date_decision"]

    def __str__(self) -> str:
        return f"DALO du {self.date_decision:%d/%m/%Y}"

    @staticmethod
    def q_favorable(jour) -> models.Q:
        """A decision "prioritaire et urgent" taken on or before ``jour``."""
        return models.Q(prioritaire_urgent=True, date_decision__lte=jour)

    def favorable(self, jour) -> bool:
        """The same condition as ``q_favorable`` on a row already read (a demand's file)."""
        return self.prioritaire_urgent and self.date_decision <= jour


class RendezVous(models.Model):
    """An appointment or interview at a reception point (PPGDID)."""

    class Statut(models.TextChoices):
        PREVU = "PREVU", "Prévu"
        HONORE = "HONORE", "Honoré"
        NON_HONORE = "NON_HONORE", "Non honoré"
        ANNULE = "ANNULE", "Annulé"

    class Objet(models.TextChoices):
        ENTRETIEN = "ENTRETIEN", "Entretien-conseil"
        DEPOT = "DEPOT", "Dépôt ou complément du dossier"
        ACCOMPAGNEMENT = "ACCOMPAGNEMENT", "Accompagnement (niveau 3)"

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="rendez_vous")
    guichet = models.ForeignKey(Guichet, on_delete=models.PROTECT, related_name="rendez_vous")
    objet = models.CharField("objet", max_length=16, choices=Objet.choices, default=Objet.ENTRETIEN)
    debut = models.DateTimeField("date et heure")
    statut = models.CharField("statut", max_length=12, choices=Statut.choices, default=Statut.PREVU)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    compte_rendu = models.TextField("compte rendu", blank=True)

    class Meta:
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        ordering = ["debut"]
        indexes = [models.Index(fields=["guichet", "debut"], name="rdv_guichet_debut_idx")]

    def __str__(self) -> str:
        return f"{self.get_objet_display()} le {self.debut:%d/%m/%Y %H:%M}"


class Contact(models.Model):
    """A visit or a call at a reception point, counted for the network's activity figures."""

    class Canal(models.TextChoices):
        VISITE = "VISITE", "Visite"
        APPEL = "APPEL", "Appel téléphonique"

    guichet = models.ForeignKey(Guichet, on_delete=models.CASCADE, related_name="contacts")
    canal = models.CharField("canal", max_length=8, choices=Canal.choices)
    date = models.DateTimeField("date")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "contact au guichet"
        verbose_name_plural = "contacts au guichet"
        indexes = [models.Index(fields=["guichet", "date"], name="contact_guichet_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_canal_display()} le {self.date:%d/%m/%Y}"


class ActiviteGuichet(models.Model):
    """A reception point's figures of one closed month (visits, calls, registrations, interviews held), counted
    at night by ``services.calculer_activite_guichets`` for the last twelve closed months: the network's page
    reads them instead of counting a year of the territory's events in the request; the current month, and a
    closed month a point has no row for, are counted live (``selectors.activite_guichets``)."""

    guichet = models.ForeignKey(Guichet, on_delete=models.CASCADE, related_name="activite_mensuelle")
    mois = models.DateField("mois", help_text="Le premier jour du mois.")
    visites = models.PositiveIntegerField("visites", default=0)
    appels = models.PositiveIntegerField("appels", default=0)
    enregistrements = models.PositiveIntegerField("enregistrements", default=0)
    entretiens = models.PositiveIntegerField("entretiens", default=0)
    calcule_le = models.DateTimeField("calculé le")

    class Meta:
        verbose_name = "activité mensuelle d'un guichet"
        verbose_name_plural = "activités mensuelles des guichets"
        constraints = [models.UniqueConstraint(fields=["guichet", "mois"], name="activite_guichet_mois_unique")]

    def __str__(self) -> str:
        return f"{self.guichet} – {self.mois:%m/%Y}"


# --- Scoring (cotation, L. 441-2-8) -------------------------------------------------------------


class GrilleFigee(ErreurMetier):
    """An adopted or archived grid is immutable: copy it into a new draft to change it."""


def _statut_grille(pk) -> str | None:
    """The status stored in the database (not the one of an object being changed)."""
    if pk is None:
        return None
    return GrilleCotation.objects.filter(pk=pk).values_list("statut", flat=True).first()


class GrilleCotation(models.Model):
    """A versioned scoring grid of a territory (PPGDID): draft, adopted (immutable, dated), archived."""

    class Statut(models.TextChoices):
        BROUILLON = "BROUILLON", "Brouillon"
        ADOPTEE = "ADOPTEE", "Adoptée"
        ARCHIVEE = "ARCHIVEE", "Archivée"

    # what may still change on an adopted grid: its archiving
    CHAMPS_ARCHIVAGE = frozenset({"statut", "date_fin", "archivee_le"})

    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="grilles_cotation", verbose_name="EPCI")
    nom = models.CharField("nom", max_length=200)
    version = models.PositiveSmallIntegerField("version", default=1)
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.BROUILLON)
    description = models.TextField("présentation (publique)", blank=True)
    deliberation = models.CharField("délibération ou PPGDID", max_length=300, blank=True)
    date_debut = models.DateField("en vigueur du", null=True, blank=True)
    date_fin = models.DateField("au", null=True, blank=True)
    copie_de = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="copie de"
    )
    creee_le = models.DateTimeField("créée le", auto_now_add=True)
    creee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    adoptee_le = models.DateTimeField("adoptée le", null=True, blank=True)
    adoptee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    archivee_le = models.DateTimeField("archivée le", null=True, blank=True)

    class Meta:
        verbose_name = "grille de cotation"
        verbose_name_plural = "grilles de cotation"
        ordering = ["epci", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["epci"], condition=Q(statut="ADOPTEE"), name="grille_une_adoptee_par_epci"),
            models.UniqueConstraint(fields=["epci", "version"], name="grille_version_unique"),
            models.CheckConstraint(
                condition=Q(statut="BROUILLON") | Q(date_debut__isnull=False, adoptee_le__isnull=False),
                name="grille_adoptee_datee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nom} (v{self.version}, {self.get_statut_display().lower()})"

    def save(self, *args, **kwargs):
        stocke = _statut_grille(self.pk)
        if stocke not in (None, self.Statut.BROUILLON):
            champs = kwargs.get("update_fields")
            if champs is None or set(champs) - self.CHAMPS_ARCHIVAGE:
                raise GrilleFigee("Une grille adoptée ne peut plus être modifiée : créez un nouveau brouillon.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if _statut_grille(self.pk) not in (None, self.Statut.BROUILLON):
            raise GrilleFigee("Une grille adoptée ou archivée est conservée.")
        return super().delete(*args, **kwargs)

    @property
    def modifiable(self) -> bool:
        return self.statut == self.Statut.BROUILLON

    def criteres_purs(self, criteres=None) -> tuple:
        criteres = self.criteres.all() if criteres is None else criteres
        return tuple(c.pur() for c in criteres)


def _verifier_grille_modifiable(grille_id) -> None:
    if _statut_grille(grille_id) not in (None, GrilleCotation.Statut.BROUILLON):
        raise GrilleFigee("Les critères d'une grille adoptée ne peuvent plus être modifiés.")


class CritereCotation(models.Model):
    """One criterion of a grid: its kind, points, values it applies to, cap and validity dates."""

    class Type(models.TextChoices):
        PRIORITE = rules.TypeCritere.PRIORITE, "Critère de priorité L. 441-1 reconnu"
        DALO = rules.TypeCritere.DALO, "Décision DALO favorable"
        ANCIENNETE = rules.TypeCritere.ANCIENNETE, "Ancienneté de la demande (points par mois)"
        MENAGE = rules.TypeCritere.MENAGE, "Situation du ménage"
        LOGEMENT_ACTUEL = rules.TypeCritere.LOGEMENT_ACTUEL, "Logement actuel"
        MOTIF = rules.TypeCritere.MOTIF, "Motif de la demande"
        LIEN_LOCAL = rules.TypeCritere.LIEN_LOCAL, "Lien avec le territoire"
        MUTATION = rules.TypeCritere.MUTATION, "Motif de mutation (locataire HLM)"
        REFUS = rules.TypeCritere.REFUS, "Refus d'une offre adaptée (malus par refus)"

    grille = models.ForeignKey(GrilleCotation, on_delete=models.CASCADE, related_name="criteres")
    ordre = models.PositiveSmallIntegerField("ordre", default=0)
    code = models.SlugField("code", max_length=40)
    libelle = models.CharField("libellé", max_length=200)
    type = models.CharField("nature", max_length=16, choices=Type.choices)
    points = models.IntegerField(
        "points", help_text="Par mois pour l'ancienneté ; par refus (négatif) pour le malus de refus."
    )
    valeurs = models.JSONField(
        "valeurs retenues",
        default=list,
        blank=True,
        help_text="Codes concernés (critères L. 441-1, situations, motifs...) ; vide : tous.",
    )
    plafond = models.PositiveIntegerField("plafond (points, en valeur absolue)", null=True, blank=True)
    duree_mois = models.PositiveSmallIntegerField("durée de prise en compte (mois)", null=True, blank=True)
    date_debut = models.DateField("applicable du", null=True, blank=True)
    date_fin = models.DateField("au", null=True, blank=True)

    class Meta:
        verbose_name = "critère de cotation"
        verbose_name_plural = "critères de cotation"
        ordering = ["grille", "ordre", "id"]
        constraints = [models.UniqueConstraint(fields=["grille", "code"], name="critere_cotation_code_unique")]

    def __str__(self) -> str:
        return f"{self.libelle} ({self.points} pts)"

    def save(self, *args, **kwargs):
        _verifier_grille_modifiable(self.grille_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _verifier_grille_modifiable(self.grille_id)
        return super().delete(*args, **kwargs)

    def pur(self) -> rules.CritereGrille:
        return rules.CritereGrille(
            code=self.code,
            libelle=self.libelle,
            type=rules.TypeCritere(self.type),
            points=self.points,
            valeurs=tuple(self.valeurs or ()),
            plafond=self.plafond,
            duree_mois=self.duree_mois,
            date_debut=self.date_debut,
            date_fin=self.date_fin,
        )


class CalculCotation(models.Model):
    """One rescoring of a territory's stock: its progress, so an interrupted run resumes where it stopped."""

    class Statut(models.TextChoices):
        EN_COURS = "EN_COURS", "En cours"
        TERMINE = "TERMINE", "Terminé"

    grille = models.ForeignKey(GrilleCotation, on_delete=models.CASCADE, related_name="calculs")
    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="+")
    jour = models.DateField("date de référence")
    declencheur = models.CharField("déclencheur", max_length=100)
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.EN_COURS)
    dernier_id = models.BigIntegerField("dernière demande traitée", default=0)
    nb_traitees = models.PositiveIntegerField("demandes traitées", default=0)
    nb_modifiees = models.PositiveIntegerField("scores modifiés (un événement chacun)", default=0)
    nb_lots = models.PositiveIntegerField("lots", default=0)
    debut = models.DateTimeField("début", auto_now_add=True)
    fin = models.DateTimeField("fin", null=True, blank=True)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "calcul de la cotation"
        verbose_name_plural = "calculs de la cotation"
        ordering = ["-debut", "-id"]

    def __str__(self) -> str:
        return f"Cotation {self.grille} : {self.nb_traitees} demandes ({self.get_statut_display().lower()})"


# --- GDPR read log (docs/droit/regles.md, platform decision 13) ---------------------------------------


class JournalImmuable(Exception):
    """The read log is append-only: a row is never changed nor deleted."""


class JournalConsultationQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise JournalImmuable("Le journal des consultations ne peut pas être modifié.")

    def delete(self):
        raise JournalImmuable("Le journal des consultations ne peut pas être effacé.")

    def for_dpo(self, user):
        from cil.permissions import scope_for

        return self.filter(epci_id__in=sorted(scope_for(user).dpo))


class JournalConsultation(models.Model):
    """Who read which demand, document or export, when, on behalf of which organisation, by which channel.

    Append-only (``save`` refuses updates, ``delete`` and the queryset's bulk writes refuse); written by
    ``services.enregistrer_consultation`` only; read by the territory's data protection officer.
    """

    class Objet(models.TextChoices):
        DEMANDE = "DEMANDE", "Demande"
        PIECE = "PIECE", "Pièce justificative"
        LISTE = "LISTE", "Liste de demandes"
        EXPORT = "EXPORT", "Export"
        EXPORT_ACCES = "EXPORT_ACCES", "Export du droit d'accès (RGPD art. 15)"

    class Canal(models.TextChoices):
        PAGE = "PAGE", "Page"
        API = "API", "API"
        EXPORT = "EXPORT", "Export (tableur)"
        PDF = "PDF", "PDF"
        FICHIER = "FICHIER", "Fichier téléchargé"
        SUIVI = "SUIVI", "Suivi en ligne par le demandeur"

    date = models.DateTimeField("date", db_index=True)
    # no database constraint: the log outlives the accounts and demands it names (it keeps copies)
    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="utilisateur",
        db_constraint=False,
    )
    identifiant = models.CharField("identifiant de l'utilisateur", max_length=150, blank=True)
    organisation = models.CharField("organisation", max_length=200, blank=True)
    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, related_name="+", verbose_name="territoire")
    objet = models.CharField("objet", max_length=14, choices=Objet.choices)
    canal = models.CharField("canal", max_length=8, choices=Canal.choices)
    demande = models.ForeignKey(
        Demande, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="+", db_constraint=False
    )
    numero_unique = models.CharField("numéro unique", max_length=16, blank=True, db_index=True)
    piece_ref = models.PositiveIntegerField("pièce (identifiant)", null=True, blank=True)
    nombre = models.PositiveIntegerField("nombre de demandes", default=1)
    detail = models.CharField("détail", max_length=300, blank=True)

    objects = JournalConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = "consultation d'une demande"
        verbose_name_plural = "journal des consultations"
        ordering = ["-date", "-id"]
        default_permissions = ("view", "add")
        indexes = [
            models.Index(fields=["epci", "date"], name="journal_epci_date_idx"),
            models.Index(fields=["demande", "date"], name="journal_demande_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.identifiant} : {self.get_objet_display()} {self.numero_unique} le {self.date:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise JournalImmuable("Le journal des consultations ne peut pas être modifié.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalImmuable("Le journal des consultations ne peut pas être effacé.")
