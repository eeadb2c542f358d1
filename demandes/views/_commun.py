"""What the desk's pages share: the demand the user may see or edit, the access check, the error message."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.erreurs import texte_du_refus

from .. import permissions
from ..models import (
    Demande,
)


def _demande_visible(request, pk) -> Demande:
    demande = get_object_or_404(Demande.objects.select_related("epci", "guichet", "guichet__commune"), pk=pk)
    if not permissions.can_view(request.user, demande):
        raise Http404("Demande introuvable.")  # do not reveal that it exists
    return demande


def _demande_modifiable(request, pk) -> Demande:
    demande = _demande_visible(request, pk)
    if not permissions.can_edit(request.user, demande):
        raise PermissionDenied("Vous pouvez consulter cette demande mais pas la modifier.")
    return demande


def _acces_demandes(request):
    acces = permissions.acces_for(request.user)
    if acces.aucun:
        raise PermissionDenied("Votre rôle ne donne pas accès aux demandes de logement social.")
    return acces


def _erreur_domaine(request, exc: Exception) -> None:
    messages.error(request, texte_du_refus(exc))
