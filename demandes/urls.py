from django.urls import path

from . import views, views_rgpd

app_name = "demandes"

urlpatterns = [
    path("", views.recherche, name="recherche"),
    path("export.csv", views.export_csv, name="export"),
    path("nouvelle/", views.inscription, name="inscription"),
    path("nouvelle/abandon/", views.inscription_abandon, name="inscription_abandon"),
    path("nouvelle/doublons/", views.doublons, name="doublons"),
    path("nouvelle/<slug:etape>/", views.inscription, name="inscription_etape"),
    path("traitements/", views.traitements, name="traitements"),
    path("traitements/avis-de-renouvellement.pdf", views.courriers_rappel_pdf, name="courriers_rappel"),
    path("reseau/", views.reseau, name="reseau"),
    path("reseau/guichets/<int:guichet_pk>/contact/", views.contact_ajouter, name="contact_ajouter"),
    path("cotation/", views.grilles, name="grilles"),
    path("cotation/territoires/<int:epci_pk>/", views.cotation_publique, name="cotation_publique"),
    path("cotation/territoires/<int:epci_pk>/nouvelle/", views.grille_creer, name="grille_creer"),
    path("cotation/<int:pk>/", views.grille, name="grille"),
    path("cotation/<int:pk>/simulation/", views.grille_simulation, name="grille_simulation"),
    path("cotation/<int:pk>/simulation.csv", views.grille_simulation_csv, name="grille_simulation_csv"),
    path("journal-des-consultations/", views_rgpd.journal, name="journal"),
    path("journal-des-consultations.csv", views_rgpd.journal_csv, name="journal_csv"),
    path("droit-d-acces/", views_rgpd.export_acces_numero, name="export_acces_numero"),
    path("<int:pk>/droit-d-acces.zip", views_rgpd.export_acces, name="export_acces"),
    path("<int:pk>/", views.fiche, name="fiche"),
    path("<int:pk>/modifier/", views.modifier, name="modifier"),
    path("<int:pk>/renouveler/", views.renouveler, name="renouveler"),
    path("<int:pk>/radier/", views.radier, name="radier"),
    path("<int:pk>/reactiver/", views.reactiver, name="reactiver"),
    path("<int:pk>/attestation.pdf", views.fiche_information_pdf, name="fiche_information"),
    path("<int:pk>/pieces/", views.piece_ajouter, name="piece_ajouter"),
    path("<int:pk>/pieces/<int:piece_pk>/", views.piece_telecharger, name="piece"),
    path("<int:pk>/pieces/<int:piece_pk>/statut/", views.piece_statut, name="piece_statut"),
    path("<int:pk>/priorites/", views.priorite_ajouter, name="priorite_ajouter"),
    path("<int:pk>/priorites/<int:priorite_pk>/lever/", views.priorite_lever, name="priorite_lever"),
    path("<int:pk>/dalo/", views.dalo_ajouter, name="dalo_ajouter"),
    path("<int:pk>/rendez-vous/", views.rdv_ajouter, name="rdv_ajouter"),
    path("<int:pk>/rendez-vous/<int:rdv_pk>/", views.rdv_cloturer, name="rdv_cloturer"),
]
