"""In a real Chromium: a reception agent flags a blocked priority household past the abnormally long delay, the
EPCI staff put it on the agenda of the commission for specific or blocked cases and record the decision, and
the desk sees the outcome on the demand's file. Each page is checked with axe-core (WCAG 2.1 AA)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from demandes import services as demandes_services
from demandes.models import DelaiAnormalementLong
from demandes.tests.factories import DemandeFactory
from relogement.models import Saisine
from tests.fixtures.demandes import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def connexion(page: Page, base: str, username: str):
    page.goto(f"{base}/connexion/")
    page.get_by_label("Identifiant", exact=True).fill(username)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_un_guichet_signale_une_situation_bloquee_et_voit_la_decision(
    page: Page, live_server, monde_demandes, axe_check
):
    m = monde_demandes
    DelaiAnormalementLong.objects.create(
        departement="38", mois=24, date_debut=dt.date(2020, 1, 1), source="Arrêté préfectoral de test"
    )
    demande = DemandeFactory(
        guichet=m.guichet,
        date_depot=timezone.localdate() - dt.timedelta(days=365 * 3),
        nom="Bloqué",
        dalo=True,
        prioritaire=True,
    )
    demandes_services.detecter_delais_depasses()

    # the desk: the list, then the flag
    connexion(page, live_server.url, "agent")
    page.get_by_role("link", name="Délais anormalement longs", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demandes en délai anormalement long")
    expect(page.locator("#nb-depassees")).to_have_text("1")
    ligne = page.get_by_role("row", name=demande.numero_unique)
    expect(ligne).to_contain_text("DALO")
    axe_check(page)
    ligne.get_by_role("link", name="Signaler une situation bloquée").click()
    expect(page.get_by_label("Numéro unique de la demande")).to_have_value(demande.numero_unique)
    page.get_by_label("Exposé de la situation").fill("Aucune proposition depuis trois ans ; T3 rare sur Grenoble.")
    axe_check(page)
    page.get_by_role("button", name="Enregistrer la saisine").click()
    expect(page.get_by_role("alert")).to_have_text("Saisine enregistrée.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Saisine du")
    axe_check(page)
    page.get_by_role("button", name="Se déconnecter").click()

    # the EPCI staff: a session, the agenda, the decision
    connexion(page, live_server.url, "staff")
    page.get_by_role("link", name="Cas spécifiques", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Commission des cas spécifiques ou bloqués")
    axe_check(page)
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Programmer une séance").click()
    expect(page.get_by_role("alert")).to_have_text("Séance créée.")
    saisine = Saisine.objects.get()
    page.goto(f"{live_server.url}/relogement/commission/saisines/{saisine.pk}/")
    axe_check(page)
    inscrire = page.locator("form:has(input[name=action][value=inscrire])")
    inscrire.get_by_label("Séance").select_option(index=1)
    inscrire.get_by_role("button", name="Inscrire").click()
    expect(page.get_by_role("alert")).to_have_text("Saisine inscrite à l'ordre du jour.")
    decision = page.locator("form:has(input[name=action][value=decision])")
    decision.get_by_label("Séance").select_option(index=1)
    decision.get_by_label("Décision").select_option("PROPOSITION")
    decision.get_by_label("Motivation et engagements").fill("Recherche prioritaire chez tous les bailleurs.")
    decision.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_role("alert")).to_have_text("Décision enregistrée.")
    expect(page.locator("#titre-decisions + ul")).to_contain_text("Proposition de logement à rechercher en priorité")
    axe_check(page)
    page.get_by_role("button", name="Se déconnecter").click()

    # the desk sees the outcome on the demand's file
    connexion(page, live_server.url, "agent")
    page.goto(f"{live_server.url}/demandes/{demande.pk}/")
    historique = page.locator("section[aria-labelledby=titre-historique]")
    expect(historique).to_contain_text("Proposition de logement à rechercher en priorité")
    expect(historique).to_contain_text("Recherche prioritaire chez tous les bailleurs.")
    axe_check(page)
    saisine.refresh_from_db()
    assert saisine.statut == "EXAMINEE"
