"""Relocation: renewal and substandard-housing operations, households to relocate, their follow-up,
and the commission for specific or blocked cases.

Writes go through ``services.py`` only. Querysets carry the scoping vocabulary (``for_user``).
Survey answers and social diagnoses are sensitive personal data: only the household's relocation officer,
the EPCI staff of the territory and administrators read them (``permissions.can_see_sensitive``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from attributions.models import DecisionCaleol, Logement, Typologie
from cil.models import Bailleur, Commune, Epci, Qpv, Reservataire
from core.models import JournalTransition
from core.periodes import constraints_periode

from . import rules


class TypeOperation(models.TextChoices):
    NPNRU = rules.TypeOperation.NPNRU, "Renouvellement urbain (NPNRU / ANRU)"
    ORCOD = rules.TypeOperation.ORCOD, "Copropriété dégradée (ORCOD)"
    LHI = rules.TypeOperation.LHI, "Lutte contre l'habitat indigne (LHI)"


class Statut(models.TextChoices):
    A_ENQUETER = rules.Statut.A_ENQUETER, "À enquêter"
    ENQUETE = rules.Statut.ENQUETE, "Enquête sociale faite"
    EN_RECHERCHE = rules.Statut.EN_RECHERCHE, "En recherche de logement"
    PROPOSITION = rules.Statut.PROPOSITION, "Proposition en cours"
    RELOGE_TEMPORAIRE = rules.Statut.RELOGE_TEMPORAIRE, "Relogé temporairement"
    RELOGE_DEFINITIF = rules.Statut.RELOGE_DEFINITIF, "Relogé définitivement"
    SUIVI_FAIT = rules.Statut.SUIVI_FAIT, "Suivi à 6 mois fait"
    SORTI = rules.Statut.SORTI, "Sorti du dispositif"


def _montant(nom: str, **kw):
    return models.DecimalField(nom, max_digits=9, decimal_places=2, **kw)


# --- Parameters ---------------------------------------------------------------------------------


class ParametresRelogement(models.Model):
    """The territory's retention period of sensitive data, with its source and validity dates (GDPR)."""

    epci = models.ForeignKey(
        Epci, on_delete=models.CASCADE, null=True, blank=True, related_name="+", help_text="Vide : valeur par défaut."
    )
    date_debut = models.DateField("en vigueur du")
    conservation_mois = models.PositiveSmallIntegerField(
        "conservation des réponses d'enquête et des diagnostics (mois après la clôture du dossier)", default=24
    )
    source = models.TextField("source", help_text="Délibération, registre des traitements, charte de relogement…")

    class Meta:
        verbose_name = "paramètres du relogement"
        verbose_name_plural = "paramètres du relogement"
        ordering = ["epci", "-date_debut"]
        # No end date: a row is in force until the next one starts; two rows never start the same day.
        constraints = constraints_periode("parametres_relogement", [], fin=False)

    def __str__(self) -> str:
        return f"{self.epci or 'Par défaut'} depuis le {self.date_debut:%d/%m/%Y}"


# --- Operations -----------------------------------------------------------------------------------


class OperationQuerySet(models.QuerySet):
    def for_user(self, user):
        from .permissions import operations_for_user

        return operations_for_user(user, self)


class Operation(models.Model):
    """A renewal (NPNRU/ANRU), condominium (ORCOD) or substandard-housing (LHI) operation of a territory."""

    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, related_name="operations_relogement")
    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=5, choices=TypeOperation.choices)
    base_legale = models.CharField(
        "base légale",
        max_length=300,
        blank=True,
        help_text="Obligatoire pour une opération LHI (ex. : arrêté de mise en sécurité, L. 521-3-1 CCH).",
    )
    qpv = models.ForeignKey(
        Qpv, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="QPV concerné"
    )
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.TextField("description", blank=True)
    date_lancement = models.DateField("lancement du relogement", null=True, blank=True)
    date_fin_relogements = models.DateField("fin prévue des relogements", null=True, blank=True)
    date_demolition = models.DateField("démolition ou travaux prévus", null=True, blank=True)
    bailleurs = models.ManyToManyField(
        Bailleur, blank=True, related_name="operations_relogement", verbose_name="bailleurs partenaires"
    )
    reservataires = models.ManyToManyField(
        Reservataire, blank=True, related_name="operations_relogement", verbose_name="réservataires partenaires"
    )
    tolerance_rac = models.DecimalField(
        "tolérance sur le reste à charge",
        max_digits=4,
        decimal_places=3,
        default=0,
        help_text="Hausse admise du reste à charge (0,05 = 5 %) pour un logement plus grand (charte de relogement).",
    )
    cree_le = models.DateTimeField(auto_now_add=True)

    objects = OperationQuerySet.as_manager()

    class Meta:
        verbose_name = "opération de relogement"
        verbose_name_plural = "opérations de relogement"
        ordering = ["epci__nom", "nom"]
        constraints = [
            models.CheckConstraint(condition=~Q(type="LHI") | ~Q(base_legale=""), name="operation_lhi_base_legale"),
            models.UniqueConstraint(fields=["epci", "nom"], name="operation_nom_unique"),
        ]

    def __str__(self) -> str:
        return self.nom

    @property
    def compte_pour_objectif_a(self) -> bool:
        return rules.compte_pour_objectif_a(self.type)


class Batiment(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="batiments")
    nom = models.CharField("nom", max_length=120)
    adresse = models.CharField("adresse", max_length=300, blank=True)
    bailleur = models.ForeignKey(Bailleur, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    nb_logements = models.PositiveIntegerField("logements", default=0)
    date_liberation = models.DateField("libération prévue", null=True, blank=True)

    class Meta:
        verbose_name = "bâtiment"
        ordering = ["operation", "nom"]
        constraints = [models.UniqueConstraint(fields=["operation", "nom"], name="batiment_nom_unique")]

    def __str__(self) -> str:
        return self.nom


# --- Households ------------------------------------------------------------------------------------


class MenageQuerySet(models.QuerySet):
    def for_user(self, user):
        from .permissions import menages_for_user

        return menages_for_user(user, self)


class MenageAReloger(models.Model):
    """A household to relocate, with one and only one relocation officer (``referent``)."""

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="menages")
    batiment = models.ForeignKey(Batiment, on_delete=models.PROTECT, null=True, blank=True, related_name="menages")
    reference = models.CharField("référence", max_length=40, help_text="Repère du ménage dans l'opération.")
    nom = models.CharField("nom du ou des titulaires", max_length=200)
    adresse_actuelle = models.CharField("logement actuel (adresse, étage, porte)", max_length=300, blank=True)
    typologie_actuelle = models.CharField("typologie actuelle", max_length=2, choices=Typologie.choices, blank=True)
    surface_actuelle = models.DecimalField(
        "surface actuelle (m²)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    nb_personnes_14_plus = models.PositiveSmallIntegerField("personnes de 14 ans ou plus", default=1)
    nb_enfants_moins_14 = models.PositiveSmallIntegerField("enfants de moins de 14 ans", default=0)
    ressources_mensuelles = _montant("ressources mensuelles hors APL (€)", default=0)
    loyer_avant = _montant("loyer actuel (€/mois)", default=0)
    charges_avant = _montant("charges actuelles (€/mois)", default=0)
    apl_avant = _montant("APL ou AL actuelle (€/mois)", default=0)
    locataire_social = models.BooleanField("locataire du parc social", default=True)
    demande = models.ForeignKey(
        "demandes.Demande",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relogements",
        verbose_name="demande de logement social",
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="menages_a_reloger",
        verbose_name="référent relogement",
    )
    statut = models.CharField("statut", max_length=20, choices=Statut.choices, default=Statut.A_ENQUETER)
    date_enquete = models.DateField("date de l'enquête sociale", null=True, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = MenageQuerySet.as_manager()

    class Meta:
        verbose_name = "ménage à reloger"
        verbose_name_plural = "ménages à reloger"
        ordering = ["operation", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "reference"], name="menage_reference_unique"),
            models.CheckConstraint(condition=Q(nb_personnes_14_plus__gte=1), name="menage_un_titulaire"),
        ]
        indexes = [models.Index(fields=["operation", "statut"], name="menage_operation_statut")]

    def __str__(self) -> str:
        return f"{self.reference} – {self.nom}"

    @property
    def rac_avant(self):
        return rules.reste_a_charge(self.loyer_avant, self.charges_avant, self.apl_avant)

    @property
    def taux_effort_avant(self):
        return rules.taux_effort(self.rac_avant, self.ressources_mensuelles)

    @property
    def nb_personnes(self) -> int:
        return self.nb_personnes_14_plus + self.nb_enfants_moins_14


class TransitionMenage(JournalTransition):
    """The log of the household's life cycle: who, when, from, to, why."""

    champ_objet = "menage"

    menage = models.ForeignKey(MenageAReloger, on_delete=models.CASCADE, related_name="transitions")
    de = models.CharField("de", max_length=20, choices=Statut.choices)
    vers = models.CharField("vers", max_length=20, choices=Statut.choices)
    # as created in 0001 (not ``blank``): kept so that this table needs no migration
    acteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = "changement de statut"
        verbose_name_plural = "changements de statut"
        ordering = ["menage", "date", "id"]

    def __str__(self) -> str:
        return f"{self.menage_id} : {self.de} → {self.vers}"


class ConsultationSensible(models.Model):
    """Audit trail of who read or changed a household's sensitive data (survey, diagnosis)."""

    menage = models.ForeignKey(MenageAReloger, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    saisine = models.ForeignKey("Saisine", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    objet = models.CharField("objet", max_length=60)
    date = models.DateTimeField("date", auto_now_add=True)

    class Meta:
        verbose_name = "consultation de données sensibles"
        verbose_name_plural = "consultations de données sensibles"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.utilisateur_id} {self.objet} {self.date:%d/%m/%Y %H:%M}"


# --- Social survey (common, editable questionnaire) ------------------------------------------------


class Questionnaire(models.Model):
    """One version of the common social-survey questionnaire. Editing makes a new version (services)."""

    nom = models.CharField("nom", max_length=200)
    version = models.PositiveSmallIntegerField("version", default=1)
    actif = models.BooleanField("en usage", default=True)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "questionnaire d'enquête sociale"
        verbose_name_plural = "questionnaires d'enquête sociale"
        ordering = ["nom", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["nom", "version"], name="questionnaire_version_unique"),
            models.UniqueConstraint(fields=["nom"], condition=Q(actif=True), name="questionnaire_un_actif"),
        ]

    def __str__(self) -> str:
        return f"{self.nom} (version {self.version})"


class QuestionEnquete(models.Model):
    class Type(models.TextChoices):
        TEXTE = "TEXTE", "Texte court"
        TEXTE_LONG = "TEXTE_LONG", "Texte long"
        OUI_NON = "OUI_NON", "Oui / non"
        CHOIX = "CHOIX", "Choix dans une liste"
        NOMBRE = "NOMBRE", "Nombre"

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    ordre = models.PositiveSmallIntegerField("ordre")
    code = models.SlugField("code", max_length=40)
    libelle = models.CharField("question", max_length=300)
    type = models.CharField("type de réponse", max_length=10, choices=Type.choices, default=Type.TEXTE)
    choix = models.JSONField("choix possibles", default=list, blank=True)
    obligatoire = models.BooleanField("réponse obligatoire", default=False)
    aide = models.CharField("aide", max_length=300, blank=True)

    class Meta:
        verbose_name = "question de l'enquête sociale"
        verbose_name_plural = "questions de l'enquête sociale"
        ordering = ["questionnaire", "ordre"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "code"], name="question_code_unique")]

    def __str__(self) -> str:
        return self.libelle


class EnqueteSociale(models.Model):
    """The household's answers, bound to the questionnaire version they answer. Sensitive."""

    menage = models.OneToOneField(MenageAReloger, on_delete=models.CASCADE, related_name="enquete")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="enquetes")
    date_enquete = models.DateField("date de l'enquête")
    reponses = models.JSONField("réponses", default=dict)
    purgee_le = models.DateField("réponses effacées le", null=True, blank=True)
    enqueteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "enquête sociale"
        verbose_name_plural = "enquêtes sociales"

    def __str__(self) -> str:
        return f"Enquête du {self.date_enquete:%d/%m/%Y} ({self.menage_id})"


class Souhait(models.Model):
    """The household's wishes for its new home."""

    menage = models.OneToOneField(MenageAReloger, on_delete=models.CASCADE, related_name="souhait")
    typologie = models.CharField("typologie souhaitée", max_length=2, choices=Typologie.choices, blank=True)
    communes = models.ManyToManyField(Commune, blank=True, related_name="+", verbose_name="communes souhaitées")
    hors_qpv = models.BooleanField("souhaite quitter le quartier prioritaire", default=False)
    loyer_max = models.PositiveIntegerField("reste à charge maximal (€/mois)", null=True, blank=True)
    rez_de_chaussee_ou_ascenseur = models.BooleanField("rez-de-chaussée ou ascenseur nécessaire", default=False)
    commentaire = models.TextField("précisions", blank=True)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "souhaits du ménage"
        verbose_name_plural = "souhaits des ménages"

    def __str__(self) -> str:
        return f"Souhaits de {self.menage_id}"


class PropositionRelogement(models.Model):
    class Resultat(models.TextChoices):
        EN_ATTENTE = "EN_ATTENTE", "En attente de réponse"
        ACCEPTEE = "ACCEPTEE", "Acceptée"
        REFUSEE = "REFUSEE", "Refusée"

    class MotifRefus(models.TextChoices):
        LOCALISATION = "LOCALISATION", "Localisation (quartier, commune)"
        TYPOLOGIE = "TYPOLOGIE", "Taille ou typologie inadaptée"
        COUT = "COUT", "Loyer ou reste à charge trop élevé"
        ETAT = "ETAT", "État du logement"
        ACCESSIBILITE = "ACCESSIBILITE", "Étage, ascenseur, accessibilité"
        ENVIRONNEMENT = "ENVIRONNEMENT", "Environnement, voisinage, écoles"
        AUTRE = "AUTRE", "Autre motif"

    menage = models.ForeignKey(MenageAReloger, on_delete=models.CASCADE, related_name="propositions")
    logement = models.ForeignKey(Logement, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.CharField("logement proposé (si hors référentiel)", max_length=300, blank=True)
    date_proposition = models.DateField("date de la proposition")
    loyer = _montant("loyer (€/mois)", null=True, blank=True)
    charges = _montant("charges (€/mois)", null=True, blank=True)
    resultat = models.CharField("réponse", max_length=10, choices=Resultat.choices, default=Resultat.EN_ATTENTE)
    date_reponse = models.DateField("date de la réponse", null=True, blank=True)
    motif_refus = models.CharField("motif du refus", max_length=16, choices=MotifRefus.choices, blank=True)
    commentaire = models.CharField("précisions", max_length=500, blank=True)
    acteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = "proposition de relogement"
        verbose_name_plural = "propositions de relogement"
        ordering = ["menage", "date_proposition", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(logement__isnull=False) | ~Q(description=""), name="proposition_logement_decrit"
            ),
            models.CheckConstraint(
                condition=~Q(resultat="REFUSEE") | ~Q(motif_refus=""), name="proposition_refus_motive"
            ),
        ]

    def __str__(self) -> str:
        return f"Proposition du {self.date_proposition:%d/%m/%Y} ({self.get_resultat_display()})"

    @property
    def libelle_logement(self) -> str:
        return str(self.logement) if self.logement_id else self.description


class Relogement(models.Model):
    """A temporary or definitive relocation, with the lease and the amounts after the move."""

    class Type(models.TextChoices):
        TEMPORAIRE = "TEMPORAIRE", "Temporaire"
        DEFINITIF = "DEFINITIF", "Définitif"

    class Parc(models.TextChoices):
        SOCIAL = "SOCIAL", "Parc social"
        PRIVE = "PRIVE", "Parc privé"
        ACCESSION = "ACCESSION", "Accession à la propriété"
        STRUCTURE = "STRUCTURE", "Structure, établissement"

    menage = models.ForeignKey(MenageAReloger, on_delete=models.CASCADE, related_name="relogements")
    type = models.CharField("type", max_length=10, choices=Type.choices)
    parc = models.CharField("parc", max_length=10, choices=Parc.choices, default=Parc.SOCIAL)
    proposition = models.ForeignKey(
        PropositionRelogement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    logement = models.ForeignKey(Logement, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.CharField("logement (si hors référentiel)", max_length=300, blank=True)
    date_bail = models.DateField("date de signature du bail")
    date_emmenagement = models.DateField("date d'emménagement", null=True, blank=True)
    loyer = _montant("loyer (€/mois)")
    charges = _montant("charges (€/mois)")
    apl = _montant("APL ou AL (€/mois)", default=0)
    # frozen at the lease (docs/droit/regles.md, S.9): the new dwelling's situation on the QPV map in force, and its age
    en_qpv = models.BooleanField("en QPV à la date du bail", null=True, blank=True)
    neuf_ou_recent = models.BooleanField("neuf ou conventionné depuis moins de 5 ans", null=True, blank=True)
    decision = models.ForeignKey(
        DecisionCaleol,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relogements",
        verbose_name="décision de CALEOL (objectif A)",
    )
    decision_creee = models.BooleanField(
        "décision créée par le relogement",
        default=False,
        help_text="L'attribution n'était pas dans la plateforme : la décision a été créée à partir du ménage.",
    )
    acteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "relogement"
        ordering = ["menage", "date_bail", "id"]
        constraints = [
            models.UniqueConstraint(fields=["menage"], condition=Q(type="DEFINITIF"), name="relogement_un_definitif"),
            models.CheckConstraint(
                condition=Q(logement__isnull=False) | ~Q(description=""), name="relogement_logement_decrit"
            ),
        ]

    def __str__(self) -> str:
        return f"Relogement {self.get_type_display().lower()} du {self.date_bail:%d/%m/%Y}"

    @property
    def rac(self):
        return rules.reste_a_charge(self.loyer, self.charges, self.apl)

    @property
    def libelle_logement(self) -> str:
        return str(self.logement) if self.logement_id else self.description


class SuiviSixMois(models.Model):
    """The follow-up survey after the definitive move; due 6 months after moving in."""

    class Satisfaction(models.TextChoices):
        SATISFAIT = "SATISFAIT", "Satisfait"
        PLUTOT_SATISFAIT = "PLUTOT_SATISFAIT", "Plutôt satisfait"
        PLUTOT_INSATISFAIT = "PLUTOT_INSATISFAIT", "Plutôt insatisfait"
        INSATISFAIT = "INSATISFAIT", "Insatisfait"

    menage = models.OneToOneField(MenageAReloger, on_delete=models.CASCADE, related_name="suivi")
    date_echeance = models.DateField("à faire avant le")
    date_realisation = models.DateField("fait le", null=True, blank=True)
    satisfaction = models.CharField("satisfaction", max_length=20, choices=Satisfaction.choices, blank=True)
    impayes = models.BooleanField("impayés de loyer", default=False)
    commentaire = models.TextField("observations", blank=True)
    acteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = "suivi à 6 mois"
        verbose_name_plural = "suivis à 6 mois"

    def __str__(self) -> str:
        return f"Suivi de {self.menage_id} (échéance {self.date_echeance:%d/%m/%Y})"


# --- Commission for specific or blocked cases -----------------------------------------------------


class SeanceCommission(models.Model):
    class Statut(models.TextChoices):
        PREVUE = "PREVUE", "Prévue"
        TENUE = "TENUE", "Tenue"

    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, related_name="seances_cas_specifiques")
    date = models.DateField("date")
    lieu = models.CharField("lieu", max_length=200, blank=True)
    ordre_du_jour = models.TextField("ordre du jour", blank=True)
    membres_presents = models.TextField("membres présents", blank=True)
    compte_rendu = models.TextField("compte rendu", blank=True)
    statut = models.CharField("statut", max_length=8, choices=Statut.choices, default=Statut.PREVUE)

    class Meta:
        verbose_name = "séance de la commission des cas spécifiques"
        verbose_name_plural = "séances de la commission des cas spécifiques"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"Commission du {self.date:%d/%m/%Y}"


class SaisineQuerySet(models.QuerySet):
    def for_user(self, user):
        from .permissions import saisines_for_user

        return saisines_for_user(user, self)


class Saisine(models.Model):
    """A referral of a specific or blocked case to the commission: by whom, why, about which household."""

    class Motif(models.TextChoices):
        BLOCAGE = "BLOCAGE", "Situation bloquée (délai anormalement long, relogement)"
        REFUS_REPETES = "REFUS_REPETES", "Refus répétés de propositions"
        SANTE_HANDICAP = "SANTE_HANDICAP", "Santé, handicap, perte d'autonomie"
        GRANDE_FAMILLE = "GRANDE_FAMILLE", "Grande typologie introuvable"
        DETTE = "DETTE", "Dette locative, situation financière"
        SOCIAL = "SOCIAL", "Situation sociale complexe"
        AUTRE = "AUTRE", "Autre motif"

    class Statut(models.TextChoices):
        RECUE = "RECUE", "Reçue"
        INSCRITE = "INSCRITE", "Inscrite à l'ordre du jour"
        EXAMINEE = "EXAMINEE", "Examinée, en suivi"
        CLOSE = "CLOSE", "Close"

    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, related_name="saisines_cas_specifiques")
    menage = models.ForeignKey(MenageAReloger, on_delete=models.PROTECT, null=True, blank=True, related_name="saisines")
    demande = models.ForeignKey(
        "demandes.Demande", on_delete=models.SET_NULL, null=True, blank=True, related_name="saisines_cas_specifiques"
    )
    saisi_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.CharField("organisation qui saisit", max_length=200)
    date_saisine = models.DateField("date de la saisine")
    motif = models.CharField("motif", max_length=16, choices=Motif.choices)
    expose = models.TextField("exposé de la situation")
    seance = models.ForeignKey(
        SeanceCommission, on_delete=models.SET_NULL, null=True, blank=True, related_name="saisines"
    )
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.RECUE)

    objects = SaisineQuerySet.as_manager()

    class Meta:
        verbose_name = "saisine de la commission des cas spécifiques"
        verbose_name_plural = "saisines de la commission des cas spécifiques"
        ordering = ["-date_saisine", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(menage__isnull=False) | Q(demande__isnull=False), name="saisine_concerne_un_menage"
            )
        ]

    def __str__(self) -> str:
        return f"Saisine du {self.date_saisine:%d/%m/%Y} ({self.get_motif_display()})"


class DiagnosticSocial(models.Model):
    """The social diagnosis of a referred household. Sensitive."""

    saisine = models.OneToOneField(Saisine, on_delete=models.CASCADE, related_name="diagnostic")
    date = models.DateField("date")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    contenu = models.TextField("diagnostic")
    preconisations = models.TextField("préconisations", blank=True)
    purge_le = models.DateField("effacé le", null=True, blank=True)

    class Meta:
        verbose_name = "diagnostic social"
        verbose_name_plural = "diagnostics sociaux"

    def __str__(self) -> str:
        return f"Diagnostic du {self.date:%d/%m/%Y}"


class DecisionCommission(models.Model):
    class Type(models.TextChoices):
        PROPOSITION = "PROPOSITION", "Proposition de logement à rechercher en priorité"
        ACCOMPAGNEMENT = "ACCOMPAGNEMENT", "Mesure d'accompagnement social"
        ORIENTATION = "ORIENTATION", "Orientation vers une autre solution (structure, parc privé)"
        AJOURNEMENT = "AJOURNEMENT", "Ajournement (complément d'information)"
        CLASSEMENT = "CLASSEMENT", "Classement sans suite"

    saisine = models.ForeignKey(Saisine, on_delete=models.CASCADE, related_name="decisions")
    seance = models.ForeignKey(SeanceCommission, on_delete=models.PROTECT, related_name="decisions")
    type = models.CharField("décision", max_length=16, choices=Type.choices)
    texte = models.TextField("motivation et engagements")
    responsable_suivi = models.CharField("responsable du suivi", max_length=200, blank=True)
    echeance = models.DateField("échéance", null=True, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "décision de la commission des cas spécifiques"
        verbose_name_plural = "décisions de la commission des cas spécifiques"
        ordering = ["saisine", "cree_le"]

    def __str__(self) -> str:
        return self.get_type_display()


class SuiviSaisine(models.Model):
    saisine = models.ForeignKey(Saisine, on_delete=models.CASCADE, related_name="suivis")
    date = models.DateField("date")
    texte = models.TextField("point de suivi")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = "suivi d'une saisine"
        verbose_name_plural = "suivis des saisines"
        ordering = ["saisine", "date", "id"]

    def __str__(self) -> str:
        return f"Suivi du {self.date:%d/%m/%Y}"
