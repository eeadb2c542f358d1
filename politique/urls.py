from django.urls import path

from . import views

app_name = "politique"

urlpatterns = [
    path("", views.documents, name="documents"),
    path("documents/nouveau/", views.document_nouveau, name="document_nouveau"),
    path("documents/<int:pk>/versions/nouvelle/", views.version_nouvelle, name="version_nouvelle"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/statut/", views.version_statut, name="version_statut"),
    path("versions/<int:pk>/publication/", views.version_publier, name="version_publier"),
    path("versions/<int:pk>/modifier/", views.version_modifier, name="version_modifier"),
    path("versions/<int:pk>/orientations/ajouter/", views.orientation_ajout, name="orientation_ajout"),
    path("versions/<int:pk>/actions/ajouter/", views.action_ajout, name="action_ajout"),
    path("versions/<int:pk>/suivi.pdf", views.suivi_pdf, name="suivi_pdf"),
    path("orientations/<int:pk>/objectifs/ajouter/", views.objectif_ajout, name="objectif_ajout"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/modifier/", views.action_modifier, name="action_modifier"),
    path("actions/<int:pk>/avancement/", views.action_avancement, name="action_avancement"),
    path("actions/<int:pk>/jalons/ajouter/", views.jalon_ajout, name="jalon_ajout"),
    path("actions/<int:pk>/indicateurs/ajouter/", views.indicateur_ajout, name="indicateur_ajout"),
    path("jalons/<int:pk>/realisation/", views.jalon_realise, name="jalon_realise"),
    path("indicateurs/<int:pk>/", views.indicateur_modifier, name="indicateur"),
    path("indicateurs/<int:pk>/valeur/", views.indicateur_valeur, name="indicateur_valeur"),
    path("cibles/", views.cibles, name="cibles"),
    path("cibles/ajouter/", views.cible_ajout, name="cible_ajout"),
    path("cibles/<int:pk>/", views.cible_modifier, name="cible"),
    path("cibles/<int:pk>/supprimer/", views.cible_supprimer, name="cible_supprimer"),
    # last: "cibles/<pk>/supprimer/" above is not an element of a document
    path("<str:type_>/<int:pk>/supprimer/", views.supprimer, name="supprimer"),
]
