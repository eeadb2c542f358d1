"""Policy documents in the administration, scoped to the territories the user administers (cil.admin).

Day-to-day work goes through the pages (life cycle, follow-up, log); the admin lets the EPCI staff correct a
row. Every change made here is written in the documents' log too.
"""

from django.contrib import admin

from cil.admin import FILTRE_EPCI, TerritoireScopedAdmin, _superuser
from cil.forms import CibleLocaleForm
from cil.models import CibleLocale
from cil.permissions import scope_for

from .models import Action, DocumentPolitique, Indicateur, Jalon, JournalPolitique, ObjectifStrategique, VersionDocument
from .services import _journal, journaliser_cible


def _epci_et_document(obj):
    if isinstance(obj, DocumentPolitique):
        return obj.epci, obj
    if isinstance(obj, VersionDocument):
        return obj.document.epci, obj.document
    if isinstance(obj, Action):
        return obj.version.document.epci, obj.version.document
    return obj.action.version.document.epci, obj.action.version.document


# The path from a row to its territory, for the foreign keys EPCI staff pick in these forms.
CHEMINS_EPCI = {
    DocumentPolitique: "epci",
    VersionDocument: "document__epci",
    ObjectifStrategique: "orientation__version__document__epci",
    Action: "version__document__epci",
}


class JournaliseAdmin(TerritoireScopedAdmin):
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        chemin = CHEMINS_EPCI.get(db_field.remote_field.model)
        if chemin and not request.user.is_superuser:
            scope = scope_for(request.user)
            qs = db_field.remote_field.model._default_manager.all()
            kwargs["queryset"] = qs if scope.admin else qs.filter(**{f"{chemin}__in": scope.epci_staff})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        epci, document = _epci_et_document(obj)
        _journal(epci, acteur=request.user, objet=obj, document=document,
                 operation="modification" if change else "création",
                 libelle=f"{obj} : {'modifié' if change else 'créé'} dans l'administration",
                 detail={"champs": list(form.changed_data)})  # fmt: skip

    def delete_model(self, request, obj):
        epci, document = _epci_et_document(obj)
        _journal(epci, acteur=request.user, objet=obj, document=None if obj is document else document,
                 operation="suppression", libelle=f"{obj} : supprimé dans l'administration")  # fmt: skip
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(DocumentPolitique)
class DocumentPolitiqueAdmin(JournaliseAdmin):
    list_display = ("titre", "type", "epci")
    list_filter = ("type", FILTRE_EPCI)
    search_fields = ("titre",)
    autocomplete_fields = ("epci",)


@admin.register(VersionDocument)
class VersionDocumentAdmin(JournaliseAdmin):
    """The life cycle (status, dates) changes from the pages, where its rules apply: read-only here."""

    epci_field = "document__epci"
    list_display = ("document", "numero", "intitule", "statut", "date_adoption", "date_entree_vigueur", "publie")
    list_filter = ("statut",)
    readonly_fields = (
        "statut",
        "date_soumission",
        "date_adoption",
        "deliberation_reference",
        "deliberation_date",
        "date_approbation_prefet",
        "date_entree_vigueur",
        "date_fin_vigueur",
        "publie",
        "publie_le",
    )
    raw_id_fields = ("document",)


@admin.register(Action)
class ActionAdmin(JournaliseAdmin):
    epci_field = "version__document__epci"
    list_display = ("numero", "intitule", "version", "pilote", "statut")
    list_filter = ("statut",)
    search_fields = ("intitule",)
    raw_id_fields = ("version", "objectif", "suivi_modifie_par")


@admin.register(Jalon)
class JalonAdmin(JournaliseAdmin):
    epci_field = "action__version__document__epci"
    list_display = ("libelle", "action", "echeance", "date_realisation")
    raw_id_fields = ("action",)


@admin.register(Indicateur)
class IndicateurAdmin(JournaliseAdmin):
    epci_field = "action__version__document__epci"
    list_display = ("libelle", "nature", "action", "valeur_cible")
    raw_id_fields = ("action", "bailleur", "reservataire", "commune", "secteur")


@admin.register(JournalPolitique)
class JournalPolitiqueAdmin(TerritoireScopedAdmin):
    """The log is written by the platform, never by hand."""

    list_display = ("date", "epci", "acteur", "libelle")
    list_filter = (FILTRE_EPCI, "objet", "operation")

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Local targets: the table lives in cil (the objectives engine reads it), this app writes it (pages, admin, log).
@admin.register(CibleLocale)
class CibleLocaleAdmin(TerritoireScopedAdmin):
    """Local targets, typed as percentages (42,5); EPCI staff also manage them from the page "Cibles locales"."""

    form = CibleLocaleForm
    list_display = ("epci", "objectif", "taux_pourcentage", "perimetre", "date_debut", "date_fin", "source_texte")
    list_filter = ("objectif",)
    autocomplete_fields = ("epci",)
    raw_id_fields = ("bailleur", "reservataire", "secteur", "commune", "version")

    @admin.display(description="taux cible", ordering="taux")
    def taux_pourcentage(self, obj):
        return obj.taux_texte

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        journaliser_cible(obj, acteur=request.user, operation="modification" if change else "création",
                          champs=form.changed_data)  # fmt: skip

    def delete_model(self, request, obj):
        journaliser_cible(obj, acteur=request.user, operation="suppression")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            journaliser_cible(obj, acteur=request.user, operation="suppression")
        super().delete_queryset(request, queryset)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version" and not _superuser(request):
            scope = scope_for(request.user)
            versions = VersionDocument.objects.select_related("document")
            kwargs["queryset"] = versions if scope.admin else versions.filter(document__epci__in=scope.epci_staff)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
