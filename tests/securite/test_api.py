"""The API as an attacker (or a careless partner) uses it: oversized pages, bad parameters, the schema and
its documentation without signing in, HTTP Basic credentials."""

from __future__ import annotations

import base64
import html
import re

import pytest
from django.urls import reverse

from attributions.models import Logement

from .conftest import PASSWORD, connecte

pytestmark = pytest.mark.django_db


def _logements(t, nombre: int):
    Logement.objects.bulk_create(
        Logement(identifiant=f"L{t.code}{i:05d}", bailleur=t.bailleur, commune=t.commune, epci=t.epci, typologie="T3")
        for i in range(nombre)
    )


def test_une_page_de_l_api_ne_depasse_jamais_500_resultats(client, monde_hostile):
    _logements(monde_hostile.val, 501)
    connecte(client, monde_hostile.val["epci"])
    reponse = client.get("/api/logements/", {"limit": 100_000_000})
    assert reponse.status_code == 200
    corps = reponse.json()
    assert corps["count"] == 501
    assert len(corps["results"]) == 500
    assert "offset=500" in corps["next"]
    # without limit: the default page
    assert len(client.get("/api/logements/").json()["results"]) == 100


@pytest.mark.parametrize(
    ("url", "parametre"),
    [
        ("/api/vacances/?annee_bail=0", "annee_bail"),
        ("/api/vacances/?annee_bail=abc", "annee_bail"),
        ("/api/flux/?bailleur=552100554&annee=0", "annee"),
        ("/api/flux/?bailleur=552100554&annee=abc", "annee"),
        ("/api/objectifs/?epci=200000172&annee=99999", "annee"),
        ("/api/logements/?limit=abc", "limit"),
        ("/api/logements/?limit=0", "limit"),
        (f"/api/logements/?limit={10**30}", "limit"),
        ("/api/logements/?offset=-1", "offset"),
        ("/api/demandes/?depot_apres=abc", "depot_apres"),
    ],
)
def test_un_parametre_errone_de_l_api_repond_400_en_francais(client, monde_hostile, url, parametre):
    connecte(client, monde_hostile.val["epci"])
    reponse = client.get(url)
    assert reponse.status_code == 400, reponse.content
    message = " ".join(reponse.json()[parametre])
    mots = ("entier", "année", "compris", "supérieur", "trop grand", "Saisissez", "valide")
    assert any(mot in message for mot in mots), message


@pytest.mark.parametrize(
    ("url", "attendu"),
    [
        ("/flux/?annee=abc", "Paramètre « annee » : « abc » n'est pas une année"),
        ("/flux/?annee=0", "Paramètre « annee » : doit être compris entre 2000 et 2100."),
        ("/objectifs/?annee=-1", "Paramètre « annee » : doit être compris entre 2000 et 2100."),
        ("/demandes/nouvelle/doublons/?guichet=abc", "Paramètre « guichet » : « abc » n'est pas un nombre entier."),
    ],
)
def test_un_parametre_errone_d_une_page_repond_400_en_francais(client, monde_hostile, url, attendu):
    connecte(client, monde_hostile.val["epci"] if not url.startswith("/demandes") else monde_hostile.val["agent"])
    reponse = client.get(url)
    assert reponse.status_code == 400
    assert attendu in html.unescape(reponse.content.decode())


def test_renouveler_avec_une_version_erronee_repond_400(client, monde_hostile):
    demande = monde_hostile.val.demande
    avant = (demande.version, demande.date_dernier_renouvellement)
    connecte(client, monde_hostile.val["agent"])
    reponse = client.post(reverse("demandes:renouveler", args=[demande.pk]), {"version": "abc"})
    assert reponse.status_code == 400
    assert "Paramètre « version » : « abc » n'est pas un nombre entier." in html.unescape(reponse.content.decode())
    demande.refresh_from_db()
    assert (demande.version, demande.date_dernier_renouvellement) == avant


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_la_documentation_demande_une_connexion(client, monde_hostile, url):
    reponse = client.get(url)
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("core:login"))
    connecte(client, monde_hostile.val["agent"])
    page = client.get(url)
    assert page.status_code == 200
    texte = page.content.decode()
    assert "/static/drf_spectacular_sidecar/" in texte  # served by the platform, not a CDN
    assert "cdn.jsdelivr.net" not in texte and "fonts.googleapis.com" not in texte
    assert "<script>" not in texte and "<style>" not in texte  # nothing inline (CSP)
    ressources = re.findall(r'src="(/static/drf_spectacular_sidecar/[^"]+)"', texte)
    assert ressources
    for ressource in ressources:
        assert client.get(ressource).status_code == 200, ressource


def test_le_script_de_swagger_est_servi_a_part(client, monde_hostile):
    connecte(client, monde_hostile.val["agent"])
    reponse = client.get("/api/docs/", {"script": ""})
    assert reponse.status_code == 200
    assert "SwaggerUIBundle" in reponse.content.decode()


def test_le_schema_demande_une_connexion(client, monde_hostile):
    assert client.get("/api/schema/").status_code == 403
    connecte(client, monde_hostile.val["agent"])
    reponse = client.get("/api/schema/", {"format": "json"})
    assert reponse.status_code == 200
    schema = reponse.json()
    assert "/api/vacances/" in schema["paths"]


def test_le_schema_decrit_l_api_en_francais(client, monde_hostile):
    connecte(client, monde_hostile.val["agent"])
    schema = client.get("/api/schema/", {"format": "json"}).json()
    vacances = schema["paths"]["/api/vacances/"]["get"]
    assert "vacances" in vacances["description"].lower()
    limite = next(p for p in vacances["parameters"] if p["name"] == "limit")
    assert limite["description"].startswith("Nombre de résultats par page")
    assert limite["schema"]["maximum"] == 500
    annee = next(p for p in vacances["parameters"] if p["name"] == "annee_bail")
    assert annee["schema"]["minimum"] == 2000
    assert "400" in vacances["responses"]
    # every operation and every parameter is described (in French, not DRF's English defaults)
    for chemin, operations in schema["paths"].items():
        for operation in operations.values():
            assert operation.get("summary"), chemin
            for parametre in operation.get("parameters", []):
                assert parametre.get("description"), (chemin, parametre["name"])
                assert "A unique integer value" not in parametre["description"], chemin


def test_l_authentification_http_basic_est_refusee(client, monde_hostile):
    """Valid credentials in an Authorization: Basic header no longer open the API (session only)."""
    agent = monde_hostile.val["epci"]
    jeton = base64.b64encode(f"{agent.username}:{PASSWORD}".encode()).decode()
    for url in ("/api/demandes/", "/api/logements/", "/api/schema/"):
        reponse = client.get(url, HTTP_AUTHORIZATION=f"Basic {jeton}")
        assert reponse.status_code in (401, 403), url
    assert "WWW-Authenticate" not in client.get("/api/demandes/", HTTP_AUTHORIZATION=f"Basic {jeton}")


# --- The schema tells the truth: schemathesis against /api/schema/ --------------------------------

EXEMPLES_PAR_OPERATION = 25


def _donnees_api(t):
    """A few rows of each kind the API lists, so that response bodies are checked against the schema."""
    import datetime as dt

    from attributions.models import Candidature, Vacance

    _logements(t, 3)
    logement = Logement.objects.filter(bailleur=t.bailleur).first()
    vacance = Vacance.objects.create(
        logement=logement,
        bailleur=t.bailleur,
        epci=t.epci,
        date_declaration=dt.date(2026, 1, 5),
        date_liberation=dt.date(2026, 2, 1),
        reservataire=t.reservataire,
    )
    Candidature.objects.create(
        vacance=vacance,
        demande=t.demande,
        reservataire=t.reservataire,
        rang_propose=1,
        designee_le=dt.datetime(2026, 2, 2, tzinfo=dt.UTC),
    )


def test_schemathesis_ne_trouve_aucune_erreur(client, monde_hostile):
    """Every operation of /api/schema/, fuzzed as EPCI staff through the WSGI app: no server error, every
    status code and every body as the schema documents them."""
    import schemathesis
    from django.conf import settings as django_settings
    from django.core import signals
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import close_old_connections
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

    _donnees_api(monde_hostile.val)
    connecte(client, monde_hostile.val["epci"])
    session = {django_settings.SESSION_COOKIE_NAME: client.cookies[django_settings.SESSION_COOKIE_NAME].value}
    schema = schemathesis.openapi.from_dict(client.get("/api/schema/", {"format": "json"}).json())
    application = WSGIHandler()
    controles = [not_a_server_error, response_schema_conformance, status_code_conformance]
    operations = [resultat.ok() for resultat in schema.get_all_operations()]
    assert len(operations) >= 9

    # Django's test client keeps the test's connection open across requests; a bare WSGI call would close it at
    # the end of each request (request_finished -> close_old_connections), ending the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        _fuzzer(operations, application, session, controles)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _fuzzer(operations, application, session, controles) -> None:
    from hypothesis import HealthCheck, given, settings

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXEMPLES_PAR_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def essai(case):
            reponse = case.call(app=application, cookies=session)
            case.validate_response(reponse, checks=controles)

        essai()


def test_le_schema_est_genere_une_fois_par_processus(client, monde_hostile, monkeypatch):
    """/api/schema/ is the same for every signed-in user (SERVE_PUBLIC): generated once per process and language,
    then served as it is, in each format; another user gets the same schema."""
    from drf_spectacular.generators import SchemaGenerator

    from core.api import SchemaApi

    monkeypatch.setattr(SchemaApi, "_schemas", {})
    generations = []
    vrai = SchemaGenerator.get_schema

    def compte(self, *args, **kwargs):  # the real generator, counted
        generations.append(1)
        return vrai(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", compte)
    connecte(client, monde_hostile.val["agent"])
    premier = client.get("/api/schema/", {"format": "json"}).json()
    connecte(client, monde_hostile.mont["epci"])
    second = client.get("/api/schema/", {"format": "json"})
    yaml = client.get("/api/schema/")
    assert second.status_code == yaml.status_code == 200 and second.json() == premier
    assert b"/api/vacances/:" in yaml.content and len(generations) == 1
