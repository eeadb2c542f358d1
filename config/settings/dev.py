"""Local development and the one-command demo: DEBUG on, SQLite by default."""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: E402,F403
from .base import STORAGES  # noqa: E402

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
