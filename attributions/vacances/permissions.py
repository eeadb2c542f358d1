"""Scoping of dwellings, vacancies, candidates, sessions and flows.

- platform administrators: everything;
- landlord staff: their landlord's dwellings, vacancies, sessions and agreements; they declare, route,
  hand back, hold sessions, record decisions, answers and leases;
- reservation-holder staff: only the vacancies routed to their holder (never another holder's), on which
  they designate candidates, and their own lines of the flow report;
- EPCI staff: read everything on their territory (CIL members read the flow report, not the candidates);
- reception agents and outsiders: nothing.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cil.permissions import scope_for


def logements_for_user(user, queryset: QuerySet) -> QuerySet:
    scope = scope_for(user)
    if scope.admin:
        return queryset
    return queryset.filter(Q(bailleur__in=scope.bailleurs) | Q(epci__in=scope.epci_staff))


def vacances_for_user(user, queryset: QuerySet) -> QuerySet:
    scope = scope_for(user)
    if scope.admin:
        return queryset
    return queryset.filter(
        Q(bailleur__in=scope.bailleurs) | Q(reservataire__in=scope.reservataires) | Q(epci__in=scope.epci_staff)
    )


def seances_for_user(user, queryset: QuerySet) -> QuerySet:
    """Sessions: the landlord's staff and the territory's staff (holders see decisions on their vacancies)."""
    scope = scope_for(user)
    if scope.admin:
        return queryset
    return queryset.filter(Q(bailleur__in=scope.bailleurs) | Q(epci__in=scope.epci_staff))


def can_view_vacance(user, vacance) -> bool:
    scope = scope_for(user)
    return (
        scope.admin
        or vacance.bailleur_id in scope.bailleurs
        or (vacance.reservataire_id is not None and vacance.reservataire_id in scope.reservataires)
        or vacance.epci_id in scope.epci_staff
    )


def can_manage_vacance(user, vacance) -> bool:
    """Route, hand back, put on a session, record decisions, answers and the lease: the landlord's staff."""
    scope = scope_for(user)
    return scope.admin or vacance.bailleur_id in scope.bailleurs


def can_declare(user, bailleur=None) -> bool:
    scope = scope_for(user)
    if scope.admin:
        return True
    return bool(scope.bailleurs) if bailleur is None else bailleur.pk in scope.bailleurs


def can_designate(user, vacance) -> bool:
    """Designate candidates: the holder the vacancy is routed to; the landlord for its non-reserved stock
    and for a dwelling handed back for one round."""
    scope = scope_for(user)
    if scope.admin:
        return True
    if vacance.reservataire_id is not None and vacance.reservataire_id in scope.reservataires:
        return True
    if vacance.bailleur_id in scope.bailleurs:
        reservataire = vacance.reservataire
        return vacance.statut == "REMISE_POUR_UN_TOUR" or (
            reservataire is not None
            and reservataire.type == "BAILLEUR"
            and reservataire.bailleur_id == vacance.bailleur_id
        )
    return False


def can_manage_seance(user, seance) -> bool:
    scope = scope_for(user)
    return scope.admin or seance.bailleur_id in scope.bailleurs


def can_reopen_seance(user, seance) -> bool:
    """Reopening a held commission is the act of its secretariat, the landlord's staff (not a platform operator)."""
    return seance.statut == seance.Statut.TENUE and seance.bailleur_id in scope_for(user).bailleurs


def can_view_seance(user, seance) -> bool:
    scope = scope_for(user)
    return scope.admin or seance.bailleur_id in scope.bailleurs or seance.epci_id in scope.epci_staff


def bailleurs_flux_for_user(user, queryset: QuerySet) -> QuerySet:
    """Landlords whose flow report the user may open."""
    scope = scope_for(user)
    if scope.admin:
        return queryset
    return queryset.filter(
        Q(pk__in=scope.bailleurs)
        | Q(epcis__in=scope.epci_lecture)
        | Q(conventions__reservataire__in=scope.reservataires)
    ).distinct()


def reservataires_visibles_flux(user, bailleur) -> set[int] | None:
    """None: every holder line of the landlord's report; else only these holders' lines."""
    scope = scope_for(user)
    if scope.admin or bailleur.pk in scope.bailleurs:
        return None
    if scope.epci_lecture & set(bailleur.epcis.values_list("pk", flat=True)):
        return None
    return set(scope.reservataires)
