"""The observatory's maps in a real Chromium, on the demo territory: EPCI staff open /observatoire/cartes/;
Leaflet draws the communes from the shipped outlines (no tile server), every map has its table, axe-core finds
nothing serious, the strict Content-Security-Policy logs no violation, and the page asks nothing of any
server but ours."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from attributions import demo as demo_attributions
from attributions.vacances import demo as demo_vacances
from cil import contours
from cil.demo import DEMO_PASSWORD, build_demo_territory
from cil.services import import_referentiels
from demandes import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def territoire():
    import_referentiels(only_epci="200040715")  # transactional tests flush reference rows: reload them
    territory = build_demo_territory()
    demo.seed(territory, nombre=200)
    demo_attributions.seed(territory)
    demo_vacances.seed(territory)
    contours.importer_contours_livres()
    from observatoire.services import calculer_indicateurs

    calculer_indicateurs(territory.epci, 2025)  # the nightly figures the pressure and waiting-time maps read
    return territory


def _connexion(page, base: str, username: str) -> None:
    page.goto(f"{base}/connexion/")
    page.get_by_label("Identifiant", exact=True).fill(username)
    page.get_by_label("Mot de passe", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("load")
    if page.get_by_role("heading", name="Code de vérification").is_visible():
        from django_otp.oath import TOTP
        from django_otp.plugins.otp_totp.models import TOTPDevice

        appareil = TOTPDevice.objects.get(user__username=username, confirmed=True)
        code = TOTP(appareil.bin_key, appareil.step, appareil.t0, appareil.digits, appareil.drift).token()
        page.get_by_label("Code à 6 chiffres").fill(f"{code:06d}")
        page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_cartes_de_l_observatoire(browser: Browser, live_server, territoire, axe_check):
    base = live_server.url
    # a context of our own: the default one of the axe-core fixture bypasses the Content-Security-Policy
    contexte = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    try:
        page = contexte.new_page()
        requetes: list[str] = []
        erreurs: list[str] = []
        page.on("request", lambda r: requetes.append(r.url))
        page.on("console", lambda m: erreurs.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: erreurs.append(str(exc)))
        _connexion(page, base, "epci")
        page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Cartes").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Cartes du territoire – Grenoble-Alpes-Métropole")
        page.get_by_label("Année").select_option("2025")
        requetes.clear()
        page.get_by_role("button", name="Afficher").click()
        page.wait_for_load_state("load")

        communes = territoire.epci.communes.count()
        cartes = ("carte-pression", "carte-delai", "carte-objectif-a", "carte-logements-liberes", "carte-qpv-guichets")
        for ident in cartes:
            carte = page.locator(f"#{ident}")
            expect(carte).to_have_class(re.compile("leaflet-container"))
            expect(carte).to_have_attribute("tabindex", "0")
            expect(carte.locator("path.leaflet-interactive").first).to_be_visible()
        # one polygon per commune (its name and value as its label), then the markers
        choroplethe = page.locator("#carte-objectif-a")
        expect(choroplethe.locator("path[role=img][aria-label*='Grenoble']")).to_have_count(1)
        expect(choroplethe.locator("path.leaflet-interactive")).to_have_count(communes)
        qpv_guichets = page.locator("#carte-qpv-guichets path.leaflet-interactive")
        expect(qpv_guichets).to_have_count(communes + page.locator("#carte-qpv-guichets-points tbody tr").count())

        # the tables: one row per commune, with the value the tooltip shows
        tableau = page.get_by_role("table", name="Logements libérés en 2025 : valeurs par commune")
        expect(tableau.locator("tbody tr")).to_have_count(communes)
        ligne = tableau.get_by_role("row", name=re.compile("^Grenoble 38185"))
        valeur = ligne.locator("td").nth(1).inner_text()
        page.locator("#carte-logements-liberes path[aria-label^='Grenoble :']").hover()
        expect(page.locator("#carte-logements-liberes .leaflet-tooltip")).to_have_text(f"Grenoble : {valeur}")
        expect(page.get_by_role("table", name=re.compile("Objectif A en 2025"))).to_be_visible()
        expect(page.get_by_role("table", name=re.compile("Pression de la demande en 2025"))).to_be_visible()
        delai = page.get_by_role("table", name=re.compile("Délai d'attente médian des ménages logés en 2025"))
        expect(delai).to_be_visible()
        expect(page.get_by_role("table", name=re.compile("points de la carte"))).to_contain_text(
            "Villeneuve - Village Olympique"
        )

        # keyboard: the map takes the focus and moves with the arrows
        choroplethe.focus()
        expect(choroplethe).to_be_focused()
        avant = choroplethe.locator(".leaflet-map-pane").get_attribute("style")
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(400)
        assert choroplethe.locator(".leaflet-map-pane").get_attribute("style") != avant

        axe_check(page)
        assert requetes, "the page's requests were not observed"
        dehors = [u for u in requetes if not u.startswith(base) and not u.startswith("data:")]
        assert not dehors, f"requêtes hors du serveur : {dehors}"
        assert not [e for e in erreurs if "Content Security Policy" in e or "Error" in e], erreurs
    finally:
        contexte.close()
