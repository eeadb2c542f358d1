"""Pages of the exchange bourse: the matches and exchanges, an offer, an exchange and the landlords' answers.

Thin views: parse a form, check a permission, call one service or selector, render. GET never writes (except
the read log of the demands an exchange page shows).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cil.models import Bailleur, Commune, Epci
from cil.permissions import scope_for
from core.db import ordre_fr
from core.navigation import rubrique
from demandes.models import JournalConsultation
from demandes.permissions import acces_for, demandes_for_user
from demandes.services_rgpd import enregistrer_consultation_demandes

from ..models import Echange, OffreEchange, ParticipationEchange
from . import selectors, services
from .forms import MotifForm, OffreForm, ReponseForm
from .permissions import (
    can_answer,
    can_cancel,
    can_offer,
    can_propose,
    can_view_echange,
    echanges_for_user,
    offres_for_user,
)
from .regles import LIBELLES_ACTIONS_ECHANGE

LIMITE = 200


def _territoires(user) -> list[Epci]:
    """The territories whose bourse the user reads (the EPCI staff's and reception agents' whole territory,
    the landlords' territories for the matches of their own dwellings)."""
    scope = scope_for(user)
    qs = Epci.objects.order_by("nom")
    if scope.admin:
        return list(qs.filter(offres_echange__isnull=False).distinct())
    return list(qs.filter(pk__in=scope.epci_staff | acces_for(user).gestion | _epcis_bailleurs(scope)))


def _epcis_bailleurs(scope) -> frozenset[int]:
    return scope.epci_tous if scope.bailleurs else frozenset()


def _participations():
    return Prefetch(
        "participations",
        queryset=ParticipationEchange.objects.select_related(
            "offre__demande", "offre__bailleur", "offre__commune", "offre__logement"
        ).order_by("rang"),
    )


@login_required
@rubrique("attributions:echanges")
def bourse(request):
    user = request.user
    scope = scope_for(user)
    territoires = []
    for epci in _territoires(user):
        tout_voir = scope.admin or epci.pk in scope.epci_staff or epci.pk in acces_for(user).gestion
        matches = selectors.appariements(epci.pk, bailleurs=None if tout_voir else scope.bailleurs)
        territoires.append(
            {
                "epci": epci,
                "appariements": [
                    {"m": m, "peut_proposer": can_propose(user, epci.pk, m.bailleurs_ids)} for m in matches
                ],
            }
        )
    echanges = list(
        echanges_for_user(user, Echange.objects.all())
        .select_related("epci")
        .prefetch_related(_participations())
        .order_by("-proposee_le", "-pk")[:LIMITE]
    )
    offres = list(
        offres_for_user(user, OffreEchange.objects.filter(statut=OffreEchange.Statut.ACTIVE))
        .select_related("demande", "bailleur", "commune", "logement")
        .order_by("-creee_le", "-pk")[:LIMITE]
    )
    return render(
        request,
        "attributions/echanges/bourse.html",
        {
            "territoires": territoires,
            "echanges": echanges,
            "offres": offres,
            "limite": LIMITE,
            "peut_deposer": bool(scope.admin or scope.bailleurs or acces_for(user).gestion),
        },
    )


@login_required
@rubrique("attributions:echanges")
def offre_nouvelle(request):
    user = request.user
    scope = scope_for(user)
    epcis = list(_territoires(user)) if not scope.admin else list(Epci.objects.all())
    bailleurs = Bailleur.objects.filter(epcis__in=epcis).distinct().order_by(ordre_fr("nom"))
    communes = Commune.objects.filter(epci__in=epcis).order_by(ordre_fr("nom"))
    form = OffreForm(request.POST or None, bailleurs=bailleurs, communes=communes)
    if request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        demande = demandes_for_user(user).filter(numero_unique=donnees["numero"].strip()).first()
        if demande is None:
            form.add_error("numero", "Aucune demande de ce numéro sur vos territoires.")
        else:
            bailleur = donnees["bailleur"] or demande.bailleur_actuel
            if not can_offer(user, demande, bailleur):
                raise PermissionDenied("Vous ne pouvez pas déposer d'offre pour cette demande.")
            offre = services.deposer_offre(
                demande=demande,
                acteur=user,
                identifiant=donnees["identifiant"],
                bailleur=donnees["bailleur"],
                commune=donnees["commune"],
                typologie=donnees["typologie"],
                loyer=donnees["loyer"],
                adresse=donnees["adresse"],
                etage=donnees["etage"],
                ascenseur=donnees["ascenseur"],
                accessible_pmr=donnees["accessible_pmr"],
                commentaire=donnees["commentaire"],
            )
            messages.success(request, f"Offre n° {offre.pk} déposée dans la bourse d'échange.")
            return redirect("attributions:echanges")
    return render(request, "attributions/echanges/offre_nouvelle.html", {"form": form})


@login_required
@require_POST
@rubrique("attributions:echanges")
def proposer(request):
    user = request.user
    try:
        ids = [int(x) for x in request.POST.get("offres", "").split(",") if x.strip()]
    except ValueError:
        raise Http404("Offres inconnues.") from None
    if not ids or not all(0 < i < 2**31 for i in ids):
        raise Http404("Offres inconnues.")
    offres = {o.pk: o for o in OffreEchange.objects.filter(pk__in=ids)}
    if len(offres) != len(ids):
        raise Http404("Offres inconnues.")
    epcis = {o.epci_id for o in offres.values()}
    scope = scope_for(user)
    if not scope.admin and not epcis <= set(scope.epci_tous):
        raise Http404("Offres inconnues.")
    if len(epcis) == 1 and not can_propose(user, next(iter(epcis)), {o.bailleur_id for o in offres.values()}):
        raise PermissionDenied("Vous ne pouvez proposer qu'un échange qui concerne un logement de votre organisme.")
    echange = services.proposer_echange(offres=[offres[i] for i in ids], acteur=user)
    messages.success(request, f"Échange n° {echange.pk} proposé aux bailleurs des logements.")
    return redirect("attributions:echange", pk=echange.pk)


def _echange_visible(request, pk):
    echange = get_object_or_404(Echange.objects.select_related("epci").prefetch_related(_participations()), pk=pk)
    participations = list(echange.participations.all())
    bailleurs = {p.offre.bailleur_id for p in participations}
    if not can_view_echange(request.user, echange, bailleurs):
        raise Http404("Échange introuvable.")
    return echange, participations, bailleurs


@login_required
@rubrique("attributions:echanges")
def echange(request, pk):
    echange, participations, bailleurs = _echange_visible(request, pk)
    user = request.user
    par_offre = {p.offre_id: p for p in participations}
    lignes = [
        {
            "p": p,
            "recoit": par_offre[p.recoit_id].offre,
            "peut_repondre": echange.statut == Echange.Statut.PROPOSE and not p.reponse and can_answer(user, p),
            "form": ReponseForm(prefix=f"p{p.pk}"),
        }
        for p in participations
    ]
    vacances = [p.vacance_id for p in participations if p.vacance_id]
    enregistrer_consultation_demandes(
        utilisateur=user,
        objet=JournalConsultation.Objet.DEMANDE,
        canal=JournalConsultation.Canal.PAGE,
        demandes=[p.offre.demande for p in participations],
        detail=f"échange de logements n° {echange.pk}",
    )
    return render(
        request,
        "attributions/echanges/echange_detail.html",
        {
            "echange": echange,
            "lignes": lignes,
            "journal": [
                {
                    "t": t,
                    "etape": LIBELLES_ACTIONS_ECHANGE.get(t.action, t.action).capitalize(),
                    "par": (t.acteur.get_full_name() or t.acteur.username) if t.acteur else "–",
                }
                for t in echange.transitions.select_related("acteur").order_by("date", "pk")
            ],
            "vacances": vacances,
            "peut_annuler": echange.statut == Echange.Statut.PROPOSE and can_cancel(user, echange, bailleurs),
            "form_annuler": MotifForm(),
        },
    )


@login_required
@require_POST
@rubrique("attributions:echanges")
def repondre(request, pk, participation):
    echange, participations, _ = _echange_visible(request, pk)
    p = next((x for x in participations if x.pk == participation), None)
    if p is None:
        raise Http404("Ce logement ne fait pas partie de cet échange.")
    if not can_answer(request.user, p):
        raise PermissionDenied("Seul le bailleur du logement peut répondre pour lui.")
    form = ReponseForm(request.POST, prefix=f"p{p.pk}")
    if not form.is_valid():
        raise services.EchangeRefuse("Réponse du bailleur : choisissez d'accepter ou de refuser l'échange.")
    accepte = form.cleaned_data["reponse"] == "ACCEPTE"
    echange = services.repondre(
        participation=p,
        accepte=accepte,
        motif=form.cleaned_data["motif"],
        identifiant_logement=form.cleaned_data["identifiant_logement"],
        acteur=request.user,
    )
    if echange.statut == Echange.Statut.TRANSMIS:
        messages.success(request, "Tous les bailleurs ont accepté : les logements sont présentés en commission.")
    else:
        messages.success(request, "Réponse enregistrée." if accepte else "Échange refusé.")
    return redirect("attributions:echange", pk=echange.pk)


@login_required
@require_POST
@rubrique("attributions:echanges")
def annuler(request, pk):
    echange, _, bailleurs = _echange_visible(request, pk)
    if not can_cancel(request.user, echange, bailleurs):
        raise PermissionDenied("Vous ne pouvez pas annuler cet échange.")
    services.annuler_echange(echange=echange, motif=request.POST.get("motif", ""), acteur=request.user)
    messages.success(request, "Échange annulé.")
    return redirect("attributions:echange", pk=echange.pk)
