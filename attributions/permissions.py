"""Scoping of allocations and objectives: each organisation sees its own figures.

- administrators: everything;
- EPCI staff and CIL members: every decision on their territory;
- landlord staff: their landlord's decisions;
- reservation-holder staff: the decisions charged to their holder;
- reception agents and outsiders: nothing.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cil.permissions import scope_for


def decisions_for_user(user, queryset: QuerySet) -> QuerySet:
    scope = scope_for(user)
    if scope.admin:
        return queryset
    condition = Q(pk__in=[])
    if scope.epci_lecture:
        condition |= Q(epci__in=scope.epci_lecture)
    if scope.bailleurs:
        condition |= Q(bailleur__in=scope.bailleurs)
    if scope.reservataires:
        condition |= Q(reservataire__in=scope.reservataires)
    return queryset.filter(condition)


def can_view_objectives(user, epci) -> bool:
    """Open the objectives page of a territory (whole or partial view, depending on the role)."""
    scope = scope_for(user)
    if scope.admin or epci.pk in scope.epci_lecture:
        return True
    return epci.pk in scope.epci_tous and bool(scope.bailleurs or scope.reservataires)


def can_view_whole_territory(user, epci) -> bool:
    scope = scope_for(user)
    return scope.admin or epci.pk in scope.epci_lecture


def can_import(user, epci=None) -> bool:
    scope = scope_for(user)
    if scope.admin:
        return True
    if epci is None:
        return bool(scope.epci_staff)
    return epci.pk in scope.epci_staff


def epcis_importables(user) -> frozenset[int] | None:
    """The territories whose rows an allocations file imported by ``user`` may hold (and whose dwellings and
    decisions it may rewrite): every territory (None) for a platform administrator, else those where the user
    is EPCI staff."""
    scope = scope_for(user)
    return None if scope.admin else scope.epci_staff
