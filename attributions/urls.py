from django.urls import path

from . import views

app_name = "attributions"

urlpatterns = [
    path("objectifs/", views.tableau_de_bord, name="tableau_de_bord"),
    path("objectifs/recalculer/", views.recalculer, name="recalculer"),
    path("attributions/", views.liste, name="liste"),
    path("attributions/export.<str:format>", views.export, name="export"),
    path("attributions/import/", views.importer, name="import"),
]
