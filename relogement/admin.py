"""Configuration in the admin: operations, buildings, partners, and the common survey questionnaire.

Survey answers and social diagnoses are not registered here: they are read on the household's page, where
each reading is traced.
"""

from django.contrib import admin

from .models import Batiment, Operation, QuestionEnquete, Questionnaire, SeanceCommission


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
    model = QuestionEnquete
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    """A version that already has answers should not be edited: make a new version (services)."""

    list_display = ["nom", "version", "actif", "cree_le"]
    inlines = [QuestionInline]


@admin.register(SeanceCommission)
class SeanceCommissionAdmin(admin.ModelAdmin):
    list_display = ["date", "epci", "statut"]
    list_filter = ["epci", "statut"]
