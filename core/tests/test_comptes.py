"""Accounts: lockout after repeated failed logins, second factor, password change and reset, idle sessions."""

import datetime as dt
import re
import time
from io import StringIO
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cil.demo import DEMO_PASSWORD
from cil.models import Epci, Membership
from core import comptes
from core.models import User
from core.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-solide-2026"


@pytest.fixture
def otp_actif(settings):
    """The production rules of the second factor (config.settings.test turns them off by default)."""
    settings.OTP_ROLES_OBLIGATOIRES = ["ADMINISTRATEUR", "EPCI"]
    settings.OTP_ADMIN_OBLIGATOIRE = True
    return settings


@pytest.fixture
def epci():
    return Epci.objects.create(siren="200000172", nom="CA du Val")


def _user(username, role=None, epci=None, **fields):
    user = User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@exemple.fr", **fields)
    if role:
        Membership.objects.create(user=user, role=role, epci=epci)
    return user


def code_du_moment(appareil: TOTPDevice) -> str:
    appareil.refresh_from_db()
    totp = TOTP(appareil.bin_key, appareil.step, appareil.t0, appareil.digits, appareil.drift)
    return f"{totp.token():06d}"


def _connexion(client, username, password, **extra):
    return client.post(reverse("core:login"), {"username": username, "password": password}, **extra)


# --------------------------------------------------------------------------- lockout


def test_reglages_du_verrouillage():
    from django.conf import settings

    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_FAILURE_LIMIT == 5 and dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME


def test_formulaire_verrouille_apres_n_echecs_puis_refuse_le_bon_mot_de_passe(client, settings):
    _user("ines")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = _connexion(client, "ines", "mauvais")
        assert r.status_code == 200
        assert "Identifiant ou mot de passe incorrect" in r.content.decode()
    r = _connexion(client, "ines", "mauvais")
    assert r.status_code == 429
    html = r.content.decode()
    assert "Trop de tentatives de connexion" in html and "Réessayez dans 15 minutes" in html
    assert '<h1 class="h3 mb-4">Connexion</h1>' in html  # the login page, not a bare 403

    r = _connexion(client, "ines", PASSWORD)
    assert r.status_code == 429 and "Trop de tentatives" in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("core:home")).status_code == 302


def test_verrouillage_par_couple_identifiant_adresse(client, settings):
    _user("ines")
    _user("paul")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _connexion(client, "ines", "mauvais", REMOTE_ADDR="10.0.0.1")
    assert _connexion(client, "ines", PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 429
    # a colleague behind the same desk address still signs in; the same person from another desk too
    assert _connexion(client, "paul", PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 302
    client.logout()
    assert _connexion(client, "ines", PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 302


def test_le_blocage_se_leve_apres_le_delai_ou_par_axes_reset(client, settings):
    _user("ines")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _connexion(client, "ines", "mauvais")
    assert _connexion(client, "ines", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    assert _connexion(client, "ines", PASSWORD).status_code == 302
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT):
        _connexion(client, "ines", "mauvais")
    assert _connexion(client, "ines", PASSWORD).status_code == 429
    call_command("axes_reset", stdout=StringIO())
    assert _connexion(client, "ines", PASSWORD).status_code == 302


def test_connexion_reussie_remet_le_compteur_a_zero(client, settings):
    _user("ines")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _connexion(client, "ines", "mauvais")
    assert _connexion(client, "ines", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _connexion(client, "ines", "mauvais").status_code == 200
    assert _connexion(client, "ines", PASSWORD).status_code == 302


def test_admin_verrouillee_en_francais(client, settings):
    _user("root", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(url, {"username": "root", "password": "mauvais"}).status_code == 200
    r = client.post(url, {"username": "root", "password": "mauvais"})
    assert r.status_code == 429 and "Réessayez dans 15 minutes" in r.content.decode()
    r = client.post(url, {"username": "root", "password": PASSWORD})
    assert r.status_code == 429 and "_auth_user_id" not in client.session


def test_api_session_verrouillee_en_json_francais(client, settings):
    _user("ines")
    url = reverse("core:api_session")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = client.post(url, {"username": "ines", "password": "mauvais"}, content_type="application/json")
        assert r.status_code == 401 and r.json()["detail"] == "Identifiant ou mot de passe incorrect."
    r = client.post(url, {"username": "ines", "password": "mauvais"}, content_type="application/json")
    assert r.status_code == 429 and "Réessayez dans 15 minutes" in r.json()["detail"]
    r = client.post(url, {"username": "ines", "password": PASSWORD}, content_type="application/json")
    assert r.status_code == 429 and "_auth_user_id" not in client.session


def test_api_session_ouvre_une_session_utilisable_par_l_api(client):
    _user("ines")
    r = client.post(reverse("core:api_session"), {"username": "ines", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["username"] == "ines"
    assert client.get("/api/objectifs/").status_code != 403


def test_adresse_client_derriere_un_proxy(rf, settings):
    requete = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7", REMOTE_ADDR="172.18.0.2")
    settings.REVERSE_PROXY_COUNT = 0
    assert comptes.adresse_client(requete) == "172.18.0.2"  # a client-written header is never trusted
    settings.REVERSE_PROXY_COUNT = 1
    assert comptes.adresse_client(requete) == "192.0.2.7"  # what our proxy appended, not the forged entry


# --------------------------------------------------------------------------- second factor


def test_administrateur_envoye_a_l_enrolement_puis_active_son_second_facteur(client, otp_actif, epci):
    admin = _user("alice", Role.ADMINISTRATEUR, epci, is_staff=True)
    client.force_login(admin)
    for url in (reverse("core:home"), "/demandes/", reverse("admin:index"), reverse("core:compte")):
        r = client.get(url)
        assert r.status_code == 302, url
        assert r["Location"].startswith(reverse("core:second_facteur_activer")), url

    page = client.get(reverse("core:second_facteur_activer") + "?next=/demandes/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="/compte/second-facteur/code-qr.svg"' in html and "<script" not in html.split("<main")[1]
    qr = client.get(reverse("core:second_facteur_qr"))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content and "no-store" in qr["Cache-Control"]
    assert not TOTPDevice.objects.filter(user=admin).exists()  # nothing written before the code is right

    cle = client.session[comptes.SESSION_CLE_ENROLEMENT]
    secret = re.search(r'id="cle-secrete">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    from base64 import b32decode

    assert b32decode(secret).hex() == cle
    faux = client.post(reverse("core:second_facteur_activer"), {"code": "000000", "next": "/demandes/"})
    assert faux.status_code == 200 and "Code incorrect" in faux.content.decode()
    assert not TOTPDevice.objects.filter(user=admin).exists()

    code = f"{TOTP(bytes.fromhex(cle)).token():06d}"
    r = client.post(reverse("core:second_facteur_activer"), {"code": code, "next": "/demandes/"})
    assert r.status_code == 302 and r["Location"] == "/demandes/"
    appareil = TOTPDevice.objects.get(user=admin)
    assert appareil.confirmed and appareil.key == cle
    assert client.get(reverse("core:home")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_verification_code_faux_refuse_bon_code_accepte(client, otp_actif, epci):
    user = _user("claire", Role.EPCI, epci, is_staff=True)
    appareil = TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    r = _connexion(client, "claire", PASSWORD)
    assert r.status_code == 302
    r = client.get(r["Location"])
    verifier = reverse("core:second_facteur_verifier")
    assert r.status_code == 302 and r["Location"] == f"{verifier}?next=%2F"

    bon = code_du_moment(appareil)
    faux = f"{(int(bon) + 1) % 1000000:06d}"
    r = client.post(verifier, {"code": faux, "next": "/"})
    assert r.status_code == 200 and "Code incorrect" in r.content.decode()
    assert client.get(reverse("core:home")).status_code == 302
    # right after an error, even the right code waits (django-otp throttling)
    r = client.post(verifier, {"code": bon, "next": "/"})
    assert "Trop de codes erronés : attendez" in r.content.decode()
    TOTPDevice.objects.filter(pk=appareil.pk).update(
        throttling_failure_timestamp=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    )
    r = client.post(verifier, {"code": bon, "next": "/"})
    assert r.status_code == 302 and r["Location"] == "/"
    assert client.get(reverse("core:home")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_lettres_dans_le_code_refusees_en_francais(client, otp_actif, epci):
    user = _user("claire", Role.EPCI, epci)
    TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    client.force_login(user)
    r = client.post(reverse("core:second_facteur_verifier"), {"code": "12a456"})
    assert "Le code se compose de 6 chiffres" in r.content.decode()


def test_facultatif_pour_un_membre_qui_peut_l_activer_et_le_desactiver(client, otp_actif, epci):
    user = _user("julien", Role.MEMBRE_CIL, epci)
    client.force_login(user)
    page = client.get(reverse("core:compte"))
    assert page.status_code == 200 and "Facultatif pour votre rôle" in page.content.decode()
    client.get(reverse("core:second_facteur_activer"))
    cle = client.session[comptes.SESSION_CLE_ENROLEMENT]
    code_enrolement = f"{TOTP(bytes.fromhex(cle)).token():06d}"
    client.post(reverse("core:second_facteur_activer"), {"code": code_enrolement})
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1

    # once enrolled, the code is asked at every login
    client.logout()
    _connexion(client, "julien", PASSWORD)
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("core:second_facteur_verifier"))
    appareil = TOTPDevice.objects.get(user=user)
    deja_servi = client.post(reverse("core:second_facteur_verifier"), {"code": code_enrolement})
    assert "Code incorrect ou déjà utilisé" in deja_servi.content.decode()  # the enrolment code cannot be replayed
    TOTPDevice.objects.filter(pk=appareil.pk).update(last_t=appareil.last_t - 2, throttling_failure_count=0)
    client.post(reverse("core:second_facteur_verifier"), {"code": code_du_moment(appareil)})
    r = client.post(reverse("core:second_facteur_desactiver"))
    assert r.status_code == 302 and not TOTPDevice.objects.filter(user=user).exists()
    assert client.get(reverse("core:home")).status_code == 200


def test_role_obligatoire_ne_desactive_pas(client, otp_actif, epci):
    user = _user("claire", Role.EPCI, epci)
    appareil = TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    _connexion(client, "claire", PASSWORD)
    client.post(reverse("core:second_facteur_verifier"), {"code": code_du_moment(appareil)})
    r = client.post(reverse("core:second_facteur_desactiver"), follow=True)
    assert "ne peut pas être désactivé" in r.content.decode()
    assert TOTPDevice.objects.filter(user=user).exists()


def test_api_session_exige_le_code_du_second_facteur(client, otp_actif, epci):
    user = _user("claire", Role.EPCI, epci)
    url = reverse("core:api_session")
    r = client.post(url, {"username": "claire", "password": PASSWORD})
    assert r.status_code == 403 and "second facteur" in r.json()["detail"]
    appareil = TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    r = client.post(url, {"username": "claire", "password": PASSWORD, "code": "000000"})
    assert r.status_code == 401 and "_auth_user_id" not in client.session
    TOTPDevice.objects.filter(pk=appareil.pk).update(throttling_failure_count=0)
    r = client.post(url, {"username": "claire", "password": PASSWORD, "code": code_du_moment(appareil)})
    assert r.status_code == 200
    assert client.get("/api/objectifs/").status_code != 403


def test_reglage_desactive_le_second_facteur_obligatoire(client, settings, epci):
    settings.OTP_ROLES_OBLIGATOIRES = []
    settings.OTP_ADMIN_OBLIGATOIRE = False
    client.force_login(_user("alice", Role.ADMINISTRATEUR, epci, is_staff=True))
    assert client.get(reverse("core:home")).status_code == 200


def test_role_inconnu_dans_le_reglage_arrete_le_demarrage(settings):
    from core.checks import roles_du_second_facteur

    assert roles_du_second_facteur(None) == []
    settings.OTP_ROLES_OBLIGATOIRES = ["EPCI", "DIRECTEUR"]
    erreurs = roles_du_second_facteur(None)
    assert [e.id for e in erreurs] == ["core.E001"] and "DIRECTEUR" in erreurs[0].msg


# --------------------------------------------------------------------------- demo


def test_demo_appareil_fixe_et_commande_du_code(epci):
    from core import demo

    users = {name: _user(name) for name in demo.DEMO_TOTP_COMPTES}
    territoire = SimpleNamespace(account=lambda name: SimpleNamespace(user=users[name]))
    demo.seed(territoire)
    demo.seed(territoire)  # idempotent
    appareil = TOTPDevice.objects.get(user=users["epci"])
    assert TOTPDevice.objects.count() == 2 and appareil.confirmed
    sortie = StringIO()
    call_command("code_totp_demo", "epci", stdout=sortie, stderr=StringIO())
    assert sortie.getvalue().strip() == code_du_moment(appareil)
    TOTPDevice.objects.create(user=_user("reel"), name="téléphone", confirmed=True)
    with pytest.raises(CommandError, match="pas l'appareil de démonstration"):
        call_command("code_totp_demo", "reel", stdout=StringIO())


# --------------------------------------------------------------------------- passwords


def test_mots_de_passe_de_12_caracteres_au_moins_et_demo_valide():
    with pytest.raises(ValidationError, match="au minimum 12 caractères"):
        validate_password("Court-2026!")
    validate_password(DEMO_PASSWORD)
    assert len(DEMO_PASSWORD) == 13


def test_changer_son_mot_de_passe(client):
    user = _user("ines")
    client.force_login(user)
    url = reverse("core:password_change")
    page = client.get(url)
    assert page.status_code == 200 and "Changer mon mot de passe" in page.content.decode()
    faible = {"old_password": PASSWORD, "new_password1": "court-2026", "new_password2": "court-2026"}
    r = client.post(url, faible)
    assert r.status_code == 200 and "au minimum 12 caractères" in r.content.decode()
    r = client.post(url, {**faible, "old_password": "pas-le-bon"})
    assert "ancien mot de passe est incorrect" in r.content.decode()
    nouveau = "un-nouveau-secret-bien-long"
    r = client.post(url, {"old_password": PASSWORD, "new_password1": nouveau, "new_password2": nouveau})
    assert r.status_code == 302 and r["Location"] == reverse("core:password_change_done")
    assert client.get(reverse("core:home")).status_code == 200  # the session survives the change
    user.refresh_from_db()
    assert user.check_password(nouveau)


def test_mot_de_passe_oublie_mail_et_lien(client):
    user = _user("ines")
    page = client.get(reverse("core:login"))
    assert reverse("core:password_reset") in page.content.decode()
    r = client.post(reverse("core:password_reset"), {"email": "inconnu@exemple.fr"})
    assert r.status_code == 302 and mail.outbox == []  # same answer, no mail: nobody learns who has an account

    r = client.post(reverse("core:password_reset"), {"email": "INES@exemple.fr"})
    assert r.status_code == 302 and r["Location"] == reverse("core:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ines@exemple.fr"] and "nouveau mot de passe" in message.subject
    lien = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+/)", message.body).group(1)

    r = client.get(lien)
    assert r.status_code == 302  # Django moves the token into the session
    formulaire = r["Location"]
    faible = client.post(formulaire, {"new_password1": "123456789", "new_password2": "123456789"})
    assert "au minimum 12 caractères" in faible.content.decode()
    nouveau = "un-nouveau-secret-bien-long"
    r = client.post(formulaire, {"new_password1": nouveau, "new_password2": nouveau})
    assert r.status_code == 302 and r["Location"] == reverse("core:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(nouveau)
    assert "_auth_user_id" not in client.session  # no automatic login: the second factor still applies
    perime = client.get(lien, follow=True)
    assert "Ce lien n'est plus valable" in perime.content.decode()


# --------------------------------------------------------------------------- idle sessions


def test_reglages_de_session():
    from django.conf import settings

    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_INACTIVITE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE < 24 * 3600


def test_session_inactive_fermee(client):
    client.force_login(_user("ines"))
    assert client.get(reverse("core:home")).status_code == 200
    session = client.session
    session[comptes.SESSION_DERNIERE_ACTIVITE] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(reverse("core:home")).status_code == 200  # 29 minutes: still open, and refreshed
    assert client.session[comptes.SESSION_DERNIERE_ACTIVITE] >= int(time.time()) - 5

    session = client.session
    session[comptes.SESSION_DERNIERE_ACTIVITE] = int(time.time()) - 31 * 60
    session.save()
    r = client.get(reverse("core:home"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("core:login"))
    assert "_auth_user_id" not in client.session
    page = client.get(r["Location"])
    assert "fermée après 30 minutes d&#x27;inactivité" in page.content.decode()
