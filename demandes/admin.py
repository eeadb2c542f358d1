"""The demands' parameters and scoring grids. EPCI staff see and change their territory's rows; national
defaults (no territory) are read-only to non-superusers (cil.admin.TerritoireScopedAdmin)."""

from django import forms
from django.contrib import admin
from django.db.models import Q

from cil.admin import FILTRE_EPCI, ScopedInline, TerritoireScopedAdmin
from cil.permissions import scope_for

from .models import (
    CalculCotation,
    ChecklistPiece,
    CritereCotation,
    CritereMutation,
    DelaiAnormalementLong,
    ElementSensible,
    GrilleCotation,
    ParametresDemande,
)


@admin.register(DelaiAnormalementLong)
class DelaiAnormalementLongAdmin(TerritoireScopedAdmin):
    """The préfet's order per département (rows without a territory: the superuser's); a territory's own delay,
    when the order sets one, is its staff's."""

    lignes_nationales = True
    autocomplete_fields = ["epci"]
    list_display = ["departement", "epci", "typologie", "mois", "date_debut", "date_fin"]
    list_filter = ["departement", FILTRE_EPCI]


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


@admin.register(CritereMutation)
class CritereMutationAdmin(TerritoireScopedAdmin):
    """The territory adds its own common transfer criteria; the platform's default list is the superuser's."""

    lignes_nationales = True
    list_display = ["libelle", "code", "epci", "ordre", "date_debut", "date_fin"]
    list_filter = [FILTRE_EPCI]
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


class ElementSensibleForm(forms.ModelForm):
    code = forms.ChoiceField(
        label="élément",
        choices=[(str(nature.label), list(choix)) for nature, choix in ElementSensible.CHOIX.items()],
        help_text="Choisissez un élément de la nature indiquée.",
    )

    class Meta:
        model = ElementSensible
        fields = ["epci", "nature", "code", "source"]


@admin.register(ElementSensible)
class ElementSensibleAdmin(TerritoireScopedAdmin):
    """The one definition of what is sensitive (sensibles.py). EPCI staff add and remove their territory's
    items and read the platform's defaults, which only a platform administrator changes. Rights follow the
    scope (cil.permissions), not the Django permission table: the staff group needs nothing more."""

    form = ElementSensibleForm
    list_display = ["libelle", "nature", "code", "epci", "source"]
    list_filter = ["nature", FILTRE_EPCI]

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request).select_related("epci")
        scope = scope_for(request.user)
        return qs if scope.admin else qs.filter(Q(epci__isnull=True) | Q(epci__in=scope.epci_staff))

    @staticmethod
    def _peut(request, obj=None) -> bool:
        scope = scope_for(request.user)
        if not (request.user.is_staff and (scope.admin or scope.epci_staff)):
            return False
        return obj is None or scope.admin or obj.epci_id in scope.epci_staff

    def has_module_permission(self, request):
        return self._peut(request)

    def has_view_permission(self, request, obj=None):
        return self._peut(request) and (obj is None or obj.epci_id is None or self._peut(request, obj))

    def has_add_permission(self, request):
        return self._peut(request)

    def has_change_permission(self, request, obj=None):
        return self._peut(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._peut(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not scope_for(request.user).admin and "epci" in form.base_fields:
            form.base_fields["epci"].required = True  # a territory's row, never a platform default
        return form


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
