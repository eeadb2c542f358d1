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
    path("logements/<int:pk>/accessibilite/", views_vacances.logement_accessibilite, name="logement_accessibilite"),
    path("vacances/", views_vacances.vacances, name="vacances"),
    path("vacances/export.csv", views_vacances.vacances_export, name="vacances_export"),
    path("vacances/nouvelle/", views_vacances.vacance_nouvelle, name="vacance_nouvelle"),
    path("vacances/<int:pk>/", views_vacances.vacance, name="vacance"),
    path("vacances/<int:pk>/candidats/", views_vacances.vacance_candidats, name="vacance_candidats"),
    path("vacances/<int:pk>/besoins/", views_vacances.vacance_besoins, name="vacance_besoins"),
    path("logements-adaptes/", views_vacances.logements_adaptes, name="logements_adaptes"),
    path("vacances/<int:pk>/<slug:action>/", views_vacances.vacance_action, name="vacance_action"),
    path("caleol/", views_vacances.seances, name="seances"),
    path("caleol/<int:pk>/", views_vacances.seance, name="seance"),
    path("flux/", views_vacances.rapport_flux, name="flux"),
]

# Exchange between social tenants (attributions/echanges/views.py)
from .echanges import views as views_echanges  # noqa: E402

urlpatterns += [
    path("echanges/", views_echanges.bourse, name="echanges"),
    path("echanges/offres/nouvelle/", views_echanges.offre_nouvelle, name="echange_offre_nouvelle"),
    path("echanges/proposer/", views_echanges.proposer, name="echange_proposer"),
    path("echanges/<int:pk>/", views_echanges.echange, name="echange"),
    path("echanges/<int:pk>/annuler/", views_echanges.annuler, name="echange_annuler"),
    path("echanges/<int:pk>/repondre/<int:participation>/", views_echanges.repondre, name="echange_repondre"),
]
