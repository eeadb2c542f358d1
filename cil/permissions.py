"""Who may see and change what, derived from a user's memberships (P9).

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
