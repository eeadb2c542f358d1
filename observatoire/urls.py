from django.urls import path

from . import views, views_etat, views_indicateurs, views_quartiers

app_name = "observatoire"

urlpatterns = [
    path("", views_indicateurs.accueil, name="indicateurs"),
    path("indicateurs/<str:siren>/<int:annee>/", views_indicateurs.tableau, name="indicateurs_tableau"),
    path(
        "indicateurs/<str:siren>/<int:annee>/export.<str:format>",
        views_indicateurs.export,
        name="indicateurs_export",
    ),
    path(
        "indicateurs/<str:siren>/<int:annee>/recalculer/",
        views_indicateurs.recalculer,
        name="indicateurs_recalculer",
    ),
    path(
        "indicateurs/<str:siren>/<int:annee>/liste/<str:indicateur>/",
        views_indicateurs.liste,
        name="indicateurs_liste",
    ),
    path(
        "indicateurs/<str:siren>/<int:annee>/liste/<str:indicateur>/export.<str:format>",
        views_indicateurs.liste_export,
        name="indicateurs_liste_export",
    ),
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
    path("etat/recalculer/", views_etat.recalculer, name="etat_recalculer"),
    path("etat/decisions/", views_etat.liste, name="etat_liste"),
    path("etat/decisions/export.<str:format>", views_etat.liste_export, name="etat_liste_export"),
]
