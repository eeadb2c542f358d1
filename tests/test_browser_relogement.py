"""In a real Chromium, a relocation officer records a social survey, two offers, a refusal
and a definitive relocation; the operation's indicators change and the household counts in objective A.
Main pages are checked with axe-core (WCAG 2.1 AA)."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from attributions.selectors import calcule_objectifs_epci
from relogement.models import MenageAReloger, PropositionRelogement
from relogement.tests.conftest import PASSWORD, monde  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_un_referent_reloge_un_menage_dans_le_navigateur(page: Page, live_server, monde, axe_check):  # noqa: F811
    # a household well above the first quartile: it can only count in objective A as a relocated household
    menage = monde.menage("M-001", nom="Ménage Diallo", ressources_mensuelles=Decimal("6000"))
    avant = calcule_objectifs_epci(monde.epci, 2026)["hors_qpv"]

    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Identifiant").fill("nadia")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server.url}/relogement/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Opérations de relogement")
    axe_check(page)
    page.get_by_role("link", name="NPNRU Villeneuve").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("NPNRU Villeneuve")
    expect(page.locator("[data-indicateur=reloges]")).to_have_text("0")
    expect(page.locator("[data-indicateur=hors-qpv]")).to_have_text("–")
    axe_check(page)

    # the social survey
    page.get_by_role("link", name="M-001").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ménage M-001")
    axe_check(page)
    page.get_by_role("link", name="Saisir l'enquête sociale").click()
    page.get_by_label("Date de l'enquête").fill("2026-03-02")
    page.get_by_label("Composition du ménage").fill("Deux adultes, deux enfants de 6 et 9 ans")
    page.get_by_label("Santé, handicap").fill("Asthme sévère de l'aîné")
    page.get_by_label("Dette locative").select_option("non")
    page.get_by_label("Souhait de mobilité").select_option("Partir")
    axe_check(page)
    page.get_by_role("button", name="Enregistrer l'enquête").click()
    expect(page.get_by_role("alert")).to_have_text("Enquête sociale enregistrée.")
    expect(page.locator("[data-statut]")).to_have_text("Enquête sociale faite")
    expect(page.locator("#reponses-enquete")).to_contain_text("Asthme sévère de l'aîné")

    # first offer, in the QPV, refused
    propositions = page.locator("form[action$='/propositions/']")
    page.get_by_text("Enregistrer une proposition", exact=True).click()
    propositions.get_by_label("Date de la proposition").fill("2026-04-01")
    propositions.get_by_label("Logement du parc social").select_option(str(monde.logement_qpv.pk))
    propositions.get_by_role("button", name="Enregistrer la proposition").click()
    expect(page.get_by_role("alert")).to_have_text("Proposition enregistrée.")
    expect(page.locator("[data-statut]")).to_have_text("Proposition en cours")
    reponse = page.get_by_role("form", name="Réponse à la proposition 1")
    reponse.get_by_label("Réponse du ménage").select_option("REFUSEE")
    reponse.get_by_label("Date de la réponse").fill("2026-04-10")
    reponse.get_by_label("Motif du refus").select_option(label="Localisation (quartier, commune)")
    reponse.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.get_by_role("alert")).to_have_text("Refus enregistré.")
    expect(page.locator("[data-statut]")).to_have_text("En recherche de logement")
    expect(page.locator("#propositions")).to_contain_text("Refusée : Localisation (quartier, commune)")

    # second offer, new building outside QPV, accepted with the lease
    page.get_by_text("Enregistrer une proposition", exact=True).click()
    propositions.get_by_label("Date de la proposition").fill("2026-05-04")
    propositions.get_by_label("Logement du parc social").select_option(str(monde.logement_hors_qpv_neuf.pk))
    propositions.get_by_label("Loyer (€/mois)").fill("480")
    propositions.get_by_role("button", name="Enregistrer la proposition").click()
    expect(page.get_by_role("alert")).to_have_text("Proposition enregistrée.")
    seconde = PropositionRelogement.objects.get(menage=menage, logement=monde.logement_hors_qpv_neuf)

    relogement = page.locator("form[action$='/relogement/']")
    page.get_by_text("Enregistrer un relogement", exact=True).click()
    relogement.get_by_label("Type").select_option("DEFINITIF")
    relogement.get_by_label("Proposition acceptée").select_option(str(seconde.pk))
    relogement.get_by_label("Date de signature du bail").fill("2026-06-01")
    relogement.get_by_label("Date d'emménagement").fill("2026-06-06")
    relogement.get_by_label("Loyer (€/mois)").fill("480")
    relogement.get_by_label("Charges (€/mois)").fill("110")
    relogement.get_by_label("APL ou AL (€/mois)").fill("90")
    axe_check(page)
    relogement.get_by_role("button", name="Enregistrer le relogement").click()
    expect(page.get_by_role("alert")).to_contain_text("compté dans l'objectif A")
    expect(page.locator("[data-statut]")).to_have_text("Relogé définitivement")
    expect(page.get_by_text("compté dans l'objectif A", exact=True)).to_be_visible()
    expect(page.get_by_text("À faire avant le 06/12/2026")).to_be_visible()
    axe_check(page)

    # the operation's indicators changed
    page.get_by_role("link", name="NPNRU Villeneuve").click()
    expect(page.locator("[data-indicateur=reloges]")).to_have_text("1")
    expect(page.locator("[data-indicateur=hors-qpv]")).to_have_text("100,0\u00a0%")
    expect(page.locator("[data-indicateur=neuf]")).to_have_text("100,0\u00a0%")
    expect(page.locator("[data-indicateur=propositions]")).to_have_text("2,0")
    expect(page.locator("[data-indicateur=rac]")).to_have_text("400\u00a0€ → 500\u00a0€")
    expect(page.locator("[data-indicateur=delai]")).to_have_text("91 jours")
    expect(page.locator("[data-indicateur=parc]")).to_have_text("1 social")

    # and the relocated household counts in objective A
    apres = calcule_objectifs_epci(monde.epci, 2026)["hors_qpv"]
    assert apres["numerateur"] == avant["numerateur"] + 1
    assert apres["base"] == avant["base"] + 1
    menage = MenageAReloger.objects.get(pk=menage.pk)
    assert menage.statut == "RELOGE_DEFINITIF"
    assert menage.relogements.get().decision.relogement == "ANRU"
    assert list(menage.transitions.values_list("vers", flat=True)) == [
        "A_ENQUETER",
        "ENQUETE",
        "PROPOSITION",
        "EN_RECHERCHE",
        "PROPOSITION",
        "RELOGE_DEFINITIF",
    ]


def test_commission_des_cas_specifiques_dans_le_navigateur(page: Page, live_server, monde, axe_check):  # noqa: F811
    menage = monde.menage("M-002", nom="Ménage Keita")
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Identifiant").fill("nadia")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server.url}/relogement/menages/{menage.pk}/")
    page.get_by_role("link", name="Saisir la commission").click()
    page.get_by_label("Organisation qui saisit").fill("Opérateur MOUS")
    page.get_by_label("Motif").select_option("GRANDE_FAMILLE")
    page.get_by_label("Exposé de la situation").fill("Sept personnes, aucun T6 disponible.")
    axe_check(page)
    page.get_by_role("button", name="Enregistrer la saisine").click()
    expect(page.get_by_role("alert")).to_have_text("Saisine enregistrée.")
    axe_check(page)
    page.get_by_role("button", name="Se déconnecter").click()

    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Identifiant").fill("claire")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server.url}/relogement/commission/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Commission des cas spécifiques")
    page.get_by_label("Date").fill("2026-12-03")
    page.get_by_label("Lieu").fill("Forum")
    axe_check(page)
    page.get_by_role("button", name="Programmer une séance").click()
    expect(page.get_by_role("alert")).to_have_text("Séance créée.")
    page.get_by_role("link", name="Commission des cas spécifiques").click()
    page.get_by_role("table").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grande typologie introuvable")
    page.get_by_label("Séance").first.select_option(label="Commission du 03/12/2026")
    page.get_by_role("button", name="Inscrire").click()
    expect(page.get_by_role("alert")).to_have_text("Saisine inscrite à l'ordre du jour.")
    axe_check(page)
    page.get_by_role("link", name="Commission des cas spécifiques").click()
    page.get_by_role("link", name="Commission du 03/12/2026").click()
    expect(page.get_by_role("region", name="Dossiers inscrits")).to_contain_text("M-002 (NPNRU Villeneuve)")
    page.get_by_label("Membres présents").fill("Métropole, Actis, Ville de Grenoble")
    page.get_by_role("textbox", name="Compte rendu").fill("Recherche prioritaire d'un T6.")
    axe_check(page)
    page.get_by_role("button", name="Enregistrer le compte rendu").click()
    expect(page.get_by_role("alert")).to_have_text("Compte rendu enregistré.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tenue")

    # EPCI staff's own pages: the operation with its management forms, and a new operation
    page.goto(f"{live_server.url}/relogement/operations/{monde.operation.pk}/")
    expect(page.get_by_role("heading", name="Inscrire un ménage à reloger")).to_be_visible()
    axe_check(page)
    page.goto(f"{live_server.url}/relogement/")
    page.get_by_role("link", name="Nouvelle opération – Grenoble-Alpes-Métropole").click()
    page.get_by_role("textbox", name=re.compile("^Nom")).fill("ORCOD Mistral")
    page.get_by_label("Type").select_option("ORCOD")
    page.get_by_label("Bailleurs partenaires").select_option(label="Actis")
    axe_check(page)
    page.get_by_role("button", name="Créer l'opération").click()
    expect(page.get_by_role("alert")).to_have_text("Opération « ORCOD Mistral » créée.")
    expect(page.get_by_role("heading", level=1)).to_have_text("ORCOD Mistral")
