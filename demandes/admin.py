"""The demands' parameters and scoring grids. EPCI staff see and change their territory's rows; national
defaults (no territory) are read-only to non-superusers (cil.admin.TerritoireScopedAdmin)."""

from django.contrib import admin

from cil.admin import FILTRE_EPCI, ScopedInline, TerritoireScopedAdmin

from .models import CalculCotation, ChecklistPiece, CritereCotation, GrilleCotation, ParametresDemande


@admin.register(ParametresDemande)
class ParametresDemandeAdmin(TerritoireScopedAdmin):
    """A territory's delays are its staff's; the national defaults (no territory) are the superuser's."""

    lignes_nationales = True
    autocomplete_fields = ["epci"]
    list_display = [
        "epci",
        "date_debut",
        "date_fin",
        "validite_mois",
        "preavis_rappel_mois",
        "radiation_non_renouvellement_mois",
        "delai_max_entretien_jours",
    ]
    list_filter = [FILTRE_EPCI]


@admin.register(ChecklistPiece)
class ChecklistPieceAdmin(TerritoireScopedAdmin):
    """A territory's own pieces are its staff's; the list common to all territories is the superuser's."""

    lignes_nationales = True
    list_display = ["condition", "type_piece", "epci", "ordre"]
    list_filter = ["condition", FILTRE_EPCI]
    autocomplete_fields = ["epci"]


class CritereCotationInline(ScopedInline):
    model = CritereCotation
    extra = 0

    def has_add_permission(self, request, obj=None):
        return obj is None or obj.modifiable

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.modifiable

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.modifiable


@admin.register(GrilleCotation)
class GrilleCotationAdmin(TerritoireScopedAdmin):
    """Drafts are edited here or on the pages; adoption goes through the page (it archives and rescores).

    A grid belongs to one territory: scoped to its staff."""

    list_display = ["nom", "epci", "version", "statut", "date_debut", "date_fin"]
    list_filter = ["statut", FILTRE_EPCI]
    autocomplete_fields = ["epci"]
    inlines = [CritereCotationInline]
    readonly_fields = ["statut", "date_debut", "date_fin", "adoptee_le", "adoptee_par", "archivee_le", "copie_de"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.modifiable)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.modifiable)


@admin.register(CalculCotation)
class CalculCotationAdmin(TerritoireScopedAdmin):
    list_display = ["grille", "declencheur", "statut", "nb_traitees", "nb_modifiees", "debut", "fin"]
    list_filter = ["statut"]
    readonly_fields = [f.name for f in CalculCotation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)
