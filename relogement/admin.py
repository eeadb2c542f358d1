"""Configuration in the admin: operations, buildings, partners, and the common survey questionnaire.

Survey answers and social diagnoses are not registered here: they are read on the household's page, where
each reading is traced. EPCI staff see and change their territory's operations, sessions and parameters
(cil.admin.TerritoireScopedAdmin); the common questionnaire is the superuser's.
"""

from django.contrib import admin, messages

from cil.admin import FILTRE_EPCI, ScopedInline, TerritoireScopedAdmin

from . import services
from .models import Batiment, Operation, ParametresRelogement, QuestionEnquete, Questionnaire, SeanceCommission


class BatimentInline(ScopedInline):
    model = Batiment
    extra = 0


@admin.register(Operation)
class OperationAdmin(TerritoireScopedAdmin):
    """An operation belongs to one territory: scoped. Its partners (landlords, holders) are picked among those
    working in the territory; naming one opens the operation's households to it (relogement.permissions)."""

    list_display = ["nom", "type", "epci", "qpv", "date_lancement", "date_fin_relogements"]
    list_filter = ["type", FILTRE_EPCI]
    search_fields = ["nom"]
    filter_horizontal = ["bailleurs", "reservataires"]
    autocomplete_fields = ["epci"]
    raw_id_fields = ["qpv", "commune"]
    inlines = [BatimentInline]


class QuestionInline(ScopedInline):
    """Questions of a version that already has answers are frozen: edit a new version instead."""

    model = QuestionEnquete
    extra = 0

    def _gelee(self, obj) -> bool:
        return obj is not None and obj.enquetes.exists()

    def _modifiable(self, request, obj) -> bool:
        return request.user.is_superuser and not self._gelee(obj)

    def has_add_permission(self, request, obj=None):
        return self._modifiable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._modifiable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._modifiable(request, obj) and super().has_delete_permission(request, obj)


@admin.register(Questionnaire)
class QuestionnaireAdmin(TerritoireScopedAdmin):
    """The common questionnaire, versioned: answers stay bound to the version they answered.

    Common to every territory (one survey, comparable answers): read-only to non-superusers."""

    epci_field = None
    partage = True
    list_display = ["nom", "version", "actif", "cree_le"]
    readonly_fields = ["version"]
    inlines = [QuestionInline]
    actions = ["nouvelle_version"]

    @admin.action(
        description="Créer une nouvelle version modifiable (la version en usage est remplacée)", permissions=["change"]
    )
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
class SeanceCommissionAdmin(TerritoireScopedAdmin):
    """A session of one territory's commission for specific cases: scoped."""

    list_display = ["date", "epci", "statut"]
    list_filter = [FILTRE_EPCI, "statut"]
    autocomplete_fields = ["epci"]


@admin.register(ParametresRelogement)
class ParametresRelogementAdmin(TerritoireScopedAdmin):
    """A territory's retention period is its staff's; the default (no territory) is the superuser's."""

    lignes_nationales = True
    list_display = ["epci", "date_debut", "conservation_mois"]
    autocomplete_fields = ["epci"]
