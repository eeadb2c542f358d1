"""The strict Content-Security-Policy in a real Chromium: the main pages of each role, the admin and the
error pages, on the demonstration territory (charts, lists, forms, htmx), log no CSP violation.

Chromium reports every blocked inline script, style block, style attribute or foreign resource as a console
error naming the "Content Security Policy"; a ``securitypolicyviolation`` listener installed before any page
script runs catches the same events with their directive, as a second witness.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from cil.demo import DEMO_PASSWORD
from cil.services import import_referentiels
from tests import donnees_initiales

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GRENOBLE_METRO = "200040715"
ECOUTE_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI || 'inline'} (${e.sourceFile || ''}:${e.lineNumber})`);
});
"""


@pytest.fixture
def demo(settings):
    """The demo territory without its balance sheet (a PDF build the pages do not need)."""
    # a transactional test before this one may have flushed the rows of the data migrations: load them again
    donnees_initiales.recharger()
    settings.DEMO_SEEDERS = [s for s in settings.DEMO_SEEDERS if s != "observatoire.demo.seed"]
    import_referentiels(only_epci=GRENOBLE_METRO)
    call_command("seed_demo", stdout=StringIO())


class Journal:
    """What Chromium reported about the Content-Security-Policy, page by page."""

    def __init__(self, page: Page):
        self.page = page
        self.erreurs: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.erreurs.append(f"{page.url} : exception {exc}"))
        page.add_init_script(ECOUTE_CSP)

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.erreurs.append(f"{self.page.url} : {message.text}")

    def visiter(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(150)  # late violations (htmx start-up, deferred scripts)
        for violation in self.page.evaluate("window.__csp || []"):
            self.erreurs.append(f"{url} : securitypolicyviolation {violation}")


def _connexion(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/connexion/")
    page.get_by_label("Identifiant", exact=True).fill(username)
    page.get_by_label("Mot de passe", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("load")
    if page.get_by_role("heading", name="Code de vérification").is_visible():
        # the demo's EPCI staff and administrator have a second factor (core.demo): give its current code
        from django_otp.oath import TOTP
        from django_otp.plugins.otp_totp.models import TOTPDevice

        appareil = TOTPDevice.objects.get(user__username=username, confirmed=True)
        code = TOTP(appareil.bin_key, appareil.step, appareil.t0, appareil.digits, appareil.drift).token()
        page.get_by_label("Code à 6 chiffres").fill(f"{code:06d}")
        page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def _liens_de_navigation(page: Page) -> list[str]:
    return page.eval_on_selector_all("nav.nav-sections a", "links => links.map(a => a.href)")


def _premier_lien(page: Page, selecteur: str) -> str | None:
    liens = page.eval_on_selector_all(selecteur, "links => links.map(a => a.href)")
    return liens[0] if liens else None


def test_pages_principales_sans_violation_csp(browser: Browser, live_server, demo):
    base = live_server.url
    visitees: list[str] = []
    for username in ("agent", "bailleur", "reservataire", "epci", "membre", "admin"):
        # one context (cookie jar) per account, of our own: the axe-core fixture's contexts bypass the policy
        contexte = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
        try:
            page = contexte.new_page()
            journal = Journal(page)
            _connexion(page, base, username)
            journal.visiter(f"{base}/")
            pages = _liens_de_navigation(page)
            assert len(pages) >= 2, username
            for url in pages:
                journal.visiter(url)
                visitees.append(url)
                # one detail page per list (a demand, a dwelling, an operation...) where there is one
                detail = _premier_lien(page, "main table tbody a[href^='/']")
                if detail and "export" not in detail and not detail.endswith((".pdf", ".csv", ".xlsx", ".ods")):
                    journal.visiter(detail)
                    visitees.append(detail)
            if username == "epci":
                journal.visiter(f"{base}/objectifs/?annee=2025")
                expect(page.locator("svg.graphique").first).to_be_visible()
            if username == "admin":
                # the Django admin: lists with filters and actions, change and add forms with their widgets
                for url in ("/admin/", "/admin/attributions/decisioncaleol/", "/admin/cil/membership/add/",
                            "/admin/cil/guichet/"):  # fmt: skip
                    journal.visiter(base + url)
                    visitees.append(url)
                    expect(page.locator("#content h1")).to_be_visible()
                change = _premier_lien(page, "#result_list tbody th a")
                assert change
                journal.visiter(change)
                expect(page.locator("#content form")).to_be_visible()
            if username == "membre":
                journal.visiter(f"{base}/demandes/")
                expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
                expect(page.get_by_role("main")).to_contain_text("Votre rôle ne donne pas accès")
            # error pages inside the layout
            journal.visiter(f"{base}/page-inexistante/")
            expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
            assert not journal.erreurs, f"{username} :\n" + "\n".join(journal.erreurs)
        finally:
            contexte.close()
    assert len(visitees) > 30
