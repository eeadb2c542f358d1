"""Accounts under attack: password guessing on every login channel, a stolen password without the second factor,
enrolling one's own device over a victim's, open redirects, idle sessions left open on a shared desk."""

import datetime as dt
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import comptes

from .conftest import PASSWORD, connecte

pytestmark = pytest.mark.django_db


@pytest.fixture
def otp_actif(settings):
    settings.OTP_ROLES_OBLIGATOIRES = ["ADMINISTRATEUR", "EPCI"]
    settings.OTP_ADMIN_OBLIGATOIRE = True
    return settings


def _code(appareil):
    appareil.refresh_from_db()
    return f"{TOTP(appareil.bin_key, appareil.step, appareil.t0, appareil.digits, appareil.drift).token():06d}"


def _pages(monde_hostile):
    return [
        reverse("core:home"),
        reverse("core:compte"),
        reverse("core:password_change"),
        "/demandes/",
        f"/demandes/{monde_hostile.val.demande.pk}/",
        reverse("admin:index"),
        reverse("admin:core_user_changelist"),
        reverse("admin:core_user_change", args=[monde_hostile.val["agent"].pk]),
    ]


def _tentatives(client, url, username, n, **extra):
    return [client.post(url, {"username": username, "password": "devine-2026"}, **extra).status_code for _ in range(n)]


@pytest.mark.parametrize("qui", ["admin", "superuser", "epci_val", "epci_lac"])
def test_sans_second_facteur_aucune_page_ni_l_admin(client, monde_hostile, otp_actif, qui):
    user = {"admin": monde_hostile.admin, "superuser": monde_hostile.superuser}.get(qui) or getattr(
        monde_hostile, qui[5:]
    )["epci"]
    connecte(client, user)
    for url in _pages(monde_hostile):
        r = client.get(url)
        assert r.status_code == 302, url
        assert r["Location"].startswith(reverse("core:second_facteur_activer")), url
    assert client.post(reverse("admin:core_user_changelist"), {}).status_code == 302
    api = client.get("/api/objectifs/", {"epci": monde_hostile.val.epci.siren, "annee": 2026})
    assert api.status_code == 403 and "Second facteur requis" in api.json()["detail"]
    # with a device, the same pages send to the code instead
    TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    client.logout()
    connecte(client, user)
    for url in _pages(monde_hostile):
        assert client.get(url)["Location"].startswith(reverse("core:second_facteur_verifier")), url


def test_le_personnel_admin_sans_role_obligatoire_doit_aussi_verifier_pour_l_admin(client, monde_hostile, otp_actif):
    agent = monde_hostile.val["agent"]
    agent.is_staff = True
    agent.save()
    connecte(client, agent)
    assert client.get(reverse("core:home")).status_code == 200  # optional for a desk agent
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("core:second_facteur_activer"))


def test_un_mot_de_passe_vole_ne_permet_pas_d_enroler_un_autre_appareil(client, monde_hostile, otp_actif):
    victime = monde_hostile.val["epci"]
    appareil = TOTPDevice.objects.create(user=victime, name="téléphone de la victime", confirmed=True)
    assert client.post(reverse("core:login"), {"username": victime.username, "password": PASSWORD}).status_code == 302
    r = client.get(reverse("core:second_facteur_activer"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("core:second_facteur_verifier"))
    assert client.get(reverse("core:second_facteur_qr")).status_code == 404
    r = client.post(reverse("core:second_facteur_activer"), {"code": "123456"})
    assert r.status_code == 302 and r["Location"].startswith(reverse("core:second_facteur_verifier"))
    assert list(TOTPDevice.objects.filter(user=victime)) == [appareil]
    # nor to remove the victim's device
    assert client.post(reverse("core:second_facteur_desactiver")).status_code == 302
    assert TOTPDevice.objects.filter(user=victime).exists()
    assert client.get(reverse("core:home")).status_code == 302


def test_code_faux_refuse_puis_codes_en_rafale_freines(client, monde_hostile, otp_actif):
    user = monde_hostile.admin
    appareil = TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    connecte(client, user)
    url = reverse("core:second_facteur_verifier")
    bon = _code(appareil)
    faux = [f"{(int(bon) + i) % 1000000:06d}" for i in (1, 2, 3)]
    assert "Code incorrect" in client.post(url, {"code": faux[0]}).content.decode()
    for code in (*faux[1:], bon):
        assert "Trop de codes erronés" in client.post(url, {"code": code}).content.decode()
    assert client.get(reverse("admin:index")).status_code == 302
    TOTPDevice.objects.filter(pk=appareil.pk).update(
        throttling_failure_timestamp=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=2)
    )
    assert client.post(url, {"code": bon})["Location"] == reverse("core:home")
    assert client.get(reverse("admin:index")).status_code == 200


def test_pas_de_redirection_ouverte_apres_le_code(client, monde_hostile, otp_actif):
    appareil = TOTPDevice.objects.create(user=monde_hostile.admin, name="téléphone", confirmed=True)
    connecte(client, monde_hostile.admin)
    r = client.post(reverse("core:second_facteur_verifier"), {"code": _code(appareil), "next": "https://evil.example/"})
    assert r["Location"] == reverse("core:home")


@pytest.mark.parametrize("canal", ["formulaire", "admin", "api"])
def test_deviner_le_mot_de_passe_bloque_sur_chaque_canal(client, monde_hostile, settings, canal):
    url = {"formulaire": reverse("core:login"), "admin": reverse("admin:login"), "api": reverse("core:api_session")}
    victime = monde_hostile.val["epci"].username
    codes = _tentatives(client, url[canal], victime, settings.AXES_FAILURE_LIMIT)
    assert codes[-1] == 429 and 429 not in codes[:-1]
    r = client.post(url[canal], {"username": victime, "password": PASSWORD})
    assert r.status_code == 429 and "_auth_user_id" not in client.session
    texte = r.json()["detail"] if canal == "api" else r.content.decode()
    assert "Trop de tentatives de connexion" in texte and "Réessayez dans 15 minutes" in texte


def test_les_echecs_comptent_ensemble_sur_tous_les_canaux(client, monde_hostile, settings):
    victime = monde_hostile.val["agent"].username
    n = settings.AXES_FAILURE_LIMIT
    _tentatives(client, reverse("core:login"), victime, n - 2)
    _tentatives(client, reverse("admin:login"), victime, 1)
    assert _tentatives(client, reverse("core:api_session"), victime, 1) == [429]
    assert client.post(reverse("core:login"), {"username": victime, "password": PASSWORD}).status_code == 429


def test_un_attaquant_ne_bloque_pas_la_victime_a_son_poste(client, monde_hostile, settings):
    victime = monde_hostile.val["agent"].username
    _tentatives(client, reverse("core:login"), victime, settings.AXES_FAILURE_LIMIT + 3, REMOTE_ADDR="203.0.113.9")
    r = client.post(reverse("core:login"), {"username": victime, "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    assert r.status_code == 302


def test_x_forwarded_for_forge_ne_contourne_pas_le_blocage(client, monde_hostile, settings):
    victime = monde_hostile.val["agent"].username
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("core:login"),
            {"username": victime, "password": "devine-2026"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        )
    r = client.post(reverse("core:login"), {"username": victime, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert r.status_code == 429


def test_le_verrouillage_ne_fuit_pas_entre_les_tests(client, monde_hostile):
    r = client.post(reverse("core:login"), {"username": monde_hostile.val["epci"].username, "password": PASSWORD})
    assert r.status_code == 302


def test_session_oubliee_sur_un_poste_partage(client, monde_hostile):
    connecte(client, monde_hostile.val["agent"])
    assert client.get(f"/demandes/{monde_hostile.val.demande.pk}/").status_code == 200
    session = client.session
    session[comptes.SESSION_DERNIERE_ACTIVITE] = int(time.time()) - 45 * 60
    session.save()
    r = client.get(f"/demandes/{monde_hostile.val.demande.pk}/")
    assert r.status_code == 302 and r["Location"].startswith(reverse("core:login"))
    assert client.get("/api/objectifs/").status_code in (401, 403)
    assert "_auth_user_id" not in client.session


def test_reinitialisation_ne_contourne_pas_le_second_facteur(client, monde_hostile, otp_actif, mailoutbox):
    victime = monde_hostile.admin
    victime.email = "admin@exemple.fr"
    victime.save()
    TOTPDevice.objects.create(user=victime, name="téléphone", confirmed=True)
    client.post(reverse("core:password_reset"), {"email": "admin@exemple.fr"})
    lien = next(line for line in mailoutbox[0].body.splitlines() if "/mot-de-passe/nouveau/" in line)
    formulaire = client.get(lien.replace("http://testserver", ""))["Location"]
    nouveau = "nouveau-secret-de-l-admin"
    client.post(formulaire, {"new_password1": nouveau, "new_password2": nouveau})
    client.post(reverse("core:login"), {"username": victime.username, "password": nouveau})
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("core:second_facteur_verifier"))


def test_api_session_exige_le_jeton_csrf(monde_hostile):
    from django.test import Client

    navigateur = Client(enforce_csrf_checks=True)
    url = reverse("core:api_session")
    identifiants = {"username": monde_hostile.val["agent"].username, "password": PASSWORD}
    assert navigateur.post(url, identifiants).status_code == 403  # a third-party page cannot log a victim in
    jeton = navigateur.get(url).json()["csrf"]
    r = navigateur.post(url, identifiants, HTTP_X_CSRFTOKEN=jeton)
    assert r.status_code == 200 and r.json()["username"] == monde_hostile.val["agent"].username


def test_changement_de_mot_de_passe_de_l_admin_django(client, monde_hostile):
    connecte(client, monde_hostile.superuser)
    page = client.get(reverse("admin:password_change"))
    assert page.status_code == 200 and "Changer mon mot de passe" in page.content.decode()
    faible = {"old_password": PASSWORD, "new_password1": "admin12345", "new_password2": "admin12345"}
    assert "au minimum 12 caractères" in client.post(reverse("admin:password_change"), faible).content.decode()
