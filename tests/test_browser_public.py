"""An anonymous visitor, in a real Chromium, from the login page: the territory's public entrance, the nearest
reception point on the map and in its table, the waiting time for a T3 in a commune, how scoring works.
axe-core on every page; the same pages without JavaScript. The demo territory, its figures from the nightly job.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from attributions import demo as demo_attributions
from cil.demo import build_demo_territory
from cil.services import import_referentiels
from demandes import demo, demo_cotation
from public import demo as demo_public
from public import selectors
from public.templatetags.chiffres_publics import chiffre

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def territoire():
    import_referentiels(only_epci="200040715")  # transactional tests flush reference rows: reload them
    territory = build_demo_territory()
    demo.seed(territory, nombre=400)
    demo_cotation.seed(territory)
    demo_attributions.seed(territory)
    demo_public.seed(territory)
    return territory


def test_un_visiteur_trouve_son_guichet_son_delai_et_la_cotation(page: Page, live_server, territoire, axe_check):
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_role("link", name="Informations pour les demandeurs (sans connexion)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Demander un logement social : informations par territoire"
    )
    axe_check(page)
    page.get_by_role("link", name="Grenoble-Alpes-Métropole").click()
    expect(page).to_have_url(re.compile(r"/territoires/grenoble-alpes-metropole/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Demander un logement social – Grenoble-Alpes-Métropole")
    axe_check(page)

    # the nearest reception point to Vizille, on the map and first in the table
    page.get_by_role("link", name="Trouver le lieu d'accueil le plus proche").click()
    page.get_by_label("Votre commune").select_option(label="Vizille")
    page.get_by_role("button", name="Classer du plus proche au plus éloigné").click()
    carte = page.get_by_role("img", name=re.compile("Carte des lieux d'accueil"))
    expect(carte).to_be_visible()
    expect(carte.locator("circle")).to_have_count(len(territoire.guichets))
    tableau = page.get_by_role("table", name=re.compile("Lieux d'accueil"))
    premiere = tableau.locator("tbody tr").first
    expect(premiere).to_contain_text("Espace habitat du Sud-Est – Vizille")
    expect(premiere).to_contain_text("Place du Château, 38220 Vizille")
    expect(premiere.locator("td").first).to_have_text("1")  # marker n° 1 on the map
    axe_check(page)

    # the waiting time for a T3 in Échirolles
    page.get_by_role("navigation", name="Pages d'information du territoire").get_by_role(
        "link", name="Délais et chiffres"
    ).click()
    page.get_by_label("Voir les chiffres d'une commune").select_option(label="Échirolles")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Délais d'attente et chiffres clés à Échirolles")
    publie = selectors.delai_observe(territoire.epci, "38151", "T3")
    attendu = re.sub(r"<[^>]+>", "", str(chiffre(publie["delai_median_mois"], "mois")))
    ligne_t3 = page.get_by_role("row", name=re.compile(r"^T3 "))
    expect(ligne_t3.locator("td").nth(3)).to_have_text(attendu)
    expect(page.get_by_text(re.compile("Chiffres arrêtés au"))).to_be_visible()
    axe_check(page)

    # how scoring works
    page.get_by_role("link", name="Cotation", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Comment les demandes de logement social sont cotées")
    expect(page.get_by_role("table", name="Critères de la grille de cotation et leurs points")).to_be_visible()
    axe_check(page)


def test_sans_javascript(browser, live_server, territoire):
    contexte = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = contexte.new_page()
    page.goto(f"{live_server.url}/territoires/grenoble-alpes-metropole/lieux-d-accueil/")
    page.get_by_label("Votre commune").select_option(label="Fontaine")
    page.get_by_role("button", name="Classer du plus proche au plus éloigné").click()
    expect(page.get_by_role("table", name=re.compile("Lieux d'accueil")).locator("tbody tr").first).to_contain_text(
        "Maison de l'habitat de Fontaine"
    )
    page.goto(f"{live_server.url}/territoires/grenoble-alpes-metropole/delais-et-chiffres/")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Délais d'attente et chiffres clés à")
    contexte.close()
