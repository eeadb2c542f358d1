"""Pages, forms, PDF summary (real WeasyPrint output read back with pypdf), API."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from relogement import services
from relogement.models import MenageAReloger, Operation, PropositionRelogement, Saisine, SeanceCommission
from tests.fixtures.relogement import REPONSES

pytestmark = pytest.mark.django_db


@pytest.fixture
def reloge(monde_relogement):
    m = monde_relogement.menage("R-1", ressources_mensuelles=Decimal("1600"))
    services.enregistrer_enquete(
        m, reponses=REPONSES, date_enquete=dt.date(2026, 3, 2), acteur=monde_relogement.referent
    )
    p = services.proposer(
        m,
        acteur=monde_relogement.referent,
        date_proposition=dt.date(2026, 4, 1),
        logement=monde_relogement.logement_hors_qpv_neuf,
    )
    services.enregistrer_relogement(
        m,
        acteur=monde_relogement.referent,
        type="DEFINITIF",
        proposition=p,
        date_bail=dt.date(2026, 5, 31),
        loyer=Decimal("480"),
        charges=Decimal("100"),
        apl=Decimal("180"),
    )
    return m


def test_pages_de_l_operation(client, monde_relogement, reloge, django_assert_max_num_queries):
    for i in range(5):
        monde_relogement.menage(f"L-{i}")
    client.force_login(monde_relogement.staff)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("relogement:operation", args=[monde_relogement.operation.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "NPNRU Villeneuve" in html and "L-4" in html and "Inscrire un ménage" in html
    assert response.context["ind"].nb_reloges_definitifs == 1
    assert response.context["ind"].nb_hors_qpv == 1
    assert 'role="img"' in html  # the accessible SVG chart
    response = client.get(
        reverse("relogement:operation", args=[monde_relogement.operation.pk]), {"statut": "A_ENQUETER"}
    )
    assert [m.reference for m in response.context["menages"]] == [f"L-{i}" for i in range(5)]
    monde_relogement.menage("T-1", referent=monde_relogement.autre_referent)
    url = reverse("relogement:operation", args=[monde_relogement.operation.pk])
    response = client.get(url, {"referent": "thomas", "batiment": monde_relogement.batiment.pk})
    assert [m.reference for m in response.context["menages"]] == ["T-1"]
    assert client.get("/api/relogement/menages/", {"referent": "thomas"}).json()["count"] == 1
    response = client.get(reverse("relogement:operations"))
    assert response.status_code == 200
    assert response.context["territoires"][0]["ind"].nb_menages == 7


def test_saisie_de_l_enquete_par_le_formulaire(client, monde_relogement):
    m = monde_relogement.menage("F-1")
    client.force_login(monde_relogement.referent)
    url = reverse("relogement:enquete", args=[m.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Composition du ménage" in page.content.decode()
    response = client.post(url, {"date_enquete": "2026-03-02", "q_composition": "", "q_mobilite": "Partir"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    response = client.post(
        url,
        {"date_enquete": "2026-03-02", "q_composition": "Seule", "q_mobilite": "Partir", "q_dette": "non"},
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.statut == "ENQUETE" and m.enquete.reponses == {
        "composition": "Seule",
        "mobilite": "Partir",
        "dette": False,
    }


def test_fiche_du_menage_formulaires_et_refus(client, monde_relogement, django_assert_max_num_queries):
    m = monde_relogement.menage("F-2")
    services.enregistrer_enquete(
        m, reponses=REPONSES, date_enquete=dt.date(2026, 3, 2), acteur=monde_relogement.referent
    )
    client.force_login(monde_relogement.referent)
    url = reverse("relogement:menage", args=[m.pk])
    with django_assert_max_num_queries(45):
        assert client.get(url).status_code == 200
    client.post(
        reverse("relogement:proposer", args=[m.pk]),
        {
            "proposition-date_proposition": "2026-04-01",
            "proposition-logement": monde_relogement.logement_qpv.pk,
            "proposition-loyer": "450",
        },  # fmt: skip
    )
    p = PropositionRelogement.objects.get(menage=m)
    response = client.post(
        reverse("relogement:repondre", args=[m.pk, p.pk]), {"resultat": "REFUSEE", "date_reponse": "2026-04-05"}
    )
    assert response.status_code == 400  # a refusal needs its reason
    response = client.post(
        reverse("relogement:repondre", args=[m.pk, p.pk]),
        {"resultat": "REFUSEE", "date_reponse": "2026-04-05", "motif_refus": "LOCALISATION"},
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.statut == "EN_RECHERCHE"
    page = client.get(url).content.decode()
    assert "Localisation (quartier, commune)" in page
    response = client.post(
        reverse("relogement:reloger", args=[m.pk]),
        {"relogement-type": "DEFINITIF", "relogement-parc": "SOCIAL",
         "relogement-logement": monde_relogement.logement_ancien.pk,
         "relogement-date_bail": "2026-06-01", "relogement-loyer": "400", "relogement-charges": "90",
         "relogement-apl": "100"},
    )  # fmt: skip
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.statut == "RELOGE_DEFINITIF"
    response = client.post(
        reverse("relogement:suivi", args=[m.pk]),
        {"suivi-date_realisation": "2026-11-20", "suivi-satisfaction": "PLUTOT_SATISFAIT", "suivi-commentaire": "RAS"},
    )
    assert response.status_code == 302
    assert MenageAReloger.objects.get(pk=m.pk).statut == "SUIVI_FAIT"


@pytest.mark.pdf
def test_synthese_pdf_relue(client, monde_relogement, reloge):
    client.force_login(monde_relogement.partenaire)
    response = client.get(reverse("relogement:synthese_pdf", args=[monde_relogement.operation.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    texte = " ".join(page.extract_text() for page in reader.pages)
    assert "Synthèse du relogement – NPNRU Villeneuve" in texte
    assert "Part relogée hors QPV" in texte and "100,0" in texte
    assert "R-1" in texte
    assert "Asthme" not in texte  # never a survey answer
    polices = " ".join(str(page["/Resources"]["/Font"][k].get_object()["/BaseFont"]) for page in reader.pages
                       for k in page["/Resources"]["/Font"])  # fmt: skip
    assert "DejaVu-Sans" in polices
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"]) and reader.trailer["/Root"]["/Lang"] == "fr"
    assert reader.metadata.title == "Synthèse du relogement – NPNRU Villeneuve"


def test_pages_de_la_commission(client, monde_relogement, reloge):
    client.force_login(monde_relogement.referent)
    url = reverse("relogement:saisine_nouvelle") + f"?epci={monde_relogement.epci.siren}&menage={reloge.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "epci": monde_relogement.epci.siren,
            "menage": reloge.pk,
            "organisation": "MOUS",
            "motif": "SOCIAL",
            "expose": "x",
        },
    )
    saisine = Saisine.objects.get()
    assert response.status_code == 302 and saisine.saisi_par == monde_relogement.referent
    client.force_login(monde_relogement.staff)
    response = client.post(
        reverse("relogement:seance_nouvelle"),
        {"epci": monde_relogement.epci.siren, "date": "2026-12-03", "lieu": "Forum"},
    )
    seance = SeanceCommission.objects.get()
    assert response.status_code == 302
    saisine_url = reverse("relogement:saisine", args=[saisine.pk])
    assert client.post(saisine_url, {"action": "inscrire", "inscription-seance": seance.pk}).status_code == 302
    decision = {"action": "decision", "decision-seance": seance.pk, "decision-type": "ACCOMPAGNEMENT"}
    client.post(saisine_url, {**decision, "decision-texte": "ASLL"})
    saisine.refresh_from_db()
    assert saisine.statut == "EXAMINEE" and saisine.decisions.count() == 1
    response = client.post(
        reverse("relogement:seance", args=[seance.pk]),
        {"ordre_du_jour": "1. Dossier R-1", "membres_presents": "EPCI, Actis", "compte_rendu": "Accompagnement"},
    )
    assert response.status_code == 302
    seance.refresh_from_db()
    assert seance.statut == "TENUE"
    page = client.get(reverse("relogement:commission"), {"epci": monde_relogement.epci.siren})
    assert page.status_code == 200 and "1 dossier" in page.content.decode()
    assert "Situation bloquée" not in page.content.decode() and "Situation sociale complexe" in page.content.decode()
    assert "accompagnement social" in client.get(reverse("relogement:seance", args=[seance.pk])).content.decode()


def test_api_operations_avec_indicateurs(client, monde_relogement, reloge):
    client.force_login(monde_relogement.partenaire_reservataire)
    data = client.get("/api/relogement/operations/").json()
    assert data["count"] == 1
    op = data["results"][0]
    assert op["type"] == "NPNRU" and op["epci"] == "200040715"
    assert op["indicateurs"]["nb_reloges_definitifs"] == 1
    assert op["indicateurs"]["taux_hors_qpv"] == "1.0000"
    assert op["indicateurs"]["rac_apres_moyen"] == "400.0000"
    data = client.get("/api/relogement/menages/", {"statut": "RELOGE_DEFINITIF"}).json()
    assert [m["reference"] for m in data["results"]] == ["R-1"]
    assert data["results"][0]["relogements"][0]["logement"] == "NEUF-FONTAINE-1"


def test_rattacher_une_demande_et_changer_de_referent(client, monde_relogement):
    from cil.models import Guichet
    from demandes.services import enregistrer_demande

    guichet = Guichet.objects.create(
        epci=monde_relogement.epci,
        nom="Accueil",
        niveau=2,
        enregistreur=True,
        adresse="1 place",
        commune=monde_relogement.communes["38185"],
    )
    demande = enregistrer_demande(
        guichet=guichet,
        acteur=monde_relogement.staff,
        donnees={
            "nom": "Keita",
            "prenom": "Issa",
            "date_naissance": dt.date(1980, 1, 2),
            "sexe": "M",
            "adresse": "60 galerie de l'Arlequin",
            "code_postal": "38100",
            "ville": "Grenoble",
            "situation_familiale": "MARIE",
            "situation_professionnelle": "CDI",
            "logement_actuel": "LOCATAIRE_HLM",
        },  # fmt: skip
    )
    m = monde_relogement.menage("D-1")
    client.force_login(monde_relogement.referent)
    url = reverse("relogement:lier_demande", args=[m.pk])
    response = client.post(url, {"numero_unique": "038-0000-99999"})
    assert response.status_code == 400 and "Aucune demande de ce numéro" in response.content.decode()
    assert client.post(url, {"numero_unique": demande.numero_unique}).status_code == 302
    m.refresh_from_db()
    assert m.demande == demande
    # only EPCI staff name the relocation officer
    url = reverse("relogement:changer_referent", args=[m.pk])
    assert client.post(url, {"referent": monde_relogement.partenaire.pk}).status_code == 403
    client.force_login(monde_relogement.staff)
    assert "Changer de référent" in client.get(reverse("relogement:menage", args=[m.pk])).content.decode()
    assert client.post(url, {"referent": monde_relogement.partenaire.pk, "motif": "Mutation"}).status_code == 302
    m.refresh_from_db()
    assert m.referent == monde_relogement.partenaire
    client.force_login(monde_relogement.referent)
    assert client.get(reverse("relogement:menage", args=[m.pk])).status_code == 403


def test_creer_une_operation_et_ses_batiments(client, monde_relogement):
    url = reverse("relogement:operation_nouvelle") + f"?epci={monde_relogement.epci.siren}"
    donnees = {"epci": monde_relogement.epci.siren, "nom": "LHI Très-Cloîtres", "type": "LHI", "tolerance_rac": "0",
               "commune": monde_relogement.communes["38185"].pk, "bailleurs": [monde_relogement.actis.pk],
               "reservataires": [monde_relogement.ville.pk]}  # fmt: skip
    client.force_login(monde_relogement.partenaire)
    assert client.get(url).status_code == 403
    client.force_login(monde_relogement.staff)
    assert "Nouvelle opération" in client.get(reverse("relogement:operations")).content.decode()
    response = client.post(url, donnees)
    assert response.status_code == 400  # an LHI operation needs its legal basis
    assert "base légale" in response.content.decode().lower()
    response = client.post(url, {**donnees, "base_legale": "Arrêté de mise en sécurité du 3 mars 2026, L. 511-19"})
    operation = Operation.objects.get(nom="LHI Très-Cloîtres")
    assert response.status_code == 302 and operation.epci == monde_relogement.epci
    assert list(operation.bailleurs.all()) == [monde_relogement.actis]
    response = client.post(
        reverse("relogement:batiment_ajout", args=[operation.pk]),
        {
            "batiment-nom": "12 rue Très-Cloîtres",
            "batiment-nb_logements": "9",
            "batiment-bailleur": monde_relogement.actis.pk,
        },
    )
    assert response.status_code == 302
    assert operation.batiments.get().nb_logements == 9
    client.force_login(monde_relogement.partenaire)
    assert client.get(reverse("relogement:operation", args=[operation.pk])).status_code == 200
    response = client.post(reverse("relogement:batiment_ajout", args=[operation.pk]), {"batiment-nom": "B"})
    assert response.status_code == 403


def test_historique_sans_faux_changement_de_statut(client, monde_relogement):
    """A step that keeps the status (registration, referent) reads as that status alone."""
    import re

    m = monde_relogement.menage("H-1")
    TransitionMenage = m.transitions.model
    assert TransitionMenage.objects.filter(menage=m, de=m.statut, vers=m.statut).exists()
    client.force_login(monde_relogement.referent)
    html = client.get(reverse("relogement:menage", args=[m.pk])).content.decode()
    libelle = m.get_statut_display()
    assert not re.search(rf"{re.escape(libelle)}\s*→\s*{re.escape(libelle)}", html)
    assert libelle in html
