"""The demonstration territory and accounts (cil/demo.py, ``seed_demo``), on the real database."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from cil.demo import BAILLEURS, COMPTES, DEMO_PASSWORD, DemoTerritory
from cil.models import Bailleur, Guichet, Membership, Quartier, Reservataire, Secteur
from cil.validators import validate_siren
from core.models import User
from core.roles import Role

pytestmark = pytest.mark.django_db

SEEDER_CALLS: list[DemoTerritory] = []


def recording_seeder(territory: DemoTerritory, *, stdout) -> None:
    """A DEMO_SEEDERS entry used by the tests."""
    SEEDER_CALLS.append(territory)
    Quartier.objects.get_or_create(
        epci=territory.epci,
        nom="Quartier ajouté par un autre module",
        type=Quartier.Type.AUTRE,
        commune=territory.communes["38185"],
    )


def snapshot() -> dict[str, int]:
    models = [User, Membership, Bailleur, Reservataire, Guichet, Quartier, Secteur, Secteur.communes.through]
    return {m.__name__: m.objects.count() for m in models} | {
        "bailleur_epcis": Bailleur.epcis.through.objects.count(),
        "reservataire_epcis": Reservataire.epcis.through.objects.count(),
        "secteur_quartiers": Secteur.quartiers.through.objects.count(),
    }


def test_seed_demo_asks_for_the_reference_data_first():
    with pytest.raises(CommandError, match="import_referentiels"):
        call_command("seed_demo", stdout=StringIO())


def test_seed_demo_accounts_log_in_and_see_their_organisation(referentiels_grenoble, settings):
    # the territory and its six accounts alone: other apps' seeders add their own accounts and data
    settings.DEMO_SEEDERS = []
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    for header in ("Identifiant", "Mot de passe", "Rôle", "Organisation"):
        assert header in text
    assert DEMO_PASSWORD in text
    assert reverse("core:login") in text

    # one account per role, each on the EPCI with the right kind of organisation
    assert sorted(Membership.objects.values_list("role", flat=True)) == sorted(Role.values)
    assert set(COMPTES) == {"agent", "bailleur", "reservataire", "epci", "membre", "admin", "dpo"}
    for username in COMPTES:
        membership = Membership.objects.select_related("epci").get(user__username=username)
        assert membership.epci.siren == "200040715"
        client = Client()
        response = client.post(reverse("core:login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert response.url == reverse("core:home")
        response = client.get(reverse("core:home"))
        assert response.status_code == 200
        assert escape(str(membership.organisation)) in response.content.decode(), username
        assert f"  {username} " in text  # a row of the accounts table

    assert Membership.objects.get(role=Role.AGENT_ACCUEIL).guichet is not None
    assert Membership.objects.get(role=Role.BAILLEUR).bailleur.nom == "Actis"
    assert Membership.objects.get(role=Role.RESERVATAIRE).reservataire.code == "38185"
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    epci_user = User.objects.get(username="epci")
    assert epci_user.is_staff and not epci_user.is_superuser
    assert epci_user.has_perm("cil.change_seuilquartile") and epci_user.has_perm("cil.add_guichet")
    client = Client()
    client.force_login(epci_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Guichets" in response.content.decode()


def test_demo_territory_content_and_idempotence(referentiels_grenoble, settings):
    SEEDER_CALLS.clear()
    settings.DEMO_SEEDERS = ["cil.tests.test_demo.recording_seeder"]
    call_command("seed_demo", stdout=StringIO())
    first = snapshot()
    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == first
    assert len(SEEDER_CALLS) == 2
    territory = SEEDER_CALLS[-1]
    assert territory.epci.siren == "200040715"
    assert territory.random("x").random() == territory.random("x").random()

    # neighbourhoods: every 2024 QPV of the EPCI, plus two watch neighbourhoods
    assert Quartier.objects.filter(type=Quartier.Type.QPV).count() == 10
    assert Quartier.objects.get(qpv__code="QN03807M").commune.code_insee == "38185"
    assert Quartier.objects.filter(type=Quartier.Type.VEILLE).count() == 2
    # sectors cover the 49 communes, each once, with the neighbourhoods of their communes
    secteurs = list(Secteur.objects.filter(epci=territory.epci).prefetch_related("communes", "quartiers"))
    assert 4 <= len(secteurs) <= 5
    placed = [c.code_insee for s in secteurs for c in s.communes.all()]
    assert len(placed) == len(set(placed)) == 49
    grenoble = Secteur.objects.get(nom="Grenoble")
    assert set(grenoble.quartiers.filter(type=Quartier.Type.QPV).values_list("qpv__code", flat=True)) == {
        "QN03806M",
        "QN03807M",
        "QN03808M",
        "QN03809M",
    }

    # organisations
    assert Bailleur.objects.count() == len(BAILLEURS) == 5
    for bailleur in Bailleur.objects.all():
        validate_siren(bailleur.siren)
        assert list(bailleur.epcis.all()) == [territory.epci]
        assert Reservataire.objects.get(type=Reservataire.Type.BAILLEUR, code=bailleur.siren).bailleur == bailleur
    types = set(Reservataire.objects.values_list("type", "code"))
    assert {
        ("ETAT", ""),
        ("ETAT_AGENTS", ""),
        ("ACTION_LOGEMENT", ""),
        ("COMMUNE", "38185"),
        ("COMMUNE", "38151"),
    } <= types
    assert {("EPCI", "200040715"), ("DEPARTEMENT", "38")} <= types
    assert Reservataire.objects.get(type="COMMUNE", code="38151").commune.nom == "Échirolles"
    assert all(list(r.epcis.all()) == [territory.epci] for r in Reservataire.objects.all())
    guichets = Guichet.objects.filter(epci=territory.epci)
    assert 4 <= guichets.count() <= 6
    assert set(guichets.values_list("niveau", flat=True)) == {1, 2, 3}
    assert guichets.filter(enregistreur=True).exists() and guichets.filter(enregistreur=False).exists()
    assert all(g.commune.epci_id == territory.epci.pk and g.horaires and g.adresse for g in guichets)
