"""Settings read from the environment: a bad value stops start-up with a French message naming it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.env import database_from_env, env_bool, env_list, origine_csp

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE = Path("/tmp/defaut.sqlite3")


@pytest.mark.parametrize(
    "url",
    [
        "foo:bar",
        "mysql://user@127.0.0.1/cil",
        "postgres://postgres@127.0.0.1:5432/",
        "postgres://",
    ],
)
def test_bad_database_url_is_refused_in_french(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match=r"^DATABASE_URL invalide : ") as excinfo:
        database_from_env(DEFAULT_SQLITE)
    assert repr(url) in str(excinfo.value)


def test_postgres_url_is_parsed(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://cil:s3cret@db.example.org:5433/cil_prod")
    config = database_from_env(DEFAULT_SQLITE)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("cil_prod", "cil", "s3cret")
    assert (config["HOST"], config["PORT"]) == ("db.example.org", 5433)
    assert config["CONN_MAX_AGE"] == 600


def test_postgres_binds_parameters_on_the_server_and_prepares_statements(monkeypatch):
    from core.curseur_pg import CurseurServeur

    monkeypatch.setenv("DATABASE_URL", "postgres://cil@db.example.org:5432/cil")
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    monkeypatch.delenv("DATABASE_PREPARE_THRESHOLD", raising=False)
    options = database_from_env(DEFAULT_SQLITE)["OPTIONS"]
    assert options == {
        "server_side_binding": True,
        "cursor_factory": CurseurServeur,
        "prepare_threshold": 2,
        "options": "-c plan_cache_mode=force_custom_plan",
    }
    monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", "5")
    assert database_from_env(DEFAULT_SQLITE)["OPTIONS"]["prepare_threshold"] == 5
    monkeypatch.setenv("DATABASE_PLAN_CACHE_MODE", "auto")
    assert database_from_env(DEFAULT_SQLITE)["OPTIONS"]["options"] == "-c plan_cache_mode=auto"
    monkeypatch.setenv("DATABASE_PLAN_CACHE_MODE", "generique")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_PLAN_CACHE_MODE"):
        database_from_env(DEFAULT_SQLITE)
    monkeypatch.delenv("DATABASE_PLAN_CACHE_MODE")
    # behind a pooler that cannot keep prepared statements: Django's default cursor
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "0")
    assert "server_side_binding" not in database_from_env(DEFAULT_SQLITE).get("OPTIONS", {})
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "peut-etre")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_PREPARED_STATEMENTS"):
        database_from_env(DEFAULT_SQLITE)


def test_default_is_the_embedded_sqlite_database(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_from_env(DEFAULT_SQLITE)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(DEFAULT_SQLITE)
    assert config["CONN_MAX_AGE"] == 0


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("oui", True), ("False", False), ("non", False)])
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("CIL_TEST_FLAG", raw)
    assert env_bool("CIL_TEST_FLAG") is expected


def test_env_bool_refuses_garbage(monkeypatch):
    monkeypatch.setenv("CIL_TEST_FLAG", "peut-etre")
    with pytest.raises(ImproperlyConfigured, match="CIL_TEST_FLAG invalide"):
        env_bool("CIL_TEST_FLAG")


def test_env_list(monkeypatch):
    monkeypatch.setenv("CIL_TEST_HOSTS", " cil.example.org, ,www.cil.example.org ")
    assert env_list("CIL_TEST_HOSTS", []) == ["cil.example.org", "www.cil.example.org"]
    monkeypatch.delenv("CIL_TEST_HOSTS")
    assert env_list("CIL_TEST_HOSTS", ["defaut"]) == ["defaut"]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_check_stops_on_bad_database_url():
    result = _manage("check", DATABASE_URL="foo:bar")
    assert result.returncode != 0
    assert "DATABASE_URL invalide" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_require_a_secret_key():
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": "", "DEBUG": "0"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY est obligatoire" in result.stderr


@pytest.mark.parametrize(
    ("url", "attendu"),
    [
        (None, []),
        ("", []),
        ("https://tuiles.example.org/{z}/{x}/{y}.png", ["https://tuiles.example.org"]),
        ("https://{s}.tile.example.org:8443/carte/{z}/{x}/{y}.png?cle=1", ["https://*.tile.example.org:8443"]),
        ("http://127.0.0.1:8080/{z}/{x}/{y}.png", ["http://127.0.0.1:8080"]),
        ("javascript:alert(1)", []),
        ("/tuiles/{z}/{x}/{y}.png", []),  # same origin: 'self' already allows it
    ],
)
def test_origine_des_tuiles_pour_la_csp(url, attendu):
    assert origine_csp(url) == attendu


def test_les_tuiles_configurees_entrent_dans_la_csp():
    code = "from django.conf import settings as s; print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    sans = _manage("shell", "-c", code, CARTE_TUILES_URL="")
    assert sans.returncode == 0, sans.stderr
    assert sans.stdout.strip().splitlines()[-1] == "[\"'self'\", 'data:']"
    avec = _manage("shell", "-c", code, CARTE_TUILES_URL="https://{s}.tuiles.example.org/{z}/{x}/{y}.png")
    assert avec.stdout.strip().splitlines()[-1] == "[\"'self'\", 'data:', 'https://*.tuiles.example.org']"
