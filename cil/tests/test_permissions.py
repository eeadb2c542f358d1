"""Scoping and predicates of cil/permissions.py, with actors from the owner organisation, a partner,
an outsider from another territory and an administrator."""

import datetime as dt

import pytest

from cil.models import Bailleur, Commune, Epci, Guichet, Membership, Reservataire
from cil.permissions import (
    bailleurs_for_user,
    can_manage_territory,
    can_view_bailleur_figures,
    can_view_reservataire_figures,
    can_view_territory_figures,
    epcis_for_user,
    scope_for,
)
from core.models import User
from core.roles import Role

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
YESTERDAY = TODAY - dt.timedelta(days=1)
TOMORROW = TODAY + dt.timedelta(days=1)


class Territory:
    """Two territories: Val (with a landlord, a reservation holder and a reception point) and Mont."""

    def __init__(self):
        self.val = Epci.objects.create(siren="200000172", nom="CA du Val", type=Epci.Type.CA)
        self.mont = Epci.objects.create(siren="200000180", nom="CC du Mont", type=Epci.Type.CC)
        self.commune_val = Commune.objects.create(code_insee="01001", nom="Valville", departement="01", epci=self.val)
        self.commune_mont = Commune.objects.create(
            code_insee="02001", nom="Montville", departement="02", epci=self.mont
        )
        self.bailleur_val = Bailleur.objects.create(siren="552100554", nom="Habitat du Val")
        self.bailleur_val.epcis.add(self.val)
        self.bailleur_mont = Bailleur.objects.create(siren="542065479", nom="Logis du Mont")
        self.bailleur_mont.epcis.add(self.mont)
        self.reservataire_val = Reservataire.objects.create(
            type=Reservataire.Type.COMMUNE, code="01001", nom="Ville de Valville", commune=self.commune_val
        )
        self.reservataire_val.epcis.add(self.val)
        self.reservataire_mont = Reservataire.objects.create(
            type=Reservataire.Type.COMMUNE, code="02001", nom="Ville de Montville", commune=self.commune_mont
        )
        self.reservataire_mont.epcis.add(self.mont)
        self.guichet_val = Guichet.objects.create(
            epci=self.val,
            nom="Maison de l'habitat",
            niveau=Guichet.Niveau.NIVEAU_2,
            adresse="1 place de la Mairie",
            commune=self.commune_val,
        )

    def user(self, username: str, *memberships: dict, **fields) -> User:
        user = User.objects.create_user(username=username, password="x", **fields)
        for membership in memberships:
            Membership.objects.create(user=user, **membership)
        return user


@pytest.fixture
def t():
    return Territory()


@pytest.fixture
def actors(t):
    """Owner (EPCI staff of Val), CIL member, partners (landlord, reservation holder, reception agent),
    outsider (EPCI staff of Mont), administrator (role) and superuser."""
    return {
        "epci_val": t.user("epci_val", {"role": Role.EPCI, "epci": t.val}),
        "membre_val": t.user("membre_val", {"role": Role.MEMBRE_CIL, "epci": t.val}),
        "bailleur_val": t.user("bailleur_val", {"role": Role.BAILLEUR, "epci": t.val, "bailleur": t.bailleur_val}),
        "reservataire_val": t.user(
            "reservataire_val", {"role": Role.RESERVATAIRE, "epci": t.val, "reservataire": t.reservataire_val}
        ),
        "agent_val": t.user("agent_val", {"role": Role.AGENT_ACCUEIL, "epci": t.val, "guichet": t.guichet_val}),
        "epci_mont": t.user("epci_mont", {"role": Role.EPCI, "epci": t.mont}),
        "admin": t.user("admin_plateforme", {"role": Role.ADMINISTRATEUR, "epci": t.mont}),
        "superuser": User.objects.create_superuser(username="root", password="x"),
        "sans_rattachement": t.user("sans_rattachement"),
    }


def fresh(user: User) -> User:
    """The scope is cached on the user instance: reload to see membership changes."""
    return User.objects.get(pk=user.pk)


# --------------------------------------------------------------------------- scope_for


def test_scope_of_epci_staff(t, actors):
    scope = scope_for(actors["epci_val"])
    assert not scope.admin
    assert scope.epci_staff == {t.val.pk}
    assert scope.epci_lecture == {t.val.pk}
    assert scope.epci_tous == {t.val.pk}
    assert scope.bailleurs == scope.reservataires == scope.guichets == frozenset()
    assert scope.roles == {Role.EPCI}
    assert not scope.anonyme


def test_scope_of_partners(t, actors):
    bailleur = scope_for(actors["bailleur_val"])
    assert bailleur.bailleurs == {t.bailleur_val.pk}
    assert bailleur.epci_staff == bailleur.epci_lecture == frozenset()
    assert bailleur.epci_tous == {t.val.pk}

    reservataire = scope_for(actors["reservataire_val"])
    assert reservataire.reservataires == {t.reservataire_val.pk}
    assert reservataire.bailleurs == frozenset()

    agent = scope_for(actors["agent_val"])
    assert agent.guichets == {t.guichet_val.pk}
    assert agent.epci_lecture == frozenset()

    membre = scope_for(actors["membre_val"])
    assert membre.epci_lecture == {t.val.pk}
    assert membre.epci_staff == frozenset()


def test_scope_of_admins(actors):
    assert scope_for(actors["admin"]).admin
    assert scope_for(actors["superuser"]).admin
    assert not scope_for(actors["epci_val"]).admin


def test_scope_of_anonymous_inactive_and_unattached_users(actors):
    from django.contrib.auth.models import AnonymousUser

    assert scope_for(None).anonyme
    assert scope_for(AnonymousUser()).anonyme
    assert scope_for(actors["sans_rattachement"]).anonyme
    inactive = actors["epci_val"]
    inactive.is_active = False
    inactive.save()
    assert scope_for(fresh(inactive)) == scope_for(None)


def test_scope_combines_several_memberships(t):
    user = t.user(
        "double",
        {"role": Role.BAILLEUR, "epci": t.val, "bailleur": t.bailleur_val},
        {"role": Role.MEMBRE_CIL, "epci": t.mont},
    )
    scope = scope_for(user)
    assert scope.bailleurs == {t.bailleur_val.pk}
    assert scope.epci_lecture == {t.mont.pk}
    assert scope.epci_tous == {t.val.pk, t.mont.pk}
    assert scope.roles == {Role.BAILLEUR, Role.MEMBRE_CIL}


# --------------------------------------------------------------------------- membership dates


@pytest.mark.parametrize(
    ("date_debut", "date_fin", "active"),
    [
        (None, None, True),
        (None, YESTERDAY, False),  # ended
        (YESTERDAY - dt.timedelta(days=365), YESTERDAY, False),  # ended
        (None, TODAY, True),  # last day still counts
        (TODAY, None, True),  # first day counts
        (TOMORROW, None, False),  # not started yet
        (YESTERDAY, TOMORROW, True),
    ],
)
def test_membership_dates_bound_the_rights(t, date_debut, date_fin, active):
    user = t.user("dates", {"role": Role.EPCI, "epci": t.val, "date_debut": date_debut, "date_fin": date_fin})
    assert can_manage_territory(user, t.val) is active
    assert can_view_territory_figures(user, t.val) is active
    assert can_view_bailleur_figures(user, t.bailleur_val) is active
    assert (t.val in epcis_for_user(user)) is active
    assert scope_for(user).anonyme is not active


def test_ended_partner_and_admin_memberships_give_nothing(t):
    bailleur = t.user(
        "ancien_bailleur", {"role": Role.BAILLEUR, "epci": t.val, "bailleur": t.bailleur_val, "date_fin": YESTERDAY}
    )
    reservataire = t.user(
        "ancien_reservataire",
        {"role": Role.RESERVATAIRE, "epci": t.val, "reservataire": t.reservataire_val, "date_fin": YESTERDAY},
    )
    admin = t.user("ancien_admin", {"role": Role.ADMINISTRATEUR, "epci": t.val, "date_fin": YESTERDAY})
    assert not can_view_bailleur_figures(bailleur, t.bailleur_val)
    assert not can_view_reservataire_figures(reservataire, t.reservataire_val)
    assert not scope_for(admin).admin
    assert not can_manage_territory(admin, t.mont)
    for user in (bailleur, reservataire, admin):
        assert not epcis_for_user(user).exists()


def test_a_membership_ending_removes_the_rights(t, actors):
    user = actors["epci_val"]
    assert can_manage_territory(user, t.val)
    Membership.objects.filter(user=user).update(date_fin=YESTERDAY)
    assert not can_manage_territory(fresh(user), t.val)


# --------------------------------------------------------------------------- querysets


def test_epcis_for_user(t, actors):
    assert list(epcis_for_user(actors["epci_val"])) == [t.val]
    assert list(epcis_for_user(actors["bailleur_val"])) == [t.val]
    assert list(epcis_for_user(actors["agent_val"])) == [t.val]
    assert list(epcis_for_user(actors["epci_mont"])) == [t.mont]
    assert set(epcis_for_user(actors["admin"])) == {t.val, t.mont}
    assert set(epcis_for_user(actors["superuser"])) == {t.val, t.mont}
    assert not epcis_for_user(actors["sans_rattachement"]).exists()


def test_epcis_for_user_narrows_a_given_queryset(t, actors):
    only_mont = Epci.objects.filter(pk=t.mont.pk)
    assert not epcis_for_user(actors["epci_val"], only_mont).exists()
    assert list(epcis_for_user(actors["admin"], only_mont)) == [t.mont]


def test_bailleurs_for_user(t, actors):
    assert list(bailleurs_for_user(actors["epci_val"])) == [t.bailleur_val]
    assert list(bailleurs_for_user(actors["reservataire_val"])) == [t.bailleur_val]
    assert list(bailleurs_for_user(actors["epci_mont"])) == [t.bailleur_mont]
    assert set(bailleurs_for_user(actors["admin"])) == {t.bailleur_val, t.bailleur_mont}
    assert not bailleurs_for_user(actors["sans_rattachement"]).exists()


# --------------------------------------------------------------------------- predicates

# Expected answers, per actor: manage Val, view Val's figures, view Val's landlord, view Val's reservation
# holder, view Mont's landlord.
EXPECTED = {
    "epci_val": (True, True, True, True, False),
    "membre_val": (False, True, True, True, False),
    "bailleur_val": (False, False, True, False, False),
    "reservataire_val": (False, False, False, True, False),
    "agent_val": (False, False, False, False, False),
    "epci_mont": (False, False, False, False, True),
    "admin": (True, True, True, True, True),
    "superuser": (True, True, True, True, True),
    "sans_rattachement": (False, False, False, False, False),
}


@pytest.mark.parametrize("actor", sorted(EXPECTED))
def test_predicates_per_actor(t, actors, actor):
    user = actors[actor]
    got = (
        can_manage_territory(user, t.val),
        can_view_territory_figures(user, t.val),
        can_view_bailleur_figures(user, t.bailleur_val),
        can_view_reservataire_figures(user, t.reservataire_val),
        can_view_bailleur_figures(user, t.bailleur_mont),
    )
    assert got == EXPECTED[actor]


def test_outsider_sees_nothing_of_the_other_territory(t, actors):
    outsider = actors["epci_mont"]
    assert can_manage_territory(outsider, t.mont)
    assert not can_manage_territory(outsider, t.val)
    assert not can_view_territory_figures(outsider, t.val)
    assert not can_view_reservataire_figures(outsider, t.reservataire_val)
    assert can_view_reservataire_figures(outsider, t.reservataire_mont)


def test_landlord_present_in_two_territories_is_visible_to_both_secretariats(t, actors):
    t.bailleur_mont.epcis.add(t.val)
    assert can_view_bailleur_figures(actors["epci_val"], t.bailleur_mont)
    assert can_view_bailleur_figures(actors["epci_mont"], t.bailleur_mont)
    # but a landlord's staff never see another landlord's figures
    assert not can_view_bailleur_figures(actors["bailleur_val"], t.bailleur_mont)


def test_anonymous_user_has_no_rights(t):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not can_manage_territory(anonymous, t.val)
    assert not can_view_territory_figures(anonymous, t.val)
    assert not can_view_bailleur_figures(anonymous, t.bailleur_val)
    assert not can_view_reservataire_figures(anonymous, t.reservataire_val)
    assert not epcis_for_user(anonymous).exists()
