"""The observatory's maps: figures per commune taken from the engine and from the vacancies, QPV and reception
points as markers, and the page scoped to the territory's staff and CIL members."""

import datetime as dt

import pytest
from django.urls import reverse

from attributions.models import Logement, Vacance
from attributions.selectors import calcule_objectifs_epci
from cil import contours
from cil.models import Guichet, Membership
from core.roles import Role
from observatoire import cartes

pytestmark = pytest.mark.django_db


@pytest.fixture
def avec_contours(donnees):
    contours.importer_contours_livres()
    return donnees


def _vacance(logement, jour):
    return Vacance.objects.create(
        logement=logement,
        bailleur=logement.bailleur,
        epci=logement.commune.epci,
        date_declaration=jour - dt.timedelta(days=30),
        date_liberation=jour,
    )


def test_objectif_a_par_commune_repris_du_moteur(avec_contours):
    epci = avec_contours["epci"]
    carte = cartes.carte_objectif_a(epci, 2025)
    moteur = {c["id"]: c["hors_qpv"] for c in calcule_objectifs_epci(epci, 2025)["communes"]}
    assert moteur  # the fixture has decisions in each commune
    lignes = {li.code: li for li in carte.lignes}
    assert set(lignes) == {"38185", "38151", "38169"}
    for code, a in moteur.items():
        assert lignes[code].valeur == pytest.approx(a["taux"] * 100)
        assert lignes[code].texte == a["taux_texte"]  # written by the legal rule, not recomputed
        assert lignes[code].details[:2] == [str(a["base"]), str(a["numerateur"])]
    couleurs = {f["properties"]["code"]: f["properties"]["couleur"] for f in carte.donnees["fond"]["features"]}
    assert set(couleurs) == set(lignes)
    assert cartes.carte_objectif_a(epci, 2019) is None  # no first-quartile threshold that year


def test_objectif_a_lu_dans_l_instantane_de_l_annee_quand_il_existe(avec_contours):
    """The map reads the year's fresh snapshot without counting the decisions; after a decision changes, the
    first reader counts once and stores the new figures: never a stale map."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from attributions.models import DecisionCaleol
    from attributions.services import enregistrer_instantane

    epci = avec_contours["epci"]
    en_direct = {li.code: li.valeur for li in cartes.carte_objectif_a(epci, 2025).lignes}
    enregistrer_instantane(epci=epci, annee=2025, declencheur="NUIT")
    with CaptureQueriesContext(connection) as requetes:
        carte = cartes.carte_objectif_a(epci, 2025)
    assert {li.code: li.valeur for li in carte.lignes} == en_direct
    assert "objectifs calculés le" in carte.description
    assert not [q for q in requetes.captured_queries if "attributions_decisioncaleol" in q["sql"]]
    DecisionCaleol.objects.filter(epci=epci).delete()  # every decision's years are marked changed
    apres = {li.code: li.valeur for li in cartes.carte_objectif_a(epci, 2025).lignes}
    assert any(v is not None for v in en_direct.values()) and all(v is None for v in apres.values())


def test_logements_liberes_de_l_annee(avec_contours):
    epci = avec_contours["epci"]
    grenoble = Logement.objects.filter(commune__code_insee="38185").first()
    fontaine = Logement.objects.filter(commune__code_insee="38169").first()
    _vacance(grenoble, dt.date(2025, 3, 1))
    _vacance(grenoble, dt.date(2025, 12, 31))
    _vacance(fontaine, dt.date(2024, 12, 31))  # another year
    carte = cartes.carte_logements_liberes(epci, 2025)
    assert {li.code: li.valeur for li in carte.lignes} == {"38185": 2, "38151": 0, "38169": 0}
    assert {li.code: li.texte for li in carte.lignes}["38185"] == "2 logement(s)"
    assert {li.code: li.valeur for li in cartes.carte_logements_liberes(epci, 2024).lignes}["38169"] == 1


def test_qpv_et_guichets(avec_contours):
    epci = avec_contours["epci"]
    Guichet.objects.create(
        epci=epci, nom="Mairie d'Échirolles", niveau=1, adresse="1 place", commune=avec_contours["communes"]["38151"]
    )
    carte = cartes.carte_qpv_et_guichets(epci)
    points = {m["libelle"]: m for m in carte.marqueurs}
    villeneuve = points["Villeneuve (QN03807M)"]
    assert (villeneuve["lon"], villeneuve["lat"]) == pytest.approx((5.72138, 45.18201))  # the shipped point
    assert villeneuve["approche"] is False and villeneuve["type_libelle"] == "QPV"
    assert "Villeneuve (2015)" not in str(points)  # the 2024 map only
    mairie = points["Mairie d'Échirolles"]
    assert mairie["approche"] is True and mairie["commune"] == "Échirolles"
    assert {t for t, _, _ in carte.types_marqueurs} >= {"qpv", "guichet"}
    assert not carte.avec_valeurs


def test_page_pour_l_epci_et_404_ailleurs(client, avec_contours, acteurs, django_user_model, django_assert_num_queries):
    url = reverse("observatoire:cartes")
    assert url == "/observatoire/cartes/"
    client.force_login(acteurs["agent_epci"])
    reponse = client.get(url, {"annee": 2025})
    assert reponse.status_code == 200
    html = reponse.content.decode()
    for ident in ("carte-objectif-a", "carte-logements-liberes", "carte-qpv-guichets"):
        assert f'id="{ident}"' in html and f'id="{ident}-donnees" type="application/json"' in html
    assert 'id="carte-objectif-a-tableau"' in html and 'id="carte-qpv-guichets-points"' in html
    assert "vendor/leaflet/leaflet.js" in html and "js/carte.js" in html

    # staff of another territory, naming this one: 404; naming theirs: their own maps
    autre = django_user_model.objects.create_user(username="lyon", password="x")
    Membership.objects.create(user=autre, role=Role.EPCI, epci=avec_contours["autre_epci"])
    client.force_login(autre)
    assert client.get(url, {"epci": acteurs["epci"].siren}).status_code == 404
    reponse = client.get(url)
    assert reponse.status_code == 200 and "Métropole de Lyon" in reponse.content.decode()
    assert "Grenoble" not in reponse.content.decode().split("<h1", 1)[1]

    # a CIL member reads the maps; a landlord's staff has no such section
    membre = django_user_model.objects.create_user(username="membre", password="x")
    Membership.objects.create(user=membre, role=Role.MEMBRE_CIL, epci=acteurs["epci"])
    client.force_login(membre)
    assert client.get(url, {"epci": acteurs["epci"].siren}).status_code == 200
    client.force_login(acteurs["bailleur"])
    assert client.get(url).status_code == 403

    client.force_login(acteurs["agent_epci"])
    client.get(url, {"annee": 2025})  # warm the per-process caches (sessions, parameters)
    with django_assert_num_queries(24):  # constant: no query per commune, QPV or reception point
        assert client.get(url, {"annee": 2025}).status_code == 200


def test_pression_et_delai_par_commune_lus_dans_les_indicateurs_stockes(client, avec_contours, acteurs):
    from observatoire.indicateurs import valeurs_par_commune
    from observatoire.models import Indicateur
    from observatoire.services import calculer_indicateurs

    epci = acteurs["epci"]
    client.force_login(acteurs["agent_epci"])
    avant = client.get(reverse("observatoire:cartes"), {"annee": 2025}).content.decode()
    assert 'id="carte-pression"' not in avant and "ne sont pas encore calculés" in avant
    calculer_indicateurs(epci, 2025)
    for indicateur, ident in ((Indicateur.PRESSION, "carte-pression"), (Indicateur.DELAI_MEDIAN, "carte-delai")):
        carte = cartes.carte_indicateur(epci, 2025, indicateur)
        assert carte.ident == ident
        attendues = valeurs_par_commune(epci, 2025, indicateur)
        assert attendues, indicateur  # the fixture's allocations give figures to some communes
        lues = {li.code: li.valeur for li in carte.lignes if li.valeur is not None}
        assert lues == pytest.approx(attendues)
    html = client.get(reverse("observatoire:cartes"), {"annee": 2025}).content.decode()
    assert 'id="carte-pression"' in html and 'id="carte-delai-tableau"' in html
