from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.csp import api_documentation

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_documentation(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
    path("api/", include("attributions.api.urls")),
    path("observatoire/", include("observatoire.urls")),
    path("demandes/", include("demandes.urls")),
    path("api/", include("demandes.api.urls")),
    path("relogement/", include("relogement.urls")),
    path("api/", include("relogement.api.urls")),
    path("", include("attributions.urls")),
    path("", include("core.urls")),
]
