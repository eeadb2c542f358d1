"""Fixtures of the allocation pages' tests: four imported decisions of two landlords, and one user per role."""

import pytest

from attributions.services import import_attributions
from cil.models import Bailleur, Commune, Guichet, Membership, Reservataire
from core.models import User
from core.roles import Role
from tests.fixtures.f1 import fichier_f1, ligne_f1

BAILLEUR_A = "552081317"
BAILLEUR_B = "779994416"


@pytest.fixture
def donnees(territoire_minimal):
    rows = [
        ligne_f1(numero_unique="1", bailleur_siren=BAILLEUR_A, ressources_mensuelles="800"),
        ligne_f1(numero_unique="2", bailleur_siren=BAILLEUR_A, ressources_mensuelles="3000", logement_id="L2"),
        ligne_f1(
            numero_unique="3",
            bailleur_siren=BAILLEUR_B,
            logement_id="L3",
            reservataire_type="COMMUNE",
            reservataire_id="38185",
            prioritaire="1",
        ),
        ligne_f1(
            numero_unique="4",
            bailleur_siren=BAILLEUR_B,
            logement_id="L4",
            qpv_code="QN03807M",
            ressources_mensuelles="2000",
        ),
    ]
    import_attributions(contenu=fichier_f1(rows), nom_fichier="d.csv", recalculer=False)
    return territoire_minimal


def user_with(role, epci, **orgs):
    user = User.objects.create_user(username=f"u{User.objects.count()}", password="x")
    Membership.objects.create(user=user, role=role, epci=epci, **orgs)
    return user


@pytest.fixture
def acteurs(donnees):
    epci = donnees["epci"]
    autre = donnees["autre_epci"]
    guichet = Guichet.objects.create(
        epci=epci,
        nom="Maison de l'habitat",
        niveau=2,
        adresse="1 rue X",
        commune=Commune.objects.get(code_insee="38185"),
    )
    return {
        "epci": user_with(Role.EPCI, epci),
        "membre": user_with(Role.MEMBRE_CIL, epci),
        "bailleur_a": user_with(Role.BAILLEUR, epci, bailleur=Bailleur.objects.get(siren=BAILLEUR_A)),
        "commune": user_with(
            Role.RESERVATAIRE, epci, reservataire=Reservataire.objects.get(type="COMMUNE", code="38185")
        ),
        "agent": user_with(Role.AGENT_ACCUEIL, epci, guichet=guichet),
        "etranger": user_with(Role.EPCI, autre),
    }
