"""Production settings for the benchmarks: plain static storage (no collectstatic manifest) and a bare view."""

from config.settings.production import *  # noqa: F401,F403
from config.settings.production import STORAGES

ROOT_URLCONF = "bench.urls"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

import warnings  # noqa: E402

# WhiteNoise warns that STATIC_ROOT was never collected: the benchmarks serve no static file
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
