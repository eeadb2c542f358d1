"""The conference itself: the CIL's instances and members, meetings, agenda, attendance, votes and
numbered deliberations, and the journal of every change.

Writes go through ``services.py`` only; the counting rules are pure functions in ``rules.py``.

Extension point for the policy documents (document-cadre, CIA, PPGDID, built in their own app): an agenda item of
kind ``PointOrdreDuJour.Type.POLITIQUE`` is where a version of a policy document is put to the conference; that app
adds its own foreign key from the version to the ``Deliberation`` that adopted it (and, if useful, from the agenda
item to the version), so that this app never imports it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cil.models import Bailleur, Epci, Reservataire
from core.db import ordre_fr
from core.stockage import prive

from . import rules


class JournalImmuable(Exception):
    """A numbered deliberation and the journal are never changed nor deleted."""


# The one private storage (STORAGES["prive"]); the migrations name it conference.models._stockage.
_stockage = prive


# --- Instances and members -----------------------------------------------------------------------------------------


class InstanceQuerySet(models.QuerySet):
    def for_user(self, user):
        from .permissions import instances_for_user

        return instances_for_user(user, self)


class Instance(models.Model):
    """A body of the territory's conference: the plenary, the coordination commission, the commission for specific
    or blocked cases, a working group.

    ``ouverte_aux_membres``: CIL members of the territory read its meetings; off by default for the commissions
    that examine households' files (their documents may name people). The files themselves (referrals, decisions)
    stay in their own apps (``relogement`` for specific cases): here, the body's composition and its meetings.
    """

    class Type(models.TextChoices):
        PLENIERE = "PLENIERE", "Conférence intercommunale du logement (plénière)"
        COORDINATION = "COORDINATION", "Commission de coordination"
        CAS_SPECIFIQUES = "CAS_SPECIFIQUES", "Commission des cas spécifiques ou bloqués"
        GROUPE_TRAVAIL = "GROUPE_TRAVAIL", "Groupe de travail"

    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, related_name="instances_cil", verbose_name="territoire")
    type = models.CharField("type", max_length=16, choices=Type.choices)
    nom = models.CharField("nom", max_length=200)
    description = models.TextField("rôle", blank=True)
    ouverte_aux_membres = models.BooleanField(
        "visible des membres de la CIL",
        default=True,
        help_text="Les membres de la CIL du territoire lisent ses séances, ordres du jour, documents et résultats.",
    )
    active = models.BooleanField("active", default=True)
    creee_le = models.DateTimeField("créée le", auto_now_add=True)

    objects = InstanceQuerySet.as_manager()

    class Meta:
        verbose_name = "instance de la conférence"
        verbose_name_plural = "instances de la conférence"
        ordering = ["epci", "type", ordre_fr("nom")]
        constraints = [
            models.UniqueConstraint(fields=["epci"], condition=Q(type="PLENIERE"), name="instance_une_pleniere"),
            models.UniqueConstraint(fields=["epci", "nom"], name="instance_nom_unique"),
        ]

    def __str__(self) -> str:
        return self.nom

    def regle_au(self, date):
        """The rule in force at ``date`` (the latest that started on or before it and has not ended)."""
        return (
            self.regles.filter(date_debut__lte=date)
            .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=date))
            .order_by("-date_debut", "-pk")
            .first()
        )


class RegleInstance(models.Model):
    """How an instance deliberates, as its internal rules (règlement intérieur) say, with the source and dates.

    The housing code sets no quorum, proxy limit or majority for the CIL (module ``rules``): the defaults below are
    those of French deliberative assemblies (CGCT, art. L. 2121-17 and L. 2121-20, by analogy), to be replaced by
    the territory's own text.
    """

    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="regles")
    date_debut = models.DateField("en vigueur du")
    date_fin = models.DateField("au", null=True, blank=True)
    quorum_numerateur = models.PositiveSmallIntegerField("quorum : numérateur", default=1)
    quorum_denominateur = models.PositiveSmallIntegerField("quorum : dénominateur", default=2)
    quorum_strict = models.BooleanField(
        "plus de cette fraction",
        default=True,
        help_text="Coché : « plus de la moitié » ; décoché : « la moitié au moins ».",
    )
    quorum_avec_pouvoirs = models.BooleanField(
        "les pouvoirs comptent dans le quorum", default=False, help_text="Décoché : seuls les présents comptent."
    )
    sans_quorum_en_seconde_convocation = models.BooleanField(
        "seconde convocation sans condition de quorum", default=True
    )
    quorum_libelle = models.CharField(
        "règle de quorum (en toutes lettres)",
        max_length=200,
        default="plus de la moitié des membres en exercice présents",
    )
    pouvoirs_max = models.PositiveSmallIntegerField("pouvoirs au plus par membre", default=1)
    majorite = models.CharField(
        "majorité",
        max_length=20,
        choices=[
            (rules.Majorite.SUFFRAGES_EXPRIMES, "Majorité des suffrages exprimés (abstentions et blancs écartés)"),
            (rules.Majorite.VOTANTS, "Majorité des votants"),
        ],
        default=rules.Majorite.SUFFRAGES_EXPRIMES,
    )
    voix_preponderante = models.BooleanField(
        "voix prépondérante du président en cas de partage",
        default=False,
        help_text="Décoché : en cas de partage des voix, la proposition n'est pas adoptée.",
    )
    source = models.TextField("source", help_text="Règlement intérieur (article, date d'adoption), délibération…")

    class Meta:
        verbose_name = "règle de fonctionnement"
        verbose_name_plural = "règles de fonctionnement"
        ordering = ["instance", "-date_debut"]
        constraints = [
            models.CheckConstraint(condition=Q(quorum_denominateur__gt=0), name="regle_quorum_denominateur"),
            models.CheckConstraint(
                condition=Q(quorum_numerateur__lte=models.F("quorum_denominateur")), name="regle_quorum_fraction"
            ),
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=models.F("date_debut")), name="regle_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instance} : règle du {self.date_debut:%d/%m/%Y}"

    def regle_quorum(self) -> rules.RegleQuorum:
        return rules.RegleQuorum(
            numerateur=self.quorum_numerateur,
            denominateur=self.quorum_denominateur,
            strict=self.quorum_strict,
            avec_pouvoirs=self.quorum_avec_pouvoirs,
            sans_quorum_en_seconde_convocation=self.sans_quorum_en_seconde_convocation,
            libelle=self.quorum_libelle,
        )


class College(models.TextChoices):
    """The three colleges of the CIL (L. 441-1-5 CCH; the wording varies between territories' texts) and the
    State, which co-chairs."""

    COLLECTIVITES = "COLLECTIVITES", "Collège des collectivités territoriales"
    PROFESSIONNELS = "PROFESSIONNELS", "Collège des professionnels des attributions (bailleurs, réservataires…)"
    USAGERS = "USAGERS", "Collège des usagers et des associations"
    ETAT = "ETAT", "Représentants de l'État"


class MembreQuerySet(models.QuerySet):
    def en_exercice(self, date):
        """Members whose mandate covers ``date``."""
        return self.filter(debut_mandat__lte=date).filter(Q(fin_mandat__isnull=True) | Q(fin_mandat__gte=date))

    def titulaires(self):
        return self.filter(titulaire=True)


class Membre(models.Model):
    """A person sitting in an instance: titular or substitute of a titular, for a mandate, in a college."""

    class Copresidence(models.TextChoices):
        PREFET = "PREFET", "Préfet ou préfète"
        PRESIDENT_EPCI = "PRESIDENT_EPCI", "Présidence de l'EPCI"

    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="membres")
    nom = models.CharField("nom et prénom", max_length=200)
    qualite = models.CharField("qualité", max_length=200, blank=True, help_text="Ex. : maire d'Échirolles.")
    organisation = models.CharField("organisation", max_length=200, blank=True)
    bailleur = models.ForeignKey(
        Bailleur, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="bailleur"
    )
    reservataire = models.ForeignKey(
        Reservataire, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="réservataire"
    )
    college = models.CharField("collège", max_length=16, choices=College.choices, blank=True)
    titulaire = models.BooleanField("titulaire", default=True)
    suppleant_de = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suppleants",
        verbose_name="suppléant(e) de",
    )
    copresidence = models.CharField("coprésidence", max_length=16, choices=Copresidence.choices, blank=True)
    debut_mandat = models.DateField("début du mandat")
    fin_mandat = models.DateField("fin du mandat", null=True, blank=True)
    email = models.EmailField("adresse électronique", blank=True)

    objects = MembreQuerySet.as_manager()

    class Meta:
        verbose_name = "membre d'une instance"
        verbose_name_plural = "membres des instances"
        ordering = ["instance", "college", "-titulaire", ordre_fr("nom")]
        constraints = [
            models.CheckConstraint(
                condition=Q(titulaire=True, suppleant_de__isnull=True) | Q(titulaire=False, suppleant_de__isnull=False),
                name="membre_suppleant_d_un_titulaire",
            ),
            models.CheckConstraint(
                condition=Q(copresidence="") | Q(titulaire=True), name="membre_copresident_titulaire"
            ),
            models.CheckConstraint(
                condition=Q(bailleur__isnull=True) | Q(reservataire__isnull=True), name="membre_une_organisation"
            ),
            models.CheckConstraint(
                condition=Q(fin_mandat__isnull=True) | Q(fin_mandat__gte=models.F("debut_mandat")),
                name="membre_dates_mandat",
            ),
        ]

    def __str__(self) -> str:
        return self.nom

    @property
    def organisation_affichee(self) -> str:
        return str(self.bailleur or self.reservataire or "") or self.organisation

    def en_exercice_le(self, date) -> bool:
        return self.debut_mandat <= date and (self.fin_mandat is None or self.fin_mandat >= date)


# --- Meetings -----------------------------------------------------------------------------------------------------


class SeanceQuerySet(models.QuerySet):
    def for_user(self, user):
        from .permissions import seances_for_user

        return seances_for_user(user, self)


class Seance(models.Model):
    """A meeting of an instance: convened with its agenda and documents, held (attendance, votes), closed with its
    minutes. A second convocation (``seconde_convocation_de``) follows a meeting that lacked its quorum."""

    class Statut(models.TextChoices):
        PREPARATION = "PREPARATION", "En préparation"
        CONVOQUEE = "CONVOQUEE", "Convoquée"
        CLOSE = "CLOSE", "Close"
        ANNULEE = "ANNULEE", "Annulée"

    instance = models.ForeignKey(Instance, on_delete=models.PROTECT, related_name="seances")
    date = models.DateField("date")
    heure = models.TimeField("heure")
    lieu = models.CharField("lieu", max_length=300, blank=True)
    a_distance = models.BooleanField("à distance (visioconférence)", default=False)
    lien_visio = models.URLField("lien de la visioconférence", blank=True)
    statut = models.CharField("statut", max_length=12, choices=Statut.choices, default=Statut.PREPARATION)
    seconde_convocation_de = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="secondes_convocations",
        verbose_name="seconde convocation de la séance du",
    )
    convoquee_le = models.DateTimeField("convoquée le", null=True, blank=True)
    compte_rendu = models.TextField("compte rendu (procès-verbal)", blank=True)
    creee_le = models.DateTimeField("créée le", auto_now_add=True)
    creee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = SeanceQuerySet.as_manager()

    class Meta:
        verbose_name = "séance"
        ordering = ["-date", "-heure"]
        constraints = [
            models.CheckConstraint(condition=Q(a_distance=True) | ~Q(lieu=""), name="seance_lieu_ou_distance"),
        ]

    def __str__(self) -> str:
        return f"{self.instance.nom} – séance du {self.date:%d/%m/%Y}"

    @property
    def epci(self):
        return self.instance.epci

    @property
    def seconde_convocation(self) -> bool:
        return self.seconde_convocation_de_id is not None


class PointOrdreDuJour(models.Model):
    """An agenda item. Its kind says what it is about and whether it is voted:

    - information: presented, never voted;
    - deliberation, scoring grid, policy document: voted (a numbered deliberation records the result);
    - yearly balance sheet: presented (the CIL's balance sheet of ``annee_bilan``, from the observatory), voted
      only when the conference gives an opinion on it;
    - policy document: the extension point of the policy-documents app (see the module's docstring).
    """

    class Type(models.TextChoices):
        INFORMATION = "INFORMATION", "Information"
        DELIBERATION = "DELIBERATION", "Délibération (vote)"
        BILAN = "BILAN", "Bilan annuel"
        GRILLE = "GRILLE", "Grille de cotation à adopter"
        POLITIQUE = "POLITIQUE", "Document d'orientation (document-cadre, CIA, PPGDID)"
        AUTRE = "AUTRE", "Autre"

    TYPES_VOTES = frozenset({Type.DELIBERATION, Type.GRILLE, Type.POLITIQUE})

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="points")
    rang = models.PositiveSmallIntegerField("rang")
    titre = models.CharField("intitulé", max_length=300)
    type = models.CharField("nature", max_length=12, choices=Type.choices)
    expose = models.TextField("exposé", blank=True)
    avec_vote = models.BooleanField("soumis au vote", default=False)
    projet_decision = models.TextField(
        "projet de décision", blank=True, help_text="Le texte que la délibération reprendra s'il est adopté."
    )
    annee_bilan = models.PositiveSmallIntegerField("année du bilan", null=True, blank=True)
    bilan = models.ForeignKey(
        "observatoire.BilanAnnuel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="bilan annuel produit",
    )
    grille = models.ForeignKey(
        "demandes.GrilleCotation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="grille de cotation",
    )

    class Meta:
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "points de l'ordre du jour"
        ordering = ["seance", "rang"]
        constraints = [
            models.UniqueConstraint(fields=["seance", "rang"], name="point_rang_unique"),
            models.CheckConstraint(condition=~Q(type="INFORMATION") | Q(avec_vote=False), name="point_information"),
            models.CheckConstraint(
                condition=~Q(type__in=["DELIBERATION", "GRILLE", "POLITIQUE"]) | Q(avec_vote=True),
                name="point_vote_requis",
            ),
            models.CheckConstraint(condition=~Q(type="BILAN") | Q(annee_bilan__isnull=False), name="point_bilan_annee"),
        ]

    def __str__(self) -> str:
        return f"{self.rang}. {self.titre}"


class DocumentSeance(models.Model):
    """A document sent with the convocation (or added before the meeting), stored outside the web root."""

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="documents")
    point = models.ForeignKey(
        PointOrdreDuJour, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    titre = models.CharField("titre", max_length=200)
    fichier = models.FileField("fichier", storage=_stockage, upload_to="conference/%Y/%m/")
    nom_original = models.CharField("nom du fichier", max_length=200)
    type_mime = models.CharField("type", max_length=100)
    taille = models.PositiveIntegerField("taille (octets)")
    depose_le = models.DateTimeField("déposé le", auto_now_add=True)
    depose_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "document de séance"
        verbose_name_plural = "documents de séance"
        ordering = ["seance", "point__rang", "pk"]

    def __str__(self) -> str:
        return self.titre


class PresenceSeance(models.Model):
    """One member's attendance at a meeting; an absent titular may give a written proxy to a member who sits."""

    class Presence(models.TextChoices):
        PRESENT = rules.Presence.PRESENT, "Présent(e)"
        EXCUSE = rules.Presence.EXCUSE, "Excusé(e)"
        ABSENT = rules.Presence.ABSENT, "Absent(e)"
        REPRESENTE = rules.Presence.REPRESENTE, "Représenté(e) (pouvoir)"

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="presences")
    membre = models.ForeignKey(Membre, on_delete=models.PROTECT, related_name="presences")
    presence = models.CharField("présence", max_length=12, choices=Presence.choices)
    pouvoir_a = models.ForeignKey(
        Membre, on_delete=models.PROTECT, null=True, blank=True, related_name="pouvoirs_recus", verbose_name="pouvoir à"
    )

    class Meta:
        verbose_name = "présence"
        ordering = ["seance", "membre__nom"]
        constraints = [
            models.UniqueConstraint(fields=["seance", "membre"], name="presence_unique"),
            models.CheckConstraint(
                condition=Q(presence="REPRESENTE") | Q(pouvoir_a__isnull=True), name="presence_pouvoir"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membre} : {self.get_presence_display()}"


# --- Deliberations ------------------------------------------------------------------------------------------------


class DeliberationQuerySet(models.QuerySet):
    def for_user(self, user):
        from .permissions import deliberations_for_user

        return deliberations_for_user(user, self)

    def update(self, **kwargs):
        raise JournalImmuable("Une délibération enregistrée ne peut pas être modifiée.")

    def delete(self):
        raise JournalImmuable("Une délibération enregistrée est conservée.")


class Deliberation(models.Model):
    """The record of a vote on an agenda item, numbered per territory and year (``2026-03``) and dated: the counts
    it states (members in office, present, proxies, ballots) are frozen when it is recorded. Never changed."""

    class Resultat(models.TextChoices):
        ADOPTE = rules.Resultat.ADOPTE, "Adoptée"
        REJETE = rules.Resultat.REJETE, "Rejetée"

    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, related_name="deliberations_cil")
    point = models.OneToOneField(PointOrdreDuJour, on_delete=models.PROTECT, related_name="deliberation")
    annee = models.PositiveSmallIntegerField("année")
    rang = models.PositiveSmallIntegerField("rang dans l'année")
    date = models.DateField("date")
    regle = models.ForeignKey(RegleInstance, on_delete=models.PROTECT, related_name="+", verbose_name="règle appliquée")
    membres_en_exercice = models.PositiveSmallIntegerField("membres en exercice")
    presents = models.PositiveSmallIntegerField("présents")
    pouvoirs = models.PositiveSmallIntegerField("pouvoirs")
    votants = models.PositiveSmallIntegerField("votants")
    pour = models.PositiveSmallIntegerField("pour")
    contre = models.PositiveSmallIntegerField("contre")
    abstention = models.PositiveSmallIntegerField("abstentions")
    blanc = models.PositiveSmallIntegerField("blancs", default=0)
    voix_preponderante = models.CharField(
        "voix prépondérante",
        max_length=8,
        blank=True,
        choices=[(rules.Sens.POUR, "Pour"), (rules.Sens.CONTRE, "Contre")],
    )
    resultat = models.CharField("résultat", max_length=8, choices=Resultat.choices)
    quorum = models.CharField("quorum", max_length=400)
    texte = models.TextField("décision")
    enregistree_le = models.DateTimeField("enregistrée le", auto_now_add=True)
    enregistree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = DeliberationQuerySet.as_manager()

    class Meta:
        verbose_name = "délibération"
        ordering = ["-annee", "-rang"]
        default_permissions = ("view", "add")
        constraints = [
            models.UniqueConstraint(fields=["epci", "annee", "rang"], name="deliberation_numero_unique"),
            models.CheckConstraint(
                condition=Q(votants=models.F("pour") + models.F("contre") + models.F("abstention") + models.F("blanc")),
                name="deliberation_bulletins",
            ),
            models.CheckConstraint(
                condition=Q(votants__lte=models.F("presents") + models.F("pouvoirs")),
                name="deliberation_votants_possibles",
            ),
        ]

    def __str__(self) -> str:
        return f"Délibération n° {self.numero}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise JournalImmuable("Une délibération enregistrée ne peut pas être modifiée.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalImmuable("Une délibération enregistrée est conservée.")

    @property
    def numero(self) -> str:
        return rules.numero_deliberation(self.annee, self.rang)

    @property
    def comptage(self) -> rules.Comptage:
        return rules.Comptage(en_exercice=self.membres_en_exercice, presents=self.presents, pouvoirs=self.pouvoirs)

    @property
    def bulletins(self) -> rules.Bulletins:
        return rules.Bulletins(
            votants=self.votants, pour=self.pour, contre=self.contre, abstention=self.abstention, blanc=self.blanc
        )

    @property
    def ligne(self) -> str:
        return rules.ligne_deliberation(self.comptage, self.bulletins)


# --- Journal ------------------------------------------------------------------------------------------------------


class JournalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise JournalImmuable("Le journal de la conférence ne peut pas être modifié.")

    def delete(self):
        raise JournalImmuable("Le journal de la conférence ne peut pas être effacé.")


class JournalConference(models.Model):
    """Who changed what in the conference, when: append-only, written by ``services`` only."""

    class Action(models.TextChoices):
        INSTANCE = "INSTANCE", "Instance créée ou modifiée"
        REGLE = "REGLE", "Règle de fonctionnement"
        MEMBRE = "MEMBRE", "Membre désigné ou mandat modifié"
        SEANCE = "SEANCE", "Séance créée ou modifiée"
        POINT = "POINT", "Point de l'ordre du jour"
        DOCUMENT = "DOCUMENT", "Document déposé"
        CONVOCATION = "CONVOCATION", "Convocation envoyée"
        PRESENCES = "PRESENCES", "Présences et pouvoirs"
        VOTE = "VOTE", "Vote et délibération"
        COMPTE_RENDU = "COMPTE_RENDU", "Compte rendu"
        CLOTURE = "CLOTURE", "Séance close"
        ANNULATION = "ANNULATION", "Séance annulée"

    date = models.DateTimeField("date", auto_now_add=True, db_index=True)
    # no database constraint: the journal outlives the accounts and rows it names (it keeps copies)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    identifiant = models.CharField("identifiant de l'auteur", max_length=150, blank=True)
    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, related_name="+", verbose_name="territoire")
    action = models.CharField("action", max_length=14, choices=Action.choices)
    instance_ref = models.PositiveIntegerField("instance (identifiant)", null=True, blank=True)
    seance_ref = models.PositiveIntegerField("séance (identifiant)", null=True, blank=True, db_index=True)
    libelle = models.CharField("libellé", max_length=400)
    detail = models.JSONField("détail", default=dict, blank=True)

    objects = JournalQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée du journal de la conférence"
        verbose_name_plural = "journal de la conférence"
        ordering = ["-date", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y %H:%M} {self.identifiant} : {self.libelle}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise JournalImmuable("Le journal de la conférence ne peut pas être modifié.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalImmuable("Le journal de la conférence ne peut pas être effacé.")
