from django.contrib import admin

from cil.admin import TerritoireScopedAdmin

from .models import ChiffresPublics


@admin.register(ChiffresPublics)
class ChiffresPublicsAdmin(TerritoireScopedAdmin):
    """Read only: the nightly job writes them (``manage.py chiffres_publics`` recomputes a date)."""

    list_display = ("epci", "jour", "seuil_secret", "calcule_le", "duree_ms")
    list_filter = ("jour",)
    exclude = ("lignes",)
    readonly_fields = ("epci", "jour", "calcule_le", "seuil_secret", "regle_secret", "parametres", "duree_ms")

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
