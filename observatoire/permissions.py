"""Who may request and read which balance sheet, from cil.permissions.scope_for.

- the CIL's balance sheet: requested by EPCI staff; read by EPCI staff and CIL members of the territory;
- a landlord's report: requested and read by that landlord's staff, and by the EPCI's staff and CIL members;
- a reservation holder's report: requested and read by that holder's staff, and by the EPCI's staff and CIL members;
- administrators: everything; everybody else: nothing.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cil.permissions import scope_for

CIL, BAILLEUR, RESERVATAIRE = "CIL", "BAILLEUR", "RESERVATAIRE"


def can_request_bilan(user, kind: str, epci, *, bailleur=None, reservataire=None) -> bool:
    scope = scope_for(user)
    if scope.admin:
        return True
    if epci is None:
        return False
    if epci.pk in scope.epci_staff:
        return True
    if kind == BAILLEUR and bailleur is not None:
        return bailleur.pk in scope.bailleurs and epci.pk in scope.epci_tous
    if kind == RESERVATAIRE and reservataire is not None:
        return reservataire.pk in scope.reservataires and epci.pk in scope.epci_tous
    return False


def kinds_for_user(user) -> list[str]:
    """The kinds of balance sheet a user may request somewhere."""
    scope = scope_for(user)
    if scope.admin or scope.epci_staff:
        return [CIL, BAILLEUR, RESERVATAIRE]
    kinds = []
    if scope.bailleurs:
        kinds.append(BAILLEUR)
    if scope.reservataires:
        kinds.append(RESERVATAIRE)
    return kinds


def can_view_bilan(user, bilan) -> bool:
    scope = scope_for(user)
    if scope.admin or bilan.epci_id in scope.epci_lecture:
        return True
    if bilan.kind == BAILLEUR:
        return bilan.bailleur_id in scope.bailleurs
    if bilan.kind == RESERVATAIRE:
        return bilan.reservataire_id in scope.reservataires
    return False


def bilans_for_user(user, queryset: QuerySet) -> QuerySet:
    scope = scope_for(user)
    if scope.admin:
        return queryset
    condition = Q(pk__in=[])
    if scope.epci_lecture:
        condition |= Q(epci__in=scope.epci_lecture)
    if scope.bailleurs:
        condition |= Q(kind=BAILLEUR, bailleur__in=scope.bailleurs)
    if scope.reservataires:
        condition |= Q(kind=RESERVATAIRE, reservataire__in=scope.reservataires)
    return queryset.filter(condition)


# --- The neighbourhood index (docs/quartiers.md) ---------------------------------------------------------------
#
# Read by the partners of the territory (EPCI staff, CIL members, landlords, reservation holders: the class is
# shown on their candidate and commission screens anyway); entered values and "recompute now" by EPCI staff only
# (cil.permissions.can_manage_territory); the configuration in the admin (cil.admin, scoped to EPCI staff).


def epcis_quartiers_lisibles(user) -> QuerySet:
    from cil.models import Epci, Quartier

    scope = scope_for(user)
    if scope.admin:
        return Epci.objects.filter(pk__in=Quartier.objects.values("epci"))
    return Epci.objects.filter(pk__in=scope.epci_tous)


def can_view_quartiers(user, epci) -> bool:
    scope = scope_for(user)
    return scope.admin or epci.pk in scope.epci_tous


def can_manage_quartiers(user, epci) -> bool:
    from cil.permissions import can_manage_territory

    return can_manage_territory(user, epci)


def perimetre_etat(user, epci):
    """What ``user`` sees of the State's table of ``epci`` (observatoire.etat.Perimetre), None: nothing.

    EPCI staff and CIL members of the territory (and administrators): the whole table; a landlord's or a
    reservation holder's staff on the territory: the line of their own organisation only. Only the territory's
    EPCI staff read it unmasked."""
    from .etat import Perimetre

    scope = scope_for(user)
    # statistical secrecy (docs/droit/regles.md, Platform decision 11): the table leaves the EPCI's staff for
    # everybody else (CIL members, landlords, holders, platform administrators), who read it masked
    masque = epci.pk not in scope.epci_staff
    if scope.admin or epci.pk in scope.epci_lecture:
        return Perimetre(entier=True, masque=masque)
    if epci.pk in scope.epci_tous and (scope.bailleurs or scope.reservataires):
        return Perimetre(entier=False, bailleurs=scope.bailleurs, reservataires=scope.reservataires, masque=masque)
    return None


# --- The indicators (docs/observatoire.md) ----------------------------------------------------------------------


def can_recalculer_indicateurs(user, epci) -> bool:
    """Count a territory's indicators again now: its EPCI staff (and platform administrators)."""
    scope = scope_for(user)
    return scope.admin or epci.pk in scope.epci_staff


def perimetres_indicateurs(user, epci) -> list[tuple[str, int] | None]:
    """The views of a territory's indicators the user may open, first the default one.

    ``None`` is the whole territory (administrators, EPCI staff and CIL members); ``("bailleur", pk)`` and
    ``("reservataire", pk)`` a landlord's or holder's own share (their staff, members of the territory). An empty
    list: the territory is not the user's (the page answers 404)."""
    scope = scope_for(user)
    if scope.admin or epci.pk in scope.epci_lecture:
        return [None]
    if epci.pk not in scope.epci_tous:
        return []
    return [("bailleur", pk) for pk in sorted(scope.bailleurs)] + [
        ("reservataire", pk) for pk in sorted(scope.reservataires)
    ]


def epcis_indicateurs(user) -> frozenset[int] | None:
    """The territories whose indicators the user may open (None: all, for an administrator)."""
    scope = scope_for(user)
    if scope.admin:
        return None
    if scope.bailleurs or scope.reservataires:
        return scope.epci_tous
    return scope.epci_lecture
