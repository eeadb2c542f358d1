"""Territory (EPCI, communes, QPV, neighbourhoods, sectors) and organisations.

Reference data (communes, EPCI, QPV, thresholds) is loaded by ``import_referentiels``;
everything else is configured by EPCI staff in the admin.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from core.db import ordre_fr
from core.periodes import constraints_periode, verifie_periode
from core.roles import Role

from .validators import validate_code_insee, validate_siren, validate_siren_format


class Epci(models.Model):
    """An intercommunality (or an EPT of the Grand Paris metropolis, or Paris), keyed by SIREN."""

    class Type(models.TextChoices):
        METROPOLE = "MET", "Métropole"
        CU = "CU", "Communauté urbaine"
        CA = "CA", "Communauté d'agglomération"
        CC = "CC", "Communauté de communes"
        EPT = "EPT", "Établissement public territorial"
        COMMUNE = "COMMUNE", "Commune (Paris)"
        AUTRE = "AUTRE", "Autre"

    siren = models.CharField("SIREN", max_length=9, unique=True, validators=[validate_siren_format])
    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=8, choices=Type.choices, default=Type.AUTRE)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    fuseau_horaire = models.CharField("fuseau horaire", max_length=40, default="Europe/Paris")
    contact_dpo = models.CharField(
        "contact du délégué à la protection des données",
        max_length=300,
        blank=True,
        default="",
        db_default="",  # rows written by code that predates the column (older migrations, other releases)
        help_text="Adresse postale ou électronique publiée dans la notice d'information ; "
        "vide : le contact de la plateforme (réglage RGPD_CONTACT_DPO).",
    )

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = [ordre_fr("nom")]

    def __str__(self) -> str:
        return f"{self.nom} ({self.siren})"


class Commune(models.Model):
    """A commune (or a municipal arrondissement) of the official geographic code (COG)."""

    code_insee = models.CharField("code INSEE", max_length=5, unique=True, validators=[validate_code_insee])
    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=40, default="commune-actuelle")
    departement = models.CharField("département", max_length=3, db_index=True)
    region = models.CharField("région", max_length=3, blank=True)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    epci = models.ForeignKey(
        Epci,
        verbose_name="EPCI (périmètre le plus récent)",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
    )

    class Meta:
        verbose_name = "commune"
        ordering = [ordre_fr("nom")]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code_insee})"

    @property
    def outre_mer(self) -> bool:
        return len(self.departement) == 3 and self.departement.startswith("97")


class ContourCommune(models.Model):
    """The outline of a commune (WGS 84 longitude/latitude), the background of every map (public pages and
    observatory). Loaded from GeoJSON by ``manage.py import_contours`` (``cil.contours``), shared by every
    territory."""

    commune = models.OneToOneField(Commune, on_delete=models.CASCADE, related_name="contour")
    polygones = models.JSONField("polygones", help_text="[[anneau extérieur, trous…], …], points [lon, lat].")
    source = models.CharField("source", max_length=300)
    importe_le = models.DateTimeField("importé le", auto_now=True)

    class Meta:
        verbose_name = "contour de commune"
        verbose_name_plural = "contours de communes"

    def __str__(self) -> str:
        return f"Contour de {self.commune}"


class PerimetreEpci(models.Model):
    """Which communes make up an EPCI (or EPT) for a given vintage of the COG."""

    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="perimetres")
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="perimetres")
    millesime = models.PositiveSmallIntegerField("millésime")

    class Meta:
        verbose_name = "périmètre d'EPCI"
        verbose_name_plural = "périmètres d'EPCI"
        constraints = [
            models.UniqueConstraint(fields=["epci", "commune", "millesime"], name="perimetre_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} dans {self.epci_id} ({self.millesime})"


class Qpv(models.Model):
    """A priority neighbourhood of the city policy, on the 2015 or the 2024 map."""

    class Carte(models.TextChoices):
        CARTE_2015 = "2015", "Géographie prioritaire 2015"
        CARTE_2024 = "2024", "Géographie prioritaire 2024"

    code = models.CharField("code", max_length=10, unique=True)
    nom = models.CharField("nom", max_length=200)
    carte = models.CharField("carte", max_length=4, choices=Carte.choices)
    communes = models.ManyToManyField(Commune, related_name="qpv", verbose_name="communes")
    epci = models.ForeignKey(Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="qpv")

    class Meta:
        verbose_name = "QPV"
        verbose_name_plural = "QPV"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.nom}"


class Quartier(models.Model):
    """The neighbourhood reference of the CIL: QPV, watch neighbourhoods and others."""

    class Type(models.TextChoices):
        QPV = "QPV", "Quartier prioritaire (QPV)"
        VEILLE = "VEILLE", "Quartier de veille active"
        AUTRE = "AUTRE", "Autre quartier"

    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="quartiers")
    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=8, choices=Type.choices)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="quartiers")
    qpv = models.ForeignKey(Qpv, on_delete=models.SET_NULL, null=True, blank=True, related_name="quartiers")

    class Meta:
        verbose_name = "quartier"
        ordering = [ordre_fr("nom")]
        constraints = [
            models.CheckConstraint(
                condition=Q(type="QPV", qpv__isnull=False) | ~Q(type="QPV"),
                name="quartier_qpv_a_un_code",
            )
        ]

    def __str__(self) -> str:
        return self.nom


class Secteur(models.Model):
    """A group of communes or neighbourhoods used to territorialise objectives."""

    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="secteurs")
    nom = models.CharField("nom", max_length=200)
    communes = models.ManyToManyField(Commune, blank=True, related_name="secteurs")
    quartiers = models.ManyToManyField(Quartier, blank=True, related_name="secteurs")

    class Meta:
        verbose_name = "secteur"
        ordering = [ordre_fr("nom")]
        constraints = [models.UniqueConstraint(fields=["epci", "nom"], name="secteur_nom_unique")]

    def __str__(self) -> str:
        return self.nom


class Bailleur(models.Model):
    """A social landlord, identified by its SIREN."""

    siren = models.CharField("SIREN", max_length=9, unique=True, validators=[validate_siren])
    nom = models.CharField("raison sociale", max_length=200)
    epcis = models.ManyToManyField(
        Epci, blank=True, related_name="bailleurs", verbose_name="EPCI où il a du patrimoine"
    )

    class Meta:
        verbose_name = "bailleur"
        ordering = [ordre_fr("nom")]

    def __str__(self) -> str:
        return self.nom


class Reservataire(models.Model):
    """A reservation holder. ``(type, code)`` is its identity in the exchange formats (F1, F2)."""

    class Type(models.TextChoices):
        ETAT = "ETAT", "État (contingent préfectoral)"
        ETAT_AGENTS = "ETAT_AGENTS", "État (agents de l'État)"
        ACTION_LOGEMENT = "ACTION_LOGEMENT", "Action Logement"
        COMMUNE = "COMMUNE", "Commune"
        EPCI = "EPCI", "EPCI"
        DEPARTEMENT = "DEPARTEMENT", "Département"
        AUTRE = "AUTRE", "Autre réservataire"
        BAILLEUR = "BAILLEUR", "Bailleur (stock non réservé)"

    TYPES_SANS_CODE = {Type.ETAT, Type.ETAT_AGENTS, Type.ACTION_LOGEMENT}

    type = models.CharField("type", max_length=16, choices=Type.choices)
    code = models.CharField(
        "identifiant",
        max_length=40,
        blank=True,
        help_text="Code INSEE (commune), SIREN (EPCI, bailleur), code du département, identifiant libre (autre) ; "
        "vide pour l'État et Action Logement.",
    )
    nom = models.CharField("nom", max_length=200)
    bailleur = models.ForeignKey(
        Bailleur, on_delete=models.CASCADE, null=True, blank=True, related_name="stock_non_reserve"
    )
    commune = models.ForeignKey(Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    epcis = models.ManyToManyField(Epci, blank=True, related_name="reservataires", verbose_name="EPCI concernés")

    class Meta:
        verbose_name = "réservataire"
        ordering = ["type", "code"]
        constraints = [
            models.UniqueConstraint(fields=["type", "code"], name="reservataire_type_code_unique"),
            models.CheckConstraint(
                condition=~Q(type__in=["ETAT", "ETAT_AGENTS", "ACTION_LOGEMENT"]) | Q(code=""),
                name="reservataire_sans_code",
            ),
            models.CheckConstraint(
                condition=Q(type__in=["ETAT", "ETAT_AGENTS", "ACTION_LOGEMENT"]) | ~Q(code=""),
                name="reservataire_avec_code",
            ),
        ]

    def __str__(self) -> str:
        return self.nom

    def clean(self):
        if self.type == self.Type.BAILLEUR and not self.bailleur_id:
            raise ValidationError({"bailleur": "Le stock non réservé d'un bailleur doit désigner ce bailleur."})


class Guichet(models.Model):
    """A reception point of the network (PPGDID), with its service level."""

    class Niveau(models.IntegerChoices):
        NIVEAU_1 = 1, "Niveau 1 : information"
        NIVEAU_2 = 2, "Niveau 2 : information et enregistrement"
        NIVEAU_3 = 3, "Niveau 3 : accueil approfondi et accompagnement"

    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="guichets")
    nom = models.CharField("nom", max_length=200)
    niveau = models.PositiveSmallIntegerField("niveau de service", choices=Niveau.choices)
    enregistreur = models.BooleanField("guichet enregistreur", default=False)
    adresse = models.CharField("adresse", max_length=300)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="guichets")
    horaires = models.TextField("horaires d'ouverture", blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    bailleur = models.ForeignKey(
        Bailleur,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guichets",
        help_text="Si le guichet est tenu par un bailleur.",
    )
    # Position on the public map (public app); without it, the marker stands at the commune's centre.
    latitude = models.DecimalField(
        "latitude", max_digits=8, decimal_places=6, null=True, blank=True, help_text="WGS 84, ex. 45.187100."
    )
    longitude = models.DecimalField(
        "longitude", max_digits=9, decimal_places=6, null=True, blank=True, help_text="WGS 84, ex. 5.735800."
    )

    class Meta:
        verbose_name = "guichet"
        ordering = [ordre_fr("nom")]

    def __str__(self) -> str:
        return self.nom


class Membership(models.Model):
    """A user's role in one organisation of a territory. Scoping (permissions.py) derives from it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=16, choices=Role.choices)
    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="memberships", verbose_name="territoire")
    bailleur = models.ForeignKey(Bailleur, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships")
    reservataire = models.ForeignKey(
        Reservataire, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    guichet = models.ForeignKey(Guichet, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships")
    date_debut = models.DateField("début", null=True, blank=True)
    date_fin = models.DateField("fin", null=True, blank=True)

    class Meta:
        verbose_name = "rattachement"
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="BAILLEUR") | Q(bailleur__isnull=False), name="membership_bailleur_requis"
            ),
            models.CheckConstraint(
                condition=~Q(role="RESERVATAIRE") | Q(reservataire__isnull=False),
                name="membership_reservataire_requis",
            ),
            models.CheckConstraint(
                condition=~Q(role="AGENT_ACCUEIL") | Q(guichet__isnull=False), name="membership_guichet_requis"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} : {self.get_role_display()} ({self.organisation})"

    @property
    def organisation(self):
        return self.bailleur or self.reservataire or self.guichet or self.epci


class SeuilQuartile(models.Model):
    """First-quartile threshold (EUR per consumption unit per year) of an EPCI for a year, set by order."""

    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="seuils")
    annee = models.PositiveSmallIntegerField("année")
    seuil_q1 = models.DecimalField("seuil du 1er quartile (€/UC/an)", max_digits=9, decimal_places=2)
    seuil_q2 = models.DecimalField("seuil médian (€/UC/an)", max_digits=9, decimal_places=2, null=True, blank=True)
    seuil_q3 = models.DecimalField(
        "seuil du 3e quartile (€/UC/an)", max_digits=9, decimal_places=2, null=True, blank=True
    )
    arrete = models.CharField("arrêté", max_length=300, help_text="Référence de l'arrêté ministériel.")
    date_publication = models.DateField("date de publication", null=True, blank=True)
    date_effet = models.DateField("en vigueur à compter du", null=True, blank=True)
    source = models.TextField("source des données")
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "seuil du premier quartile"
        verbose_name_plural = "seuils du premier quartile"
        ordering = ["epci__nom", "-annee"]
        constraints = [
            models.UniqueConstraint(fields=["epci", "annee"], name="seuil_epci_annee_unique"),
            models.CheckConstraint(condition=Q(seuil_q1__gt=0), name="seuil_q1_positif"),
        ]

    def __str__(self) -> str:
        return f"{self.epci.nom} {self.annee} : {self.seuil_q1} €"


class Objectif(models.TextChoices):
    HORS_QPV = "HORS_QPV", "Hors QPV : 1er quartile ou relogés (A)"
    QPV = "QPV", "En QPV : quartiles 2 à 4 (B)"
    PRIORITAIRES = "PRIORITAIRES", "Par réservataire : DALO ou prioritaires (C)"
    PRIORITAIRES_ETAT = "PRIORITAIRES_ETAT", "Contingent de l'État : DALO ou prioritaires"
    MUTATIONS = "MUTATIONS", "Part des mutations"


class TauxLegal(models.Model):
    """A legal minimum rate with its source and validity dates (L. 441-1 CCH and following)."""

    objectif = models.CharField("objectif", max_length=20, choices=Objectif.choices)
    taux = models.DecimalField("taux", max_digits=5, decimal_places=4)
    date_debut = models.DateField("en vigueur du")
    date_fin = models.DateField("au", null=True, blank=True)
    source = models.TextField("source")

    class Meta:
        verbose_name = "taux légal"
        verbose_name_plural = "taux légaux"
        ordering = ["objectif", "-date_debut"]
        constraints = [
            models.CheckConstraint(condition=Q(taux__gte=0) & Q(taux__lte=1), name="taux_legal_borne"),
            *constraints_periode("taux_legal", ["objectif"], territoire=None),
        ]

    def __str__(self) -> str:
        return f"{self.get_objectif_display()} : {self.taux:.2%} depuis le {self.date_debut:%d/%m/%Y}"

    def clean(self):
        verifie_periode(self, objectif=self.objectif)


class RegleSecret(models.Model):
    """Statistical secrecy of every output that leaves the EPCI's staff (docs/droit/regles.md, Platform decision
    11): counts below ``seuil`` are masked, with secondary masking (the pure ``cil.secret.masquer``). A setting of
    the territory, with its dates and source; a row without territory is the platform's rule, for the days a
    territory has no rule of its own in force. Read by ``cil.selectors.regle_secret`` only (formerly
    ``public.RegleSecret``: table and rows moved by migration ``cil.0010``)."""

    epci = models.ForeignKey(
        Epci,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="territoire",
        help_text="Vide : la règle de la plateforme, pour les territoires qui n'en ont pas.",
    )
    seuil = models.PositiveSmallIntegerField(
        "seuil", default=10, validators=[MinValueValidator(1)], help_text="Les effectifs inférieurs sont masqués."
    )
    date_debut = models.DateField("en vigueur du")
    date_fin = models.DateField("au", null=True, blank=True)
    source = models.TextField("source")

    class Meta:
        verbose_name = "règle du secret statistique"
        verbose_name_plural = "règles du secret statistique"
        ordering = ["-date_debut", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(seuil__gte=1), name="regle_secret_seuil_positif"),
            *constraints_periode("regle_secret", []),
        ]

    def __str__(self) -> str:
        return f"Effectifs inférieurs à {self.seuil} masqués depuis le {self.date_debut:%d/%m/%Y}"

    def clean(self):
        verifie_periode(self, epci=self.epci_id)


class CibleLocale(models.Model):
    """A local target set by the CIL's orientations or the CIA, at least as demanding as the law, with its dates.

    Scope: the whole EPCI, or one landlord, reservation holder, sector or commune. The rate is typed as a
    percentage (42,5 %) and stored as an exact fraction (0.425). It stands beside the legal target on every
    output (dashboard, balance sheets, F2, API), never in its place, and is reached by the same exact rule
    (docs/droit/regles.md, Platform decision 10). ``version`` and ``article`` name the text that set it (app
    ``politique``).
    """

    OBJECTIFS = [Objectif.HORS_QPV, Objectif.QPV, Objectif.PRIORITAIRES, Objectif.MUTATIONS]

    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="cibles_locales")
    objectif = models.CharField("objectif", max_length=20, choices=Objectif.choices)
    taux = models.DecimalField(
        "taux cible", max_digits=5, decimal_places=4, help_text="Fraction exacte : 0,425 pour 42,5 %."
    )
    bailleur = models.ForeignKey(Bailleur, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reservataire = models.ForeignKey(Reservataire, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    secteur = models.ForeignKey(Secteur, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    date_debut = models.DateField("en vigueur du")
    date_fin = models.DateField("au", null=True, blank=True)
    version = models.ForeignKey(
        "politique.VersionDocument",
        verbose_name="document (version)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cibles_locales",
    )
    article = models.CharField("article ou section", max_length=200, blank=True, help_text="Ex. : « article 4.2 ».")
    source = models.CharField(
        "document source",
        max_length=300,
        blank=True,
        help_text="Ex. : CIA signée le 12/03/2024, orientation 2. Vide : le document choisi ci-dessus.",
    )

    class Meta:
        verbose_name = "cible locale"
        verbose_name_plural = "cibles locales"
        ordering = ["epci", "objectif", "-date_debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(taux__gte=0) & Q(taux__lte=1),
                name="cible_locale_borne",
                violation_error_message="Une cible locale est comprise entre 0 et 100 %.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(bailleur__isnull=True, reservataire__isnull=True, secteur__isnull=True)
                    | Q(bailleur__isnull=True, reservataire__isnull=True, commune__isnull=True)
                    | Q(bailleur__isnull=True, secteur__isnull=True, commune__isnull=True)
                    | Q(reservataire__isnull=True, secteur__isnull=True, commune__isnull=True)
                ),
                name="cible_locale_un_seul_perimetre",
                violation_error_message="Une cible locale porte sur un seul périmètre : tout le territoire, un "
                "bailleur, un réservataire, un secteur ou une commune.",
            ),
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=models.F("date_debut")),
                name="cible_locale_dates_ordonnees",
                violation_error_message="La date de fin précède la date de début.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_objectif_display()} : {self.taux_texte} ({self.perimetre})"

    @property
    def taux_texte(self) -> str:
        from core.pourcentages import texte_pourcentage

        return texte_pourcentage(self.taux)

    @property
    def organisation(self):
        return self.bailleur or self.reservataire or self.secteur or self.commune

    @property
    def perimetre(self) -> str:
        org = self.organisation
        if org is None:
            return "tout le territoire"
        kind = {Bailleur: "bailleur", Reservataire: "réservataire", Secteur: "secteur", Commune: "commune"}
        return f"{kind[type(org)]} {org}"

    @property
    def source_texte(self) -> str:
        """The text that set the target: its document and article, or the source typed by hand."""
        parties = []
        if self.version_id:
            parties.append(str(self.version))
        elif self.source:
            parties.append(self.source)
        if self.article:
            parties.append(self.article)
        return ", ".join(parties) or "source non renseignée"

    def clean(self):
        from .selectors import taux_legal_en_vigueur

        errors = {}
        if self.date_fin and self.date_debut and self.date_fin < self.date_debut:
            errors["date_fin"] = "La date de fin précède la date de début."
        if self.objectif and self.objectif not in self.OBJECTIFS:
            errors["objectif"] = "Une cible locale porte sur l'objectif A, B, C ou sur la part des mutations."
        if not self.version_id and not self.source.strip():
            errors["source"] = "Indiquez le document qui fixe cette cible (choisissez-le ou décrivez-le)."
        if self.epci_id:
            hors = "n'est pas sur ce territoire."
            if self.commune_id and self.commune.epci_id != self.epci_id:
                errors["commune"] = f"Cette commune {hors}"
            if self.secteur_id and self.secteur.epci_id != self.epci_id:
                errors["secteur"] = f"Ce secteur {hors}"
            if self.bailleur_id and not self.bailleur.epcis.filter(pk=self.epci_id).exists():
                errors["bailleur"] = f"Ce bailleur {hors}"
            if self.reservataire_id and not self.reservataire.epcis.filter(pk=self.epci_id).exists():
                errors["reservataire"] = f"Ce réservataire {hors}"
            if self.version_id and self.version.document.epci_id != self.epci_id:
                errors["version"] = "Ce document est celui d'un autre territoire."
        legaux = (Objectif.HORS_QPV, Objectif.QPV, Objectif.PRIORITAIRES)
        if self.taux is not None and self.date_debut and self.objectif in legaux:
            objectif = self.objectif
            if self.reservataire_id and self.reservataire.type in ("ETAT", "ETAT_AGENTS"):
                objectif = Objectif.PRIORITAIRES_ETAT
            legal = taux_legal_en_vigueur(objectif, self.date_debut)
            if legal is not None and self.taux < legal:
                from core.pourcentages import texte_pourcentage

                loi = texte_pourcentage(legal)
                errors["taux"] = f"Une cible locale ne peut pas être moins exigeante que la loi ({loi})."
        if errors:
            raise ValidationError(errors)


# --- The neighbourhood index (référentiel des quartiers), docs/quartiers.md --------------------------------------


class ReferentielQuartiers(models.Model):
    """One dated version of a territory's neighbourhood index: its indicators, weights and classes.

    The version in force on a day classifies the neighbourhoods (``cil.quartiers``); a new version is a new row
    (the previous one gets an end date), so every past classification keeps the rules it was computed with.
    """

    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="referentiels_quartiers")
    version = models.PositiveSmallIntegerField("version", blank=True)
    date_debut = models.DateField("en vigueur du")
    date_fin = models.DateField("au", null=True, blank=True)
    nb_annees = models.PositiveSmallIntegerField(
        "années observées",
        default=3,
        help_text="Les indicateurs calculés portent sur les attributions, propositions et vacances de ce nombre "
        "d'années avant le jour du classement.",
    )
    source = models.TextField("source", help_text="La délibération ou le document qui fixe cette version.")
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "version du référentiel des quartiers"
        verbose_name_plural = "versions du référentiel des quartiers"
        ordering = ["epci", "-date_debut"]
        constraints = [
            models.UniqueConstraint(fields=["epci", "version"], name="referentiel_quartiers_version_unique"),
            models.UniqueConstraint(fields=["epci", "date_debut"], name="referentiel_quartiers_un_par_debut"),
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=models.F("date_debut")),
                name="referentiel_quartiers_fin_apres_debut",
            ),
            models.CheckConstraint(
                condition=Q(nb_annees__gte=1) & Q(nb_annees__lte=10), name="referentiel_quartiers_annees"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.epci.nom} – version {self.version} (depuis le {self.date_debut:%d/%m/%Y})"

    def clean(self):
        if self.epci_id:
            verifie_periode(self, epci=self.epci_id)


class IndicateurQuartier(models.Model):
    """One indicator of a version, its weight and the bounds of its scale (mark 0 to 100)."""

    class Code(models.TextChoices):
        PART_Q1 = "PART_Q1", "Part des ménages du premier quartile parmi les attributions"
        PART_PRIORITAIRES = "PART_PRIORITAIRES", "Part des ménages prioritaires (DALO, L. 441-1) parmi les attributions"
        TAUX_REFUS = "TAUX_REFUS", "Taux de refus des propositions par les candidats"
        DUREE_VACANCE = "DUREE_VACANCE", "Durée moyenne de vacance avant le bail (jours)"
        ROTATION = "ROTATION", "Taux de rotation (attributions par an pour 100 logements)"
        FORME_URBAINE = "FORME_URBAINE", "Forme urbaine et gestion"
        AGE_PARC = "AGE_PARC", "Âge et état du parc"
        SERVICES = "SERVICES", "Services, commerces et équipements"
        TRANQUILLITE = "TRANQUILLITE", "Tranquillité publique"

    # computed by the platform (observatoire.quartiers); the others are entered by EPCI staff (NoteQuartier)
    CALCULES = frozenset({"PART_Q1", "PART_PRIORITAIRES", "TAUX_REFUS", "DUREE_VACANCE", "ROTATION"})

    class Sens(models.TextChoices):
        FAVORABLE = "FAVORABLE", "Plus la valeur est haute, plus le quartier est attractif"
        DEFAVORABLE = "DEFAVORABLE", "Plus la valeur est haute, plus le quartier est fragile"

    referentiel = models.ForeignKey(ReferentielQuartiers, on_delete=models.CASCADE, related_name="indicateurs")
    code = models.CharField("indicateur", max_length=20, choices=Code.choices)
    poids = models.DecimalField("poids", max_digits=5, decimal_places=2)
    sens = models.CharField("sens", max_length=12, choices=Sens.choices)
    borne_min = models.DecimalField(
        "borne basse", max_digits=10, decimal_places=2, help_text="Valeur qui donne la note 0 (ou 100 si défavorable)."
    )
    borne_max = models.DecimalField(
        "borne haute", max_digits=10, decimal_places=2, help_text="Valeur qui donne la note 100 (ou 0 si défavorable)."
    )

    class Meta:
        verbose_name = "indicateur du référentiel des quartiers"
        verbose_name_plural = "indicateurs du référentiel des quartiers"
        ordering = ["referentiel", "code"]
        constraints = [
            models.UniqueConstraint(fields=["referentiel", "code"], name="indicateur_quartier_unique"),
            models.CheckConstraint(condition=Q(poids__gt=0), name="indicateur_quartier_poids_positif"),
            models.CheckConstraint(
                condition=Q(borne_max__gt=models.F("borne_min")), name="indicateur_quartier_bornes_ordonnees"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} (poids {self.poids.normalize()})"

    @property
    def calcule(self) -> bool:
        return self.code in self.CALCULES

    def clean(self):
        if self.borne_min is not None and self.borne_max is not None and self.borne_max <= self.borne_min:
            raise ValidationError({"borne_max": "La borne haute doit être supérieure à la borne basse."})


class ClasseQuartier(models.Model):
    """A class of a version ("vigilance", "équilibre", "attractif"...), from a minimum score up to the next one."""

    referentiel = models.ForeignKey(ReferentielQuartiers, on_delete=models.CASCADE, related_name="classes")
    code = models.CharField("code", max_length=20)
    libelle = models.CharField("libellé", max_length=60)
    score_min = models.DecimalField(
        "à partir du score", max_digits=4, decimal_places=1, help_text="Score minimal, de 0 à 100."
    )
    vigilance = models.BooleanField(
        "appelle la vigilance", default=False, help_text="Signalée aux commissions d'attribution."
    )

    class Meta:
        verbose_name = "classe du référentiel des quartiers"
        verbose_name_plural = "classes du référentiel des quartiers"
        ordering = ["referentiel", "score_min"]
        constraints = [
            models.UniqueConstraint(fields=["referentiel", "code"], name="classe_quartier_code_unique"),
            models.UniqueConstraint(fields=["referentiel", "score_min"], name="classe_quartier_seuil_unique"),
            models.CheckConstraint(
                condition=Q(score_min__gte=0) & Q(score_min__lte=100), name="classe_quartier_seuil_borne"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.libelle} (à partir de {self.score_min})"


class NoteQuartier(models.Model):
    """A value of an entered indicator for one neighbourhood, with its source and date; every entry is kept."""

    quartier = models.ForeignKey(Quartier, on_delete=models.CASCADE, related_name="notes")
    code = models.CharField("indicateur", max_length=20, choices=IndicateurQuartier.Code.choices)
    valeur = models.DecimalField("valeur", max_digits=10, decimal_places=2)
    date_valeur = models.DateField("valeur au")
    source = models.CharField("source", max_length=300)
    saisie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    saisie_le = models.DateTimeField("saisie le", auto_now_add=True)

    class Meta:
        verbose_name = "note saisie d'un quartier"
        verbose_name_plural = "notes saisies des quartiers"
        ordering = ["quartier", "code", "-date_valeur", "-saisie_le", "-pk"]
        indexes = [models.Index(fields=["quartier", "code", "date_valeur"], name="note_quartier_code_date")]

    def __str__(self) -> str:
        return f"{self.quartier} – {self.get_code_display()} : {self.valeur.normalize()} au {self.date_valeur:%d/%m/%Y}"


class ClassementQuartiers(models.Model):
    """One classification run of a territory's neighbourhoods: when, with which version, over which period."""

    class Declencheur(models.TextChoices):
        NUIT = "NUIT", "Calcul de nuit"
        DEMANDE = "DEMANDE", "À la demande"
        DEMO = "DEMO", "Données de démonstration"

    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="classements_quartiers")
    referentiel = models.ForeignKey(ReferentielQuartiers, on_delete=models.PROTECT, related_name="classements")
    jour = models.DateField("données au")
    periode_debut = models.DateField("période observée du")
    calcule_le = models.DateTimeField("calculé le")
    declencheur = models.CharField("déclenché par", max_length=8, choices=Declencheur.choices)
    demande_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "classement des quartiers"
        verbose_name_plural = "classements des quartiers"
        ordering = ["-calcule_le", "-pk"]
        indexes = [models.Index(fields=["epci", "-calcule_le"], name="classement_quartiers_epci")]

    def __str__(self) -> str:
        return f"Classement des quartiers de {self.epci.nom} du {self.calcule_le:%d/%m/%Y %H:%M}"


class ResultatQuartier(models.Model):
    """A neighbourhood's score and class in one run, with the values behind them (``indicateurs``:
    code, libellé, valeur, note, poids, source and counts of each indicator)."""

    classement = models.ForeignKey(ClassementQuartiers, on_delete=models.CASCADE, related_name="resultats")
    quartier = models.ForeignKey(Quartier, on_delete=models.CASCADE, related_name="resultats")
    score = models.DecimalField("score", max_digits=4, decimal_places=1, null=True, blank=True)
    classe_code = models.CharField("classe", max_length=20, blank=True)
    classe_libelle = models.CharField("libellé de la classe", max_length=60, blank=True)
    vigilance = models.BooleanField("appelle la vigilance", default=False)
    indicateurs = models.JSONField("indicateurs", default=list)

    class Meta:
        verbose_name = "résultat d'un quartier"
        verbose_name_plural = "résultats des quartiers"
        ordering = ["classement", "quartier"]
        constraints = [
            models.UniqueConstraint(fields=["classement", "quartier"], name="resultat_quartier_unique"),
        ]
        indexes = [models.Index(fields=["quartier", "classement"], name="resultat_quartier_historique")]

    def __str__(self) -> str:
        return f"{self.quartier} : {self.classe_libelle or 'non classé'}"
