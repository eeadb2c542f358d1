"""The whole allocation journey in a real browser, by three organisations, with a real Celery worker.

The landlord declares a vacancy and routes it to Action Logement; Action Logement's staff (who never see the
vacancies routed to other holders) designate three candidates; the landlord holds the commission, records the
decisions, the household's acceptance and the lease; the worker stores the objectives' snapshot and the
EPCI's dashboard counts the allocation.
"""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from attributions import services
from attributions.models import Candidature, DecisionCaleol, InstantaneObjectifs, Vacance
from attributions.tests.fabrique import PASSWORD, construire_monde, creer_demande, enfant
from demandes.models import Demande


@pytest.fixture
def monde_parcours(territoire_minimal):
    """The allocations world, three candidates for AH-0001, a demand elsewhere, AH-0002 routed to the city."""
    # a transactional test before this one may have flushed the rows of the data migrations: load them again
    importlib.import_module("attributions.migrations.0004_parametres_attribution").charger(apps, None)
    monde = construire_monde(territoire_minimal)
    un_enfant = [enfant("Jade", dt.date(2018, 5, 4))]
    monde["candidats"] = [
        creer_demande(monde, "Martin", date_depot=dt.date(2021, 3, 1), ressources="800", membres=un_enfant),
        creer_demande(monde, "Bernard", date_depot=dt.date(2022, 5, 10), ressources="2600", membres=un_enfant),
        creer_demande(monde, "Petit", date_depot=dt.date(2023, 1, 20), ressources="1900", membres=un_enfant),
    ]
    creer_demande(monde, "Ailleurs", date_depot=dt.date(2020, 1, 1), communes=[monde["communes"]["38151"]])
    # a vacancy routed to another holder: Action Logement's staff must never see it
    autre = services.declarer_vacance(logement=monde["logement_qpv"], date_liberation=dt.date(2026, 1, 2), acteur=None)
    services.orienter_vacance(vacance=autre, reservataire=monde["ville"], acteur=None)
    return monde


def connexion(page: Page, base: str, username: str):
    page.goto(f"{base}/connexion/")
    page.get_by_label("Identifiant", exact=True).fill(username)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def deconnexion(page: Page):
    page.get_by_role("button", name="Se déconnecter").click()


@pytest.mark.browser
@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_parcours_complet_d_une_attribution(page: Page, live_server, monde_parcours, celery_worker_process, axe_check):
    monde = monde_parcours
    base = live_server.url
    aujourd_hui = timezone.localdate()
    jour = aujourd_hui.isoformat()
    martin, bernard, petit = monde["candidats"]

    # 1. The landlord declares the vacancy and routes it to Action Logement
    connexion(page, base, "bailleur")
    page.goto(f"{base}/vacances/")
    page.get_by_role("link", name="Déclarer un logement vacant").click()
    page.get_by_label("Identifiant du logement", exact=True).fill("AH-0001")
    page.get_by_label("Date de libération", exact=True).fill(jour)
    page.get_by_role("button", name="Déclarer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logement vacant AH-0001")
    expect(page.locator("#statut-vacance")).to_have_text("Déclarée")
    page.get_by_label("Réservataire", exact=True).select_option(label="Action Logement Services")
    page.get_by_role("button", name="Orienter").click()
    expect(page.get_by_role("alert")).to_contain_text("Logement orienté vers Action Logement Services")
    axe_check(page)
    deconnexion(page)

    # 2. Action Logement sees only its vacancy and designates three candidates
    connexion(page, base, "actionlogement")
    page.goto(f"{base}/vacances/")
    lignes = page.locator("#vacances tbody tr")
    expect(lignes).to_have_count(1)
    expect(lignes.first).to_contain_text("AH-0001")
    expect(page.locator("#vacances")).not_to_contain_text("AH-0002")
    page.get_by_role("link", name="AH-0001").click()
    page.get_by_role("link", name="Rechercher et désigner des candidats").click()
    expect(page.locator("#criteres")).to_contain_text("Classement par cotation (grille adoptée par l'EPCI)")
    candidats = page.locator("#candidats tbody tr")
    expect(candidats).to_have_count(3)
    expect(candidats.first).to_contain_text("Martin")
    expect(candidats.first).to_contain_text("Hors QPV : candidat du 1er quartile, compte pour les 25 % (objectif A)")
    axe_check(page)
    for demande in (martin, bernard, petit):
        page.get_by_label(re.compile(demande.numero_unique)).check()
    page.get_by_role("button", name="Désigner les candidats cochés").click()
    expect(page.get_by_role("alert")).to_contain_text("3 candidat(s) désigné(s)")
    expect(page.locator("#statut-vacance")).to_have_text("Candidats désignés")
    deconnexion(page)

    # 3. The landlord holds the commission: agenda, decisions, members present
    connexion(page, base, "bailleur")
    page.goto(f"{base}/caleol/")
    page.get_by_label("Date de la séance", exact=True).fill(jour)
    page.get_by_label("Lieu", exact=True).fill("Siège, salle du conseil")
    page.get_by_role("button", name="Créer la séance").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Commission d'attribution du")
    seance_url = page.url
    vacance = Vacance.objects.get(logement__identifiant="AH-0001")
    page.goto(f"{base}/vacances/{vacance.pk}/")
    page.get_by_role("button", name="Inscrire à l'ordre du jour").click()
    expect(page.locator("#statut-vacance")).to_have_text("Inscrite en commission")
    page.goto(seance_url)
    for demande, decision, rang, motif in (
        (martin, "Attribution avec classement", "1", ""),
        (bernard, "Attribution avec classement", "2", ""),
        (petit, "Non-attribution", "", "Ressources insuffisantes pour le loyer"),
    ):
        formulaire = page.get_by_role("form", name=f"Décision pour {demande.numero_unique}")
        formulaire.get_by_label("Décision", exact=True).select_option(label=decision)
        if rang:
            formulaire.get_by_label("Rang", exact=True).fill(rang)
        if motif:
            formulaire.get_by_label("Motifs", exact=True).fill(motif)
        formulaire.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("alert")).to_contain_text(f"Décision enregistrée pour {demande.numero_unique}")
    page.get_by_label("Membres présents", exact=True).fill("Mme Durand, présidente\nM. Roux, représentant du maire")
    page.get_by_role("button", name="Enregistrer la séance").click()
    expect(page.get_by_role("alert")).to_contain_text("Séance enregistrée")
    axe_check(page)

    # 4. The first-ranked household accepts; the lease is signed
    page.goto(f"{base}/vacances/{vacance.pk}/")
    reponse = page.get_by_role("form", name=f"Réponse de {martin.numero_unique}")
    reponse.get_by_label("Réponse", exact=True).select_option(label="Acceptation")
    reponse.get_by_label("Date de la réponse", exact=True).fill(jour)
    reponse.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.get_by_role("alert")).to_contain_text("Réponse du demandeur enregistrée")
    page.get_by_label("Date de signature du bail", exact=True).fill(jour)
    page.get_by_role("button", name="Enregistrer le bail").click()
    expect(page.get_by_role("alert")).to_contain_text("Bail enregistré")
    expect(page.locator("#statut-vacance")).to_have_text("Bail signé")
    expect(page.locator("#historique tbody tr")).to_have_count(6)
    axe_check(page)
    deconnexion(page)

    decision = DecisionCaleol.objects.get(numero_unique=martin.numero_unique)
    assert (decision.source, decision.type_decision, decision.rang) == ("PLATEFORME", "ATTRIBUTION_RANG", 1)
    assert decision.date_bail == aujourd_hui and decision.reservataire == monde["al"]
    assert Demande.objects.get(pk=martin.pk).motif_radiation == "ATTRIBUTION"
    assert Candidature.objects.filter(vacance=vacance).count() == 3

    # 5. The worker stores the objectives; the EPCI's dashboard counts the allocation
    instantane = celery_worker_process.wait_for(
        lambda: InstantaneObjectifs.objects.filter(
            epci=monde["epci"], annee=aujourd_hui.year, resultat__hors_qpv__base=1
        ).first(),
        what="l'instantané des objectifs recalculé après le bail",
    )
    assert instantane.resultat["hors_qpv"]["numerateur"] == 1  # a first-quartile household outside QPV
    connexion(page, base, "epci")
    page.goto(f"{base}/objectifs/?epci=200040715&annee={aujourd_hui.year}")
    carte_a = page.get_by_role("region", name="A. Hors QPV : 1er quartile ou ménages relogés")
    expect(carte_a).to_contain_text("1 sur 1")
    expect(carte_a).to_contain_text("100,0\u00a0%")
