"""Test settings: the database comes from DATABASE_URL as everywhere (PostgreSQL in CI)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from .base import *  # noqa: E402,F403
from .base import DATABASES, STORAGES, TEMPLATES  # noqa: E402
from .env import env_bool  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
ALLOWED_HOSTS = ["*"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Many tests force_login staff users: the second factor is off by default here. core/tests/test_comptes.py and
# tests/securite/test_comptes.py switch it back on (settings fixture) and cover the whole flow.
OTP_ROLES_OBLIGATOIRES = []
OTP_ADMIN_OBLIGATOIRE = False
# The demo builders are tested here, with DEBUG off (base.py allows them only with DEBUG).
DEMO_AUTORISEE = True


class _FailOnUnknownVariable(str):
    """Unknown template variables fail the test instead of rendering empty (les-emplois)."""

    def __mod__(self, other):
        raise NameError(f"Variable de gabarit inconnue : {other}")

    def __contains__(self, item):
        return item == "%s"


TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = _FailOnUnknownVariable("%s")

# Tasks run in-process in tests, even when REDIS_URL is set (CI): the integration tests that need a
# real worker switch the app out of eager mode themselves (tests/conftest.py, celery_worker_process).
CELERY_TASK_ALWAYS_EAGER = True

# Static files are served from the finders in tests (no collectstatic step).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Rows of a query without any ordering come back in random order, on SQLite and PostgreSQL alike, so that code
# depending on an order the database does not promise fails its tests (tests/ordre_aleatoire, after
# gip-inclusion/les-emplois). CIL_TEST_ORDRE_ALEATOIRE=0 switches it off.
if env_bool("CIL_TEST_ORDRE_ALEATOIRE", True):
    DATABASES["default"]["ENGINE"] = DATABASES["default"]["ENGINE"].replace(
        "django.db.backends.", "tests.ordre_aleatoire.", 1
    )
