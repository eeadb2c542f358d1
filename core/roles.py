"""The roles a user holds in an organisation."""

from django.db import models


class Role(models.TextChoices):
    AGENT_ACCUEIL = "AGENT_ACCUEIL", "Agent d'accueil (guichet)"
    BAILLEUR = "BAILLEUR", "Personnel d'un bailleur"
    RESERVATAIRE = "RESERVATAIRE", "Personnel d'un réservataire"
    EPCI = "EPCI", "Personnel de l'EPCI (secrétariat de la CIL)"
    MEMBRE_CIL = "MEMBRE_CIL", "Membre de la CIL"
    ADMINISTRATEUR = "ADMINISTRATEUR", "Administrateur de la plateforme"
    DPO = "DPO", "Délégué(e) à la protection des données"
