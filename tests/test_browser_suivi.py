"""An applicant follows their own demand in a real Chromium: from the territory's entrance, the number and the
birth date, the code read from the e-mail (locmem backend, as the console backend prints it in the demo), the
score and its breakdown, then the renewal online. axe-core on every page."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from cil.demo import build_demo_territory
from cil.services import import_referentiels
from demandes import demo, demo_cotation
from demandes.models import Demande

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demande():
    import_referentiels(only_epci="200040715")  # transactional tests flush reference rows: reload them
    territory = build_demo_territory()
    demo.seed(territory, nombre=40)
    demo_cotation.seed(territory)
    demande = Demande.objects.actives().exclude(email="").order_by("pk").first()
    # a demand whose renewal window is open
    Demande.objects.filter(pk=demande.pk).update(
        statut="ACTIVE", date_depot=timezone.localdate() - dt.timedelta(days=350), date_dernier_renouvellement=None
    )
    demande.refresh_from_db()
    return demande


def test_le_demandeur_s_identifie_voit_sa_cotation_et_renouvelle(page: Page, live_server, demande, axe_check):
    page.goto(f"{live_server.url}/territoires/grenoble-alpes-metropole/")
    page.get_by_role("link", name="Suivre ma demande").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suivre ma demande de logement social")
    axe_check(page)
    page.get_by_label("Numéro unique de votre demande").fill(demande.numero_unique)
    page.get_by_label("Date de naissance du demandeur").fill(demande.date_naissance.isoformat())
    page.get_by_role("button", name="Recevoir un code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saisir le code reçu par courriel")
    axe_check(page)
    code = re.search(r"est : (\d{6})", mail.outbox[-1].body).group(1)
    page.get_by_label("Code reçu par courriel").fill(code)
    page.get_by_role("button", name="Consulter ma demande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ma demande n° {demande.numero_unique}")
    expect(page.get_by_role("heading", name="Ma cotation")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Votre demande a \d+ points"))).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Renouveler ma demande").click()
    expect(page.get_by_text("Votre demande est renouvelée")).to_be_visible()
    demande.refresh_from_db()
    assert demande.date_dernier_renouvellement == timezone.localdate()
    page.get_by_role("button", name="Me déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté du suivi de votre demande.")).to_be_visible()
