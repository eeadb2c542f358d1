"""Who sees and changes what in the conference, from ``cil.permissions.scope_for``.

- administrators: everything;
- EPCI staff of the territory (the CIL's secretariat): every instance, member, meeting, document and deliberation
  of the territory; they alone create and change them (convene, record attendance, votes and minutes);
- CIL members of the territory: read-only, the instances open to members (``Instance.ouverte_aux_membres``) with
  their meetings, agenda, documents, results and deliberations; never the members' e-mail addresses nor the
  journal;
- everybody else, and every other territory: nothing.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cil.permissions import scope_for


def _connecte(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _condition_instance(user, prefix: str = "") -> Q | None:
    """The instances ``user`` reads, as a condition on ``<prefix>``; None for an administrator (everything)."""
    scope = scope_for(user)
    if scope.admin:
        return None
    if not _connecte(user):
        return Q(pk__in=[])
    membres = scope.epci_lecture - scope.epci_staff
    return Q(**{f"{prefix}epci__in": scope.epci_staff}) | Q(
        **{f"{prefix}epci__in": membres, f"{prefix}ouverte_aux_membres": True}
    )


def _filtre(user, qs: QuerySet, prefix: str) -> QuerySet:
    condition = _condition_instance(user, prefix)
    return qs if condition is None else qs.filter(condition)


def instances_for_user(user, queryset: QuerySet | None = None) -> QuerySet:
    from .models import Instance

    return _filtre(user, queryset if queryset is not None else Instance.objects.all(), "")


def seances_for_user(user, queryset: QuerySet | None = None) -> QuerySet:
    from .models import Seance

    return _filtre(user, queryset if queryset is not None else Seance.objects.all(), "instance__")


def deliberations_for_user(user, queryset: QuerySet | None = None) -> QuerySet:
    from .models import Deliberation

    return _filtre(user, queryset if queryset is not None else Deliberation.objects.all(), "point__seance__instance__")


def epcis_conference(user) -> QuerySet:
    """Territories whose conference pages the user may open (staff or CIL member there)."""
    from cil.models import Epci

    scope = scope_for(user)
    if scope.admin:
        # the territories that have a conference, and their own (where they create the first instance)
        return Epci.objects.filter(Q(instances_cil__isnull=False) | Q(pk__in=scope.epci_tous)).distinct()
    return Epci.objects.filter(pk__in=scope.epci_lecture)


def can_manage(user, epci) -> bool:
    """Create and change the territory's instances, members, meetings, attendance, votes and minutes."""
    scope = scope_for(user)
    return epci is not None and (scope.admin or epci.pk in scope.epci_staff)


def can_view_instance(user, instance) -> bool:
    return instances_for_user(user).filter(pk=instance.pk).exists()


def can_view_seance(user, seance) -> bool:
    return can_manage(user, seance.instance.epci) or can_view_instance(user, seance.instance)
