"""In a real Chromium: the CIL's secretariat creates a plenary meeting, puts its agenda and a document,
convenes it by e-mail, records the attendance with two proxies, refuses an impossible vote, records two votes and
downloads each deliberation's PDF, whose counts (read back with pypdf) are those recorded; a meeting below quorum
cannot adopt and says why. A CIL member then reads it all. axe-core on every page (WCAG 2.1 AA)."""

import io
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from conference.models import Deliberation, Seance
from tests.fixtures.conference import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.pdf, pytest.mark.django_db(transaction=True)]


def _login(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def _creer_seance(page: Page) -> None:
    formulaire = page.locator("form[action$='/seances/']")
    formulaire.get_by_label("Date").fill(timezone.localdate().isoformat())
    formulaire.get_by_label("Heure").fill("14:30")
    formulaire.get_by_label("Lieu").fill("Hôtel de la Métropole, salle du conseil")
    formulaire.get_by_role("button", name="Créer la séance").click()
    expect(page.get_by_role("alert")).to_contain_text("Séance créée")


def _point(page: Page, titre: str, nature: str, decision: str = "") -> None:
    formulaire = page.locator("form[action$='/points/']")
    formulaire.get_by_label("Intitulé").fill(titre)
    formulaire.get_by_label("Nature").select_option(label=nature)
    if decision:
        formulaire.get_by_label("Projet de décision").fill(decision)
    formulaire.get_by_role("button", name="Inscrire le point").click()
    expect(page.get_by_role("alert")).to_contain_text("inscrit à l'ordre du jour")


def _voter(page: Page, rang: int, votants: int, pour: int, contre: int, abstention: int, blanc: int = 0) -> None:
    formulaire = page.get_by_role("form", name=f"Vote sur le point {rang}")
    for label, valeur in (
        ("Votants", votants),
        ("Pour", pour),
        ("Contre", contre),
        ("Abstentions", abstention),
        ("Bulletins blancs", blanc),
    ):
        # by accessible name (the required-field star is aria-hidden), exact: "Pour" is not "Pouvoir"
        formulaire.get_by_role("spinbutton", name=label, exact=True).fill(str(valeur))
    formulaire.get_by_role("button", name=f"Enregistrer le vote du point {rang}").click()


def _texte_pdf(page: Page, lien: str) -> str:
    with page.expect_download() as telechargement:
        page.get_by_role("link", name=lien).click()
    contenu = Path(telechargement.value.path()).read_bytes()
    assert contenu.startswith(b"%PDF-")
    # words joined by single spaces: a long line may wrap in the PDF
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(contenu)).pages).split())


def test_une_seance_pleniere_du_secretariat_au_pdf(page: Page, live_server, monde_conference, axe_check):  # noqa: F811
    annee = timezone.localdate().year
    _login(page, live_server.url, "claire")
    page.get_by_role("link", name="Instances et séances", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Instances de la conférence – Grenoble-Alpes-Métropole")
    axe_check(page)
    page.get_by_role("link", name="Conférence intercommunale du logement").click()
    expect(page.get_by_role("heading", level=2, name="Membres en exercice")).to_contain_text("7 titulaires")
    axe_check(page)

    # the meeting, its agenda and a document
    _creer_seance(page)
    _point(page, "Validation de la CIA", "Délibération (vote)", "La conférence valide la convention intercommunale.")
    _point(page, "Avis sur le PPGDID", "Document d'orientation (document-cadre, CIA, PPGDID)", "Avis favorable.")
    _point(page, "Point sur les objectifs", "Information")
    documents = page.locator("form[action$='/documents/']")
    documents.get_by_label("Titre du document").fill("Projet de CIA")
    documents.get_by_label("Fichier").set_input_files(
        {"name": "projet-cia.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\nprojet de CIA\n%%EOF"}
    )
    documents.get_by_role("button", name="Déposer le document").click()
    expect(page.get_by_role("alert")).to_have_text("Document « Projet de CIA » déposé.")
    axe_check(page)

    # the convocation goes by e-mail with the agenda and the document
    mail.outbox.clear()
    page.get_by_role("button", name="Envoyer la convocation").click()
    expect(page.get_by_role("alert")).to_have_text("Convocation envoyée à 8 membres.")
    expect(page.locator("[data-statut]")).to_have_text("Convoquée")
    assert len(mail.outbox) == 8
    assert "2. Avis sur le PPGDID" in mail.outbox[0].body
    assert mail.outbox[0].attachments[0][0] == "projet-cia.pdf"

    # attendance: the mayor's substitute sits for her, two absent titulars give a proxy each
    page.get_by_role("link", name="Enregistrer les présences et les pouvoirs").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Présences et pouvoirs")
    axe_check(page)
    page.get_by_label("Présence de Anne Maire").select_option("EXCUSE")
    page.get_by_label("Présence de Hugo Suppléant").select_option("PRESENT")
    page.get_by_label("Présence de Paul Bailleur").select_option("REPRESENTE")
    page.get_by_label("Pouvoir donné par Paul Bailleur à").select_option(label="Marc Président")
    page.get_by_label("Présence de Yves Locataire").select_option("REPRESENTE")
    page.get_by_label("Pouvoir donné par Yves Locataire à").select_option(label="Marc Président")
    page.get_by_role("button", name="Enregistrer les présences").click()
    # two proxies for one holder: refused, nothing written, the page says why
    expect(page.get_by_role("alert")).to_have_text(
        "Marc Président porterait 2 pouvoirs : la limite est de 1 par membre (règle de l'instance)."
    )
    page.get_by_label("Pouvoir donné par Yves Locataire à").select_option(label="Sara Association")
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Présences enregistrées : 5 présents, 2 pouvoirs, 7 membres en exercice."
    )
    expect(page.locator("[data-compte=presents]")).to_have_text("5")
    expect(page.locator("[data-compte=pouvoirs]")).to_have_text("2")
    expect(page.locator("#quorum")).to_contain_text("Quorum atteint : 5 membres présents sur 7 en exercice, 4 requis")

    # an impossible vote is refused; then the two votes
    _voter(page, 1, votants=8, pour=8, contre=0, abstention=0)
    expect(page.get_by_role("form", name="Vote sur le point 1").get_by_role("alert")).to_have_text(
        "8 votants pour 5 membres présents et 2 pouvoirs (7 voix au plus) : impossible."
    )
    assert not Deliberation.objects.exists()
    axe_check(page)
    _voter(page, 1, votants=7, pour=6, contre=0, abstention=1)
    expect(page.get_by_role("alert")).to_contain_text(f"Délibération n° {annee}-01 enregistrée : adoptée")
    _voter(page, 2, votants=6, pour=3, contre=1, abstention=1, blanc=1)
    expect(page.get_by_role("alert")).to_contain_text(f"Délibération n° {annee}-02 enregistrée : adoptée")
    axe_check(page)

    # each deliberation's PDF states what was recorded
    texte = _texte_pdf(page, f"Télécharger le relevé de la délibération n° {annee}-01 (PDF)")
    assert f"Délibération n° {annee}-01" in texte
    assert "Membres en exercice 7, présents 5, pouvoirs 2, votants 7 : pour 6, contre 0, abstention 1" in texte
    assert "La conférence valide la convention intercommunale." in texte
    texte = _texte_pdf(page, f"Télécharger le relevé de la délibération n° {annee}-02 (PDF)")
    assert (
        "Membres en exercice 7, présents 5, pouvoirs 2, votants 6 : pour 3, contre 1, abstention 1, blancs 1" in texte
    )
    recues = {
        (d.presents, d.pouvoirs, d.votants, d.pour, d.contre, d.abstention, d.blanc) for d in Deliberation.objects.all()
    }
    assert recues == {(5, 2, 7, 6, 0, 1, 0), (5, 2, 6, 3, 1, 1, 1)}

    # a meeting below quorum cannot adopt, and says why
    page.get_by_role("link", name="Conférence intercommunale du logement").first.click()
    _creer_seance(page)
    _point(page, "Adoption du calendrier", "Délibération (vote)")
    page.get_by_role("button", name="Envoyer la convocation").click()
    page.get_by_role("link", name="Enregistrer les présences et les pouvoirs").click()
    for nom in ("Louise Préfète", "Marc Président", "Anne Maire", "Paul Bailleur"):
        page.get_by_label(f"Présence de {nom}").select_option("EXCUSE")
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.locator("#quorum")).to_have_text(
        "Quorum non atteint : 3 membres présents sur 7 en exercice, il en faut au moins 4 "
        "(plus de la moitié des membres en exercice présents)."
    )
    _voter(page, 1, votants=3, pour=3, contre=0, abstention=0)
    expect(page.get_by_role("form", name="Vote sur le point 1").get_by_role("alert")).to_contain_text(
        "Vote refusé : Quorum non atteint : 3 membres présents sur 7 en exercice, il en faut au moins 4"
    )
    assert Deliberation.objects.count() == 2
    seconde = Seance.objects.order_by("-pk").first()
    assert not Deliberation.objects.filter(point__seance=seconde).exists()

    # a CIL member reads the meeting and its results, read-only
    page.get_by_role("button", name="Se déconnecter").click()
    _login(page, live_server.url, "paul")
    page.get_by_role("link", name="Espace des membres", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace des membres – Grenoble-Alpes-Métropole")
    expect(page.get_by_role("cell", name=f"{annee}-01", exact=True)).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Validation de la CIA").click()
    expect(page.locator("[data-deliberation='1']")).to_contain_text(
        "membres en exercice 7, présents 5, pouvoirs 2, votants 7 : pour 6, contre 0, abstention 1"
    )
    expect(page.get_by_role("button", name="Envoyer de nouveau la convocation")).to_have_count(0)
    expect(page.get_by_role("form", name="Vote sur le point 1")).to_have_count(0)
    axe_check(page)
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Projet de CIA").click()
    assert Path(telechargement.value.path()).read_bytes() == b"%PDF-1.7\nprojet de CIA\n%%EOF"
