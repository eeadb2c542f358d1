"""Who may see and change what, derived from a user's memberships.

``scope_for(user)`` summarises the memberships once per request; querysets are filtered with
``for_user()`` and decisions taken with ``can_<verb>()`` predicates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from core.roles import Role


@dataclass(frozen=True)
class Scope:
    admin: bool = False
    # territories where the user is EPCI staff (configure, import, produce reports)
    epci_staff: frozenset[int] = field(default_factory=frozenset)
    # territories the user reads as a whole (EPCI staff and CIL members)
    epci_lecture: frozenset[int] = field(default_factory=frozenset)
    # every territory the user belongs to, whatever the role
    epci_tous: frozenset[int] = field(default_factory=frozenset)
    bailleurs: frozenset[int] = field(default_factory=frozenset)
    reservataires: frozenset[int] = field(default_factory=frozenset)
    guichets: frozenset[int] = field(default_factory=frozenset)
    # territories whose data protection officer the user is (read log, access exports)
    dpo: frozenset[int] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)
    # (role, EPCI id) of each membership in force: what the other apps' scopes derive from without a query
    roles_par_epci: frozenset[tuple[str, int]] = field(default_factory=frozenset)

    @property
    def anonyme(self) -> bool:
        return not (self.admin or self.epci_tous)


def scope_for(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_cil_scope", None)
    if cached is not None:
        return cached
    today = dt.date.today()
    memberships = list(
        user.memberships.filter(Q(date_debut__isnull=True) | Q(date_debut__lte=today))
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=today))
        .values("role", "epci_id", "bailleur_id", "reservataire_id", "guichet_id")
    )
    roles = {m["role"] for m in memberships}
    scope = Scope(
        admin=user.is_superuser or Role.ADMINISTRATEUR in roles,
        epci_staff=frozenset(m["epci_id"] for m in memberships if m["role"] == Role.EPCI),
        epci_lecture=frozenset(m["epci_id"] for m in memberships if m["role"] in (Role.EPCI, Role.MEMBRE_CIL)),
        epci_tous=frozenset(m["epci_id"] for m in memberships),
        bailleurs=frozenset(m["bailleur_id"] for m in memberships if m["role"] == Role.BAILLEUR),
        reservataires=frozenset(m["reservataire_id"] for m in memberships if m["role"] == Role.RESERVATAIRE),
        guichets=frozenset(m["guichet_id"] for m in memberships if m["role"] == Role.AGENT_ACCUEIL),
        dpo=frozenset(m["epci_id"] for m in memberships if m["role"] == Role.DPO),
        roles=frozenset(roles),
        roles_par_epci=frozenset((m["role"], m["epci_id"]) for m in memberships if m["epci_id"] is not None),
    )
    user._cil_scope = scope
    return scope


def epcis_for_user(user, queryset: QuerySet | None = None) -> QuerySet:
    from .models import Epci

    qs = queryset if queryset is not None else Epci.objects.all()
    scope = scope_for(user)
    if scope.admin:
        return qs
    return qs.filter(pk__in=scope.epci_tous)


def bailleurs_for_user(user, queryset: QuerySet | None = None) -> QuerySet:
    """Landlords a user may name in lists: all those of their territories (organisations are public)."""
    from .models import Bailleur

    qs = queryset if queryset is not None else Bailleur.objects.all()
    scope = scope_for(user)
    if scope.admin:
        return qs
    return qs.filter(Q(epcis__in=scope.epci_tous) | Q(pk__in=scope.bailleurs)).distinct()


def can_manage_territory(user, epci) -> bool:
    """Configure the territory, its rules and targets, import files, produce balance sheets."""
    scope = scope_for(user)
    return scope.admin or epci.pk in scope.epci_staff


def can_read_personal_data_log(user, epci_id: int) -> bool:
    """Read who consulted the territory's demands (GDPR read log): its data protection officer only."""
    return epci_id in scope_for(user).dpo


def can_view_territory_figures(user, epci) -> bool:
    """Read the objectives of the whole territory (EPCI staff and CIL members)."""
    scope = scope_for(user)
    return scope.admin or epci.pk in scope.epci_lecture


def can_view_bailleur_figures(user, bailleur) -> bool:
    scope = scope_for(user)
    return (
        scope.admin
        or bailleur.pk in scope.bailleurs
        or bool(scope.epci_lecture & set(bailleur.epcis.values_list("pk", flat=True)))
    )


def can_view_reservataire_figures(user, reservataire) -> bool:
    scope = scope_for(user)
    return (
        scope.admin
        or reservataire.pk in scope.reservataires
        or bool(scope.epci_lecture & set(reservataire.epcis.values_list("pk", flat=True)))
    )


# --- What a user may grant and pick in the administration ----------------------------------------------------
#
# One place decides which roles, territories, organisations and accounts a staff member may hand out or edit. The
# admin (cil.admin and every app's admin.py) only calls these; they hold for the platform administrator by role as
# well as for EPCI staff, and a superuser is never restricted.

ROLES_TERRITOIRE = (Role.AGENT_ACCUEIL, Role.BAILLEUR, Role.RESERVATAIRE, Role.EPCI, Role.MEMBRE_CIL)


def roles_grantable(user) -> list[str]:
    """Roles ``user`` may give in a membership.

    Only a superuser creates an ADMINISTRATEUR membership (that role sees every territory). A platform
    administrator by role gives the other roles anywhere; EPCI staff give them in their own territories only (see
    ``epcis_grantable`` and the organisation pickers); everybody else gives nothing.
    """
    if getattr(user, "is_superuser", False) and user.is_active:
        return list(Role.values)
    scope = scope_for(user)
    if scope.admin or scope.epci_staff:
        return [str(role) for role in ROLES_TERRITOIRE]
    return []


def epcis_grantable(user, queryset: QuerySet | None = None) -> QuerySet:
    """Territories ``user`` administers: where they may give roles and edit rows in the admin."""
    from .models import Epci

    qs = queryset if queryset is not None else Epci.objects.all()
    scope = scope_for(user)
    return qs if scope.admin else qs.filter(pk__in=scope.epci_staff)


def guichets_grantable(user, queryset: QuerySet | None = None) -> QuerySet:
    """Reception points where ``user`` may make someone an agent: those of their territories."""
    from .models import Guichet

    qs = queryset if queryset is not None else Guichet.objects.all()
    scope = scope_for(user)
    return qs if scope.admin else qs.filter(epci__in=scope.epci_staff)


def _organisations_grantable(user, qs: QuerySet) -> QuerySet:
    """Organisations present in the user's territories and in no other one.

    A landlord's or holder's role opens that organisation's rows in every territory it works in (its vacancies,
    sessions, agreements, candidates), so one territory's staff may not give it when the organisation also works
    in a territory they do not administer: the platform administrator does.
    """
    scope = scope_for(user)
    if scope.admin:
        return qs
    through = qs.model.epcis.through
    ailleurs = through.objects.exclude(epci_id__in=scope.epci_staff).values(f"{qs.model._meta.model_name}_id")
    return qs.filter(pk__in=through.objects.filter(epci_id__in=scope.epci_staff).values(
        f"{qs.model._meta.model_name}_id")).exclude(pk__in=ailleurs)  # fmt: skip


def bailleurs_grantable(user, queryset: QuerySet | None = None) -> QuerySet:
    from .models import Bailleur

    return _organisations_grantable(user, queryset if queryset is not None else Bailleur.objects.all())


def reservataires_grantable(user, queryset: QuerySet | None = None) -> QuerySet:
    from .models import Reservataire

    return _organisations_grantable(user, queryset if queryset is not None else Reservataire.objects.all())


def reservataires_for_user(user, queryset: QuerySet | None = None) -> QuerySet:
    """Reservation holders a user may name in lists: those of their territories (as ``bailleurs_for_user``)."""
    from .models import Reservataire

    qs = queryset if queryset is not None else Reservataire.objects.all()
    scope = scope_for(user)
    if scope.admin:
        return qs
    return qs.filter(Q(epcis__in=scope.epci_tous) | Q(pk__in=scope.reservataires)).distinct()


def users_manageable(user, queryset: QuerySet | None = None) -> QuerySet:
    """Accounts ``user`` may see, edit and give roles to in the admin.

    A superuser: all. Anyone else never manages a superuser, a staff account (it has admin powers of its own),
    a platform administrator by role, or their own account (their own memberships are someone else's call). A
    platform administrator by role manages every other account; EPCI staff manage the accounts all of whose
    memberships (past ones included) lie in territories they administer, and that have at least one there:
    an account of another territory, or of none, is not theirs.
    """
    from django.contrib.auth import get_user_model

    from .models import Membership

    qs = queryset if queryset is not None else get_user_model().objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    scope = scope_for(user)
    if not (scope.admin or scope.epci_staff):
        return qs.none()
    administrateurs = Membership.objects.filter(role=Role.ADMINISTRATEUR).values("user_id")
    qs = qs.filter(is_superuser=False, is_staff=False).exclude(pk=user.pk).exclude(pk__in=administrateurs)
    if scope.admin:
        return qs
    ailleurs = Membership.objects.exclude(epci_id__in=scope.epci_staff).values("user_id")
    chez_lui = Membership.objects.filter(epci_id__in=scope.epci_staff).values("user_id")
    return qs.filter(pk__in=chez_lui).exclude(pk__in=ailleurs)


def can_manage_user(user, target) -> bool:
    return target is not None and users_manageable(user).filter(pk=target.pk).exists()


def memberships_manageable(user, queryset: QuerySet | None = None) -> QuerySet:
    """Memberships ``user`` may see and change in the admin: those they could have given."""
    from .models import Membership

    qs = queryset if queryset is not None else Membership.objects.all()
    if getattr(user, "is_superuser", False) and user.is_active:
        return qs
    return qs.filter(
        user__in=users_manageable(user),
        epci__in=epcis_grantable(user),
        role__in=roles_grantable(user),
    )


def grant_errors(user, membership, *, compte=None) -> dict[str, str]:
    """Why ``user`` may not give ``membership`` (field name -> French message); empty when they may.

    Checked on every save in the admin, whatever the form showed: raw ids can be typed. ``compte`` is the
    account when the membership is entered on its page; an account being created there (not saved yet) is the
    granter's own creation, without flags or other memberships, and may receive it.
    """
    if getattr(user, "is_superuser", False) and user.is_active:
        return {}
    errors: dict[str, str] = {}
    if membership.role not in roles_grantable(user):
        errors["role"] = "Vous ne pouvez pas donner ce rôle."
    compte_id = compte.pk if compte is not None else membership.user_id
    if compte is not None and compte.pk is None:
        pass  # a new account, created by the granter in the same form
    elif compte_id is None or not users_manageable(user).filter(pk=compte_id).exists():
        errors["user"] = "Vous ne pouvez pas rattacher ce compte : il relève d'un autre territoire ou de vous-même."
    if membership.epci_id is None or not epcis_grantable(user).filter(pk=membership.epci_id).exists():
        errors["epci"] = "Vous n'administrez pas ce territoire."
        return errors
    attendu = {Role.AGENT_ACCUEIL: "guichet", Role.BAILLEUR: "bailleur", Role.RESERVATAIRE: "reservataire"}
    for champ in ("guichet", "bailleur", "reservataire"):
        if getattr(membership, f"{champ}_id") is not None and attendu.get(membership.role) != champ:
            errors[champ] = "Ce rôle ne se rattache pas à cette organisation : laissez ce champ vide."
    guichets = guichets_grantable(user)
    if (
        membership.guichet_id is not None
        and "guichet" not in errors
        and not guichets.filter(pk=membership.guichet_id, epci_id=membership.epci_id).exists()
    ):
        errors["guichet"] = "Ce guichet n'appartient pas au territoire choisi."
    for champ, pickable in (("bailleur", bailleurs_grantable), ("reservataire", reservataires_grantable)):
        pk = getattr(membership, f"{champ}_id")
        ouverte = pk is not None and pickable(user).filter(pk=pk, epcis=membership.epci_id).exists()
        if pk is not None and champ not in errors and not ouverte:
            errors[champ] = (
                "Cette organisation n'est pas rattachée au seul territoire choisi : "
                "l'administrateur de la plateforme donne ce rôle."
            )
    return errors


def admin_choices(user, model, queryset: QuerySet | None = None) -> QuerySet:
    """Rows of ``model`` that ``user`` may pick in an admin form (a foreign key, many-to-many or raw id).

    Territory rows: those of the territories they administer; organisations: those working there; accounts:
    ``users_manageable``; a model without a territory they cannot pick from.
    """
    from django.contrib.auth import get_user_model

    from .models import Bailleur, Commune, Epci, Reservataire

    qs = queryset if queryset is not None else model._default_manager.all()
    scope = scope_for(user)
    if scope.admin and (model is not get_user_model() or user.is_superuser):
        return qs
    if model is get_user_model():
        return users_manageable(user, qs)
    if model is Epci:
        return epcis_grantable(user, qs)
    if model in (Bailleur, Reservataire):
        return qs.filter(epcis__in=scope.epci_staff).distinct()
    if model is Commune or any(f.name == "epci" for f in model._meta.concrete_fields):
        return qs.filter(epci__in=scope.epci_staff)
    return qs.none()
