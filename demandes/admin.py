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


from .models import JournalConsultation  # noqa: E402


@admin.register(JournalConsultation)
class JournalConsultationAdmin(admin.ModelAdmin):
    """Read-only: the read log is append-only (written by services_rgpd.enregistrer_consultation only)."""

    list_display = ("date", "identifiant", "organisation", "epci", "objet", "canal", "numero_unique", "nombre")
    list_filter = ("objet", "canal", "epci")
    search_fields = ("numero_unique", "identifiant", "organisation")
    readonly_fields = [f.name for f in JournalConsultation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}

    def has_view_permission(self, request, obj=None):
        # every territory's log: platform superusers only (a territory's DPO reads theirs in the app)
        return request.user.is_active and request.user.is_superuser
