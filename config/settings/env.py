"""Reading the environment: every setting that differs between machines comes from here.

A bad value stops start-up with a message that names the variable.
"""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on", "oui"}:
        return True
    if lowered in {"0", "false", "no", "off", "non"}:
        return False
    raise ImproperlyConfigured(f"Variable d'environnement {name} invalide : {value!r} (attendu : 1/0, true/false).")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        number = None
    if number is None or number < minimum:
        raise ImproperlyConfigured(
            f"Variable d'environnement {name} invalide : {value!r} (attendu : un entier supérieur ou égal à {minimum})."
        )
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_env(default_sqlite: Path) -> dict:
    url = env_str("DATABASE_URL", f"sqlite:///{default_sqlite}")
    try:
        config = dj_database_url.parse(url, conn_max_age=600)
    except Exception as exc:  # dj_database_url raises several kinds
        raise ImproperlyConfigured(
            f"DATABASE_URL invalide : {url!r} ({exc}). "
            "Exemples : postgres://postgres@127.0.0.1:5432/cil ou sqlite:///var/cil.sqlite3"
        ) from exc
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL invalide : {url!r} (seuls postgres:// et sqlite:/// sont pris en charge)."
        )
    if engine == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config.setdefault("OPTIONS", {})
        config["OPTIONS"].update({"timeout": 20})
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"DATABASE_URL invalide : {url!r} (chemin SQLite manquant).")
    elif not config.get("NAME"):
        raise ImproperlyConfigured(f"DATABASE_URL invalide : {url!r} (nom de base manquant).")
    else:
        config.setdefault("OPTIONS", {}).update(options_postgresql())
    return config


def options_postgresql() -> dict:
    """Parameters bound by the server and statements prepared on a query's second execution on a connection
    (core/curseur_pg.py; docs/stack.md). ``DATABASE_PREPARED_STATEMENTS=0`` goes back to Django's default,
    client-side binding: for a pooler that cannot keep prepared statements (PgBouncer in transaction mode before
    1.21, or without ``max_prepared_statements``)."""
    if not env_bool("DATABASE_PREPARED_STATEMENTS", True):
        return {}
    from core.curseur_pg import CurseurServeur

    mode = env_str("DATABASE_PLAN_CACHE_MODE", "force_custom_plan")
    if mode not in ("force_custom_plan", "auto", "force_generic_plan"):
        raise ImproperlyConfigured(
            f"DATABASE_PLAN_CACHE_MODE invalide : {mode!r} (force_custom_plan, auto ou force_generic_plan)."
        )
    return {
        "server_side_binding": True,
        "cursor_factory": CurseurServeur,
        "prepare_threshold": env_int("DATABASE_PREPARE_THRESHOLD", 2),
        # a prepared statement is planned again with each execution's values: PostgreSQL's generic plan (chosen
        # after five executions in mode auto) doubled the objectives' aggregate on 1,000,000 decisions
        "options": f"-c plan_cache_mode={mode}",
    }


def origine_csp(url: str | None) -> list[str]:
    """The origin of a tile URL as a Content-Security-Policy source (``{s}`` subdomains as ``*``): ``[]``
    without a URL, or for a URL that is not http(s)."""
    trouve = re.match(r"https?://[^/?#]+", url or "")
    return [trouve.group(0).replace("{s}", "*")] if trouve else []
