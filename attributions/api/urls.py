from django.urls import path

from . import views

urlpatterns = [
    path("objectifs/", views.ObjectifsView.as_view(), name="api-objectifs"),
    path("attributions/", views.DecisionListView.as_view(), name="api-attributions"),
]

# Dwellings, vacancies and flows
from . import views_flux  # noqa: E402

urlpatterns += [
    path("logements/", views_flux.LogementListView.as_view(), name="api-logements"),
    path("vacances/", views_flux.VacanceListView.as_view(), name="api-vacances"),
    path("flux/", views_flux.FluxView.as_view(), name="api-flux"),
]
