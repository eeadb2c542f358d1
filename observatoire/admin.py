from django.contrib import admin

from .models import BilanAnnuel


@admin.register(BilanAnnuel)
class BilanAnnuelAdmin(admin.ModelAdmin):
    list_display = ["kind", "epci", "annee", "bailleur", "reservataire", "statut", "demande_par", "cree_le", "nb_pages"]
    list_filter = ["kind", "statut", "annee", "epci"]
    readonly_fields = ["cree_le", "termine_le", "duree_ms", "nb_pages", "erreur"]
    raw_id_fields = ["demande_par"]
