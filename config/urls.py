from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from core.api import SchemaApi
from core.csp import api_documentation

urlpatterns = [
    path("admin/", admin.site.urls),
    # Schema and documentation: signed-in users only (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]; the pages
    # send a visitor to the login page), Swagger UI and ReDoc served from static files (sidecar, no CDN,
    # no inline script: Swagger UI's setup script is served by its own URL).
    path("api/schema/", SchemaApi.as_view(), name="api-schema"),  # generated once per process
    path(
        "api/docs/",
        login_required(api_documentation(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        login_required(api_documentation(SpectacularRedocView.as_view(url_name="api-schema"))),
        name="api-redoc",
    ),
    path("api/", include("attributions.api.urls")),
    path("observatoire/", include("observatoire.urls")),
    path("demandes/", include("demandes.urls")),
    path("sne/", include("sne.urls")),
    path("api/", include("demandes.api.urls")),
    path("relogement/", include("relogement.urls")),
    path("conference/", include("conference.urls")),
    path("api/", include("relogement.api.urls")),
    path("territoires/", include("public.urls")),
    path("politique/", include("politique.urls")),
    path("", include("attributions.urls")),
    path("", include("core.urls")),
]

# A bad query parameter (core.parametres.ParametreInvalide) gets a French 400 page naming it.
handler400 = "core.views.requete_invalide"
