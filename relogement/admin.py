"""Configuration in the admin: operations, buildings, partners, and the common survey questionnaire.

Survey answers and social diagnoses are not registered here: they are read on the household's page, where
each reading is traced.
"""

from django.contrib import admin, messages

from . import services
from .models import Batiment, Operation, ParametresRelogement, QuestionEnquete, Questionnaire, SeanceCommission


class BatimentInline(admin.TabularInline):
    model = Batiment
    extra = 0


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ["nom", "type", "epci", "qpv", "date_lancement", "date_fin_relogements"]
    list_filter = ["type", "epci"]
    search_fields = ["nom"]
    filter_horizontal = ["bailleurs", "reservataires"]
    raw_id_fields = ["qpv", "commune"]
    inlines = [BatimentInline]


class QuestionInline(admin.TabularInline):
    """Questions of a version that already has answers are frozen: edit a new version instead."""

    model = QuestionEnquete
    extra = 0

    def _gelee(self, obj) -> bool:
        return obj is not None and obj.enquetes.exists()

    def has_add_permission(self, request, obj=None):
        return not self._gelee(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._gelee(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._gelee(obj) and super().has_delete_permission(request, obj)


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    """The common questionnaire, versioned: answers stay bound to the version they answered."""

    list_display = ["nom", "version", "actif", "cree_le"]
    readonly_fields = ["version"]
    inlines = [QuestionInline]
    actions = ["nouvelle_version"]

    @admin.action(description="Créer une nouvelle version modifiable (la version en usage est remplacée)")
    def nouvelle_version(self, request, queryset):
        for questionnaire in queryset:
            questions = [
                {
                    "code": q.code,
                    "libelle": q.libelle,
                    "type": q.type,
                    "choix": q.choix,
                    "obligatoire": q.obligatoire,
                    "aide": q.aide,
                }
                for q in questionnaire.questions.all()
            ]
            nouveau = services.nouvelle_version_questionnaire(questionnaire, questions=questions, acteur=request.user)
            self.message_user(request, f"{nouveau} créée : modifiez ses questions.", messages.SUCCESS)


@admin.register(SeanceCommission)
class SeanceCommissionAdmin(admin.ModelAdmin):
    list_display = ["date", "epci", "statut"]
    list_filter = ["epci", "statut"]


@admin.register(ParametresRelogement)
class ParametresRelogementAdmin(admin.ModelAdmin):
    list_display = ["epci", "date_debut", "conservation_mois"]
