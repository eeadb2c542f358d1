"""Who sees and acts on the exchange bourse.

- platform administrators: everything;
- EPCI staff: every offer and exchange of their territory; they register offers and propose exchanges;
- reception agents: the offers of their territory (they manage its demands); they register offers;
- landlord staff: the offers of their landlord's dwellings and the matches and exchanges that involve one;
  they register an offer for their own tenant, propose an exchange that involves one of their dwellings, and
  answer for their own dwellings only (never for another landlord's);
- reservation holders and outsiders: nothing.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from cil.permissions import scope_for
from demandes.permissions import acces_for
from demandes.permissions import can_edit as can_edit_demande


def ouvre_la_bourse(user) -> bool:
    scope = scope_for(user)
    return scope.admin or bool(scope.bailleurs or scope.epci_staff or acces_for(user).gestion)


def offres_for_user(user, queryset: QuerySet) -> QuerySet:
    scope = scope_for(user)
    if scope.admin:
        return queryset
    return queryset.filter(Q(bailleur__in=scope.bailleurs) | Q(epci__in=acces_for(user).gestion))


def echanges_for_user(user, queryset: QuerySet) -> QuerySet:
    from ..models import ParticipationEchange

    scope = scope_for(user)
    if scope.admin:
        return queryset
    des_bailleurs = ParticipationEchange.objects.filter(echange=OuterRef("pk"), offre__bailleur__in=scope.bailleurs)
    return queryset.filter(Q(epci__in=scope.epci_staff) | Exists(des_bailleurs))


def can_view_echange(user, echange, bailleurs_ids: set[int]) -> bool:
    """``bailleurs_ids``: the landlords of the exchange's dwellings (already read by the page)."""
    scope = scope_for(user)
    return scope.admin or echange.epci_id in scope.epci_staff or bool(bailleurs_ids & scope.bailleurs)


def can_offer(user, demande, bailleur=None) -> bool:
    """Register an offer for a demand: whoever manages the demand, or its tenant's landlord on its territory."""
    if can_edit_demande(user, demande):
        return True
    scope = scope_for(user)
    return bailleur is not None and bailleur.pk in scope.bailleurs and demande.epci_id in acces_for(user).epcis


def can_propose(user, epci_id: int, bailleurs_ids: set[int]) -> bool:
    """Propose an exchange: the territory's staff, or the landlord of one of its dwellings."""
    scope = scope_for(user)
    return scope.admin or epci_id in scope.epci_staff or bool(bailleurs_ids & scope.bailleurs)


def can_answer(user, participation) -> bool:
    """Accept or decline for one dwelling: its landlord's staff only (a platform administrator too)."""
    scope = scope_for(user)
    return scope.admin or participation.offre.bailleur_id in scope.bailleurs


def can_cancel(user, echange, bailleurs_ids: set[int]) -> bool:
    return can_propose(user, echange.epci_id, bailleurs_ids)
