from django.urls import path

from . import views, views_etat

app_name = "observatoire"

urlpatterns = [
    path("bilans/", views.bilans, name="bilans"),
    path("bilans/demander/", views.demander, name="demander"),
    path("bilans/apercu.pdf", views.apercu, name="apercu"),
    path("bilans/tableaux.<str:format>", views.export, name="export"),
    path("bilans/<int:pk>/telecharger.<str:format>", views.telecharger, name="telecharger"),
    path("etat/", views_etat.tableau, name="etat"),
    path("etat/export.<str:format>", views_etat.export, name="etat_export"),
    path("etat/decisions/", views_etat.liste, name="etat_liste"),
    path("etat/decisions/export.<str:format>", views_etat.liste_export, name="etat_liste_export"),
]
