"""A landlord declaring an adapted dwelling sees the applicants who need it first (docs/logements_adaptes.md).

In a real browser, with axe-core: Alpes Habitat's staff describe AH-0001 as wheelchair-accessible on the ground
floor, declare it vacant and open the list of the applicants who need it, in the territory's order (score, then
seniority); the household that needs nothing and the one whose needs the dwelling cannot meet are not listed.
"""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from attributions.tests.fabrique import PASSWORD, construire_monde, creer_demande, enfant
from demandes.models import Demande


def connexion(page: Page, base: str, username: str):
    page.goto(f"{base}/connexion/")
    page.get_by_label("Identifiant", exact=True).fill(username)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


@pytest.fixture
def monde_adapte(territoire_minimal):
    monde = construire_monde(territoire_minimal)
    un_enfant = [enfant("Jade", dt.date(2018, 5, 4))]

    def demande(nom, depot, **besoins):
        return creer_demande(monde, nom, date_depot=depot, membres=un_enfant, **besoins)

    monde["demandes"] = {
        "ancienne": demande("Roule", dt.date(2019, 3, 1), aides_techniques=["4"], capacite_marche="1"),
        "cotee": demande("Electrique", dt.date(2024, 3, 1), aides_techniques=["5"], equipements_handicap=["3"]),
        "marches": demande("Marche", dt.date(2021, 3, 1), capacite_marche="2"),
        "valide": demande("Valide", dt.date(2018, 3, 1)),
    }
    Demande.objects.filter(pk=monde["demandes"]["cotee"].pk).update(score=35)
    return monde


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_le_bailleur_declare_un_logement_adapte_et_voit_qui_en_a_besoin(
    page: Page, live_server, monde_adapte, axe_check
):
    base = live_server.url
    d = monde_adapte["demandes"]
    connexion(page, base, "bailleur")

    # 1. The landlord describes the dwelling's accessibility from its stock
    page.goto(f"{base}/logements/?q=AH-0001")
    page.get_by_role("link", name="Décrire l'accessibilité du logement AH-0001").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibilité du logement AH-0001")
    axe_check(page)
    page.get_by_label("Niveau d'accessibilité", exact=True).select_option(label="Accessible en fauteuil roulant")
    page.get_by_label("Étage (0 : rez-de-chaussée)", exact=True).fill("0")
    page.get_by_label("Salle d'eau adaptée (douche de plain-pied)", exact=True).select_option(label="Oui")
    page.get_by_label("Largeur des portes (cm)", exact=True).fill("90")
    page.get_by_role("button", name="Enregistrer l'accessibilité").click()
    expect(page.get_by_role("alert")).to_contain_text("Accessibilité du logement AH-0001 enregistrée")

    # 2. It declares the dwelling vacant
    page.goto(f"{base}/vacances/nouvelle/")
    page.get_by_label("Identifiant du logement", exact=True).fill("AH-0001")
    page.get_by_label("Date de libération", exact=True).fill(dt.date.today().isoformat())
    page.get_by_role("button", name="Déclarer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logement vacant AH-0001")
    expect(page.locator("#niveau-accessibilite")).to_have_text("Accessible en fauteuil roulant")
    axe_check(page)

    # 3. The applicants who need it, first: score, then seniority
    page.get_by_role("link", name="Demandeurs qui ont besoin de ce logement adapté").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demandeurs qui ont besoin du logement AH-0001")
    lignes = page.locator("#demandeurs-besoin tbody tr")
    expect(lignes).to_have_count(3)
    for rang, cle in enumerate(("cotee", "ancienne", "marches")):
        expect(lignes.nth(rang)).to_contain_text(d[cle].numero_unique)
    expect(lignes.nth(0)).to_contain_text("Besoins satisfaits")
    expect(lignes.nth(0)).to_contain_text("Fauteuil roulant.")
    expect(page.locator("#demandeurs-besoin")).not_to_contain_text(d["valide"].numero_unique)
    axe_check(page)

    # 4. The exchange's page lists the dwelling and, for each applicant, the adapted dwellings freed
    page.get_by_role("link", name="Logements adaptés").click()
    expect(page.locator("#vacances-adaptees tbody tr")).to_have_count(1)
    expect(page.locator("#vacances-adaptees")).to_contain_text("AH-0001")
    expect(page.locator("#demandeurs-adaptes tbody tr")).to_have_count(3)
    axe_check(page)
