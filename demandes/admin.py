from django.contrib import admin

from .models import CalculCotation, ChecklistPiece, CritereCotation, GrilleCotation, ParametresDemande


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


class CritereCotationInline(admin.TabularInline):
    model = CritereCotation
    extra = 0

    def has_add_permission(self, request, obj=None):
        return obj is None or obj.modifiable

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.modifiable

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.modifiable


@admin.register(GrilleCotation)
class GrilleCotationAdmin(admin.ModelAdmin):
    """Drafts are edited here or on the pages; adoption goes through the page (it archives and rescores)."""

    list_display = ["nom", "epci", "version", "statut", "date_debut", "date_fin"]
    list_filter = ["statut", "epci"]
    inlines = [CritereCotationInline]
    readonly_fields = ["statut", "date_debut", "date_fin", "adoptee_le", "adoptee_par", "archivee_le", "copie_de"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.modifiable)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.modifiable)


@admin.register(CalculCotation)
class CalculCotationAdmin(admin.ModelAdmin):
    list_display = ["grille", "declencheur", "statut", "nb_traitees", "nb_modifiees", "debut", "fin"]
    list_filter = ["statut"]
    readonly_fields = [f.name for f in CalculCotation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
