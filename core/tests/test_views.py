"""The login page and the home page."""

import pytest
from django.urls import reverse

from cil.models import Epci, Membership
from core.models import User
from core.roles import Role

pytestmark = pytest.mark.django_db


def test_login_page_renders_in_french(client):
    response = client.get(reverse("core:login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="fr">' in content
    assert "<h1" in content and "Connexion" in content
    assert 'autocomplete="current-password"' in content


def test_home_requires_login(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('core:login')}?next=/"


def test_bad_credentials_give_a_french_error(client):
    User.objects.create_user(username="agent", password="le-bon-mot-de-passe")
    response = client.post(reverse("core:login"), {"username": "agent", "password": "mauvais"})
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_redirects_to_home_and_lists_memberships(client):
    user = User.objects.create_user(username="secretariat", password="le-bon-mot-de-passe", first_name="Inès")
    epci = Epci.objects.create(siren="200000172", nom="CA du Val")
    Membership.objects.create(user=user, role=Role.EPCI, epci=epci)

    response = client.post(reverse("core:login"), {"username": "secretariat", "password": "le-bon-mot-de-passe"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")

    home = client.get(reverse("core:home")).content.decode()
    assert "Bonjour Inès" in home
    assert "Personnel de l&#x27;EPCI (secrétariat de la CIL)" in home
    assert "CA du Val" in home


def test_home_warns_a_user_without_membership(client):
    user = User.objects.create_user(username="orphelin", password="x")
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert "rattaché à aucune organisation" in response.content.decode()


def test_logout_is_a_post_and_ends_the_session(client):
    user = User.objects.create_user(username="agent", password="x")
    client.force_login(user)
    assert client.get(reverse("core:logout")).status_code == 405
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:login")
    assert client.get(reverse("core:home")).status_code == 302
