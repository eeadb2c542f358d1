"""Who may see, change and read the sensitive parts of a demand (roles and organisation scopes).

- platform admin: every demand (but not the detail of sensitive situations: they are for those who need them);
- reception agents of any reception point of a territory, and its EPCI staff: every demand of
  that territory (shared management system), may edit it and see the sensitive situations;
- landlord and reservation-holder staff of a territory: read the demands of that territory,
  without the sensitive situations;
- anyone else (another territory only, CIL members, anonymous): nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from cil.permissions import scope_for
from core.roles import Role


@dataclass(frozen=True)
class AccesDemandes:
    admin: bool = False
    gestion: frozenset[int] = field(default_factory=frozenset)  # EPCI ids: agents and EPCI staff
    lecture: frozenset[int] = field(default_factory=frozenset)  # EPCI ids: landlords, reservation holders

    @property
    def epcis(self) -> frozenset[int]:
        return self.gestion | self.lecture

    @property
    def aucun(self) -> bool:
        return not (self.admin or self.gestion or self.lecture)


def acces_for(user) -> AccesDemandes:
    """Derived from the user's memberships in force (``cil.permissions.scope_for``, read once per request)."""
    scope = scope_for(user)
    if scope.anonyme:
        return AccesDemandes()
    gestion, lecture = set(), set()
    for role, epci_id in scope.roles_par_epci:
        if role in (Role.AGENT_ACCUEIL, Role.EPCI):
            gestion.add(epci_id)
        elif role in (Role.BAILLEUR, Role.RESERVATAIRE):
            lecture.add(epci_id)
    return AccesDemandes(admin=scope.admin, gestion=frozenset(gestion), lecture=frozenset(lecture - gestion))


def demandes_for_user(user, queryset: QuerySet | None = None) -> QuerySet:
    from .models import Demande

    qs = queryset if queryset is not None else Demande.objects.all()
    acces = acces_for(user)
    if acces.admin:
        return qs
    if not acces.epcis:
        return qs.none()
    return qs.filter(epci_id__in=sorted(acces.epcis))


def can_view(user, demande) -> bool:
    acces = acces_for(user)
    return acces.admin or demande.epci_id in acces.epcis


def can_edit(user, demande) -> bool:
    """Register, complete, qualify, renew, radiate: reception agents and EPCI staff of the territory."""
    acces = acces_for(user)
    return acces.admin or demande.epci_id in acces.gestion


def can_register(user, guichet) -> bool:
    """Register a new demand at a reception point: its agents (if it registers demands) or EPCI staff."""
    if not guichet.enregistreur:
        return False
    scope = scope_for(user)
    return scope.admin or guichet.pk in scope.guichets or guichet.epci_id in scope.epci_staff


def can_see_sensitive(user, demande) -> bool:
    """Who sees the detail of a sensitive situation (docs/droit/regles.md, platform decision 12): the one decision.

    Only the reception agents of the territory's reception points (which share the demand's handling) and
    the EPCI staff of the demand's territory. The commission for specific cases (relogement) works through
    its secretariat, the EPCI staff of the territory, who are covered here. Everyone else, platform
    administrators and superusers included, reads the masked labels of ``sensibles.py`` on every channel.
    What is sensitive is data (``ElementSensible``), read by ``sensibles.definition``.
    """
    return demande.epci_id in acces_for(user).gestion


def guichets_enregistreurs_for_user(user):
    from cil.models import Guichet

    scope = scope_for(user)
    qs = Guichet.objects.filter(enregistreur=True).select_related("commune", "epci")
    if scope.admin:
        return qs
    return qs.filter(Q(pk__in=scope.guichets) | Q(epci_id__in=scope.epci_staff))


def guichets_for_user(user):
    """Reception points whose activity the user may see and record."""
    from cil.models import Guichet

    scope = scope_for(user)
    qs = Guichet.objects.select_related("commune")
    if scope.admin:
        return qs
    return qs.filter(Q(pk__in=scope.guichets) | Q(epci_id__in=scope.epci_staff))


# --- Scoring grids ------------------------------------------------------------------------------


def can_manage_grilles(user, epci_id: int) -> bool:
    """Draft, edit, simulate and adopt the territory's scoring grids: its EPCI staff (and platform admins)."""
    scope = scope_for(user)
    return scope.admin or epci_id in scope.epci_staff


def can_view_grille(user, grille) -> bool:
    """Everyone with access to the territory's demands reads its adopted and archived grids; drafts are the
    EPCI staff's work in progress."""
    if grille.statut == "BROUILLON":
        return can_manage_grilles(user, grille.epci_id)
    acces = acces_for(user)
    return acces.admin or grille.epci_id in acces.epcis


# --- GDPR -----------------------------------------------------------------------------------------


def can_export_personal_data(user, demande) -> bool:
    """The access export (GDPR art. 15): the territory's EPCI staff and data protection officer.

    Reception agents send the applicant's request to them; landlords, reservation holders and platform
    administrators do not answer it (it holds sensitive situations and the read log)."""
    scope = scope_for(user)
    return demande.epci_id in scope.epci_staff or demande.epci_id in scope.dpo


def can_export_national(user, demande) -> bool:
    """The demand as a file of the national format (SNE, sne app): the territory's EPCI staff, and platform
    administrators (the operators of the exchange with the national system)."""
    scope = scope_for(user)
    return scope.admin or demande.epci_id in scope.epci_staff


def dpo_epcis(user) -> frozenset[int]:
    """Territories whose read log the user may read (their data protection officer)."""
    return scope_for(user).dpo
