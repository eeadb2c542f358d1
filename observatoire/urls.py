from django.urls import path

from . import views, views_etat, views_quartiers

app_name = "observatoire"

urlpatterns = [
    path("bilans/", views.bilans, name="bilans"),
    path("cartes/", views.cartes, name="cartes"),
    path("bilans/demander/", views.demander, name="demander"),
    path("bilans/apercu.pdf", views.apercu, name="apercu"),
    path("bilans/tableaux.<str:format>", views.export, name="export"),
    path("bilans/<int:pk>/telecharger.<str:format>", views.telecharger, name="telecharger"),
    path("quartiers/", views_quartiers.quartiers, name="quartiers"),
    path("quartiers/recalculer/", views_quartiers.recalculer, name="quartiers_recalculer"),
    path("quartiers/<int:pk>/", views_quartiers.quartier, name="quartier"),
    path("etat/", views_etat.tableau, name="etat"),
    path("etat/export.<str:format>", views_etat.export, name="etat_export"),
    path("etat/decisions/", views_etat.liste, name="etat_liste"),
    path("etat/decisions/export.<str:format>", views_etat.liste_export, name="etat_liste_export"),
]
