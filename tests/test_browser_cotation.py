"""Scoring in a real Chromium on the demo territory: EPCI staff open the draft grid, simulate it against
the adopted grid (distributions, ranking of priority and first-quartile households, last year's
allocations), export the CSV, then an agent reads a demand's explained score. axe-core on each page.
One test: the demo territory's reference data are loaded once."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cil.demo import DEMO_PASSWORD
from demandes import demo, demo_cotation
from demandes.models import Demande, GrilleCotation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def territoire_demo_cote(territoire_demo):
    """The demo territory with 300 demo demands and its scoring grids (adopted and draft)."""
    demo.seed(territoire_demo, nombre=300)
    demo_cotation.seed(territoire_demo)
    return territoire_demo


def _login(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_simuler_un_projet_de_grille_puis_lire_un_score_explique(
    page: Page, live_server, territoire_demo_cote, axe_check
):
    adoptee = GrilleCotation.objects.get(epci=territoire_demo_cote.epci, statut="ADOPTEE")
    projet = GrilleCotation.objects.get(epci=territoire_demo_cote.epci, statut="BROUILLON")
    assert Demande.objects.actives().filter(epci=territoire_demo_cote.epci, score_grille=adoptee).count() > 200

    _login(page, live_server.url, "epci")
    page.goto(f"{live_server.url}/demandes/")
    page.locator("#contenu").get_by_role("link", name="Cotation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cotation de la demande")
    expect(page.get_by_role("row", name=re.compile(r"Grille de cotation du PPGDID.*Adoptée"))).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=projet.nom).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(projet.nom)
    expect(page.get_by_role("heading", name="Adopter cette grille")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Simuler cette grille sur le stock et les attributions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Simulation : {projet.nom} (v{projet.version})")
    expect(page.get_by_text(f"Comparée à la grille adoptée {adoptee.nom} (v{adoptee.version})")).to_be_visible()
    graphiques = page.locator("svg[role=img]")
    expect(graphiques).to_have_count(2)
    expect(graphiques.first).to_contain_text("grille adoptée (v1)")
    expect(graphiques.nth(1)).to_contain_text(projet.nom)
    groupes = page.get_by_role("table", name="Classement des groupes de ménages selon les deux grilles")
    expect(groupes.get_by_role("row", name=re.compile(r"^Ménages prioritaires"))).to_be_visible()
    expect(groupes.get_by_role("row", name=re.compile(r"^Ménages du premier quartile"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"Attributions de \d{4}"))).to_be_visible()
    axe_check(page)

    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Exporter le détail (CSV)").click()
    contenu = Path(telechargement.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert contenu[0].startswith("population;numero_unique;date_decision;score_grille_adoptee;score_projet")
    actives = Demande.objects.actives().filter(epci=territoire_demo_cote.epci).count()
    assert sum(1 for ligne in contenu if ligne.startswith("stock;")) == actives

    # a reception agent reads a demand's explained score
    demande = (
        Demande.objects.actives().filter(epci=territoire_demo_cote.epci, score__gt=0).order_by("-score", "pk").first()
    )
    page.get_by_role("button", name="Se déconnecter").click()
    _login(page, live_server.url, "agent")
    page.goto(f"{live_server.url}/demandes/{demande.pk}/")
    cotation = page.get_by_role("region", name="Cotation")
    expect(cotation.locator("#score")).to_have_text(f"{demande.score} points")
    detail = cotation.get_by_role("table", name="Détail du score, critère par critère")
    expect(detail.get_by_role("row", name=re.compile(rf"^Total {demande.score}$"))).to_be_visible()
    expect(cotation.get_by_role("heading", name=re.compile("Position parmi les demandes comparables"))).to_be_visible()
    axe_check(page)

    # anyone, without an account, reads how scoring works on the territory
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(f"{live_server.url}/demandes/cotation/territoires/{territoire_demo_cote.epci.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Comment les demandes de logement social sont cotées")
    expect(page.get_by_text("retire 30 points par refus pendant 12 mois, 60 points au plus")).to_be_visible()
    axe_check(page)
