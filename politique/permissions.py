"""Who may read and change the policy documents and local targets of a territory.

- EPCI staff of the territory: create and change documents, versions, actions, indicators and local targets;
- CIL members, landlords and reservation holders of the territory: read them (documents, actions, targets);
- live figures (indicators, results of local targets) and the follow-up report: those who read the whole
  territory's objectives (EPCI staff and CIL members, ``cil.permissions.can_view_territory_figures``);
- platform administrators: everything; everybody else, and other territories: nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from cil.permissions import can_manage_territory, can_view_territory_figures, scope_for
from core.roles import Role

ROLES_LECTEURS = (Role.EPCI, Role.MEMBRE_CIL, Role.BAILLEUR, Role.RESERVATAIRE)


def epcis_lisibles(user) -> frozenset[int] | None:
    """The territories whose documents ``user`` reads; None for every territory (platform administrator)."""
    scope = scope_for(user)
    if scope.admin:
        return None
    if scope.anonyme:
        return frozenset()
    cached = getattr(user, "_politique_epcis", None)
    if cached is not None:
        return cached
    today = dt.date.today()
    epcis = frozenset(
        user.memberships.filter(role__in=ROLES_LECTEURS)
        .filter(Q(date_debut__isnull=True) | Q(date_debut__lte=today))
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=today))
        .values_list("epci_id", flat=True)
    )
    user._politique_epcis = epcis
    return epcis


def can_read(user, epci) -> bool:
    epcis = epcis_lisibles(user)
    return epci is not None and (epcis is None or epci.pk in epcis)


def can_manage(user, epci) -> bool:
    """Create and change the territory's documents, actions and local targets: its EPCI staff."""
    return epci is not None and can_manage_territory(user, epci)


def can_view_figures(user, epci) -> bool:
    """See the live figures (indicators, results of local targets) and the follow-up report."""
    return epci is not None and can_view_territory_figures(user, epci)
