from django.contrib import admin

from .models import ChecklistPiece, ParametresDemande


@admin.register(ParametresDemande)
class ParametresDemandeAdmin(admin.ModelAdmin):
    list_display = [
        "epci",
        "date_debut",
        "date_fin",
        "validite_mois",
        "preavis_rappel_mois",
        "radiation_non_renouvellement_mois",
        "delai_max_entretien_jours",
    ]
    list_filter = ["epci"]


@admin.register(ChecklistPiece)
class ChecklistPieceAdmin(admin.ModelAdmin):
    list_display = ["condition", "type_piece", "epci", "ordre"]
    list_filter = ["condition", "epci"]
