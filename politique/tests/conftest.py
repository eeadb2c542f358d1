"""A small territory with allocations, its people (EPCI staff, CIL member, landlord, reservation holder, reception
agent) and an outsider of another territory, for the policy-document tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from attributions.services import import_attributions
from attributions.tests.conftest import fichier_f1, ligne_f1, territoire  # noqa: F401  (fixture)
from cil.models import Bailleur, Guichet, Membership, Reservataire
from core.models import User
from core.roles import Role

BAILLEUR = "552081317"


def lignes_2025() -> list[dict]:
    """Ten allocations of 2025 for the landlord BAILLEUR: 4 to priority households (40 %), 6 outside QPV in Q1."""
    lignes = []
    for i in range(10):
        lignes.append(
            ligne_f1(
                numero_unique=f"0382510{i:05d}",
                logement_id=f"L{i:04d}",
                prioritaire=int(i < 4),
                ressources_mensuelles="800" if i < 6 else "3000",
                mutation=int(i == 9),
            )
        )
    return lignes


@pytest.fixture
def monde(territoire):  # noqa: F811
    import_attributions(contenu=fichier_f1(lignes_2025()), nom_fichier="r.csv", recalculer=False)
    epci, autre = territoire["epci"], territoire["autre_epci"]
    bailleur = Bailleur.objects.get(siren=BAILLEUR)
    bailleur.epcis.add(epci)
    action_logement = Reservataire.objects.get(type="ACTION_LOGEMENT")
    action_logement.epcis.add(epci)
    guichet = Guichet.objects.create(
        epci=epci, nom="Accueil", niveau=2, adresse="1 rue", commune=territoire["communes"]["38185"]
    )
    users = {}
    for nom, role, org, e in [
        ("epci", Role.EPCI, {}, epci),
        ("membre", Role.MEMBRE_CIL, {}, epci),
        ("bailleur", Role.BAILLEUR, {"bailleur": bailleur}, epci),
        ("reservataire", Role.RESERVATAIRE, {"reservataire": action_logement}, epci),
        ("agent", Role.AGENT_ACCUEIL, {"guichet": guichet}, epci),
        ("etranger", Role.EPCI, {}, autre),
    ]:
        user = User.objects.create_user(username=nom, password="x", first_name=nom.title())
        Membership.objects.create(user=user, role=role, epci=e, **org)
        users[nom] = user
    return {**territoire, "bailleur": bailleur, "action_logement": action_logement, "users": users}


def adopter_cia(monde, *, vigueur=dt.date(2021, 3, 1)):
    """A CIA with one orientation, objective and action, adopted, approved and in force."""
    from politique import services
    from politique.rules import Transition as T

    acteur = monde["users"]["epci"]
    document = services.creer_document(epci=monde["epci"], acteur=acteur, type="CIA", titre="CIA de la Métropole")
    version = document.versions.get()
    orientation = services.ajouter_orientation(version, acteur=acteur, numero=1, intitule="Mixité sociale")
    objectif = services.ajouter_objectif(orientation, acteur=acteur, numero=1, intitule="Objectifs légaux")
    action = services.ajouter_action(
        objectif, acteur=acteur, intitule="Prioritaires chez le bailleur", pilote="Bailleur"
    )
    services.ajouter_jalon(action, acteur=acteur, libelle="Plan d'action", echeance=dt.date(2021, 9, 1))
    services.ajouter_indicateur(action, acteur=acteur, libelle="Prioritaires du bailleur", nature="OBJECTIF_C",
                                bailleur=monde["bailleur"], valeur_cible=Decimal("0.425"), annee=2025)  # fmt: skip
    services.changer_statut(version, acteur=acteur, action=T.SOUMETTRE)
    services.changer_statut(version, acteur=acteur, action=T.ADOPTER, date=dt.date(2020, 12, 1),
                            deliberation_reference="Délibération n° 2020-12-01")  # fmt: skip
    services.changer_statut(version, acteur=acteur, action=T.APPROUVER, date=dt.date(2021, 2, 22))
    services.changer_statut(version, acteur=acteur, action=T.METTRE_EN_VIGUEUR, date=vigueur)
    version.refresh_from_db()
    return version
