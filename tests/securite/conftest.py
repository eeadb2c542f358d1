"""The hostile test suite's world (``monde_hostile``): three territories, every role in each, and a sensitive
demand in each.

Each territory (Val, Mont, Lac) has a commune, a landlord, a reservation holder, a registering reception
point and one user per role; the platform has an administrator by role (staff, not superuser) and a
superuser. Every territory holds one demand registered at its reception point with a domestic-violence
reason and the matching priority criterion, so that every channel can be checked for leaks.

Tests in this folder act as an attacker would: a user of one territory (or organisation) tries to read,
change or grant what belongs to another, through pages, the API, the admin, imports and exports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from cil.models import Bailleur, Commune, Epci, Guichet, Membership, Reservataire
from core.models import User
from core.roles import Role

PASSWORD = "mot-de-passe-hostile-2026"

# Role name in the tests -> membership role
ROLES = {
    "agent": Role.AGENT_ACCUEIL,
    "bailleur": Role.BAILLEUR,
    "reservataire": Role.RESERVATAIRE,
    "epci": Role.EPCI,
    "membre": Role.MEMBRE_CIL,
}


@dataclass
class Territoire:
    code: str
    epci: Epci
    commune: Commune
    bailleur: Bailleur
    reservataire: Reservataire
    guichet: Guichet
    users: dict[str, User] = field(default_factory=dict)
    demande: object = None

    def __getitem__(self, role: str) -> User:
        return self.users[role]


@dataclass
class MondeHostile:
    val: Territoire
    mont: Territoire
    lac: Territoire
    admin: User  # platform administrator by role (is_staff, not superuser)
    superuser: User

    @property
    def territoires(self) -> list[Territoire]:
        return [self.val, self.mont, self.lac]

    def autres(self, territoire: Territoire) -> list[Territoire]:
        return [t for t in self.territoires if t is not territoire]


def _user(username: str, **fields) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, first_name=username.split("_")[0].title(), **fields
    )


def _territoire(code: str, siren: str, nom: str, insee: str, commune: str, bailleur_siren: str) -> Territoire:
    epci = Epci.objects.create(siren=siren, nom=nom, type=Epci.Type.CA)
    c = Commune.objects.create(code_insee=insee, nom=commune, departement=insee[:2], epci=epci)
    bailleur = Bailleur.objects.create(siren=bailleur_siren, nom=f"Habitat {commune}")
    bailleur.epcis.add(epci)
    reservataire = Reservataire.objects.create(
        type=Reservataire.Type.COMMUNE, code=insee, nom=f"Ville de {commune}", commune=c
    )
    reservataire.epcis.add(epci)
    guichet = Guichet.objects.create(
        epci=epci,
        nom=f"Maison de l'habitat de {commune}",
        niveau=Guichet.Niveau.NIVEAU_2,
        enregistreur=True,
        adresse="1 place de la Mairie",
        commune=c,
    )
    t = Territoire(code=code, epci=epci, commune=c, bailleur=bailleur, reservataire=reservataire, guichet=guichet)
    organisation = {"agent": {"guichet": guichet}, "bailleur": {"bailleur": bailleur}}
    organisation["reservataire"] = {"reservataire": reservataire}
    for name, role in ROLES.items():
        user = _user(f"{name}_{code}", is_staff=(name == "epci"))
        Membership.objects.create(user=user, role=role, epci=epci, **organisation.get(name, {}))
        t.users[name] = user
    return t


def _groupe_personnel_epci():
    """The Django permissions EPCI staff get in the admin, as the demo grants them."""
    from cil.services import groupe_personnel_epci as groupe

    return groupe()


def _demande_sensible(t: Territoire):
    from demandes import services
    from demandes.models import Demande
    from demandes.tests.factories import creer_demande

    demande = creer_demande(
        t.guichet,
        acteur=t["agent"],
        nom=f"Secret{t.code.title()}",
        motifs=[Demande.Motif.VIOLENCES],
        date_depot=dt.date.today() - dt.timedelta(days=30),
    )
    services.reconnaitre_priorite(
        demande,
        critere="VIOLENCES_COUPLE",
        source="GUICHET",
        reconnu_le=dt.date.today() - dt.timedelta(days=10),
        acteur=t["agent"],
    )
    return demande


@pytest.fixture
def monde_hostile(db, stockage_prive) -> MondeHostile:
    val = _territoire("val", "200000172", "CA du Val", "01001", "Valville", "552100554")
    mont = _territoire("mont", "200000180", "CC du Mont", "02001", "Montville", "542065479")
    lac = _territoire("lac", "200000198", "CA du Lac", "03001", "Lacville", "732829320")
    groupe = _groupe_personnel_epci()
    for t in (val, mont, lac):
        t["epci"].groups.add(groupe)
        t.demande = _demande_sensible(t)
    admin = _user("admin_plateforme", is_staff=True)
    Membership.objects.create(user=admin, role=Role.ADMINISTRATEUR, epci=val.epci)
    superuser = User.objects.create_superuser(username="superuser", password=PASSWORD)
    return MondeHostile(val=val, mont=mont, lac=lac, admin=admin, superuser=superuser)


def connecte(client, user):
    client.force_login(user)
    return client


# --- GDPR (tests/securite/test_rgpd.py) ------------------------------------------------------------


@pytest.fixture
def dpo(monde_hostile) -> dict[str, User]:
    """One data protection officer per territory (role DPO), keyed by the territory's code."""
    officers = {}
    for t in monde_hostile.territoires:
        user = _user(f"dpo_{t.code}")
        Membership.objects.create(user=user, role=Role.DPO, epci=t.epci)
        officers[t.code] = user
    return officers
