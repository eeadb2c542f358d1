from django.urls import path

from . import views

app_name = "conference"

urlpatterns = [
    path("", views.espace, name="espace"),
    path("instances/", views.instances, name="instances"),
    path("instances/nouvelle/", views.instance_nouvelle, name="instance_nouvelle"),
    path("instances/<int:pk>/", views.instance, name="instance"),
    path("instances/<int:pk>/membres/", views.membre_ajout, name="membre_ajout"),
    path("instances/<int:pk>/regles/", views.regle_ajout, name="regle_ajout"),
    path("instances/<int:pk>/seances/", views.seance_nouvelle, name="seance_nouvelle"),
    path("membres/<int:pk>/fin-de-mandat/", views.fin_mandat, name="fin_mandat"),
    path("seances/<int:pk>/", views.seance, name="seance"),
    path("seances/<int:pk>/points/", views.point_ajout, name="point_ajout"),
    path("seances/<int:pk>/documents/", views.document_ajout, name="document_ajout"),
    path("seances/<int:pk>/convocation/", views.convoquer, name="convoquer"),
    path("seances/<int:pk>/presences/", views.presences, name="presences"),
    path("seances/<int:pk>/compte-rendu/", views.compte_rendu, name="compte_rendu"),
    path("seances/<int:pk>/annulation/", views.annuler, name="annuler"),
    path("points/<int:pk>/vote/", views.vote, name="vote"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("deliberations/<int:pk>.pdf", views.deliberation_pdf, name="deliberation_pdf"),
]
