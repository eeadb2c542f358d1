"""Who sees and changes what in the relocation app.

- administrators: everything;
- EPCI staff of the territory: every operation, household and referral of the territory, survey answers and
  social diagnoses included; they create operations and households and name the relocation officers;
- partners of an operation (staff of a partner landlord or reservation holder): the operation and its
  households, never the survey answers nor the social diagnoses (also absent from their exports and API);
- the relocation officer (``referent``): their households (and the operation they belong to), survey answers
  included; they record the survey, offers, refusals, relocations and the follow-up;
- everybody else: nothing.

The commission for specific or blocked cases takes any demand, not only households to relocate: EPCI staff see
every referral of the territory; the person who referred a case sees it; partners and referents see the
referrals about the households they see; reception agents of the territory see the referrals about demands
(they manage the demands, and follow the outcome). Reception agents, landlords, reservation holders (and the
relocation officers) of the territory refer; only EPCI staff record sessions and decisions.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cil.permissions import scope_for
from core.roles import Role


def _connecte(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _q_partenaire(scope, prefix: str = "") -> Q:
    condition = Q(pk__in=[])
    if scope.bailleurs:
        condition |= Q(**{f"{prefix}bailleurs__in": scope.bailleurs})
    if scope.reservataires:
        condition |= Q(**{f"{prefix}reservataires__in": scope.reservataires})
    return condition


def operations_for_user(user, queryset: QuerySet | None = None) -> QuerySet:
    from .models import Operation

    qs = queryset if queryset is not None else Operation.objects.all()
    scope = scope_for(user)
    if scope.admin:
        return qs
    if not _connecte(user):
        return qs.none()
    condition = Q(epci__in=scope.epci_staff) | _q_partenaire(scope) | Q(menages__referent=user)
    ids = Operation.objects.filter(condition).values("pk")
    return qs.filter(pk__in=ids)


def menages_for_user(user, queryset: QuerySet | None = None) -> QuerySet:
    from .models import MenageAReloger, Operation

    qs = queryset if queryset is not None else MenageAReloger.objects.all()
    scope = scope_for(user)
    if scope.admin:
        return qs
    if not _connecte(user):
        return qs.none()
    partenaires = Operation.objects.filter(_q_partenaire(scope)).values("pk")
    return qs.filter(Q(operation__epci__in=scope.epci_staff) | Q(operation__in=partenaires) | Q(referent=user))


def saisines_for_user(user, queryset: QuerySet | None = None) -> QuerySet:
    from .models import Saisine

    qs = queryset if queryset is not None else Saisine.objects.all()
    scope = scope_for(user)
    if scope.admin:
        return qs
    if not _connecte(user):
        return qs.none()
    menages = menages_for_user(user).values("pk")
    guichets = scope_guichets(user)
    return qs.filter(
        Q(epci__in=scope.epci_staff)
        | Q(saisi_par=user)
        | Q(menage__in=menages)
        | Q(demande__isnull=False, epci__in=guichets)
    )


def scope_guichets(user) -> frozenset[int]:
    """Territories whose demands the user manages (reception agents, EPCI staff): they follow the referrals
    about those demands."""
    from demandes.permissions import acces_for

    return acces_for(user).gestion


def can_manage_operation(user, epci) -> bool:
    """Create an operation on a territory, add households, name or change the relocation officer."""
    scope = scope_for(user)
    return scope.admin or epci.pk in scope.epci_staff


def can_view_operation(user, operation) -> bool:
    return operations_for_user(user).filter(pk=operation.pk).exists()


def voit_toute_l_operation(user, operation) -> bool:
    """EPCI staff, admins and partners see every household of the operation; a referent only theirs."""
    scope = scope_for(user)
    if scope.admin or operation.epci_id in scope.epci_staff:
        return True
    return operation.__class__.objects.filter(pk=operation.pk).filter(_q_partenaire(scope)).exists()


def can_view_menage(user, menage) -> bool:
    return menages_for_user(user).filter(pk=menage.pk).exists()


def can_edit_menage(user, menage) -> bool:
    """Record the survey, wishes, offers, answers, relocations and follow-up: the officer or EPCI staff."""
    scope = scope_for(user)
    if not _connecte(user):
        return False
    return scope.admin or menage.operation.epci_id in scope.epci_staff or menage.referent_id == user.pk


def can_see_sensitive(user, menage) -> bool:
    """Survey answers: only the relocation officer, the EPCI staff of the territory and administrators."""
    return can_edit_menage(user, menage)


def can_view_saisine(user, saisine) -> bool:
    return saisines_for_user(user).filter(pk=saisine.pk).exists()


def can_refer(user, epci) -> bool:
    """Refer a case to the commission: EPCI staff, partner staff and relocation officers of the territory."""
    scope = scope_for(user)
    if scope.admin or epci.pk in scope.epci_staff:
        return True
    from .models import MenageAReloger

    return epci.pk in scope.epci_tous or MenageAReloger.objects.filter(referent=user, operation__epci=epci).exists()


def can_manage_commission(user, epci) -> bool:
    """Hold sessions, record agendas, minutes, diagnoses and decisions: the commission's secretariat (EPCI)."""
    scope = scope_for(user)
    return scope.admin or epci.pk in scope.epci_staff


def can_see_diagnostic(user, saisine) -> bool:
    """The social diagnosis: EPCI staff, admins, the person who referred and the household's officer."""
    scope = scope_for(user)
    if not _connecte(user):
        return False
    if scope.admin or saisine.epci_id in scope.epci_staff or saisine.saisi_par_id == user.pk:
        return True
    return saisine.menage_id is not None and saisine.menage.referent_id == user.pk


def epcis_relogement(user):
    """Territories whose commission pages the user may open."""
    from cil.models import Epci

    scope = scope_for(user)
    if scope.admin:
        return Epci.objects.filter(
            Q(operations_relogement__isnull=False) | Q(saisines_cas_specifiques__isnull=False)
        ).distinct()
    return Epci.objects.filter(Q(pk__in=scope.epci_tous) | Q(operations_relogement__menages__referent=user)).distinct()


def ouvre_la_commission(user) -> bool:
    """The commission for specific or blocked cases (menu and page): those who open the relocation sections, and
    reception agents, who flag blocked situations of any demand and follow them."""
    scope = scope_for(user)
    return str(Role.AGENT_ACCUEIL) in scope.roles or ouvre_le_relogement(user)


def ouvre_le_relogement(user) -> bool:
    """The relocation sections (menu and pages, core.navigation): EPCI staff, landlords and reservation holders,
    and anyone designated referent of a household (an outside social operator may have no membership)."""
    from .models import MenageAReloger

    scope = scope_for(user)
    if scope.admin or scope.roles & {str(Role.EPCI), str(Role.BAILLEUR), str(Role.RESERVATAIRE)}:
        return True
    if not _connecte(user):
        return False
    cached = getattr(user, "_ouvre_le_relogement", None)  # once per request: the menu asks for two sections
    if cached is None:
        cached = user._ouvre_le_relogement = MenageAReloger.objects.filter(referent=user).exists()
    return cached
