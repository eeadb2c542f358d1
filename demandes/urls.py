from django.urls import path

from .views import cotation, fiche, inscription, recherche, reseau, rgpd

app_name = "demandes"

urlpatterns = [
    path("", recherche.recherche, name="recherche"),
    path("export.csv", recherche.export_csv, name="export"),
    path("nouvelle/", inscription.inscription, name="inscription"),
    path("nouvelle/abandon/", inscription.inscription_abandon, name="inscription_abandon"),
    path("nouvelle/doublons/", inscription.doublons, name="doublons"),
    path("nouvelle/<slug:etape>/", inscription.inscription, name="inscription_etape"),
    path("traitements/", reseau.traitements, name="traitements"),
    path("traitements/avis-de-renouvellement.pdf", reseau.courriers_rappel_pdf, name="courriers_rappel"),
    path("reseau/", reseau.reseau, name="reseau"),
    path("reseau/guichets/<int:guichet_pk>/contact/", reseau.contact_ajouter, name="contact_ajouter"),
    path("cotation/", cotation.grilles, name="grilles"),
    path("cotation/territoires/<int:epci_pk>/", cotation.cotation_publique, name="cotation_publique"),
    path("cotation/territoires/<int:epci_pk>/nouvelle/", cotation.grille_creer, name="grille_creer"),
    path("cotation/<int:pk>/", cotation.grille, name="grille"),
    path("cotation/<int:pk>/simulation/", cotation.grille_simulation, name="grille_simulation"),
    path("cotation/<int:pk>/simulation.csv", cotation.grille_simulation_csv, name="grille_simulation_csv"),
    path("journal-des-consultations/", rgpd.journal, name="journal"),
    path("journal-des-consultations.csv", rgpd.journal_csv, name="journal_csv"),
    path("droit-d-acces/", rgpd.export_acces_numero, name="export_acces_numero"),
    path("<int:pk>/droit-d-acces.zip", rgpd.export_acces, name="export_acces"),
    path("<int:pk>/", fiche.fiche, name="fiche"),
    path("<int:pk>/modifier/", fiche.modifier, name="modifier"),
    path("<int:pk>/renouveler/", fiche.renouveler, name="renouveler"),
    path("<int:pk>/radier/", fiche.radier, name="radier"),
    path("<int:pk>/reactiver/", fiche.reactiver, name="reactiver"),
    path("<int:pk>/attestation.pdf", fiche.fiche_information_pdf, name="fiche_information"),
    path("<int:pk>/pieces/", fiche.piece_ajouter, name="piece_ajouter"),
    path("<int:pk>/pieces/<int:piece_pk>/", fiche.piece_telecharger, name="piece"),
    path("<int:pk>/pieces/<int:piece_pk>/statut/", fiche.piece_statut, name="piece_statut"),
    path("<int:pk>/priorites/", fiche.priorite_ajouter, name="priorite_ajouter"),
    path("<int:pk>/priorites/<int:priorite_pk>/lever/", fiche.priorite_lever, name="priorite_lever"),
    path("<int:pk>/dalo/", fiche.dalo_ajouter, name="dalo_ajouter"),
    path("<int:pk>/rendez-vous/", fiche.rdv_ajouter, name="rdv_ajouter"),
    path("<int:pk>/rendez-vous/<int:rdv_pk>/", fiche.rdv_cloturer, name="rdv_cloturer"),
]
