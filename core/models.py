from django.contrib.auth.models import AbstractUser
from django.db import models


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
