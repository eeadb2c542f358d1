"""Response headers and error pages: what a shared desk computer, a hostile page and a misconfigured server
must not get (no-store caching, a strict Content-Security-Policy, HTTPS-only production settings, a strong
secret key, no demo accounts outside development, French error pages inside the layout)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html import unescape
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.securite.conftest import connecte

ROOT = Path(__file__).resolve().parents[2]
CLE_SOLIDE = "Zq8v-Lr3wXc9Tn0pK2bYh7Gm5Sd1Fj6Ue4Ai_Oo8Ee3Rr7Tt2Yy6Uu1Ii5Pp9Ll0Kk"

# --------------------------------------------------------------------------- Cache-Control: no-store


def _no_store(response) -> bool:
    directives = {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives and "private" in directives and "public" not in directives


def test_fiche_demande_jamais_stockee_par_le_navigateur(client, monde_hostile):
    connecte(client, monde_hostile.val["agent"])
    response = client.get(reverse("demandes:fiche", args=[monde_hostile.val.demande.pk]))
    assert response.status_code == 200
    assert "SecretVal" in response.content.decode()
    assert _no_store(response), response.get("Cache-Control")


def test_reponse_api_jamais_stockee(client, monde_hostile):
    connecte(client, monde_hostile.val["epci"])
    response = client.get("/api/demandes/")
    assert response.status_code == 200
    assert response.json()["count"] >= 1
    assert _no_store(response), response.get("Cache-Control")


def test_api_refusee_aux_anonymes_aussi_no_store(client, monde_hostile):
    response = client.get("/api/demandes/")
    assert response.status_code in (401, 403)
    assert _no_store(response), response.get("Cache-Control")


def test_refus_d_un_utilisateur_connecte_no_store(client, monde_hostile):
    connecte(client, monde_hostile.val["membre"])
    response = client.get(reverse("demandes:recherche"))
    assert response.status_code == 403
    assert _no_store(response)


def test_page_publique_anonyme_et_fichiers_statiques_restent_cachables(client, monde_hostile):
    # (the sign-in page is never_cache by Django itself; a public page keeps what its view decided)
    response = client.get("/page-publique-inexistante/")
    assert response.status_code == 404
    assert "no-store" not in response.get("Cache-Control", "")
    connecte(client, monde_hostile.val["agent"])
    static = client.get("/static/css/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


# --------------------------------------------------------------------------- Content-Security-Policy


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_csp_stricte_sur_les_pages(client, monde_hostile):
    connecte(client, monde_hostile.val["agent"])
    response = client.get(reverse("demandes:fiche", args=[monde_hostile.val.demande.pk]))
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert not any("unsafe" in source for sources in csp.values() for source in sources)


def test_csp_aussi_sur_la_connexion_et_l_administration(client, monde_hostile):
    assert _csp(client.get(reverse("core:login")))["script-src"] == ["'self'"]
    connecte(client, monde_hostile.superuser)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert _csp(response)["script-src"] == ["'self'"]


def test_documentation_api_seule_relachee(client, monde_hostile):
    """Swagger UI needs inline styles and its start-up script; nothing else gets them."""
    connecte(client, monde_hostile.val["epci"])
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    csp = _csp(response)
    assert "'unsafe-inline'" in csp["style-src"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["script-src"] == ["'self'", "'unsafe-inline'"]  # no third-party origin
    # the schema itself stays strict
    assert _csp(client.get(reverse("api-schema")))["style-src"] == ["'self'"]


def _gabarits() -> list[Path]:
    dossiers = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(p for d in dossiers for p in d.rglob("*.html"))


def test_aucun_script_ni_style_en_ligne_dans_les_gabarits():
    import re

    interdits = [
        (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I), "bloc <script> en ligne"),
        (re.compile(r"<style\b", re.I), "bloc <style>"),
        (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I), "attribut on*="),
        (re.compile(r"\sstyle\s*=", re.I), "attribut style="),
        (re.compile(r"javascript:", re.I), "URL javascript:"),
        (re.compile(r"\shx-on", re.I), "attribut hx-on (évalué)"),
        (re.compile(r"\shx-vals\s*=\s*[\"']js:", re.I), "hx-vals js: (évalué)"),
    ]
    fautes = []
    assert len(_gabarits()) > 20
    for chemin in _gabarits():
        texte = chemin.read_text(encoding="utf-8")
        # a template include's "with onglet=..." is not an HTML attribute
        texte = re.sub(r"{%.*?%}", "", texte, flags=re.S)
        for motif, nom in interdits:
            if motif.search(texte):
                fautes.append(f"{chemin.relative_to(ROOT)} : {nom}")
    assert not fautes, "\n".join(fautes)


# --------------------------------------------------------------------------- production settings


def _production(code: str, **env: str) -> subprocess.CompletedProcess:
    """Import config.settings.production in a fresh interpreter with exactly these variables set."""
    base = {k: v for k, v in os.environ.items() if k not in _VARIABLES}
    base.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", "PYTHONPATH": str(ROOT), **env})
    script = "import django; django.setup(); from django.conf import settings as s; " + code
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "BEHIND_TLS_PROXY",
    "INSECURE_HTTP",
    "SECURE_HSTS_SECONDS",
    "HSTS_INCLUDE_SUBDOMAINS",
    "HSTS_PRELOAD",
    "DATABASE_URL",
}

_LIRE = (
    "import json; print(json.dumps({'hsts': s.SECURE_HSTS_SECONDS, 'sub': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "'redirect': s.SECURE_SSL_REDIRECT, 'proxy': s.SECURE_PROXY_SSL_HEADER, "
    "'cookie': s.SESSION_COOKIE_SECURE, 'csrf': s.CSRF_COOKIE_SECURE, 'demo': s.DEMO_AUTORISEE}))"
)


def test_production_https_et_hsts_par_defaut():
    result = _production(_LIRE, SECRET_KEY=CLE_SOLIDE, ALLOWED_HOSTS="cil.example.org")
    assert result.returncode == 0, result.stderr
    valeurs = json.loads(result.stdout)
    assert valeurs["hsts"] >= 31536000
    assert valeurs["sub"] is True
    assert valeurs["redirect"] is True
    assert valeurs["proxy"] is None  # a forged X-Forwarded-Proto is not trusted without a proxy
    assert valeurs["cookie"] is True and valeurs["csrf"] is True
    assert valeurs["demo"] is False


def test_production_derriere_un_proxy_tls():
    result = _production(_LIRE, SECRET_KEY=CLE_SOLIDE, BEHIND_TLS_PROXY="1")
    assert result.returncode == 0, result.stderr
    valeurs = json.loads(result.stdout)
    assert valeurs["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert valeurs["redirect"] is True
    assert valeurs["hsts"] >= 31536000


def test_production_en_http_local():
    result = _production(_LIRE, SECRET_KEY=CLE_SOLIDE, INSECURE_HTTP="1")
    assert result.returncode == 0, result.stderr
    valeurs = json.loads(result.stdout)
    assert valeurs["hsts"] == 0
    assert valeurs["redirect"] is False
    assert valeurs["cookie"] is False and valeurs["csrf"] is False


def test_production_refuse_proxy_tls_et_http_a_la_fois():
    result = _production("print('démarré')", SECRET_KEY=CLE_SOLIDE, INSECURE_HTTP="1", BEHIND_TLS_PROXY="1")
    assert result.returncode != 0
    assert "INSECURE_HTTP" in result.stderr and "BEHIND_TLS_PROXY" in result.stderr
    assert "démarré" not in result.stdout


def test_production_refuse_une_duree_hsts_invalide():
    result = _production("print('démarré')", SECRET_KEY=CLE_SOLIDE, SECURE_HSTS_SECONDS="un an")
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS invalide" in result.stderr


@pytest.mark.parametrize(
    "cle",
    [
        "trop-courte-mais-variee-0123456789",  # < 50 characters
        "a" * 60,  # too few distinct characters
        "ababababab" * 6,
        "django-insecure-" + CLE_SOLIDE,
        "dev-only-insecure-key-do-not-use-in-production-0123456789",
    ],
)
def test_production_refuse_une_cle_secrete_faible(cle):
    result = _production("print('démarré')", SECRET_KEY=cle)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY trop faible" in result.stderr
    assert "démarré" not in result.stdout
    assert cle not in result.stderr  # the key itself is never printed


def test_production_refuse_la_cle_de_developpement_meme_avec_debug():
    result = _production("print('démarré')", DEBUG="1")
    assert result.returncode != 0
    assert "SECRET_KEY trop faible" in result.stderr


def test_manage_py_affiche_le_refus_en_francais_sans_trace():
    env = {k: v for k, v in os.environ.items() if k not in _VARIABLES}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": "courte"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "Configuration invalide : SECRET_KEY trop faible" in result.stderr
    assert "Traceback" not in result.stderr


def test_parametres_de_test_sans_hsts():
    from django.conf import settings

    assert settings.SECURE_HSTS_SECONDS == 0
    assert settings.SECURE_SSL_REDIRECT is False


def test_hsts_absent_des_reponses_hors_production(client, monde_hostile):
    response = client.get(reverse("core:login"), secure=True)
    assert "Strict-Transport-Security" not in response


def test_hsts_envoye_avec_les_reglages_de_production(client, monde_hostile, settings):
    # the values production sets, applied to this process (the module itself is checked above)
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("core:login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    redirection = client.get(reverse("core:login"))
    assert redirection.status_code == 301
    assert redirection["Location"].startswith("https://")


# --------------------------------------------------------------------------- seed_demo


def test_seed_demo_refuse_hors_demonstration(settings, db):
    settings.DEMO_AUTORISEE = False
    with pytest.raises(CommandError, match="comptes de démonstration"):
        call_command("seed_demo", stdout=StringIO())
    from core.models import User

    assert not User.objects.exists()


# --------------------------------------------------------------------------- error pages


def _dans_le_gabarit(contenu: str) -> None:
    assert '<html lang="fr">' in contenu
    assert "Plateforme de la conférence intercommunale du logement" in contenu  # the footer
    assert 'href="/static/css/app.css"' in contenu
    assert "Forbidden" not in contenu and "Not Found" not in contenu and "Server Error" not in contenu


def test_page_403_francaise_avec_le_motif(client, monde_hostile):
    connecte(client, monde_hostile.val["membre"])
    response = client.get(reverse("demandes:recherche"))
    assert response.status_code == 403
    contenu = response.content.decode()
    _dans_le_gabarit(contenu)
    assert "Accès refusé" in contenu
    assert "Votre rôle ne donne pas accès à la rubrique « Demandes »." in unescape(contenu)
    assert "Se déconnecter" in contenu  # the signed-in layout, with the navigation


def test_page_404_francaise(client, monde_hostile):
    connecte(client, monde_hostile.mont["agent"])
    response = client.get(reverse("demandes:fiche", args=[monde_hostile.val.demande.pk]))
    assert response.status_code == 404
    contenu = response.content.decode()
    _dans_le_gabarit(contenu)
    assert "Page introuvable" in contenu
    assert "Secret" not in contenu  # nothing of the demand


def test_page_404_anonyme(client, db):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    contenu = response.content.decode()
    _dans_le_gabarit(contenu)
    assert "Page introuvable" in contenu


def test_page_500_sans_contexte_ni_base(db, django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    contenu = response.content.decode()
    _dans_le_gabarit(contenu)
    assert "Erreur du serveur" in contenu


def test_page_400_francaise(client, db, settings):
    settings.ALLOWED_HOSTS = ["cil.example.org"]
    response = client.get("/connexion/", HTTP_HOST="pirate.example.com")
    assert response.status_code == 400
    contenu = response.content.decode()
    _dans_le_gabarit(contenu)
    assert "Requête invalide" in contenu


def test_page_403_csrf_francaise(db, monde_hostile):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("core:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    contenu = response.content.decode()
    _dans_le_gabarit(contenu)
    assert "Formulaire expiré" in contenu
