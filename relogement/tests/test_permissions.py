"""Scoping with several actors: EPCI staff, partner landlord, partner reservation holder, relocation officer,
another officer, an outsider landlord. Survey answers never reach partners (pages, exports, API)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from relogement import permissions, services
from relogement.models import MenageAReloger, Operation, Saisine
from tests.fixtures.relogement import REPONSES

from .factories import MenageARelogerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def menages(monde_relogement):
    a = monde_relogement.menage("A-1")
    b = monde_relogement.menage("B-1", referent=monde_relogement.autre_referent)
    services.enregistrer_enquete(
        a, reponses=REPONSES, date_enquete=dt.date(2026, 3, 2), acteur=monde_relogement.referent
    )
    autre_op = Operation.objects.create(epci=monde_relogement.epci, nom="ORCOD Mistral", type="ORCOD")
    c = services.creer_menage(
        operation=autre_op,
        acteur=monde_relogement.staff,
        referent=monde_relogement.autre_referent,
        reference="C",
        nom="C",
    )
    return a, b, c


def _refs(user):
    return set(MenageAReloger.objects.for_user(user).values_list("reference", flat=True))


def test_perimetre_de_chaque_acteur(monde_relogement, menages):
    assert _refs(monde_relogement.staff) == {"A-1", "B-1", "C"}
    assert _refs(monde_relogement.partenaire) == {"A-1", "B-1"}  # Actis is a partner of the NPNRU operation only
    assert _refs(monde_relogement.partenaire_reservataire) == {"A-1", "B-1"}
    assert _refs(monde_relogement.referent) == {"A-1"}
    assert _refs(monde_relogement.autre_referent) == {"B-1", "C"}
    assert _refs(monde_relogement.etranger) == set()
    assert set(Operation.objects.for_user(monde_relogement.referent).values_list("nom", flat=True)) == {
        "NPNRU Villeneuve"
    }
    assert Operation.objects.for_user(monde_relogement.etranger).count() == 0
    a = menages[0]
    assert permissions.can_see_sensitive(monde_relogement.referent, a)
    assert permissions.can_see_sensitive(monde_relogement.staff, a)
    assert not permissions.can_see_sensitive(monde_relogement.partenaire, a)
    assert not permissions.can_see_sensitive(monde_relogement.autre_referent, a)
    assert not permissions.can_edit_menage(monde_relogement.partenaire, a)
    assert permissions.voit_toute_l_operation(monde_relogement.partenaire, monde_relogement.operation)
    assert not permissions.voit_toute_l_operation(monde_relogement.referent, monde_relogement.operation)


def test_les_reponses_d_enquete_ne_sont_montrees_qu_au_referent_et_a_l_epci(client, monde_relogement, menages):
    a = menages[0]
    url = reverse("relogement:menage", args=[a.pk])
    for user, voit in [
        (monde_relogement.referent, True),
        (monde_relogement.staff, True),
        (monde_relogement.partenaire, False),
    ]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert ("Asthme sévère" in response.content.decode()) is voit, user.username
    for user in (monde_relogement.etranger, monde_relogement.autre_referent):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(monde_relogement.partenaire)
    assert client.get(reverse("relogement:enquete", args=[a.pk])).status_code == 403
    from relogement.models import ConsultationSensible

    assert set(ConsultationSensible.objects.values_list("utilisateur__username", flat=True)) == {"nadia", "claire"}


def test_exports_et_api_sans_donnees_sensibles_et_bornes(client, monde_relogement, menages):
    a = menages[0]
    client.force_login(monde_relogement.partenaire)
    csv = (
        client.get(reverse("relogement:export", args=[monde_relogement.operation.pk, "csv"]))
        .getvalue()
        .decode("utf-8-sig")
    )
    assert "A-1" in csv and "B-1" in csv and "Asthme" not in csv
    xlsx = client.get(reverse("relogement:export", args=[monde_relogement.operation.pk, "xlsx"]))
    rows = list(load_workbook(io.BytesIO(xlsx.getvalue())).active.iter_rows(values_only=True))
    assert rows[1][1] == "Référence" and {r[1] for r in rows[2:]} == {"A-1", "B-1"}
    api = client.get("/api/relogement/menages/").json()
    assert {m["reference"] for m in api["results"]} == {"A-1", "B-1"}
    assert "Asthme" not in str(api) and "reponses" not in str(api)
    client.force_login(monde_relogement.referent)
    api = client.get("/api/relogement/menages/").json()
    assert [m["reference"] for m in api["results"]] == ["A-1"]
    csv = (
        client.get(reverse("relogement:export", args=[monde_relogement.operation.pk, "csv"]))
        .getvalue()
        .decode("utf-8-sig")
    )
    assert "A-1" in csv and "B-1" not in csv
    assert client.get(reverse("relogement:synthese_pdf", args=[monde_relogement.operation.pk])).status_code == 403
    client.force_login(monde_relogement.etranger)
    assert client.get("/api/relogement/operations/").json()["count"] == 0
    assert client.get(reverse("relogement:export", args=[monde_relogement.operation.pk, "csv"])).status_code == 403
    client.logout()
    assert client.get("/api/relogement/menages/").status_code == 403
    assert a.pk  # the fixture household exists


def test_seuls_le_referent_et_l_epci_modifient(client, monde_relogement, menages):
    a = menages[0]
    client.force_login(monde_relogement.partenaire)
    response = client.post(
        reverse("relogement:proposer", args=[a.pk]),
        {"proposition-date_proposition": "2026-04-01", "proposition-description": "T3"},
    )
    assert response.status_code == 403
    client.force_login(monde_relogement.referent)
    response = client.post(
        reverse("relogement:proposer", args=[a.pk]),
        {"proposition-date_proposition": "2026-04-01", "proposition-description": "T3 rue X"},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.statut == "PROPOSITION"
    # only EPCI staff add households
    data = {"reference": "N-1", "nom": "Nouveau", "nb_personnes_14_plus": 1, "nb_enfants_moins_14": 0,
            "ressources_mensuelles": "1000", "loyer_avant": "300", "charges_avant": "50", "apl_avant": "0",
            "referent": monde_relogement.referent.pk}  # fmt: skip
    url = reverse("relogement:menage_ajout", args=[monde_relogement.operation.pk])
    assert client.post(url, data).status_code == 403
    client.force_login(monde_relogement.staff)
    response = client.post(url, data)
    assert response.status_code == 302
    assert MenageAReloger.objects.get(reference="N-1").referent == monde_relogement.referent


def test_commission_diagnostic_reserve(client, monde_relogement, menages):
    a = menages[0]
    saisine = services.saisir_commission(
        epci=monde_relogement.epci,
        acteur=monde_relogement.referent,
        organisation="MOUS",
        motif="BLOCAGE",
        expose="Bloqué",
        menage=a,
    )
    services.enregistrer_diagnostic(
        saisine, acteur=monde_relogement.referent, date=dt.date(2026, 3, 5), contenu="Dépression"
    )
    url = reverse("relogement:saisine", args=[saisine.pk])
    client.force_login(monde_relogement.partenaire)
    page = client.get(url)
    assert page.status_code == 200 and "Dépression" not in page.content.decode()
    liste = client.get(reverse("relogement:commission"))
    assert list(liste.context["saisines"]) == [saisine] and not liste.context["gerer"]
    client.force_login(monde_relogement.etranger)
    assert list(client.get(reverse("relogement:commission")).context["saisines"]) == []
    for user in (monde_relogement.referent, monde_relogement.staff):
        client.force_login(user)
        assert "Dépression" in client.get(url).content.decode()
    client.force_login(monde_relogement.etranger)
    assert client.get(url).status_code == 403
    assert set(Saisine.objects.for_user(monde_relogement.etranger)) == set()
    client.force_login(monde_relogement.partenaire)
    assert (
        client.post(url, {"action": "decision", "decision-type": "AJOURNEMENT", "decision-texte": "x"}).status_code
        == 403
    )


def test_export_des_menages_valeurs(client, monde_relogement):
    """Each column of the export, for a household relocated into the new dwelling of Fontaine (480 + 110 - 90 EUR
    after, 420 + 130 - 150 before, 1,800 EUR of resources) and one not yet surveyed; sorted by reference."""
    MenageARelogerFactory(monde=monde_relogement, reference="A-2", nom="Ménage Diallo", reloge_anru=True)
    MenageARelogerFactory(monde=monde_relogement, reference="A-1", nom="Ménage Martin", nb_enfants_moins_14=0)
    client.force_login(monde_relogement.staff)
    csv = client.get(reverse("relogement:export", args=[monde_relogement.operation.pk, "csv"]))
    lignes = [ligne.split(";") for ligne in csv.getvalue().decode("utf-8-sig").strip().split("\r\n")]
    assert lignes[0][:6] == ["Opération", "Référence", "Ménage", "Bâtiment", "Statut", "Référent"]
    assert lignes[0][14:22] == [
        "Date du bail", "En QPV au bail", "Neuf ou conventionné < 5 ans", "Reste à charge avant (€/mois)",
        "Reste à charge après (€/mois)", "Taux d'effort avant (%)", "Taux d'effort après (%)",
        "Suivi à 6 mois : échéance",
    ]  # fmt: skip
    debut = ["NPNRU Villeneuve"]
    assert lignes[1:] == [
        [*debut, "A-1", "Ménage Martin", "Arlequin 50", "À enquêter", "Nadia Benhamou", "", "2", "0", "", "0", "0",
         "", "", "", "", "", "400,00", "", "22,2", "", "", ""],
        [*debut, "A-2", "Ménage Diallo", "Arlequin 50", "Relogé définitivement", "Nadia Benhamou", "", "2", "2",
         "2026-03-03", "1", "0", '"NEUF-FONTAINE-1 (T4, Fontaine)"', "Parc social", "2026-06-01", "non", "oui",
         "400,00", "500,00", "22,2", "27,8", "2026-12-06", ""],
    ]  # fmt: skip
    xlsx = client.get(reverse("relogement:export", args=[monde_relogement.operation.pk, "xlsx"]))
    rows = list(load_workbook(io.BytesIO(xlsx.getvalue())).active.iter_rows(values_only=True))
    assert [list(r[1:2]) + list(r[14:22]) for r in rows[2:]] == [
        ["A-1", None, None, None, 400, None, 22.2, None, None],
        ["A-2", dt.datetime(2026, 6, 1), "non", "oui", 400, 500, 22.2, 27.8, dt.datetime(2026, 12, 6)],
    ]
