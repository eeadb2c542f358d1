from django.urls import path

from . import views, views_suivi

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("schema-chiffres-communes-typologies.json", views.schema, name="schema"),
    path("<slug:slug>/", views.territoire, name="territoire"),
    path("<slug:slug>/faire-une-demande/", views.demander, name="demander"),
    path("<slug:slug>/lieux-d-accueil/", views.guichets, name="guichets"),
    path("<slug:slug>/cotation/", views.cotation, name="cotation"),
    path("<slug:slug>/publics-prioritaires/", views.priorites, name="priorites"),
    path("<slug:slug>/documents/<int:pk>/", views.document, name="document"),
    path("<slug:slug>/delais-et-chiffres/", views.chiffres_territoire, name="chiffres"),
    path("<slug:slug>/delais-et-chiffres/<str:code_insee>/", views.chiffres_commune, name="chiffres_commune"),
    path("<slug:slug>/donnees-ouvertes/", views.donnees, name="donnees"),
    path("<slug:slug>/suivre-ma-demande/", views_suivi.identification, name="suivi"),
    path("<slug:slug>/suivre-ma-demande/code/", views_suivi.code, name="suivi_code"),
    path("<slug:slug>/ma-demande/", views_suivi.ma_demande, name="ma_demande"),
    path("<slug:slug>/ma-demande/renouveler/", views_suivi.renouveler, name="suivi_renouveler"),
    path("<slug:slug>/ma-demande/deconnexion/", views_suivi.deconnexion, name="suivi_deconnexion"),
    path("<slug:slug>/donnees-ouvertes/chiffres-<str:mois>.csv", views.donnees_csv, name="donnees_csv"),
    path("<slug:slug>/donnees-ouvertes/chiffres-<str:mois>.json", views.donnees_json, name="donnees_json"),
]
