"""Public pages without login: addresses, contents, cache headers, no personal data, pinned query counts."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cil.models import Epci, Membership
from core.models import User
from public import services, views

from .conftest import JOUR

SLUG = "grenoble-alpes-metropole"
# queries per page: the territory by its address, then what the page shows (never an aggregation)
PAGES = [
    ("public:territoire", 4),
    ("public:demander", 3),
    ("public:guichets", 4),
    ("public:cotation", 3),
    ("public:priorites", 1),
    ("public:chiffres", 2),
    ("public:donnees", 4),
]


@pytest.fixture
def publie(territoire):
    t = territoire
    for _ in range(12):
        t.demande(["38185", "38151"], ["T3"])
    for i in range(11):
        t.attribution("38151", "T3", depot=dt.date(2025, 1, 1), decision=dt.date(2026, 3, 1 + i))
    services.calculer_chiffres(t.epci, JOUR)
    return t


def _cacheable(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return "public" in directives and "max-age=3600" in directives and "no-store" not in directives


@pytest.mark.parametrize(("page", "requetes"), PAGES)
def test_chaque_page_sans_connexion_cachable_sans_cookie(
    client, publie, django_assert_max_num_queries, monkeypatch, page, requetes
):
    monkeypatch.setattr(views, "DUREE_CACHE_SERVEUR", 0)  # the page rendered each time: its queries are counted
    client.get(reverse(page, args=[SLUG]))  # the stored table's rows are then in the worker's cache
    with django_assert_max_num_queries(requetes):
        response = client.get(reverse(page, args=[SLUG]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert _cacheable(response), response.get("Cache-Control")
    assert "csrftoken" not in response.cookies and "sessionid" not in response.cookies
    assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html
    assert not re.search(r"Demandeur\d", html)  # no applicant's name anywhere (the fixture's "Demandeur1" …)
    assert "<script" not in html.replace('<script src="/static/vendor/htmx/htmx.min.js" defer></script>', "")


@pytest.mark.parametrize(("page", "requetes"), PAGES)
def test_une_page_rendue_est_servie_aux_visiteurs_suivants_sans_requete(
    client, publie, django_assert_num_queries, page, requetes
):
    adresse = reverse(page, args=[SLUG])
    premiere = client.get(adresse)
    with django_assert_num_queries(0):
        suivante = client.get(adresse)
    assert suivante.status_code == 200 and suivante.content == premiere.content
    assert suivante["Content-Type"] == premiere["Content-Type"]
    assert _cacheable(suivante) and not suivante.cookies


def test_le_cache_des_pages_publiques_ne_sert_que_la_meme_adresse_et_jamais_un_visiteur_en_session(client, publie):
    base = reverse("public:guichets", args=[SLUG])
    client.get(base)
    choisie = client.get(base + "?commune=38151").content.decode()
    assert 'value="38151" selected' in choisie  # another address: rendered for it, not the first page
    assert 'value="38151" selected' not in client.get(base).content.decode()
    user = User.objects.create_user(username="epci", password="x")
    Membership.objects.create(user=user, role="EPCI", epci=publie.epci)
    client.get(reverse("public:territoire", args=[SLUG]))  # kept for the anonymous visitors
    client.force_login(user)
    with CaptureQueriesContext(connection) as requetes:
        pour_le_membre = client.get(reverse("public:territoire", args=[SLUG]))
    assert len(requetes) > 0  # rendered for the member (session, user, page), never the visitors' copy
    assert "no-store" in pour_le_membre["Cache-Control"]
    client.logout()
    assert client.get("/territoires/200040715/").status_code == 301  # a redirect is never kept
    assert client.get("/territoires/200040715/").status_code == 301
    assert client.get("/territoires/inconnu/").status_code == 404


def test_une_table_recalculee_n_est_jamais_servie_perimee_par_le_cache(client, publie):
    from public import selectors

    avant = selectors.derniers_chiffres(publie.epci)
    assert selectors.derniers_chiffres(publie.epci).lignes == avant.lignes  # served from the cache
    for i in range(5):
        publie.attribution("38185", "T3", depot=dt.date(2025, 1, 1), decision=dt.date(2026, 4, 1 + i))
    apres = services.calculer_chiffres(publie.epci, JOUR)
    servie = selectors.derniers_chiffres(publie.epci)
    assert servie.calcule_le == apres.calcule_le and servie.calcule_le > avant.calcule_le
    assert servie.lignes == apres.lignes != avant.lignes


def test_index_et_lien_depuis_la_page_de_connexion(client, publie, django_assert_max_num_queries):
    connexion = client.get(reverse("core:login")).content.decode()
    assert f'href="{reverse("public:index")}"' in connexion
    with django_assert_max_num_queries(1):
        index = client.get(reverse("public:index"))
    assert f'href="/territoires/{SLUG}/"' in index.content.decode()


def test_adresse_lisible_le_siren_redirige(client, publie):
    response = client.get("/territoires/200040715/lieux-d-accueil/?commune=38158")
    assert response.status_code == 301
    assert response["Location"] == f"/territoires/{SLUG}/lieux-d-accueil/?commune=38158"
    assert client.get("/territoires/inconnu/").status_code == 404
    assert client.get("/territoires/243800604/").status_code == 404  # an EPCI without pages


def test_un_membre_connecte_ne_laisse_rien_en_cache(client, publie):
    user = User.objects.create_user(username="epci", password="x")
    Membership.objects.create(user=user, role="EPCI", epci=publie.epci)
    client.force_login(user)
    response = client.get(reverse("public:territoire", args=[SLUG]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_lieux_d_accueil_carte_tableau_et_le_plus_proche(client, publie):
    html = client.get(reverse("public:guichets", args=[SLUG]), {"commune": "38158"}).content.decode()
    assert html.count("<circle") == 3 and html.count("<path") == 3
    lignes = [unescape(n) for n in re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th>', html)]
    assert lignes[0] == "Point information d'Eybens"  # nearest to Eybens first
    assert "Sur la carte : au centre de la commune." in html  # Échirolles' desk has no coordinates
    assert "km" in html and "Niveau 3" in html and "entretien personnalisé" in html
    # a wrong commune is ignored, never an error
    assert client.get(reverse("public:guichets", args=[SLUG]), {"commune": "abc"}).status_code == 200


def test_delais_par_commune_et_typologie(client, publie, django_assert_max_num_queries):
    reponse = client.get(reverse("public:chiffres", args=[SLUG]), {"commune": "38151"})
    assert reponse.status_code == 302 and reponse["Location"] == f"/territoires/{SLUG}/delais-et-chiffres/38151/"
    client.get(reponse["Location"])  # the stored table's rows are then in the worker's cache
    with django_assert_max_num_queries(3):
        html = client.get(reponse["Location"]).content.decode()
    ligne_t3 = re.search(r">\s*T3\s*</th>(.*?)</tr>", html, re.S).group(1)
    cellules = re.findall(r'<td class="num">(.*?)</td>', ligne_t3, re.S)
    assert cellules[:2] == ["12", "11"]
    assert "Chiffres arrêtés au <strong>31 octobre 2026</strong>" in html
    assert "inférieurs à 10" in html
    assert client.get(reverse("public:chiffres_commune", args=[SLUG, "69123"])).status_code == 404
    assert client.get(reverse("public:chiffres", args=[SLUG]), {"commune": "x"}).status_code == 404


def test_sans_chiffres_calcules(client, territoire):
    html = client.get(reverse("public:chiffres", args=[SLUG])).content.decode()
    assert "ne sont pas encore calculés" in html


def test_la_page_de_cotation_sans_grille(client, territoire):
    html = client.get(reverse("public:cotation", args=[SLUG])).content.decode()
    assert "Aucune grille de cotation n'est encore adoptée" in html


def test_les_documents_publies_et_eux_seuls(client, territoire):
    """A published, adopted policy document is listed on the entrance and readable without login; a draft, an
    unpublished version or another territory's document is not."""
    from politique import services as politique
    from politique.rules import Transition as T

    epci = territoire.epci
    autre = Epci.objects.create(siren="200046977", nom="Métropole de Lyon", type=Epci.Type.METROPOLE)

    def cia(territoire_epci, titre, *, publier):
        version = politique.creer_document(epci=territoire_epci, acteur=None, type="CIA", titre=titre).versions.get()
        orientation = politique.ajouter_orientation(version, acteur=None, numero=1, intitule="Mixité sociale")
        objectif = politique.ajouter_objectif(orientation, acteur=None, numero=1, intitule="Objectifs légaux")
        politique.ajouter_action(objectif, acteur=None, intitule="Cotation partagée", pilote="La Métropole")
        politique.changer_statut(version, acteur=None, action=T.SOUMETTRE)
        politique.changer_statut(
            version,
            acteur=None,
            action=T.ADOPTER,
            date=dt.date(2020, 12, 1),
            deliberation_reference="Délibération n° 2020-02",
        )
        if publier:
            politique.publier(version, acteur=None, publie=True)
        return version

    publiee = cia(epci, "CIA de la Métropole", publier=True)
    cachee = cia(epci, "CIA non publiée", publier=False)
    ailleurs = cia(autre, "CIA de Lyon", publier=True)
    brouillon = politique.creer_document(epci=epci, acteur=None, type="PPGDID", titre="PPGDID en projet")

    slug = "grenoble-alpes-metropole"
    entree = client.get(reverse("public:territoire", args=[slug])).content.decode()
    assert "CIA de la Métropole" in entree and "adopté par la délibération n° 2020-02" in entree
    assert "CIA non publiée" not in entree and "CIA de Lyon" not in entree and brouillon.titre not in entree
    page = client.get(reverse("public:document", args=[slug, publiee.pk]))
    texte = page.content.decode()
    assert page.status_code == 200 and "Action 1 : Cotation partagée" in texte and "Pilote : La Métropole" in texte
    for version in (cachee, ailleurs):
        assert client.get(reverse("public:document", args=[slug, version.pk])).status_code == 404
