"""Production: base settings, HTTPS only, and a refusal to start with a weak secret key.

Everything specific still comes from the environment (see .env.example and the README, « Configuration »):

- ``BEHIND_TLS_PROXY=1``: a reverse proxy terminates TLS and forwards plain HTTP with
  ``X-Forwarded-Proto: https``; Django trusts that header only then (the proxy must overwrite it, never
  pass on the client's). Without it, behind such a proxy, the HTTPS redirect would loop.
- ``INSECURE_HTTP=1``: plain HTTP on a local machine or a closed test network (no redirect to HTTPS, no
  HSTS, cookies not marked Secure). Never on a server reachable by users.
- ``SECURE_HSTS_SECONDS`` (default one year), ``HSTS_INCLUDE_SUBDOMAINS`` (default 1), ``HSTS_PRELOAD``
  (default 0): the Strict-Transport-Security header.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import SECRET_KEY
from .env import env_bool, env_int

_INSECURE_HTTP = env_bool("INSECURE_HTTP", False)
_BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if _INSECURE_HTTP and _BEHIND_TLS_PROXY:
    raise ImproperlyConfigured(
        "INSECURE_HTTP et BEHIND_TLS_PROXY sont incompatibles : derrière un proxy TLS, retirez INSECURE_HTTP."
    )

if _BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_SSL_REDIRECT = not _INSECURE_HTTP
SESSION_COOKIE_SECURE = not _INSECURE_HTTP
CSRF_COOKIE_SECURE = not _INSECURE_HTTP
SECURE_HSTS_SECONDS = 0 if _INSECURE_HTTP else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)

# Demo accounts share a published password: never on a production database, whatever the environment says.
DEMO_AUTORISEE = False

# The same thresholds as Django's check security.W009, made fatal: sessions, password-reset links and
# signed values all rest on this key.
_PREFIXES_DE_DEVELOPPEMENT = ("django-insecure", "dev-only")
if (
    not SECRET_KEY
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith(_PREFIXES_DE_DEVELOPPEMENT)
):
    raise ImproperlyConfigured(
        "SECRET_KEY trop faible pour la production : il faut au moins 50 caractères, dont au moins 5 différents, "
        "et pas une clé de développement (commençant par « django-insecure » ou « dev-only »). "
        'Pour en générer une : python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
    )
