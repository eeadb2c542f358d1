"""Actors of the demand tests: two reception points of one territory, its EPCI staff, a landlord,
a CIL member, an outsider territory's agent and a platform admin."""

from dataclasses import dataclass

import pytest

from cil.models import Bailleur, Commune, Epci, Guichet, Membership, Reservataire
from core.models import User
from core.roles import Role

from .factories import CommuneFactory, EpciFactory, GuichetFactory, creer_demande

PASSWORD = "mot-de-passe-de-test-2026"


@dataclass
class Monde:
    epci: Epci
    commune: Commune
    guichet: Guichet
    guichet2: Guichet
    autre_epci: Epci
    guichet_autre: Guichet
    bailleur: Bailleur
    reservataire: Reservataire
    agent: User
    agent2: User
    staff: User
    bailleur_user: User
    reservataire_user: User
    membre_cil: User
    outsider: User
    outsider_bailleur: User
    admin: User


def _user(username, **kwargs):
    return User.objects.create_user(username=username, password=PASSWORD, first_name=username.title(), **kwargs)


@pytest.fixture
def monde(db) -> Monde:
    epci = EpciFactory()
    commune = CommuneFactory(epci=epci)
    CommuneFactory(code_insee="38421", nom="Saint-Martin-d'Hères", epci=epci)
    guichet = GuichetFactory(epci=epci, commune=commune, nom="Maison de l'habitat de Grenoble")
    guichet2 = GuichetFactory(epci=epci, commune=commune, nom="CCAS d'Échirolles")
    autre = EpciFactory(siren="243800604", nom="CA du Pays Voironnais", type=Epci.Type.CA)
    commune_autre = CommuneFactory(code_insee="38563", nom="Voiron", epci=autre)
    guichet_autre = GuichetFactory(epci=autre, commune=commune_autre, nom="Guichet de Voiron")
    bailleur = Bailleur.objects.create(siren="552100554", nom="Alpes Habitat Test")
    bailleur.epcis.add(epci)
    reservataire = Reservataire.objects.create(type=Reservataire.Type.ACTION_LOGEMENT, nom="Action Logement")
    autre_bailleur = Bailleur.objects.create(siren="732829320", nom="Voironnais Habitat")
    users = {}
    for name, role, kw, e in [
        ("agent", Role.AGENT_ACCUEIL, {"guichet": guichet}, epci),
        ("agent2", Role.AGENT_ACCUEIL, {"guichet": guichet2}, epci),
        ("staff", Role.EPCI, {}, epci),
        ("bailleur_user", Role.BAILLEUR, {"bailleur": bailleur}, epci),
        ("reservataire_user", Role.RESERVATAIRE, {"reservataire": reservataire}, epci),
        ("membre_cil", Role.MEMBRE_CIL, {}, epci),
        ("outsider", Role.AGENT_ACCUEIL, {"guichet": guichet_autre}, autre),
        ("outsider_bailleur", Role.BAILLEUR, {"bailleur": autre_bailleur}, autre),
    ]:
        users[name] = _user(name.replace("_", "."))
        Membership.objects.create(user=users[name], role=role, epci=e, **kw)
    admin = User.objects.create_superuser(username="admin", password=PASSWORD)
    return Monde(
        epci=epci,
        commune=commune,
        guichet=guichet,
        guichet2=guichet2,
        autre_epci=autre,
        guichet_autre=guichet_autre,
        bailleur=bailleur,
        reservataire=reservataire,
        admin=admin,
        **users,
    )


@pytest.fixture
def demande(monde):
    return creer_demande(monde.guichet, acteur=monde.agent)


@pytest.fixture(autouse=True)
def _stockage_prive(stockage_prive):
    return stockage_prive


def connecte(client, user):
    client.force_login(user)
    return client
