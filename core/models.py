from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from .stockage import prive


class User(AbstractUser):
    """A person who logs in. What they may see follows from their memberships (cil.Membership)."""

    email = models.EmailField("adresse électronique", blank=True)

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username


class TacheExecution(models.Model):
    """One run of a background job (Celery task or management command): what, when, by whom, outcome.

    Lets staff list the jobs with their dates and author, and lets tests see that a real worker ran.
    """

    class Statut(models.TextChoices):
        EN_ATTENTE = "EN_ATTENTE", "En attente"
        EN_COURS = "EN_COURS", "En cours"
        REUSSIE = "REUSSIE", "Réussie"
        ECHOUEE = "ECHOUEE", "Échouée"

    nom = models.CharField("tâche", max_length=200, db_index=True)
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.EN_ATTENTE)
    debut = models.DateTimeField("début", null=True, blank=True)
    fin = models.DateTimeField("fin", null=True, blank=True)
    acteur = models.ForeignKey(
        "core.User",
        verbose_name="lancée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="taches",
        help_text="Vide pour une tâche planifiée.",
    )
    detail = models.JSONField("détail", default=dict, blank=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "exécution de tâche"
        verbose_name_plural = "exécutions de tâches"
        ordering = ["-cree_le", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fin__isnull=True) | models.Q(debut__isnull=False),
                name="tache_fin_apres_debut_renseigne",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.get_statut_display()})"

    @property
    def duree(self):
        if self.debut and self.fin:
            return self.fin - self.debut
        return None


class JournalTransition(models.Model):
    """The log of a life cycle, one row per move: from, to, by which action, who, when, why.

    Abstract: each state machine has its own table (``demandes.TransitionStatut``,
    ``relogement.TransitionMenage``, ``attributions.TransitionVacance``) with a foreign key to the object it
    follows, named by ``champ_objet``, and narrows ``de`` and ``vers`` to its own statuses. A step noted
    without a move (a referent changed, an offer accepted) is a row whose ``de`` equals ``vers``. Written by
    ``core.transitions`` only.
    """

    champ_objet: ClassVar[str]  # the foreign key to the object whose life cycle is logged

    de = models.CharField("de", max_length=20, blank=True)
    vers = models.CharField("vers", max_length=20)
    action = models.CharField("action", max_length=30)
    motif = models.CharField("motif", max_length=300, blank=True)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    date = models.DateTimeField("date")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.de or '–'} → {self.vers} le {self.date:%d/%m/%Y}"


class ExportDiffere(models.Model):
    """A large spreadsheet produced by the worker for the user who asked (``core.exports_differes``): the
    request returns at once, a page follows the progress, the file is downloaded when ready, by that user only,
    and deleted after ``DUREE_CONSERVATION``."""

    class Statut(models.TextChoices):
        EN_ATTENTE = "EN_ATTENTE", "En attente"
        EN_COURS = "EN_COURS", "En cours"
        PRET = "PRET", "Prêt"
        ECHEC = "ECHEC", "Échec"

    utilisateur = models.ForeignKey(User, on_delete=models.CASCADE, related_name="exports_differes")
    producteur = models.CharField("producteur", max_length=60)
    parametres = models.JSONField("paramètres", default=dict, blank=True)
    titre = models.CharField("titre", max_length=300)
    nom_fichier = models.CharField("nom du fichier", max_length=200)
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.EN_ATTENTE)
    lignes_total = models.PositiveIntegerField("lignes à écrire", null=True, blank=True)
    lignes_faites = models.PositiveIntegerField("lignes écrites", default=0)
    fichier = models.FileField("fichier", storage=prive, upload_to="exports/%Y/%m/", blank=True)
    erreur = models.TextField("erreur", blank=True)
    cree_le = models.DateTimeField("demandé le", auto_now_add=True)
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "export différé"
        verbose_name_plural = "exports différés"
        ordering = ["-cree_le", "-pk"]

    def __str__(self) -> str:
        return f"{self.titre} ({self.get_statut_display()})"

    @property
    def termine(self) -> bool:
        return self.statut in (self.Statut.PRET, self.Statut.ECHEC)

    @property
    def pourcentage(self) -> int:
        if self.statut == self.Statut.PRET:
            return 100
        if not self.lignes_total:
            return 0
        return min(99, self.lignes_faites * 100 // self.lignes_total)
