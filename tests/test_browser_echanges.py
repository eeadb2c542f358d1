"""The exchange bourse in a real browser: two tenants of two landlords are matched, the first landlord proposes
the exchange and accepts for its dwelling, the second accepts for its own, and two commission items exist (one
vacancy per dwelling, the other tenant its candidate). axe-core checks each page."""

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from attributions.models import Candidature, Echange, Vacance
from attributions.tests.echanges_fabrique import paire
from attributions.tests.fabrique import construire_monde

from .test_browser_attribution import connexion, deconnexion


@pytest.fixture
def monde_echange(territoire_minimal):
    # a transactional test before this one may have flushed the rows of the data migrations: load them again
    importlib.import_module("attributions.migrations.0004_parametres_attribution").charger(apps, None)
    monde = construire_monde(territoire_minimal)
    monde["offres"] = paire(monde)
    return monde


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_echange_entre_deux_locataires_de_deux_bailleurs(page: Page, live_server, monde_echange, axe_check):
    base = live_server.url
    offre_martin, offre_petit = monde_echange["offres"]

    # 1. Alpes Habitat sees the match of its tenant with a Grenoble Habitat tenant and proposes the exchange
    connexion(page, base, "bailleur")
    page.goto(f"{base}/echanges/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bourse d'échange entre locataires")
    appariements = page.locator(f"#appariements-{monde_echange['epci'].pk}")
    expect(appariements).to_contain_text(offre_martin.demande.numero_unique)
    expect(appariements).to_contain_text(offre_petit.demande.numero_unique)
    axe_check(page)
    page.get_by_role("button", name="Proposer l'échange").click()
    expect(page.get_by_role("alert")).to_contain_text("proposé aux bailleurs des logements")
    expect(page.locator("#statut-echange")).to_have_text("Proposé aux bailleurs")
    axe_check(page)

    # 2. It answers for its own dwelling only: there is one answer form, its own
    expect(page.get_by_role("button", name="Enregistrer la réponse")).to_have_count(1)
    page.get_by_label("Réponse du bailleur", exact=True).select_option("ACCEPTE")
    page.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.get_by_role("alert")).to_contain_text("Réponse enregistrée")
    expect(page.locator("#participants")).to_contain_text("Accepté")
    deconnexion(page)

    # 3. Grenoble Habitat accepts for its dwelling: the two allocations go to the commission
    connexion(page, base, "autrebailleur")
    page.goto(f"{base}/echanges/")
    echange = Echange.objects.get()
    page.get_by_role("link", name=f"Échange n° {echange.pk}").click()
    page.get_by_label("Réponse du bailleur", exact=True).select_option("ACCEPTE")
    page.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.get_by_role("alert")).to_contain_text("Tous les bailleurs ont accepté")
    expect(page.locator("#statut-echange")).to_have_text("Accepté, transmis en commission")
    expect(page.locator("#journal")).to_contain_text("Transmettre en commission")
    axe_check(page)
    vacance_gh = Vacance.objects.get(logement__identifiant="GH-0100")
    page.get_by_role("link", name=f"Logement vacant n° {vacance_gh.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logement vacant GH-0100")
    expect(page.locator("#statut-vacance")).to_have_text("Candidats désignés")
    axe_check(page)

    # two commission items: each dwelling with the other tenant as its candidate
    items = {
        c.vacance.logement.identifiant: c.demande_id for c in Candidature.objects.select_related("vacance__logement")
    }
    assert items == {"AH-0001": offre_petit.demande_id, "GH-0100": offre_martin.demande_id}
