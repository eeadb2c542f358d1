from django.urls import path

from . import views

app_name = "relogement"

urlpatterns = [
    path("", views.operations, name="operations"),
    path("operations/nouvelle/", views.operation_nouvelle, name="operation_nouvelle"),
    path("operations/<int:pk>/", views.operation, name="operation"),
    path("operations/<int:pk>/batiments/ajouter/", views.batiment_ajout, name="batiment_ajout"),
    path("operations/<int:pk>/menages/ajouter/", views.menage_ajout, name="menage_ajout"),
    path("operations/<int:pk>/export.<str:format>", views.export, name="export"),
    path("operations/<int:pk>/synthese.pdf", views.synthese_pdf, name="synthese_pdf"),
    path("menages/<int:pk>/", views.menage, name="menage"),
    path("menages/<int:pk>/enquete/", views.enquete, name="enquete"),
    path("menages/<int:pk>/souhaits/", views.souhaits, name="souhaits"),
    path("menages/<int:pk>/propositions/", views.proposer, name="proposer"),
    path("menages/<int:pk>/propositions/<int:proposition_pk>/reponse/", views.repondre, name="repondre"),
    path("menages/<int:pk>/relogement/", views.reloger, name="reloger"),
    path("menages/<int:pk>/suivi/", views.suivi, name="suivi"),
    path("menages/<int:pk>/sortie/", views.sortir, name="sortir"),
    path("menages/<int:pk>/demande/", views.lier_demande, name="lier_demande"),
    path("menages/<int:pk>/referent/", views.changer_referent, name="changer_referent"),
    path("commission/", views.commission, name="commission"),
    path("delais-anormalement-longs/", views.blocages, name="blocages"),
    path("commission/saisines/nouvelle/", views.saisine_nouvelle, name="saisine_nouvelle"),
    path("commission/saisines/<int:pk>/", views.saisine, name="saisine"),
    path("commission/seances/nouvelle/", views.seance_nouvelle, name="seance_nouvelle"),
    path("commission/seances/<int:pk>/", views.seance, name="seance"),
]
