"""In a real Chromium: EPCI staff read the neighbourhood index, recompute it and enter a value for a neighbourhood;
every page passes axe-core (WCAG 2.1 AA)."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from attributions.tests.fabrique import PASSWORD
from cil import services_quartiers
from cil.models import ClassementQuartiers, NoteQuartier, Quartier
from observatoire.quartiers import classer_quartiers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_le_personnel_consulte_recalcule_et_saisit(page: Page, live_server, monde_attributions, axe_check):
    m = monde_attributions
    epci = m["epci"]
    quartier = Quartier.objects.create(epci=epci, nom="Villeneuve", type="QPV", commune=m["communes"]["38185"],
                                       qpv=m["qpv"])  # fmt: skip
    Quartier.objects.create(epci=epci, nom="Centre", type="AUTRE", commune=m["communes"]["38185"])
    services_quartiers.creer_referentiel(epci=epci, date_debut=dt.date(2024, 1, 1), source="CIA de la Métropole")
    services_quartiers.saisir_note(
        quartier=quartier, code="TRANQUILLITE", valeur=Decimal("1"), date_valeur=dt.date(2025, 1, 1), source="test"
    )
    classer_quartiers(epci, declencheur="DEMANDE")
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Identifiant", exact=True).fill("epci")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.goto(f"{live_server.url}/observatoire/quartiers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Référentiel des quartiers – Grenoble-Alpes-Métropole")
    expect(page.locator("#table-quartiers")).to_contain_text("vigilance")
    axe_check(page)
    page.get_by_role("button", name="Recalculer maintenant").click()
    expect(page.get_by_role("alert")).to_contain_text("Classement des quartiers recalculé")
    assert ClassementQuartiers.objects.count() == 2

    page.get_by_role("link", name="Villeneuve").click()
    expect(page.locator("#classe-actuelle")).to_contain_text("vigilance")
    axe_check(page)
    page.get_by_label("Indicateur").select_option("SERVICES")
    page.get_by_label("Valeur", exact=True).fill("4")
    page.get_by_label("Valeur au").fill("2025-11-02")
    page.get_by_label("Source").fill("Diagnostic de quartier 2025")
    page.get_by_role("button", name="Enregistrer la valeur").click()
    expect(page.get_by_role("alert")).to_contain_text("enregistré")
    assert NoteQuartier.objects.filter(quartier=quartier, code="SERVICES").get().valeur == Decimal("4")
