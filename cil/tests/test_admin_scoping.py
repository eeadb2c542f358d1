"""What a user may grant and pick in the admin (cil/permissions.py), predicate by predicate.

Actors: EPCI staff of Val, EPCI staff of Mont, an agent of Val (no admin rights), a platform administrator by
role (not superuser) and a superuser. Organisations: Val's own landlord and holder, Mont's, and a landlord and a
holder working in both territories.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cil import permissions
from cil.models import Bailleur, Commune, Epci, Guichet, Membership, Quartier, Reservataire, TauxLegal
from core.models import User
from core.roles import Role

pytestmark = pytest.mark.django_db


def _reservataire(code, *epcis):
    r = Reservataire.objects.create(type=Reservataire.Type.AUTRE, code=code, nom=f"Réservataire {code}")
    r.epcis.set(epcis)
    return r


def _bailleur(siren, nom, *epcis):
    b = Bailleur.objects.create(siren=siren, nom=nom)
    b.epcis.set(epcis)
    return b


class Monde:
    def __init__(self):
        self.val = Epci.objects.create(siren="200000172", nom="CA du Val", type=Epci.Type.CA)
        self.mont = Epci.objects.create(siren="200000180", nom="CC du Mont", type=Epci.Type.CC)
        self.commune_val = Commune.objects.create(code_insee="01001", nom="Valville", departement="01", epci=self.val)
        self.commune_mont = Commune.objects.create(
            code_insee="02001", nom="Montville", departement="02", epci=self.mont
        )
        self.bailleur_val = _bailleur("552100554", "Habitat du Val", self.val)
        self.bailleur_mont = _bailleur("542065479", "Logis du Mont", self.mont)
        self.bailleur_commun = _bailleur("732829320", "Régional Habitat", self.val, self.mont)
        self.reservataire_val = _reservataire("V1", self.val)
        self.reservataire_mont = _reservataire("M1", self.mont)
        self.reservataire_commun = _reservataire("C1", self.val, self.mont)
        g = {"niveau": Guichet.Niveau.NIVEAU_2, "adresse": "1 place"}
        self.guichet_val = Guichet.objects.create(epci=self.val, nom="Accueil Val", commune=self.commune_val, **g)
        self.guichet_mont = Guichet.objects.create(epci=self.mont, nom="Accueil Mont", commune=self.commune_mont, **g)

        self.epci_val = self._user("epci_val", Role.EPCI, self.val, is_staff=True)
        self.epci_mont = self._user("epci_mont", Role.EPCI, self.mont, is_staff=True)
        self.agent_val = self._user("agent_val", Role.AGENT_ACCUEIL, self.val, guichet=self.guichet_val)
        self.membre_val = self._user("membre_val", Role.MEMBRE_CIL, self.val)
        self.agent_mont = self._user("agent_mont", Role.AGENT_ACCUEIL, self.mont, guichet=self.guichet_mont)
        # a person of both territories (a landlord's employee working in Val and Mont)
        self.bailleur_deux = self._user("bailleur_deux", Role.BAILLEUR, self.val, bailleur=self.bailleur_commun)
        Membership.objects.create(user=self.bailleur_deux, role=Role.BAILLEUR, epci=self.mont,
                                  bailleur=self.bailleur_commun)  # fmt: skip
        # a past membership in Mont still makes the account Mont's too
        self.ancien_mont = self._user("ancien_mont", Role.MEMBRE_CIL, self.val)
        Membership.objects.create(user=self.ancien_mont, role=Role.MEMBRE_CIL, epci=self.mont,
                                  date_fin=dt.date(2020, 1, 1))  # fmt: skip
        self.orphelin = User.objects.create_user(username="orphelin")
        self.staff_val = self._user("staff_val", Role.MEMBRE_CIL, self.val, is_staff=True)
        self.admin = self._user("admin", Role.ADMINISTRATEUR, self.val, is_staff=True)
        self.superuser = User.objects.create_superuser(username="root", password="x")

    @staticmethod
    def _user(username, role, epci, is_staff=False, **org):
        user = User.objects.create_user(username=username, is_staff=is_staff)
        Membership.objects.create(user=user, role=role, epci=epci, **org)
        return user


@pytest.fixture
def m():
    return Monde()


def test_roles_grantable(m):
    assert set(permissions.roles_grantable(m.superuser)) == set(Role.values)
    territoire = {Role.AGENT_ACCUEIL, Role.BAILLEUR, Role.RESERVATAIRE, Role.EPCI, Role.MEMBRE_CIL}
    assert set(permissions.roles_grantable(m.admin)) == territoire  # an administrator by role makes no other
    assert set(permissions.roles_grantable(m.epci_val)) == territoire
    assert Role.ADMINISTRATEUR not in permissions.roles_grantable(m.epci_val)
    assert permissions.roles_grantable(m.agent_val) == []
    assert permissions.roles_grantable(m.staff_val) == []  # staff without the EPCI role grant nothing


def test_epcis_et_guichets_grantable(m):
    assert set(permissions.epcis_grantable(m.epci_val)) == {m.val}
    assert set(permissions.epcis_grantable(m.epci_mont)) == {m.mont}
    assert set(permissions.epcis_grantable(m.admin)) == {m.val, m.mont}
    assert not permissions.epcis_grantable(m.agent_val).exists()
    assert set(permissions.guichets_grantable(m.epci_val)) == {m.guichet_val}
    assert set(permissions.guichets_grantable(m.admin)) == {m.guichet_val, m.guichet_mont}
    assert not permissions.guichets_grantable(m.membre_val).exists()


def test_organisations_grantable_seulement_si_entierement_dans_le_territoire(m):
    assert set(permissions.bailleurs_grantable(m.epci_val)) == {m.bailleur_val}
    assert set(permissions.bailleurs_grantable(m.epci_mont)) == {m.bailleur_mont}
    assert set(permissions.bailleurs_grantable(m.admin)) == {m.bailleur_val, m.bailleur_mont, m.bailleur_commun}
    assert set(permissions.reservataires_grantable(m.epci_val)) == {m.reservataire_val}
    assert not permissions.reservataires_grantable(m.agent_val).exists()
    # an organisation of no territory is nobody's to give but the administrator's
    sans = _bailleur("356000000", "Sans territoire")
    assert sans not in permissions.bailleurs_grantable(m.epci_val)
    assert sans in permissions.bailleurs_grantable(m.admin)


def test_users_manageable(m):
    geres = set(permissions.users_manageable(m.epci_val))
    assert geres == {m.agent_val, m.membre_val}
    # never: oneself, another territory's people, a person of two territories (even by a past membership),
    # an account of no territory, a staff account, an administrator, a superuser
    assert not geres & {m.epci_val, m.agent_mont, m.bailleur_deux, m.ancien_mont, m.orphelin, m.staff_val, m.admin,
                        m.superuser, m.epci_mont}  # fmt: skip
    assert set(permissions.users_manageable(m.epci_mont)) == {m.agent_mont}
    par_admin = set(permissions.users_manageable(m.admin))
    assert {m.agent_val, m.agent_mont, m.bailleur_deux, m.orphelin} <= par_admin
    assert not par_admin & {m.admin, m.superuser, m.staff_val, m.epci_val}
    assert set(permissions.users_manageable(m.superuser)) == set(User.objects.all())
    assert not permissions.users_manageable(m.agent_val).exists()
    assert permissions.can_manage_user(m.epci_val, m.agent_val)
    assert not permissions.can_manage_user(m.epci_val, m.agent_mont)
    m.epci_val.is_active = False
    m.epci_val.save()
    assert not permissions.users_manageable(m.epci_val).exists()


def test_memberships_manageable(m):
    visibles = set(permissions.memberships_manageable(m.epci_val).values_list("user__username", flat=True))
    assert visibles == {"agent_val", "membre_val"}
    assert not permissions.memberships_manageable(m.epci_val).filter(user=m.epci_val).exists()
    assert not permissions.memberships_manageable(m.admin).filter(role=Role.ADMINISTRATEUR).exists()
    assert permissions.memberships_manageable(m.superuser).count() == Membership.objects.count()


@pytest.mark.parametrize(
    ("attaque", "champ"),
    [
        ({"role": Role.ADMINISTRATEUR}, "role"),
        ({"user": "epci_val"}, "user"),
        ({"user": "agent_mont"}, "user"),
        ({"user": "bailleur_deux"}, "user"),
        ({"user": "orphelin"}, "user"),
        ({"epci": "mont"}, "epci"),
        ({"role": Role.AGENT_ACCUEIL, "guichet": "guichet_mont"}, "guichet"),
        ({"role": Role.BAILLEUR, "bailleur": "bailleur_mont"}, "bailleur"),
        ({"role": Role.BAILLEUR, "bailleur": "bailleur_commun"}, "bailleur"),
        ({"role": Role.RESERVATAIRE, "reservataire": "reservataire_mont"}, "reservataire"),
        ({"role": Role.RESERVATAIRE, "reservataire": "reservataire_commun"}, "reservataire"),
        ({"role": Role.MEMBRE_CIL, "guichet": "guichet_val"}, "guichet"),  # an organisation foreign to the role
    ],
)
def test_grant_errors_refuse(m, attaque, champ):
    valeurs = {"user": "membre_val", "role": Role.MEMBRE_CIL, "epci": "val"} | attaque
    membership = Membership(
        user=getattr(m, valeurs["user"]),
        role=valeurs["role"],
        epci=getattr(m, valeurs["epci"]),
        **{k: getattr(m, valeurs[k]) for k in ("guichet", "bailleur", "reservataire") if k in valeurs},
    )
    erreurs = permissions.grant_errors(m.epci_val, membership)
    assert champ in erreurs, erreurs
    assert permissions.grant_errors(m.superuser, membership) == {}


@pytest.mark.parametrize(
    "organisation",
    [
        {"role": Role.AGENT_ACCUEIL, "guichet": "guichet_val"},
        {"role": Role.BAILLEUR, "bailleur": "bailleur_val"},
        {"role": Role.RESERVATAIRE, "reservataire": "reservataire_val"},
        {"role": Role.MEMBRE_CIL},
        {"role": Role.EPCI},
    ],
)
def test_grant_errors_accepte_dans_son_territoire(m, organisation):
    org = {k: getattr(m, v) for k, v in organisation.items() if k != "role"}
    membership = Membership(user=m.agent_val, role=organisation["role"], epci=m.val, **org)
    assert permissions.grant_errors(m.epci_val, membership) == {}
    # a brand-new account, created on its own page, may receive it too
    assert permissions.grant_errors(m.epci_val, Membership(role=organisation["role"], epci=m.val, **org),
                                    compte=User(username="nouveau")) == {}  # fmt: skip
    # Mont's staff may not give it
    assert permissions.grant_errors(m.epci_mont, membership)


def test_admin_choices(m):
    assert set(permissions.admin_choices(m.epci_val, Epci)) == {m.val}
    assert set(permissions.admin_choices(m.epci_val, Commune)) == {m.commune_val}
    assert set(permissions.admin_choices(m.epci_val, Bailleur)) == {m.bailleur_val, m.bailleur_commun}
    assert set(permissions.admin_choices(m.epci_val, Reservataire)) == {m.reservataire_val, m.reservataire_commun}
    assert set(permissions.admin_choices(m.epci_val, User)) == {m.agent_val, m.membre_val}
    q = Quartier.objects.create(epci=m.mont, nom="Centre", type=Quartier.Type.VEILLE, commune=m.commune_mont)
    assert q not in permissions.admin_choices(m.epci_val, Quartier)
    assert q in permissions.admin_choices(m.epci_mont, Quartier)
    # a model with no territory cannot be picked by EPCI staff, only by an administrator
    TauxLegal.objects.create(objectif="HORS_QPV", taux="0.25", date_debut=dt.date(2024, 1, 1), source="L. 441-1")
    assert not permissions.admin_choices(m.epci_val, TauxLegal).exists()
    assert permissions.admin_choices(m.admin, TauxLegal).count() == TauxLegal.objects.count() > 0
    # the administrator by role picks any row, but accounts only among those they manage
    assert set(permissions.admin_choices(m.admin, Epci)) == {m.val, m.mont}
    assert m.superuser not in permissions.admin_choices(m.admin, User)


def test_groupe_personnel_epci_cree_apres_migrate():
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from cil.services import GROUPE_PERSONNEL_EPCI, groupe_personnel_epci

    Group.objects.filter(name=GROUPE_PERSONNEL_EPCI).delete()
    call_command("migrate", verbosity=0)  # nothing to apply: its post_migrate still brings the group back
    groupe = Group.objects.get(name=GROUPE_PERSONNEL_EPCI)
    codenames = set(groupe.permissions.values_list("content_type__app_label", "codename"))
    assert ("cil", "add_membership") in codenames and ("core", "add_user") in codenames
    assert ("core", "delete_user") not in codenames
    assert ("cil", "change_bailleur") not in codenames and ("cil", "view_bailleur") in codenames
    assert groupe_personnel_epci() == groupe and groupe.permissions.count() == len(codenames)
