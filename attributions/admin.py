"""Admin of the allocations: parameters (with their sources), reservation agreements, and read views of the process.

Vacancies, candidates and sessions are written through the pages (services log every step); the admin shows
them read-only. Agreements and parameters are configured here. EPCI staff see their territory's rows only, and
pick only their territory's rows (cil.admin.TerritoireScopedAdmin, cil.permissions).
"""

from django.contrib import admin

from cil.admin import TerritoireScopedAdmin
from cil.permissions import scope_for

from .models import (
    Candidature,
    ConventionReservation,
    ParametreAttribution,
    ReouvertureSeance,
    SeanceCaleol,
    TransitionVacance,
    Vacance,
)


@admin.register(ParametreAttribution)
class ParametreAttributionAdmin(TerritoireScopedAdmin):
    """A territory's own values are scoped; national values (no territory) are read-only to non-superusers."""

    lignes_nationales = True
    list_display = ("code", "valeur", "epci", "date_debut", "date_fin")
    list_filter = ("code",)
    search_fields = ("source",)
    autocomplete_fields = ("epci",)


@admin.register(ConventionReservation)
class ConventionReservationAdmin(TerritoireScopedAdmin):
    """Agreements limited to a territory are its staff's; departmental agreements (no territory) bind landlords
    across several territories: their staff read those of the landlords working with them, only a superuser
    changes them."""

    lignes_nationales = True
    list_display = ("bailleur", "reservataire", "departement", "epci", "part_flux", "date_debut", "date_fin")
    list_filter = ("reservataire__type", "date_debut")
    search_fields = ("bailleur__nom", "bailleur__siren", "reservataire__nom", "reference")
    autocomplete_fields = ("bailleur", "reservataire", "epci")

    def scope_queryset(self, request, qs):
        qs = qs.select_related("bailleur", "reservataire", "epci")
        scope = scope_for(request.user)
        if scope.admin:
            return qs
        departementales = qs.filter(epci__isnull=True, bailleur__epcis__in=scope.epci_staff)
        return (qs.filter(epci__in=scope.epci_staff) | departementales).distinct()


class LectureSeule:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TransitionInline(LectureSeule, admin.TabularInline):
    model = TransitionVacance
    fields = ("date", "de", "vers", "action", "acteur", "motif")
    readonly_fields = fields
    extra = 0


class CandidatureInline(LectureSeule, admin.TabularInline):
    model = Candidature
    fields = ("demande", "rang_propose", "seance", "type_decision", "rang", "reponse", "motif_refus", "date_bail")
    readonly_fields = fields
    extra = 0


@admin.register(Vacance)
class VacanceAdmin(LectureSeule, TerritoireScopedAdmin):
    list_display = ("logement", "bailleur", "statut", "reservataire", "date_liberation", "date_bail")
    list_filter = ("statut", "deduction", "reservataire__type")
    search_fields = ("logement__identifiant",)
    inlines = [TransitionInline, CandidatureInline]


class ReouvertureInline(LectureSeule, admin.TabularInline):
    model = ReouvertureSeance
    extra = 0
    fields = ("rouverte_le", "rouverte_par", "motif", "refermee_le", "refermee_par")
    readonly_fields = fields


@admin.register(SeanceCaleol)
class SeanceCaleolAdmin(LectureSeule, TerritoireScopedAdmin):
    list_display = ("date", "bailleur", "statut", "lieu")
    list_filter = ("statut",)
    inlines = [ReouvertureInline]


# --- Dwellings, decisions and the objectives' records --------------------------------------------------------

from .models import DecisionCaleol, InstantaneObjectifs, Logement, LotImport  # noqa: E402


@admin.register(Logement)
class LogementAdmin(TerritoireScopedAdmin):
    list_display = ("identifiant", "bailleur", "commune", "typologie", "qpv", "quartier", "financement", "loyer")
    list_filter = ("typologie", "financement", "niveau_accessibilite", "accessible_pmr")
    search_fields = ("identifiant", "adresse", "bailleur__nom")
    autocomplete_fields = ("epci",)
    raw_id_fields = ("bailleur", "commune", "qpv", "qpv_2015", "quartier")


@admin.register(DecisionCaleol)
class DecisionCaleolAdmin(LectureSeule, TerritoireScopedAdmin):
    """Decisions are written by the F1 import and by the commission pages (with their events), never here."""

    list_display = ("numero_unique", "type_decision", "rang", "date_decision", "date_bail", "bailleur", "commune",
                    "reservataire", "source")  # fmt: skip
    list_filter = ("type_decision", "source", "dalo", "prioritaire", "mutation", "relogement")
    search_fields = ("numero_unique", "logement__identifiant")
    date_hierarchy = "date_decision"
    autocomplete_fields = ("epci",)
    raw_id_fields = ("logement", "bailleur", "commune", "qpv", "reservataire", "lot")
    list_select_related = ("bailleur", "commune", "reservataire")


@admin.register(LotImport)
class LotImportAdmin(LectureSeule, TerritoireScopedAdmin):
    """An F1 file may hold several territories' decisions: staff read the files that touched theirs."""

    epci_field = "decisions__epci"
    list_display = ("nom_fichier", "importe_le", "importe_par", "statut", "nb_lignes", "nb_creees", "nb_modifiees",
                    "nb_inchangees", "duree_ms")  # fmt: skip
    list_filter = ("statut",)


@admin.register(InstantaneObjectifs)
class InstantaneObjectifsAdmin(LectureSeule, TerritoireScopedAdmin):
    list_display = ("epci", "annee", "jour", "calcule_le", "declencheur", "demande_par", "provisoire", "duree_ms")
    list_filter = ("annee", "declencheur", "provisoire")
