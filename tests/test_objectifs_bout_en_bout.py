"""The objectives end to end: a real Celery worker stores the snapshot, a real browser shows it.

Import (F1) -> EPCI staff opens the dashboard in Chromium -> asks for a recomputation -> the worker
(Redis + PostgreSQL) stores the snapshot -> the dashboard lists it; every figure opens its list.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from attributions.models import InstantaneObjectifs
from attributions.selectors import calcule_objectifs_epci
from attributions.services import import_attributions
from attributions.tasks import recalculer_instantane
from cil.models import Membership
from core.models import User
from core.roles import Role
from tests.fixtures.f1 import fichier_f1, ligne_f1

PASSWORD = "mot-de-passe-de-test-2026"

ROWS = [
    ligne_f1(numero_unique="1", ressources_mensuelles="800"),
    ligne_f1(numero_unique="2", ressources_mensuelles="3000", logement_id="L2"),
    ligne_f1(numero_unique="3", ressources_mensuelles="3000", logement_id="L3", relogement="ANRU"),
    ligne_f1(numero_unique="4", ressources_mensuelles="2500", logement_id="L4"),
    ligne_f1(numero_unique="5", logement_id="L5", qpv_code="QN03807M", ressources_mensuelles="2000", dalo="1",
             reservataire_type="ETAT"),
]  # fmt: skip


@pytest.fixture
def staff(territoire_minimal):
    import_attributions(contenu=fichier_f1(ROWS), nom_fichier="bout-en-bout.csv", recalculer=False)
    user = User.objects.create_user(username="sophie", password=PASSWORD, first_name="Sophie", last_name="Durand")
    Membership.objects.create(user=user, role=Role.EPCI, epci=territoire_minimal["epci"])
    return user


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_un_vrai_worker_calcule_et_enregistre_l_instantane(staff, territoire_minimal, celery_worker_process):
    recalculer_instantane.delay(territoire_minimal["epci"].pk, 2025, declencheur="NUIT")
    instantane = celery_worker_process.wait_for(
        lambda: InstantaneObjectifs.objects.filter(epci=territoire_minimal["epci"], annee=2025).first(),
        what="l'instantané des objectifs écrit par le worker",
    )
    attendu = calcule_objectifs_epci(territoire_minimal["epci"], 2025)
    assert instantane.declencheur == "NUIT"
    assert instantane.resultat["hors_qpv"] == attendu["hors_qpv"]
    assert instantane.resultat["hors_qpv"]["numerateur"] == 2  # the Q1 household and the ANRU relocation
    assert instantane.resultat["reservataires"] == attendu["reservataires"]
    # a retry the same day replaces the snapshot instead of adding one
    recalculer_instantane.delay(territoire_minimal["epci"].pk, 2025, declencheur="DEMANDE")
    celery_worker_process.wait_for(
        lambda: InstantaneObjectifs.objects.filter(declencheur="DEMANDE").first(), what="le second calcul"
    )
    assert InstantaneObjectifs.objects.count() == 1


@pytest.mark.browser
@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_tableau_de_bord_dans_le_navigateur(page: Page, live_server, staff, celery_worker_process, axe_check):
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Identifiant").fill("sophie")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Objectifs légaux").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Objectifs légaux d'attribution – 2025")
    carte_a = page.get_by_role("region", name="A. Hors QPV : 1er quartile ou ménages relogés")
    expect(carte_a).to_contain_text("50,0\u00a0%")
    expect(carte_a).to_contain_text("2 sur 4")
    # the first reader after the import counted the year once and stored it (served from the store afterwards)
    lue = page.locator("#instantanes tbody tr").first
    expect(lue).to_contain_text("À la lecture")
    expect(lue).to_contain_text("50,0\u00a0%")
    axe_check(page)

    page.get_by_role("button", name="Recalculer et enregistrer maintenant").click()
    expect(page.get_by_role("alert")).to_contain_text("Le calcul des objectifs 2025 est lancé")
    celery_worker_process.wait_for(
        lambda: InstantaneObjectifs.objects.filter(annee=2025, demande_par=staff).exists(),
        what="l'instantané demandé depuis le tableau de bord",
    )
    page.reload()
    ligne = page.locator("#instantanes tbody tr").first
    expect(ligne).to_contain_text("À la demande")
    expect(ligne).to_contain_text("Sophie Durand")
    expect(ligne).to_contain_text("50,0\u00a0%")

    # the numerator of A opens the list of the allocations behind it
    carte_a.get_by_role("link", name="2", exact=True).click()
    expect(page).to_have_url(re.compile(r"/attributions/\?.*objectif=hors_qpv.*part=numerateur"))
    expect(page.locator("table tbody tr")).to_have_count(2)
    expect(page.locator("table tbody")).to_contain_text("relogement ANRU")
    axe_check(page)
