"""The State's per-EPCI table in a real browser: EPCI staff read it, drill down to a figure's list, and the pages
pass axe-core (WCAG 2.1 AA) without requesting anything outside the platform."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from attributions.services import import_attributions
from cil.models import Membership
from core.models import User
from core.roles import Role
from observatoire.tests.test_etat import LIGNES, SITUATION_COLONNES
from tests.fixtures.f1 import fichier_f1

PASSWORD = "mot-de-passe-etat-2026"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_tableau_de_l_etat_dans_le_navigateur(page: Page, live_server, territoire_minimal, axe_check):
    import_attributions(contenu=fichier_f1(LIGNES, colonnes=SITUATION_COLONNES), nom_fichier="e.csv", recalculer=False)
    user = User.objects.create_user(username="epci-etat", password=PASSWORD)
    Membership.objects.create(user=user, role=Role.EPCI, epci=territoire_minimal["epci"])
    base = live_server.url
    hote = urlparse(base).netloc
    externes = []
    page.on("request", lambda r: externes.append(r.url) if urlparse(r.url).netloc not in (hote, "") else None)

    page.goto(f"{base}/connexion/")
    page.get_by_label("Identifiant", exact=True).fill("epci-etat")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    page.goto(f"{base}/observatoire/etat/?epci=200040715&annee=2025&jour=2025-12-31")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tableau de l'État")
    territoire = page.locator("#etat-territoire tbody tr").first
    expect(territoire).to_contain_text("Situation inconnue pour")
    axe_check(page)
    # the number of homeless households in QPV (B1) opens its list
    lien = territoire.locator('a[href*="public=sans_abri&qpv=1"]')
    expect(lien).to_have_text("1")
    lien.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sans-abri en QPV")
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody tr").first).to_contain_text("B1")
    axe_check(page)
    assert externes == []
