"""What the desk's pages share: the demand the user may see or edit, the access check, the error message."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_GET, require_POST

from cil.models import Guichet
from core import exports, parametres
from core.db import ordre_fr
from core.navigation import rubrique

from . import forms, permissions, rules, selectors, sensibles, services
from .filters import DemandeFilter
from .models import (
    Contact,
    CriterePriorite,
    Demande,
    Evenement,
    JournalConsultation,
    MembreMenage,
    PieceJustificative,
    RendezVous,
    Ressource,
)
from .rules import ConflitDeVersion, DomainError
from .services_rgpd import (
    enregistrer_consultation,
    enregistrer_consultation_demandes,
    enregistrer_consultation_liste,
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
    messages.error(request, str(exc) if isinstance(exc, DomainError) else " ".join(exc.messages))
