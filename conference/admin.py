"""The conference in the admin, scoped to the user's territories (cil.admin.TerritoireScopedAdmin).

Day-to-day work happens on the conference's pages (their writes are journaled by ``services``); the admin lets
a territory's staff read and correct the configuration of its own instances. Deliberations and the journal are
read-only to everybody: a numbered deliberation is never changed, the journal is append-only.
"""

from django.contrib import admin

from cil.admin import FILTRE_EPCI, ScopedInline, TerritoireScopedAdmin

from .models import Deliberation, Instance, JournalConference, Membre, RegleInstance, Seance


class RegleInline(ScopedInline):
    model = RegleInstance
    extra = 0


@admin.register(Instance)
class InstanceAdmin(TerritoireScopedAdmin):
    """An instance belongs to one territory: scoped."""

    list_display = ["nom", "type", "epci", "ouverte_aux_membres", "active"]
    list_filter = ["type", FILTRE_EPCI]
    search_fields = ["nom"]
    autocomplete_fields = ["epci"]
    inlines = [RegleInline]


@admin.register(Membre)
class MembreAdmin(TerritoireScopedAdmin):
    """A member of one territory's instance: scoped through the instance."""

    epci_field = "instance__epci"
    list_display = ["nom", "instance", "college", "titulaire", "debut_mandat", "fin_mandat"]
    list_filter = ["college", "titulaire"]
    search_fields = ["nom", "organisation", "qualite"]
    raw_id_fields = ["instance", "suppleant_de", "bailleur", "reservataire"]


@admin.register(Seance)
class SeanceAdmin(TerritoireScopedAdmin):
    """A meeting of one territory's instance: scoped through the instance."""

    epci_field = "instance__epci"
    list_display = ["instance", "date", "heure", "statut"]
    list_filter = ["statut"]
    raw_id_fields = ["instance", "seconde_convocation_de"]
    readonly_fields = ["convoquee_le", "creee_par"]


class LectureSeuleAdmin(TerritoireScopedAdmin):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Deliberation)
class DeliberationAdmin(LectureSeuleAdmin):
    """A numbered deliberation of one territory: scoped, read-only (never changed once recorded)."""

    list_display = ["__str__", "epci", "date", "resultat", "votants", "pour", "contre", "abstention", "blanc"]
    list_filter = ["resultat", "annee", FILTRE_EPCI]


@admin.register(JournalConference)
class JournalConferenceAdmin(LectureSeuleAdmin):
    """Who changed what in one territory's conference: scoped, read-only (append-only)."""

    list_display = ["date", "identifiant", "epci", "action", "libelle"]
    list_filter = ["action", FILTRE_EPCI]
    search_fields = ["libelle", "identifiant"]
