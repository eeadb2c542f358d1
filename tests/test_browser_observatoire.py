"""In a real Chromium: the EPCI staff open the observatory, read the 2025 indicators per commune with the date of
the figures, and drill down from the territory's allocations to their list; every page passes axe-core (WCAG 2.1
AA) and makes no request outside the platform."""

import pytest
from playwright.sync_api import Page, expect

from attributions.tests.fabrique import PASSWORD
from observatoire import services
from observatoire.tests.monde_indicateurs import AUJOURD_HUI, monde_obs  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_le_personnel_lit_les_indicateurs_et_descend_a_la_liste(page: Page, live_server, monde_obs, axe_check):  # noqa: F811
    services.calculer_indicateurs(monde_obs["epci"], 2025, aujourd_hui=AUJOURD_HUI)
    requetes: list[str] = []
    page.on("request", lambda r: requetes.append(r.url))
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Identifiant", exact=True).fill("epci")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.goto(f"{live_server.url}/observatoire/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Observatoire")
    axe_check(page)
    page.get_by_role("link", name="Indicateurs 2025").click()
    expect(page.locator("#date-des-chiffres")).to_contain_text("Chiffres au 31/12/2025")
    tableau = page.locator("#table-indicateurs")
    expect(tableau.get_by_role("rowheader", name="Grenoble", exact=True)).to_be_visible()
    axe_check(page)
    # the territory's allocations (4th figure of the foot row) drill down to the three decisions
    tableau.locator("tfoot td").nth(3).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attributions")
    expect(page.locator("#liste-indicateur tbody tr")).to_have_count(3)
    axe_check(page)
    assert requetes and all(url.startswith(live_server.url) for url in requetes), requetes
