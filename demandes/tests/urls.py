"""The project's URLs plus this app's, until config/urls.py includes them (then nothing is added)."""

from django.urls import include, path

from config.urls import urlpatterns as projet


def _inclus(module: str) -> bool:
    return any(
        getattr(p, "urlconf_name", None).__name__ == module
        for p in projet
        if hasattr(p, "urlconf_name") and hasattr(p.urlconf_name, "__name__")
    )


urlpatterns = list(projet)
if not _inclus("demandes.urls"):
    urlpatterns.insert(0, path("demandes/", include("demandes.urls")))
if not _inclus("demandes.api.urls"):
    urlpatterns.insert(0, path("api/", include("demandes.api.urls")))
