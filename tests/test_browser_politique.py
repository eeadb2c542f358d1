"""In a real Chromium: the EPCI staff open the CIA in force, an action with its live
indicator, and enter a local target of "42,5" on the targets page; every page passes axe-core (WCAG 2.1 AA)."""

import pytest
from playwright.sync_api import Page, expect

from cil.models import CibleLocale
from tests.fixtures.politique import adopter_cia

from . import donnees_initiales

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def taux_legaux(db):
    donnees_initiales.recharger()


def test_le_personnel_suit_la_cia_et_saisit_une_cible_locale(
    page: Page, live_server, taux_legaux, monde_politique, axe_check
):
    version = adopter_cia(monde_politique)
    user = monde_politique["users"]["epci"]
    user.set_password("mot-de-passe-politique")
    user.save()
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Identifiant", exact=True).fill("epci")
    page.get_by_label("Mot de passe").fill("mot-de-passe-politique")
    page.get_by_role("button", name="Se connecter").click()

    page.goto(f"{live_server.url}/politique/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents de la politique d'attribution")
    axe_check(page)
    page.get_by_role("link", name="CIA de la Métropole").click()
    expect(page.locator("#statut-version")).to_have_text("En vigueur")
    axe_check(page)
    page.get_by_role("link", name="Action 1 : Prioritaires chez le bailleur").click()
    expect(page.locator("#indicateurs")).to_contain_text("40,0")
    axe_check(page)
    page.get_by_label("Statut").select_option("EN_COURS")
    page.get_by_label("Point d'avancement").fill("Commission trimestrielle.")
    page.get_by_role("button", name="Enregistrer l'avancement").click()
    expect(page.get_by_role("alert")).to_have_text("Avancement enregistré.")
    expect(page.locator("#statut-action")).to_have_text("En cours")

    page.goto(f"{live_server.url}/politique/cibles/?epci={monde_politique['epci'].siren}&annee=2025")
    axe_check(page)
    page.get_by_label("Objectif").select_option("PRIORITAIRES")
    page.get_by_label("Taux cible (%)").fill("42,5")
    page.get_by_label("Bailleur").select_option(str(monde_politique["bailleur"].pk))
    page.get_by_label("En vigueur du").fill("2021-03-01")
    page.get_by_label("Document (version)").select_option(str(version.pk))
    page.get_by_label("Article ou section").fill("article 5.2")
    page.get_by_role("button", name="Enregistrer la cible").click()
    expect(page.get_by_role("alert")).to_contain_text("Cible locale enregistrée")
    expect(page.locator("#cibles")).to_contain_text("42,5")
    expect(page.locator("#cibles")).to_contain_text("non atteinte")
    assert str(CibleLocale.objects.get().taux) == "0.4250"
