from django.contrib import admin

from .models import (
    Bailleur,
    CibleLocale,
    Commune,
    Epci,
    Guichet,
    Membership,
    PerimetreEpci,
    Qpv,
    Quartier,
    Reservataire,
    Secteur,
    SeuilQuartile,
    TauxLegal,
)
from .permissions import scope_for

admin.site.site_header = "Plateforme de la conférence intercommunale du logement"
admin.site.site_title = "Administration CIL"
admin.site.index_title = "Configuration du territoire et des règles"


class TerritoireScopedAdmin(admin.ModelAdmin):
    """EPCI staff (is_staff) see and edit only the rows of their territories."""

    epci_field = "epci"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = scope_for(request.user)
        if scope.admin:
            return qs
        return qs.filter(**{f"{self.epci_field}__in": scope.epci_staff})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = scope_for(request.user)
        if db_field.name == "epci" and not scope.admin:
            kwargs["queryset"] = Epci.objects.filter(pk__in=scope.epci_staff)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Epci)
class EpciAdmin(admin.ModelAdmin):
    list_display = ("nom", "siren", "type", "population")
    list_filter = ("type",)
    search_fields = ("nom", "siren")


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("nom", "code_insee", "departement", "epci", "population")
    list_filter = ("departement",)
    search_fields = ("nom", "code_insee")
    raw_id_fields = ("epci",)


@admin.register(PerimetreEpci)
class PerimetreEpciAdmin(admin.ModelAdmin):
    list_display = ("epci", "commune", "millesime")
    list_filter = ("millesime",)
    raw_id_fields = ("epci", "commune")
    search_fields = ("epci__nom", "commune__nom", "commune__code_insee")


@admin.register(Qpv)
class QpvAdmin(admin.ModelAdmin):
    list_display = ("code", "nom", "carte", "epci")
    list_filter = ("carte",)
    search_fields = ("code", "nom")
    raw_id_fields = ("epci", "communes")


@admin.register(Quartier)
class QuartierAdmin(TerritoireScopedAdmin):
    list_display = ("nom", "type", "commune", "qpv")
    list_filter = ("type",)
    raw_id_fields = ("commune", "qpv")


@admin.register(Secteur)
class SecteurAdmin(TerritoireScopedAdmin):
    list_display = ("nom", "epci")
    filter_horizontal = ("communes", "quartiers")


@admin.register(Bailleur)
class BailleurAdmin(admin.ModelAdmin):
    list_display = ("nom", "siren")
    search_fields = ("nom", "siren")
    filter_horizontal = ("epcis",)


@admin.register(Reservataire)
class ReservataireAdmin(admin.ModelAdmin):
    list_display = ("nom", "type", "code")
    list_filter = ("type",)
    search_fields = ("nom", "code")
    raw_id_fields = ("bailleur", "commune")
    filter_horizontal = ("epcis",)


@admin.register(Guichet)
class GuichetAdmin(TerritoireScopedAdmin):
    list_display = ("nom", "niveau", "enregistreur", "commune")
    list_filter = ("niveau", "enregistreur")
    raw_id_fields = ("commune", "bailleur")


@admin.register(Membership)
class MembershipAdmin(TerritoireScopedAdmin):
    list_display = ("user", "role", "epci", "bailleur", "reservataire", "guichet")
    list_filter = ("role",)
    raw_id_fields = ("user", "bailleur", "reservataire", "guichet")


@admin.register(SeuilQuartile)
class SeuilQuartileAdmin(TerritoireScopedAdmin):
    list_display = ("epci", "annee", "seuil_q1", "arrete", "modifie_le")
    list_filter = ("annee",)
    search_fields = ("epci__nom", "epci__siren")
    raw_id_fields = ("epci",)


@admin.register(TauxLegal)
class TauxLegalAdmin(admin.ModelAdmin):
    list_display = ("objectif", "taux", "date_debut", "date_fin")


@admin.register(CibleLocale)
class CibleLocaleAdmin(TerritoireScopedAdmin):
    list_display = ("epci", "objectif", "taux", "bailleur", "reservataire", "secteur", "date_debut", "date_fin")
    list_filter = ("objectif",)
    raw_id_fields = ("bailleur", "reservataire", "secteur")
