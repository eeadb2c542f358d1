from django.urls import path

from . import views

app_name = "attributions"

urlpatterns = [
    path("objectifs/", views.tableau_de_bord, name="tableau_de_bord"),
    path("objectifs/recalculer/", views.recalculer, name="recalculer"),
    path("objectifs/a-qualifier/<int:pk>/", views.qualifier, name="qualifier"),
    path("attributions/", views.liste, name="liste"),
    path("attributions/export.<str:format>", views.export, name="export"),
    path("attributions/import/", views.importer, name="import"),
]

# Stock, vacancies, candidates, commission sessions, flows (attributions/vacances/views.py)
from .vacances import views as views_vacances  # noqa: E402

urlpatterns += [
    path("logements/", views_vacances.logements, name="logements"),
    path("logements/import/", views_vacances.logements_import, name="logements_import"),
    path("vacances/", views_vacances.vacances, name="vacances"),
    path("vacances/export.csv", views_vacances.vacances_export, name="vacances_export"),
    path("vacances/nouvelle/", views_vacances.vacance_nouvelle, name="vacance_nouvelle"),
    path("vacances/<int:pk>/", views_vacances.vacance, name="vacance"),
    path("vacances/<int:pk>/candidats/", views_vacances.vacance_candidats, name="vacance_candidats"),
    path("vacances/<int:pk>/<slug:action>/", views_vacances.vacance_action, name="vacance_action"),
    path("caleol/", views_vacances.seances, name="seances"),
    path("caleol/<int:pk>/", views_vacances.seance, name="seance"),
    path("flux/", views_vacances.rapport_flux, name="flux"),
]
