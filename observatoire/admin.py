from django.contrib import admin

from cil.admin import FILTRE_EPCI, TerritoireScopedAdmin

from .models import BilanAnnuel, CalculIndicateurs, ChiffreReference


@admin.register(BilanAnnuel)
class BilanAnnuelAdmin(TerritoireScopedAdmin):
    """Balance sheets are produced by the pages (a job renders them and records who asked): EPCI staff read their
    territory's, only a superuser corrects one here (a hand edit would forge its status or its author)."""

    partage = True
    list_display = ["kind", "epci", "annee", "bailleur", "reservataire", "statut", "demande_par", "cree_le", "nb_pages"]
    list_filter = ["kind", "statut", "annee", FILTRE_EPCI]
    readonly_fields = ["cree_le", "termine_le", "duree_ms", "nb_pages", "erreur"]
    autocomplete_fields = ["epci"]
    raw_id_fields = ["demande_par"]


@admin.register(ChiffreReference)
class ChiffreReferenceAdmin(TerritoireScopedAdmin):
    """The département or region figures EPCI staff enter (with their source), shown beside the territory's."""

    list_display = ["indicateur", "echelon", "territoire", "annee", "valeur", "source", "epci"]
    list_filter = ["echelon", "annee", "indicateur", FILTRE_EPCI]
    autocomplete_fields = ["epci"]


@admin.register(CalculIndicateurs)
class CalculIndicateursAdmin(TerritoireScopedAdmin):
    """When each territory's indicators were counted (the figures themselves are on the observatory's pages)."""

    partage = True
    list_display = ["epci", "annee", "date_reference", "calcule_le", "duree_ms", "demande_par"]
    list_filter = ["annee", FILTRE_EPCI]
    readonly_fields = ["epci", "annee", "date_reference", "calcule_le", "duree_ms", "demande_par"]
