"""The administration of the territory, scoped for EPCI staff.

EPCI staff (``is_staff``, in the group ``services.groupe_personnel_epci``) use the admin for their own territories
only. Every ModelAdmin of the platform derives from ``TerritoireScopedAdmin`` (or a read-only variant): its rows,
its foreign-key, many-to-many and raw-id choices and its role choices all come from ``cil.permissions`` (one
place), and a row outside the user's territories answers 404. A superuser is never restricted.

Models shared across territories are either read-only to non-superusers (``partage = True``, with the reason in
their docstring) or scoped to the user's territories; rows without a territory (national defaults) are read by
staff and changed by superusers only (``lignes_nationales = True``).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from . import permissions
from .models import (
    Bailleur,
    ClasseQuartier,
    Commune,
    ContourCommune,
    Epci,
    Guichet,
    IndicateurQuartier,
    Membership,
    PerimetreEpci,
    Qpv,
    Quartier,
    ReferentielQuartiers,
    RegleSecret,
    Reservataire,
    Secteur,
    SeuilQuartile,
    TauxLegal,
)
from .permissions import scope_for

admin.site.site_header = "Plateforme de la conférence intercommunale du logement"
admin.site.site_title = "Administration CIL"
admin.site.index_title = "Configuration du territoire et des règles"

# The EPCI filter of a changelist lists only the territories present in its rows (not the ~1,270 EPCI).
FILTRE_EPCI = ("epci", admin.RelatedOnlyFieldListFilter)


def _superuser(request) -> bool:
    return request.user.is_active and request.user.is_superuser


class RawIdScope(ForeignKeyRawIdWidget):
    """A raw-id field that names the row only if the user may pick it: a typed id (in the URL's initial values
    or a refused form) must not reveal whom or what it designates."""

    def __init__(self, widget: ForeignKeyRawIdWidget, queryset):
        super().__init__(widget.rel, widget.admin_site, attrs=widget.attrs, using=widget.db)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        try:
            visible = self.queryset.filter(**{self.rel.get_related_field().name: value}).exists()
        except (ValueError, TypeError, ValidationError):
            visible = False
        return super().label_and_url_for_value(value) if visible else ("", "")


class ChoixScopesMixin:
    """Foreign-key, many-to-many and raw-id choices of a form limited to what the user may pick.

    The form field's queryset is the limit, so a raw id typed by hand outside it is refused on save with
    Django's "Sélectionnez un choix valide" message.
    """

    def _scoped_choices(self, db_field, request, kwargs):
        if "queryset" in kwargs or _superuser(request):
            return kwargs
        related = db_field.remote_field.model
        queryset = self.get_field_queryset(None, db_field, request)
        if queryset is None:
            queryset = related._default_manager.all()
        kwargs["queryset"] = permissions.admin_choices(request.user, related, queryset)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(
            db_field, request, **self._scoped_choices(db_field, request, kwargs)
        )
        if formfield is not None and isinstance(formfield.widget, ForeignKeyRawIdWidget) and not _superuser(request):
            formfield.widget = RawIdScope(formfield.widget, formfield.queryset)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._scoped_choices(db_field, request, kwargs))


class TerritoireScopedAdmin(ChoixScopesMixin, admin.ModelAdmin):
    """Rows of the territories the user administers (EPCI staff), all of them for a platform administrator.

    ``epci_field`` is the lookup from the row to its territory (``None``: a national row, the same for all);
    ``partage``: shared across territories, read-only to non-superusers; ``lignes_nationales``: rows whose
    ``epci`` is empty are national defaults, shown to staff, changed by superusers only.
    """

    epci_field: str | None = "epci"
    partage = False
    lignes_nationales = False

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def scope_queryset(self, request, qs):
        scope = scope_for(request.user)
        if scope.admin or self.epci_field is None:
            return qs
        condition = {f"{self.epci_field}__in": scope.epci_staff}
        if self.lignes_nationales:
            return qs.filter(**condition) | qs.filter(**{f"{self.epci_field}__isnull": True})
        qs = qs.filter(**condition)
        return qs.distinct() if "__" in self.epci_field else qs

    def _modifiable(self, request, obj) -> bool:
        if _superuser(request):
            return True
        if self.partage:
            return False
        return not (self.lignes_nationales and obj is not None and getattr(obj, f"{self.epci_field}_id") is None)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if (
            formfield is not None
            and self.lignes_nationales
            and db_field.name == self.epci_field
            and not _superuser(request)
        ):
            # an empty territory would make a national row, which applies to every territory: superusers only
            formfield.required = True
        return formfield

    def save_model(self, request, obj, form, change):
        if self.lignes_nationales and not _superuser(request) and getattr(obj, f"{self.epci_field}_id") is None:
            raise PermissionDenied("Seul un superutilisateur enregistre une valeur nationale.")
        super().save_model(request, obj, form, change)

    def has_add_permission(self, request, *args):
        return self._modifiable(request, None) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._modifiable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._modifiable(request, obj) and super().has_delete_permission(request, obj)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index with "doesn't exist"; a row out of one's territories is simply not found.
        raise Http404(f"{opts.verbose_name} introuvable")


class ScopedInline(ChoixScopesMixin, admin.TabularInline):
    """An inline whose choices are scoped like its parent's."""


@admin.register(Epci)
class EpciAdmin(TerritoireScopedAdmin):
    """National list (INSEE, BANATIC), loaded by ``import_referentiels``: read-only, each staff sees their own.

    Its search answers the EPCI autocomplete pickers of every form (about 1,270 rows nationally).
    """

    epci_field = "pk"
    partage = True
    list_display = ("nom", "siren", "type", "population")
    list_filter = ("type",)
    search_fields = ("nom", "siren")


@admin.register(Commune)
class CommuneAdmin(TerritoireScopedAdmin):
    """National geography (COG): read-only to non-superusers; staff see their territories' communes."""

    partage = True
    list_display = ("nom", "code_insee", "departement", "epci", "population")
    list_filter = ("departement",)
    search_fields = ("nom", "code_insee")
    autocomplete_fields = ("epci",)


@admin.register(PerimetreEpci)
class PerimetreEpciAdmin(TerritoireScopedAdmin):
    """Yearly perimeters of the EPCI (INSEE): read-only to non-superusers, scoped to the user's territories."""

    partage = True
    list_display = ("epci", "commune", "millesime")
    list_filter = ("millesime",)
    autocomplete_fields = ("epci",)
    raw_id_fields = ("commune",)
    search_fields = ("epci__nom", "commune__nom", "commune__code_insee")


@admin.register(Qpv)
class QpvAdmin(TerritoireScopedAdmin):
    """Priority neighbourhoods set by decree (ANCT list): read-only to non-superusers, scoped to the territory."""

    partage = True
    list_display = ("code", "nom", "carte", "epci")
    list_filter = ("carte",)
    search_fields = ("code", "nom")
    autocomplete_fields = ("epci",)
    raw_id_fields = ("communes",)


@admin.register(Quartier)
class QuartierAdmin(TerritoireScopedAdmin):
    list_display = ("nom", "type", "commune", "qpv")
    list_filter = ("type",)
    autocomplete_fields = ("epci",)
    raw_id_fields = ("commune", "qpv")


class IndicateurQuartierInline(ScopedInline):
    model = IndicateurQuartier
    extra = 0
    fields = ("code", "poids", "sens", "borne_min", "borne_max")


class ClasseQuartierInline(ScopedInline):
    model = ClasseQuartier
    extra = 0
    fields = ("code", "libelle", "score_min", "vigilance")


@admin.register(ReferentielQuartiers)
class ReferentielQuartiersAdmin(TerritoireScopedAdmin):
    """A version of the neighbourhood index (docs/quartiers.md): indicators, weights, classes and their thresholds.

    A version that has classified the neighbourhoods is kept as it was (read-only): the action copies it into a
    new version from today, which the staff then adjust."""

    list_display = ("epci", "version", "date_debut", "date_fin", "nb_annees")
    list_filter = (FILTRE_EPCI,)
    autocomplete_fields = ("epci",)
    readonly_fields = ("version", "cree_le")
    inlines = [IndicateurQuartierInline, ClasseQuartierInline]
    actions = ["nouvelle_version"]

    def _modifiable(self, request, obj) -> bool:
        if obj is not None and obj.classements.exists() and not _superuser(request):
            return False
        return super()._modifiable(request, obj)

    def save_model(self, request, obj, form, change):
        if not obj.version:
            dernier = ReferentielQuartiers.objects.filter(epci=obj.epci).order_by("-version").first()
            obj.version = (dernier.version if dernier else 0) + 1
        super().save_model(request, obj, form, change)

    @admin.action(description="Créer une nouvelle version à partir d'aujourd'hui (copie de la version choisie)")
    def nouvelle_version(self, request, queryset):
        import datetime as dt

        from core.erreurs import ErreurMetier

        from .services_quartiers import creer_referentiel

        for referentiel in queryset.select_related("epci"):
            if not permissions.can_manage_territory(request.user, referentiel.epci):
                continue
            try:
                nouvelle = creer_referentiel(
                    epci=referentiel.epci,
                    date_debut=dt.date.today(),
                    source=f"Copie de la version {referentiel.version} ; à compléter.",
                    nb_annees=referentiel.nb_annees,
                )
            except ErreurMetier as exc:
                self.message_user(request, str(exc), level="error")
            else:
                self.message_user(request, f"Version {nouvelle.version} créée pour {referentiel.epci.nom}.")


@admin.register(Secteur)
class SecteurAdmin(TerritoireScopedAdmin):
    list_display = ("nom", "epci")
    autocomplete_fields = ("epci",)
    filter_horizontal = ("communes", "quartiers")


@admin.register(Bailleur)
class BailleurAdmin(TerritoireScopedAdmin):
    """A landlord works in several territories: read-only to non-superusers.

    Its ``epcis`` decide which territories read its figures and whose staff may give roles there
    (``permissions.bailleurs_grantable``): one territory may not widen them. Staff see the landlords working in
    their territories.
    """

    partage = True
    list_display = ("nom", "siren")
    search_fields = ("nom", "siren")
    autocomplete_fields = ("epcis",)

    def scope_queryset(self, request, qs):
        return permissions.admin_choices(request.user, Bailleur, qs)


@admin.register(Reservataire)
class ReservataireAdmin(TerritoireScopedAdmin):
    """A reservation holder (the State, Action Logement, a commune...) may work in several territories:
    read-only to non-superusers, for the same reason as landlords."""

    partage = True
    list_display = ("nom", "type", "code")
    list_filter = ("type",)
    search_fields = ("nom", "code")
    raw_id_fields = ("bailleur", "commune")
    autocomplete_fields = ("epcis",)

    def scope_queryset(self, request, qs):
        return permissions.admin_choices(request.user, Reservataire, qs)


@admin.register(Guichet)
class GuichetAdmin(TerritoireScopedAdmin):
    list_display = ("nom", "niveau", "enregistreur", "commune")
    list_filter = ("niveau", "enregistreur")
    search_fields = ("nom",)
    autocomplete_fields = ("epci",)
    raw_id_fields = ("commune", "bailleur")


class MembershipForm(forms.ModelForm):
    """A membership checked against what the user may grant (``permissions.grant_errors``) on every save."""

    granter = None  # the request's user, set by the admin (None: a superuser, unrestricted)
    compte = None  # on a user's page: the account the membership is for (unsaved while being created)

    class Meta:
        model = Membership
        fields = ("user", "role", "epci", "bailleur", "reservataire", "guichet", "date_debut", "date_fin")

    def _post_clean(self):
        super()._post_clean()  # the instance now holds the submitted values
        if self.granter is None or self.errors:
            return
        for champ, message in permissions.grant_errors(self.granter, self.instance, compte=self.compte).items():
            self.add_error(champ if champ in self.fields else None, message)


class MembershipInlineFormSet(forms.BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.compte = self.instance
        return form


class MembershipChoixMixin:
    """Role choices, pickers and the grant check shared by the membership admin and the user's inline."""

    def get_form_granter(self, request):
        return None if _superuser(request) else request.user

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not _superuser(request):
            grantable = set(permissions.roles_grantable(request.user))
            kwargs["choices"] = [("", "---------")] + [(v, label) for v, label in db_field.choices if v in grantable]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not _superuser(request):
            pickers = {
                "epci": permissions.epcis_grantable,
                "guichet": permissions.guichets_grantable,
                "bailleur": permissions.bailleurs_grantable,
                "reservataire": permissions.reservataires_grantable,
                "user": permissions.users_manageable,
            }
            if db_field.name in pickers:
                kwargs["queryset"] = pickers[db_field.name](request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Membership)
class MembershipAdmin(MembershipChoixMixin, TerritoireScopedAdmin):
    """Who holds which role where. Nobody edits their own memberships, and nobody but a superuser creates an
    administrator: the rows and choices come from ``permissions.memberships_manageable`` and ``roles_grantable``.
    """

    form = MembershipForm
    list_display = ("user", "role", "epci", "bailleur", "reservataire", "guichet")
    list_filter = ("role",)
    autocomplete_fields = ("epci",)
    raw_id_fields = ("user", "bailleur", "reservataire", "guichet")

    def scope_queryset(self, request, qs):
        return permissions.memberships_manageable(request.user, qs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"granter": self.get_form_granter(request)})


class MembershipInline(MembershipChoixMixin, ScopedInline):
    """A user's memberships on their account page: EPCI staff create an account with its first membership."""

    model = Membership
    form = MembershipForm
    formset = MembershipInlineFormSet
    fields = ("role", "epci", "guichet", "bailleur", "reservataire", "date_debut", "date_fin")
    autocomplete_fields = ("epci",)
    raw_id_fields = ("guichet", "bailleur", "reservataire")
    extra = 0

    def get_queryset(self, request):
        return permissions.memberships_manageable(request.user, super().get_queryset(request))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        granter = self.get_form_granter(request)
        # A non-superuser never leaves an account without a membership in their territories: they could not see it.
        formset.min_num = 0 if granter is None else 1
        formset.validate_min = granter is not None
        formset.form = type(formset.form.__name__, (formset.form,), {"granter": granter})
        return formset


@admin.register(SeuilQuartile)
class SeuilQuartileAdmin(TerritoireScopedAdmin):
    list_display = ("epci", "annee", "seuil_q1", "arrete", "modifie_le")
    list_filter = ("annee",)
    search_fields = ("epci__nom", "epci__siren")
    autocomplete_fields = ("epci",)


@admin.register(RegleSecret)
class RegleSecretAdmin(TerritoireScopedAdmin):
    """The statistical-secrecy rule (Platform decision 11): a territory's own rules, changed by its EPCI staff;
    the platform's rule (no territory) read by them, changed by superusers only."""

    lignes_nationales = True
    list_display = ("__str__", "epci", "seuil", "date_debut", "date_fin")
    list_filter = (FILTRE_EPCI,)
    autocomplete_fields = ("epci",)


@admin.register(TauxLegal)
class TauxLegalAdmin(TerritoireScopedAdmin):
    """National legal rates (the law, ADR 0001): the same for every territory, read-only to non-superusers."""

    epci_field = None
    partage = True
    list_display = ("objectif", "taux", "date_debut", "date_fin")


# --- Accounts: the User admin of core, scoped ---------------------------------------------------------------------
# core registers the plain User admin (core depends on no app); cil, which owns memberships and scoping, replaces it.

from core.admin import UserAdmin as CoreUserAdmin  # noqa: E402  (importing it guarantees it is registered)
from core.models import User  # noqa: E402


class CompteAdmin(CoreUserAdmin):
    """Accounts. EPCI staff create the accounts of their territory's people with a first membership (the
    inline is required for them), and see and edit only accounts all of whose memberships lie in their
    territories (``permissions.users_manageable``): never their own, a staff or superuser account, and never the
    flags ``is_superuser``, ``is_staff``, groups or permissions, which only a superuser sets."""

    inlines = [MembershipInline]
    FIELDSETS_TERRITOIRE = (
        (None, {"fields": ("username", "password")}),
        ("Informations personnelles", {"fields": ("first_name", "last_name", "email")}),
        ("Statut", {"fields": ("is_active",)}),
        ("Dates importantes", {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request):
        return permissions.users_manageable(request.user, super().get_queryset(request))

    def get_fieldsets(self, request, obj=None):
        if obj is None or _superuser(request):
            return super().get_fieldsets(request, obj)
        return self.FIELDSETS_TERRITOIRE

    def get_readonly_fields(self, request, obj=None):
        return super().get_readonly_fields(request, obj) if _superuser(request) else ("last_login", "date_joined")

    def get_list_display(self, request):
        if _superuser(request):
            return super().get_list_display(request)
        return ("username", "first_name", "last_name", "email", "is_active")

    def get_list_filter(self, request):
        return super().get_list_filter(request) if _superuser(request) else ("is_active",)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404(f"{opts.verbose_name} introuvable")


admin.site.unregister(User)
admin.site.register(User, CompteAdmin)


# --- Permission groups: a member of a group that may edit groups could grant themselves anything --------------

from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402


class GroupeAdmin(BaseGroupAdmin):
    """Groups carry Django permissions (the EPCI staff group among them): only a superuser reads or edits them,
    whatever permissions a deployment hands out."""

    def has_module_permission(self, request):
        return _superuser(request)

    def has_view_permission(self, request, obj=None):
        return _superuser(request)

    def has_add_permission(self, request):
        return _superuser(request)

    def has_change_permission(self, request, obj=None):
        return _superuser(request)

    def has_delete_permission(self, request, obj=None):
        return _superuser(request)


admin.site.unregister(Group)
admin.site.register(Group, GroupeAdmin)


@admin.register(ContourCommune)
class ContourCommuneAdmin(TerritoireScopedAdmin):
    """Loaded by ``manage.py import_contours``; shared by every territory."""

    epci_field = None
    partage = True
    list_display = ("commune", "source", "importe_le")
    search_fields = ("commune__nom", "commune__code_insee")
    exclude = ("polygones",)
    readonly_fields = ("commune", "source", "importe_le")
