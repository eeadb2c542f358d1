"""A reception agent's day in a real Chromium: register a demand, attach a document, qualify a priority,
renew it; an outsider organisation cannot open it; two agents editing at once get a clear conflict."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from cil.models import Bailleur, Membership
from core.models import User
from core.roles import Role
from demandes.models import Demande, PieceJustificative
from demandes.tests.factories import CommuneFactory, EpciFactory, GuichetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un-mot-de-passe-solide-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _stockage_prive(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "prive")


@pytest.fixture
def territoire():
    epci = EpciFactory()
    commune = CommuneFactory(epci=epci)
    guichet = GuichetFactory(epci=epci, commune=commune, nom="Maison de l'habitat")
    guichet2 = GuichetFactory(epci=epci, commune=commune, nom="CCAS d'Échirolles")
    autre = EpciFactory(siren="243800604", nom="CA du Pays Voironnais")
    guichet_autre = GuichetFactory(epci=autre, commune=CommuneFactory(code_insee="38563", nom="Voiron", epci=autre))
    bailleur = Bailleur.objects.create(siren="732829320", nom="Voironnais Habitat")
    comptes = {}
    for username, role, kw, e in [
        ("camille", Role.AGENT_ACCUEIL, {"guichet": guichet}, epci),
        ("nadia", Role.AGENT_ACCUEIL, {"guichet": guichet2}, epci),
        ("intrus", Role.AGENT_ACCUEIL, {"guichet": guichet_autre}, autre),
        ("intrus.bailleur", Role.BAILLEUR, {"bailleur": bailleur}, autre),
    ]:
        comptes[username] = User.objects.create_user(username=username, password=PASSWORD, first_name=username.title())
        Membership.objects.create(user=comptes[username], role=role, epci=e, **kw)
    return comptes


def _login(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def _continuer(page: Page) -> None:
    page.get_by_role("button", name="Continuer").click()


def test_enregistrer_completer_qualifier_renouveler_puis_intrus_refuse(
    page: Page, live_server, territoire, axe_check, browser
):
    _login(page, live_server.url, "camille")
    page.get_by_role("link", name="Demandes").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demandes de logement social")
    axe_check(page)
    page.get_by_role("link", name="Enregistrer une demande").click()

    # 1. applicant (French validation messages linked to the field)
    page.get_by_label("Nom d'usage").fill("Benali")
    page.get_by_label("Prénom(s)").fill("Inès")
    page.get_by_label("Date de naissance").fill("1991-03-14")
    page.get_by_label("Sexe").select_option("F")
    page.get_by_label("Situation de famille").select_option("CELIBATAIRE")
    page.get_by_label("Situation professionnelle").select_option("CDD")
    page.locator("#id_adresse").fill("5 rue Très-Cloîtres")
    page.get_by_label("Code postal").fill("380")
    page.get_by_label("Ville").fill("Grenoble")
    _continuer(page)
    code_postal = page.get_by_label("Code postal")
    expect(code_postal).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_code_postal-erreurs")).to_have_text("Le code postal compte 5 chiffres.")
    axe_check(page)
    code_postal.fill("38000")
    _continuer(page)
    # 2. household: nobody else
    expect(page.get_by_role("heading", name="Les autres personnes à loger")).to_be_visible()
    _continuer(page)
    # 3. resources
    page.locator("#id_ressources-0-personne").select_option("D")
    page.locator("#id_ressources-0-nature").select_option("SALAIRE")
    page.locator("#id_ressources-0-montant_mensuel").fill("1380.50")
    _continuer(page)
    # 4. current housing and reasons
    page.get_by_label("Situation de logement actuelle").select_option("LOCATAIRE_PRIVE")
    page.get_by_label("Logement trop cher").check()
    _continuer(page)
    # 5. wishes
    page.get_by_label("Communes souhaitées").select_option(label="Grenoble (38185)")
    page.get_by_label("T2", exact=True).check()
    _continuer(page)
    expect(page.get_by_role("heading", name="Vérifiez avant d'enregistrer")).to_be_visible()
    page.get_by_role("button", name="Enregistrer la demande").click()

    expect(page.get_by_role("alert").first).to_contain_text("Demande enregistrée sous le numéro unique 038-")
    demande = Demande.objects.get(nom="Benali")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inès Benali")
    axe_check(page)

    # attach a document
    page.get_by_label("Type de pièce").select_option("IDENTITE")
    page.get_by_label("Fichier").set_input_files({"name": "cni.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="Ajouter la pièce").click()
    expect(page.get_by_role("alert").first).to_have_text("Pièce ajoutée au dossier.")
    expect(page.get_by_role("link", name="cni.pdf")).to_be_visible()
    assert PieceJustificative.objects.get(demande=demande).type_mime == "application/pdf"

    # qualify a priority
    page.get_by_text("Reconnaître un critère de priorité").click()
    page.get_by_label("Critère de priorité (L. 441-1 CCH)").select_option("MENACE_EXPULSION")
    page.get_by_label("Reconnu par").select_option("GUICHET")
    page.get_by_role("button", name="Enregistrer le critère").click()
    expect(page.get_by_role("alert").first).to_have_text("Critère de priorité enregistré.")
    qualification = page.get_by_role("region", name=re.compile("^Qualification"))
    expect(qualification.get_by_role("strong").first).to_have_text("k) Menacée d'expulsion sans relogement")

    # renew: not on the day of registration; near the expiry, with the applicant's confirmation
    expect(page.get_by_role("link", name="Renouveler", exact=True)).to_have_count(0)
    expect(page.get_by_text(re.compile("renouvellement possible à partir du"))).to_be_visible()
    Demande.objects.filter(pk=demande.pk).update(date_depot=dt.date.today() - dt.timedelta(days=350))
    page.reload()
    page.get_by_role("link", name="Renouveler", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Renouveler la demande")
    axe_check(page)
    page.get_by_role("button", name="Confirmer le renouvellement").click()
    expect(page.get_by_text("Cochez la confirmation du demandeur")).to_be_visible()
    page.get_by_label(re.compile("Le demandeur confirme maintenir sa demande")).check()
    page.get_by_role("button", name="Confirmer le renouvellement").click()
    expect(page.get_by_role("alert").first).to_contain_text("Demande renouvelée")
    historique = page.get_by_role("region", name="Historique (gestion partagée)")
    for evenement in (
        "Enregistrement de la demande",
        "Pièce justificative reçue",
        "Priorité reconnue",
        "Renouvellement",
    ):
        expect(historique).to_contain_text(evenement)

    # the reception network's pages
    page.goto(f"{live_server.url}/demandes/reseau/")
    page.get_by_role("button", name="+1 visite").first.click()
    expect(page.locator("[id^=compteur-][id$=-VISITE]").first).to_have_text("1 aujourd'hui")
    axe_check(page)
    page.goto(f"{live_server.url}/demandes/traitements/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Traitements programmés des demandes")
    axe_check(page)

    # an agent of another territory, and a landlord of another territory: page, API and export refused
    for intrus in ("intrus", "intrus.bailleur"):
        autre = browser.new_context(locale="fr-FR")
        page2 = autre.new_page()
        _login(page2, live_server.url, intrus)
        reponse = page2.goto(f"{live_server.url}/demandes/{demande.pk}/")
        assert reponse.status == 404
        assert page2.request.get(f"{live_server.url}/api/demandes/{demande.pk}/").status == 404
        export = page2.request.get(f"{live_server.url}/demandes/export.csv?q=benali")
        assert demande.numero_unique not in export.text()
        api = page2.request.get(f"{live_server.url}/api/demandes/?q=benali").json()
        assert api["count"] == 0
        autre.close()


def test_deux_agents_modifient_la_meme_demande(page: Page, live_server, territoire, browser):
    from demandes.tests.factories import creer_demande

    guichet = Membership.objects.get(user__username="camille").guichet
    demande = creer_demande(guichet, acteur=territoire["camille"])
    demande.communes_souhaitees.set([guichet.commune])
    url = f"{live_server.url}/demandes/{demande.pk}/modifier/"

    _login(page, live_server.url, "camille")
    page.goto(url)
    contexte2 = browser.new_context(locale="fr-FR")
    page2 = contexte2.new_page()
    _login(page2, live_server.url, "nadia")
    page2.goto(url)

    page.get_by_label("Téléphone").fill("04 76 00 00 01")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("alert").first).to_have_text("Modifications enregistrées.")

    page2.get_by_label("Ville").fill("Échirolles")
    page2.get_by_role("button", name="Enregistrer", exact=True).click()
    alerte = page2.get_by_role("alert").filter(has_text="Conflit de modification")
    expect(alerte).to_contain_text("modifiée par quelqu'un d'autre")
    expect(alerte).to_contain_text("Modifié entre-temps par l'autre personne : Téléphone.")
    expect(page2.get_by_label("Ville")).to_have_value("Échirolles")  # nothing typed is lost
    demande.refresh_from_db()
    assert demande.telephone == "04 76 00 00 01" and demande.ville == "Grenoble"
    page2.get_by_role("button", name="Enregistrer mes saisies malgré tout").click()
    expect(page2.get_by_role("alert").first).to_have_text("Modifications enregistrées.")
    demande.refresh_from_db()
    assert demande.ville == "Échirolles" and demande.telephone == "04 76 00 00 01"
    assert demande.version == 3
    contexte2.close()
