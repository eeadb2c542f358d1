"""Settings shared by every environment. Machine-specific values come from the environment only."""

import datetime as dt

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .env import BASE_DIR, database_from_env, env_bool, env_int, env_list, env_str, origine_csp

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured("SECRET_KEY est obligatoire quand DEBUG n'est pas activé (voir .env.example).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "core",
    "cil",
    "demandes",
    "attributions",
    "sne",
    "observatoire",
    "relogement",
    "conference",
    "public",
    "politique",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.InactiviteMiddleware",
    "core.middleware.SecondFacteurMiddleware",
    "core.middleware.ErreurMetierMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "config.urls"
# Django's form renderer, the plainest widgets written in Python (same HTML: core/rendu.py)
FORM_RENDERER = "core.rendu.RenduRapide"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": database_from_env(BASE_DIR / "var" / "cil.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files live outside the web root and are served only through views that check rights.
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
PRIVATE_MEDIA_ROOT = env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Documents of the demands, stored balance sheets (core/stockage.py: FileField(storage=prive)).
    "prive": {"BACKEND": "core.stockage.StockagePrive", "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}},
}

SESSION_COOKIE_HTTPONLY = True
# --- Accounts (README "Comptes et sécurité des connexions"; core/comptes.py, core/middleware.py) ---
# django-axes first: it refuses any login attempt of a locked-out client before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("CONNEXION_ECHECS_MAX", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("CONNEXION_BLOCAGE_MINUTES", 15, minimum=1))
# Lock the (username, address) pair: by username alone an attacker could lock a colleague out from anywhere;
# by address alone every desk behind one shared NAT would be locked out together.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.comptes.reponse_verrouillage"
AXES_CLIENT_IP_CALLABLE = "core.comptes.adresse_client"
# Number of reverse proxies in front of the application that append to X-Forwarded-For (0: REMOTE_ADDR only).
REVERSE_PROXY_COUNT = env_int("REVERSE_PROXY_COUNT", 0)
# Second factor (TOTP): the roles that must use one; superusers count as platform administrators.
OTP_ROLES_OBLIGATOIRES = env_list("OTP_ROLES_OBLIGATOIRES", ["ADMINISTRATEUR", "EPCI"])
OTP_ADMIN_OBLIGATOIRE = True  # the Django admin asks for the second factor whatever the role
OTP_TOTP_ISSUER = "Plateforme CIL"
# Idle sessions end after SESSION_INACTIVITE_MINUTES (core.middleware.InactiviteMiddleware); the server keeps
# an idle session two minutes longer, so that the page can say why the user must sign in again.
SESSION_INACTIVITE_MINUTES = env_int("SESSION_INACTIVITE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = SESSION_INACTIVITE_MINUTES * 60 + 120
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp): only this site's own files, no inline script or style anywhere
# (templates put their JavaScript in static/js and their styles in static/css). The API documentation is
# the one view with a relaxed policy (core.csp). HTTPS and HSTS are set in production.py.
# Maps (cil.cartes, docs/cartes.md): the background is the communes' outlines shipped with the platform; a
# deployment that has a tile server may add its tiles under them (an XYZ URL such as
# https://tuiles.example.org/{z}/{x}/{y}.png, and the attribution its licence requires). Empty: no tile, and
# no request leaves the platform. The tiles' origin is then the one foreign origin the CSP allows (images).
CARTE_TUILES_URL = env_str("CARTE_TUILES_URL", "")
CARTE_TUILES_ATTRIBUTION = env_str("CARTE_TUILES_ATTRIBUTION", "")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *origine_csp(CARTE_TUILES_URL)],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Session only: HTTP Basic sent passwords with every call and bypassed the login's protections.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PaginationLimitee",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.gestionnaire_exceptions",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API de la plateforme CIL",
    "DESCRIPTION": "Demandes, attributions et objectifs légaux, selon les droits de l'organisation.",
    "VERSION": "1.0.0",
    # The schema and its documentation are for signed-in users only, served from the platform itself.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "StatutDemandeEnum": "demandes.models.Statut",
        "StatutMenageEnum": "relogement.models.Statut",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.reponses_d_erreur",
    ],
}

# Celery: without REDIS_URL, tasks run eagerly in-process (demo, fast unit runs).
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "objectifs-chaque-nuit": {
        "task": "attributions.tasks.recalculer_tous_les_instantanes",
        "schedule": crontab(hour=2, minute=15),
    },
    "relogements-objectif-a-chaque-nuit": {
        "task": "relogement.tasks.synchroniser_objectif_a",
        "schedule": crontab(hour=2, minute=0),
    },
    "relogement-purge-donnees-sensibles": {
        "task": "relogement.tasks.purger_donnees_sensibles",
        "schedule": crontab(hour=3, minute=30),
    },
    # docs/droit/regles.md, platform decision 13: radiated demands anonymised once their retention period ran out
    "demandes-purge-radiees": {
        "task": "demandes.tasks.purger_radiees",
        "schedule": crontab(hour=3, minute=45),
    },
    # the neighbourhood index (docs/quartiers.md): every territory with a version in force, after the objectives
    "quartiers-chaque-nuit": {
        "task": "observatoire.tasks.classer_quartiers_nuit",
        "schedule": crontab(hour=2, minute=45),
    },
    # public pages and open data (public app): the figures per commune and typology, masked, stored
    "chiffres-publics-chaque-nuit": {
        "task": "public.tasks.calculer_chiffres_publics",
        "schedule": crontab(hour=4, minute=15),
    },
    # large spreadsheets produced by the worker (core.exports_differes): deleted after a week
    "exports-differes-purge": {
        "task": "core.tasks.purger_exports",
        "schedule": crontab(hour=5, minute=0),
    },
    # the observatory's indicators (observatoire app), the previous and the current year, stored (docs/observatoire.md)
    "indicateurs-observatoire-chaque-nuit": {
        "task": "observatoire.tasks.calculer_indicateurs_nuit",
        "schedule": crontab(hour=4, minute=45),
    },
}
# Above this many rows, a spreadsheet is produced by the worker and offered on a page once ready
# (core.exports_differes); below, it is written in the request.
EXPORT_DIRECT_MAX_LIGNES = env_int("EXPORT_DIRECT_MAX_LIGNES", 5000)
# See docs/stack.md, « Celery »: Celery's Django fix-up closes connections around each task otherwise.
CELERY_DB_REUSE_MAX = 1000

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ne-pas-repondre@cil.example.org")
# SMTP for the password-reset links (with EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every layout step of every PDF at INFO ("Step 5 - Creating layout - Page 3"):
        # its warnings (missing fonts, refused URLs) stay visible.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# `seed_demo` creates accounts with a published password: only on a development machine (DEBUG) and in the
# test settings; production.py forbids it whatever the environment says.
DEMO_AUTORISEE = DEBUG

# Demo data builders called by `seed_demo` after the territory, in order (cil/demo.py).
DEMO_SEEDERS = [
    "demandes.demo.seed",
    "demandes.demo_cotation.seed",
    "attributions.demo.seed",
    "attributions.vacances.demo.seed",
    "attributions.echanges.demo.seed",
    "attributions.vacances.demo_adaptes.seed",
    "sne.demo.seed",
    "relogement.demo.seed",
    "politique.demo.seed",
    "observatoire.demo.seed",
    "conference.demo.seed",
    "core.demo.seed",
    "demandes.demo.activite_de_la_nuit",  # the reception points' nightly figures of everything seeded above
    "public.demo.seed",  # last: the nightly public figures of everything seeded above
]

# GDPR: the platform's data protection officer contact, shown in the privacy notice when the territory
# has none of its own (cil.Epci.contact_dpo).
RGPD_CONTACT_DPO = env_str("RGPD_CONTACT_DPO", "dpo@cil.example.org")
