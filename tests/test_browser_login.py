"""Signing in and out in a real Chromium, in French, with the pages checked by axe-core (WCAG 2.1 AA)."""

import re

import pytest
from playwright.sync_api import Page, expect

from cil.models import Bailleur, Commune, Epci, Membership
from core.models import User
from core.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un-mot-de-passe-solide-2026"


@pytest.fixture
def bailleur_user():
    epci = Epci.objects.create(siren="200000172", nom="Communauté d'agglomération du Val Test", type=Epci.Type.CA)
    Commune.objects.create(code_insee="01001", nom="Valtest", departement="01", epci=epci)
    bailleur = Bailleur.objects.create(siren="552100554", nom="Habitat du Val")
    bailleur.epcis.add(epci)
    user = User.objects.create_user(
        username="claire.martin", password=PASSWORD, first_name="Claire", last_name="Martin"
    )
    Membership.objects.create(user=user, role=Role.BAILLEUR, epci=epci, bailleur=bailleur)
    return user


def _login(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_login_page_is_french_and_accessible(page: Page, live_server, axe_check):
    page.goto(f"{live_server.url}/connexion/")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_title(re.compile("^Connexion"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    expect(page.get_by_label("Identifiant")).to_be_visible()
    expect(page.get_by_label("Mot de passe")).to_have_attribute("type", "password")
    axe_check(page)


def test_home_requires_login(page: Page, live_server):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/connexion/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")


def test_wrong_password_shows_french_error(page: Page, live_server, bailleur_user, axe_check):
    _login(page, live_server.url, "claire.martin", "pas-le-bon")

    expect(page.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe incorrect")
    expect(page).to_have_url(re.compile(r"/connexion/$"))
    # The username is kept, the password is not.
    expect(page.get_by_label("Identifiant")).to_have_value("claire.martin")
    expect(page.get_by_label("Mot de passe")).to_have_value("")
    axe_check(page)


def test_login_shows_role_and_organisation_then_logout(page: Page, live_server, bailleur_user, axe_check):
    _login(page, live_server.url, "claire.martin", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Claire")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Personnel d'un bailleur")
    expect(main).to_contain_text("Habitat du Val")
    expect(main).to_contain_text("Communauté d'agglomération du Val Test")
    axe_check(page)

    page.get_by_role("button", name="Se déconnecter").click()

    expect(page).to_have_url(re.compile(r"/connexion/$"))
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/connexion/\?next=/$"))


def test_empty_form_says_what_is_missing(page: Page, live_server, axe_check):
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("alert")).to_contain_text("Renseignez votre identifiant et votre mot de passe")
    expect(page.get_by_label("Identifiant")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Ce champ est obligatoire.").first).to_be_visible()
    axe_check(page)


def test_second_factor_enrolment_then_verification(page: Page, live_server, settings, axe_check):
    """An EPCI staff member must enrol a TOTP application at first login, then give its code at the next one."""
    from base64 import b32decode

    from django_otp.oath import TOTP

    settings.OTP_ROLES_OBLIGATOIRES = ["EPCI"]
    epci = Epci.objects.create(siren="200000172", nom="Communauté d'agglomération du Val Test", type=Epci.Type.CA)
    user = User.objects.create_user(username="ines.epci", password=PASSWORD, first_name="Inès")
    Membership.objects.create(user=user, role=Role.EPCI, epci=epci)

    _login(page, live_server.url, "ines.epci", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer le second facteur")
    qr = page.get_by_role("img", name="Code QR à scanner avec votre application d'authentification")
    expect(qr).to_be_visible()
    # the SVG is served and drawn (visible before it has loaded on a busy machine: wait for its load event)
    largeur = qr.evaluate(
        "img => img.complete ? img.naturalWidth : new Promise(ok => {"
        " img.addEventListener('load', () => ok(img.naturalWidth), {once: true});"
        " img.addEventListener('error', () => ok(0), {once: true}); })"
    )
    assert largeur > 0
    axe_check(page)
    secret = page.locator("#cle-secrete").inner_text().replace(" ", "")
    cle = b32decode(secret)
    page.get_by_label("Code à 6 chiffres").fill("000000")
    page.get_by_role("button", name="Confirmer et activer").click()
    expect(page.get_by_text("Code incorrect")).to_be_visible()
    page.get_by_label("Code à 6 chiffres").fill(f"{TOTP(cle).token():06d}")
    page.get_by_role("button", name="Confirmer et activer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Inès")

    page.get_by_role("button", name="Se déconnecter").click()
    _login(page, live_server.url, "ines.epci", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Code de vérification")
    axe_check(page)


def test_lockout_says_so_on_the_login_page(page: Page, live_server, bailleur_user, settings, axe_check):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(page, live_server.url, "claire.martin", "pas-le-bon")
    expect(page.get_by_role("alert")).to_contain_text("Trop de tentatives de connexion")
    expect(page.get_by_role("alert")).to_contain_text("Réessayez dans 15 minutes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    axe_check(page)
