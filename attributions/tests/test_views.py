"""Dashboard, drill-down list, exports, import page and API, each scoped to the user's organisation."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from attributions.models import DecisionCaleol
from cil.models import Bailleur, Epci
from tests.fixtures.f1 import fichier_f1, ligne_f1

from .conftest import BAILLEUR_A

pytestmark = pytest.mark.django_db


def test_tableau_de_bord_epci(client, acteurs):
    client.force_login(acteurs["epci"])
    response = client.get(reverse("attributions:tableau_de_bord"), {"epci": "200040715", "annee": "2025"})
    assert response.status_code == 200
    r = response.context["r"]
    assert (r["hors_qpv"]["base"], r["hors_qpv"]["numerateur"]) == (3, 2)
    assert (r["qpv"]["base"], r["qpv"]["numerateur"]) == (1, 1)
    content = response.content.decode()
    assert "66,7\u00a0%" in content
    assert "Tout le territoire" in content
    assert "Recalculer et enregistrer maintenant" in content


def test_tableau_de_bord_bailleur_ne_voit_que_ses_chiffres(client, acteurs):
    client.force_login(acteurs["bailleur_a"])
    response = client.get(reverse("attributions:tableau_de_bord"), {"annee": "2025"})
    assert response.status_code == 200
    r = response.context["r"]
    assert (r["hors_qpv"]["base"], r["hors_qpv"]["numerateur"]) == (2, 1)
    assert r["qpv"]["base"] == 0
    assert [b["id"] for b in r["bailleurs"]] == [BAILLEUR_A]
    content = response.content.decode()
    assert "Recalculer" not in content
    # the chart says whose figures these are
    assert "Objectifs légaux 2025 – Grenoble-Alpes-Métropole – Attributions de Bailleur 552081317" in content


def test_tableau_de_bord_reservataire(client, acteurs):
    client.force_login(acteurs["commune"])
    r = client.get(reverse("attributions:tableau_de_bord"), {"annee": "2025"}).context["r"]
    assert [(x["type"], x["base"], x["numerateur"]) for x in r["reservataires"]] == [("COMMUNE", 1, 1)]


@pytest.mark.parametrize("acteur", ["agent", "etranger"])
def test_sans_droit_pas_de_tableau_de_bord(client, acteurs, acteur):
    client.force_login(acteurs[acteur])
    response = client.get(reverse("attributions:tableau_de_bord"), {"epci": "200040715", "annee": "2025"})
    assert response.status_code == 403


def test_liste_derriere_un_chiffre_et_requetes_bornees(client, acteurs, django_assert_max_num_queries):
    client.force_login(acteurs["membre"])
    params = {"epci": "200040715", "annee": "2025", "objectif": "hors_qpv", "part": "numerateur"}
    # 15: the session, the scope, the list and its filters, and the menu (whether the user follows a household)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("attributions:liste"), params)
    assert response.status_code == 200
    assert sorted(d.numero_unique for d in response.context["page"]) == ["1", "3"]
    # a filtered list (by landlord) and the same number of queries whatever the page size
    bailleur_a = Bailleur.objects.get(siren=BAILLEUR_A)
    response = client.get(reverse("attributions:liste"), {**params, "bailleur": bailleur_a.pk})
    assert [d.numero_unique for d in response.context["page"]] == ["1"]


def test_liste_scopee_pour_le_bailleur(client, acteurs):
    client.force_login(acteurs["bailleur_a"])
    params = {"annee": "2025", "objectif": "hors_qpv", "part": "base"}
    response = client.get(reverse("attributions:liste"), params)
    assert sorted(d.numero_unique for d in response.context["page"]) == ["1", "2"]


# Objective A's base in 2025 (the decision in QPV, "4", is not in it), as the two exports write it
EXPORT_COLONNES = [
    "Numéro unique",
    "Date de dépôt",
    "Date de décision",
    "Décision",
    "Rang",
    "Date du bail",
    "Logement",
    "Typologie",
    "Bailleur",
    "SIREN du bailleur",
    "Commune",
    "Code INSEE",
    "QPV",
    "Réservataire",
    "Ressources mensuelles (€)",
    "Unités de consommation",
    "Ressources annuelles par UC (€)",
    "DALO",
    "Prioritaire",
    "Relogement",
    "Mutation",
    "Sortant d'hébergement",
    "Sans-abri",
]
EXPORT_DEBUT = ["2024-01-15", "2025-03-10", "Attribution", "", "2025-04-01"]
EXPORT_CSV = [
    ["1", *EXPORT_DEBUT, "L0001", "T3", "Bailleur 552081317", "552081317", "Grenoble", "38185", "",
     "Action Logement Services", "800", "1", "9600,00", "non", "non", "", "non", "inconnu", "inconnu"],
    ["2", *EXPORT_DEBUT, "L2", "T3", "Bailleur 552081317", "552081317", "Grenoble", "38185", "",
     "Action Logement Services", "3000", "1", "36000,00", "non", "non", "", "non", "inconnu", "inconnu"],
    ["3", *EXPORT_DEBUT, "L3", "T3", "Bailleur 779994416", "779994416", "Grenoble", "38185", "",
     "Commune de Grenoble", "800", "1", "9600,00", "non", "oui", "", "non", "inconnu", "inconnu"],
]  # fmt: skip


def test_exports_csv_et_xlsx(client, acteurs):
    client.force_login(acteurs["epci"])
    params = {"epci": "200040715", "annee": "2025", "objectif": "hors_qpv", "part": "base"}
    csv_response = client.get(reverse("attributions:export", args=["csv"]), params)
    assert csv_response.status_code == 200
    lignes = [ligne.split(";") for ligne in csv_response.getvalue().decode("utf-8-sig").strip().split("\r\n")]
    assert lignes == [EXPORT_COLONNES, *EXPORT_CSV]
    xlsx = client.get(reverse("attributions:export", args=["xlsx"]), params)
    sheet = load_workbook(io.BytesIO(xlsx.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("Attributions hors QPV suivies d'un bail (objectif A)")
    assert list(rows[1]) == EXPORT_COLONNES
    # the same values, numbers as numbers and dates as dates
    premiere = list(rows[2])
    assert premiere[:7] == ["1", dt.datetime(2024, 1, 15), dt.datetime(2025, 3, 10), "Attribution", None,
                            dt.datetime(2025, 4, 1), "L0001"]  # fmt: skip
    assert premiere[13:17] == ["Action Logement Services", 800, 1, 9600]
    assert [(r[0], r[9], r[14], r[16], r[18]) for r in rows[2:]] == [
        ("1", "552081317", 800, 9600, "non"),
        ("2", "552081317", 3000, 36000, "non"),
        ("3", "779994416", 800, 9600, "oui"),
    ]


def test_export_bailleur_ne_contient_que_ses_attributions(client, acteurs):
    client.force_login(acteurs["bailleur_a"])
    params = {"annee": "2025", "objectif": "hors_qpv", "part": "base"}
    reponse = client.get(reverse("attributions:export", args=["csv"]), params)
    lignes = reponse.getvalue().decode("utf-8-sig").splitlines()
    assert sorted(line.split(";")[0] for line in lignes[1:]) == ["1", "2"]


def test_api_objectifs_format_f2(client, acteurs):
    client.force_login(acteurs["membre"])
    response = client.get("/api/objectifs/", {"epci": "200040715", "annee": "2025"})
    assert response.status_code == 200
    data = response.json()
    for key in ("epci", "annee", "seuil_q1", "provisoire", "hors_qpv", "qpv", "reservataires"):
        assert key in data
    assert data["hors_qpv"]["base"] == 3
    assert data["hors_qpv"]["numerateur"] == 2
    assert data["hors_qpv"]["taux"] == pytest.approx(2 / 3)
    assert data["seuil_q1"] == 10716
    assert data["provisoire"] is False


def test_api_objectifs_scopee(client, acteurs):
    client.force_login(acteurs["bailleur_a"])
    data = client.get("/api/objectifs/", {"epci": "200040715", "annee": "2025"}).json()
    assert data["hors_qpv"]["base"] == 2
    assert data["perimetre"] == "organisation"
    client.force_login(acteurs["etranger"])
    assert client.get("/api/objectifs/", {"epci": "200040715", "annee": "2025"}).status_code == 403
    client.force_login(acteurs["agent"])
    assert client.get("/api/objectifs/", {"epci": "200040715", "annee": "2025"}).status_code == 403


def test_api_objectifs_parametres(client, acteurs):
    client.force_login(acteurs["epci"])
    response = client.get("/api/objectifs/", {"annee": "20x5"})
    assert response.status_code == 400
    assert "epci" in response.json() and "annee" in response.json()
    assert client.get("/api/objectifs/", {"epci": "999999999", "annee": "2025"}).status_code == 404
    client.logout()
    assert client.get("/api/objectifs/", {"epci": "200040715", "annee": "2025"}).status_code in (401, 403)


def test_api_attributions_scopee(client, acteurs):
    client.force_login(acteurs["commune"])
    data = client.get("/api/attributions/").json()
    assert [d["numero_unique"] for d in data["results"]] == ["3"]
    # imported without the optional columns: the household's situation is unknown
    assert (data["results"][0]["sortant_hebergement"], data["results"][0]["sans_abri"]) == (None, None)
    client.force_login(acteurs["etranger"])
    assert client.get("/api/attributions/").json()["results"] == []


def test_page_import(client, acteurs):
    client.force_login(acteurs["epci"])
    url = reverse("attributions:import")
    assert client.get(url).status_code == 200
    mauvais = io.BytesIO(fichier_f1([ligne_f1(numero_unique="X1", commune_insee="69123")]))
    mauvais.name = "mauvais.csv"
    response = client.post(url, {"fichier": mauvais})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Fichier refusé" in content
    assert "n&#x27;appartient pas à l&#x27;EPCI" in content
    assert not DecisionCaleol.objects.filter(numero_unique="X1").exists()
    bon = io.BytesIO(fichier_f1([ligne_f1(numero_unique="X2")]))
    bon.name = "bon.csv"
    response = client.post(url, {"fichier": bon}, follow=True)
    assert "bon.csv importé : 1 décisions créées" in response.content.decode()
    assert DecisionCaleol.objects.filter(numero_unique="X2").exists()


@pytest.mark.parametrize("acteur", ["bailleur_a", "membre", "agent"])
def test_page_import_reservee_a_l_epci(client, acteurs, acteur):
    client.force_login(acteurs[acteur])
    assert client.get(reverse("attributions:import")).status_code == 403


def test_recalcul_a_la_demande_enregistre_un_instantane(client, acteurs, django_capture_on_commit_callbacks):
    from attributions.models import InstantaneObjectifs

    client.force_login(acteurs["epci"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("attributions:recalculer"), {"epci": "200040715", "annee": "2025"})
    response = client.get(reverse("attributions:tableau_de_bord"), {"epci": "200040715", "annee": "2025"})
    assert response.status_code == 200
    instantane = InstantaneObjectifs.objects.get(annee=2025)
    assert instantane.demande_par == acteurs["epci"]
    assert "À la demande" in response.content.decode()
    assert Epci.objects.count() == 2


def test_filtre_des_communes_le_territoire_et_ses_anciens_perimetres_seulement(donnees):
    """The list's commune filter offers the territory's communes and those of its past perimeters (allocations
    decided before a commune changed EPCI), never another territory's, each once, in French order."""
    from attributions.filters import DecisionFilter
    from cil.models import Commune, PerimetreEpci
    from core.db import cle_fr

    epci, autre = donnees["epci"], donnees["autre_epci"]
    partie = Commune.objects.create(code_insee="38998", nom="Écluse-Partie", departement="38", epci=autre)
    Commune.objects.create(code_insee="38997", nom="Voisine", departement="38", epci=autre)
    PerimetreEpci.objects.create(epci=epci, commune=partie, millesime=2020)
    PerimetreEpci.objects.create(epci=autre, commune=partie, millesime=2025)
    choix = list(DecisionFilter(epci=epci).filters["commune"].queryset.values_list("code_insee", flat=True))
    attendus = set(Commune.objects.filter(epci=epci).values_list("code_insee", flat=True)) | {"38998"}
    assert len(choix) == len(set(choix)) and set(choix) == attendus
    noms = list(DecisionFilter(epci=epci).filters["commune"].queryset.values_list("nom", flat=True))
    assert noms == sorted(noms, key=cle_fr) and noms.index("Écluse-Partie") == 1  # after Échirolles


def test_lien_vers_la_liste_derriere_un_chiffre(settings):
    """The address of the list behind a figure: the list's page with the figure's parameters, under the
    deployment's script prefix (resolved once per prefix)."""
    from django.urls import set_script_prefix

    from attributions.templatetags.objectifs import lien_liste

    assert lien_liste(177, 2025, "hors_qpv", "base") == "/attributions/?epci=177&annee=2025&objectif=hors_qpv&part=base"
    assert lien_liste(177, 2025, "qpv", "numerateur", "bailleur", 4).endswith("&part=numerateur&bailleur=4")
    assert "bailleur" not in lien_liste(177, 2025, "qpv", "numerateur", "bailleur", "")
    assert lien_liste("200040715", 2025, "qpv", "base", "commune", "Saint-Égrève & co").endswith(
        "&commune=Saint-%C3%89gr%C3%A8ve+%26+co"
    )
    try:
        set_script_prefix("/cil/")
        assert lien_liste(1, 2024, "qpv", "base").startswith("/cil/attributions/?epci=1&")
    finally:
        set_script_prefix("/")


def test_cellule_d_un_tableau_par_groupe():
    """A cell of the tables by landlord, sector and commune: numerator and base each linked to the list behind
    them (escaped for HTML), the rate coloured by the exact comparison with the target, the local target beside
    it; a dash when nothing is counted."""
    from attributions.templatetags.objectifs import cellule_groupe

    assert cellule_groupe(None, "200040715", 2025, "qpv", "commune", 7) == "–"
    assert cellule_groupe({"base": 0, "numerateur": 0}, "200040715", 2025, "qpv", "commune", 7) == "–"
    atteinte = {"base": 1250, "numerateur": 400, "taux": 0.32, "taux_texte": "32,0\u00a0%", "atteint": True}
    html = str(cellule_groupe(atteinte, "200040715", 2025, "hors_qpv", "bailleur", 4))
    lien = "/attributions/?epci=200040715&amp;annee=2025&amp;objectif=hors_qpv&amp;part="
    assert f'<a class="figure-link" href="{lien}numerateur&amp;bailleur=4">400</a>' in html
    assert f'<a class="figure-link" href="{lien}base&amp;bailleur=4">1250</a>' in html
    assert '<span class="text-success">32,0\u00a0%</span>' in html and "cible-locale" not in html
    manquee = {
        **atteinte,
        "atteint": False,
        "locale": {"cible_texte": "40\u00a0%", "atteint": False, "taux_texte": "32,0\u00a0%"},
    }
    html = str(cellule_groupe(manquee, "200040715", 2025, "hors_qpv", "commune", 9))
    assert '<span class="text-danger">' in html
    assert '<small class="cible-locale">cible locale 40\u00a0% : non atteinte (32,0\u00a0%)</small>' in html
    manquee["locale"]["atteint"] = True
    assert "cible locale 40\u00a0% : atteinte</small>" in str(cellule_groupe(manquee, "1", 2025, "qpv", "commune", 9))


def test_cellule_compte_comme_le_gabarit(settings):
    """The counts of a cell as a template writes them, with or without the thousands separator."""
    from django.template import engines

    from attributions.templatetags.objectifs import _compte

    gabarit = engines["django"].from_string("{{ n }}")
    for separateur in (False, True):
        settings.USE_THOUSAND_SEPARATOR = separateur
        for n in (0, 7, 1250, 1234567, Decimal("12.5")):
            assert _compte(n) == gabarit.render({"n": n}), (separateur, n)
