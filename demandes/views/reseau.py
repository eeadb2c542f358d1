"""Scheduled jobs (what the next run would do, renewal letters) and the reception network's activity."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core import exports
from core.db import jours_locaux, ordre_fr
from core.navigation import rubrique

from .. import permissions, selectors, services
from ..models import (
    Contact,
    Evenement,
    JournalConsultation,
    RendezVous,
)
from ..services_rgpd import (
    enregistrer_consultation_demandes,
)
from ._commun import _acces_demandes

# --- Scheduled jobs and reception network -------------------------------------------------------


LIGNES_TRAITEMENTS = 200  # per list of the scheduled jobs' page; the counts cover every demand


def _epcis_gestion(request) -> list[int]:
    acces = _acces_demandes(request)
    if acces.admin:
        from cil.models import Guichet

        # the territories run on the platform (they have a reception point), not the 1,200 EPCIs of France
        return sorted(set(Guichet.objects.values_list("epci_id", flat=True)))
    if not acces.gestion:
        raise PermissionDenied("Réservé aux guichets et à l'EPCI.")
    return sorted(acces.gestion)


@login_required
@require_GET
def traitements(request):
    """What the next run of the scheduled jobs would do (read-only)."""
    epcis = _epcis_gestion(request)
    today = timezone.localdate()
    rappels = selectors.rappels_a_envoyer(today, epcis)
    radiations = selectors.radiations_a_faire(today, epcis)
    return render(
        request,
        "demandes/traitements.html",
        {
            "today": today,
            "rappels": list(selectors.pour_liste_traitement(rappels)[:LIGNES_TRAITEMENTS]),
            "nb_rappels": rappels.count(),
            "radiations": list(selectors.pour_liste_traitement(radiations)[:LIGNES_TRAITEMENTS]),
            "nb_radiations": radiations.count(),
            "courriers": _courriers_recents(epcis, today).count(),
        },
    )


def _courriers_recents(epcis, today):
    # a bound on the column itself (not on its local date): the (type, date) index answers the range
    return (
        Evenement.objects.filter(
            jours_locaux("date", today - dt.timedelta(days=31), today),
            demande__epci_id__in=epcis,
            type=Evenement.Type.RAPPEL_RENOUVELLEMENT,
        )
        .filter(detail__icontains="COURRIER")
        .select_related("demande", "demande__guichet")
        .order_by("demande__nom_norm")
    )


@login_required
@require_GET
def courriers_rappel_pdf(request):
    epcis = _epcis_gestion(request)
    from ..pdf import lettres_rappel

    evenements = list(_courriers_recents(epcis, timezone.localdate()))
    enregistrer_consultation_demandes(
        utilisateur=request.user,
        objet=JournalConsultation.Objet.DEMANDE,
        canal=JournalConsultation.Canal.PDF,
        demandes=[e.demande for e in evenements],
        detail="Avis de renouvellement",
    )
    response = HttpResponse(lettres_rappel(evenements), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="avis-de-renouvellement.pdf"'
    return response


@login_required
@require_GET
@rubrique("demandes:reseau")
def reseau(request):
    epcis = _epcis_gestion(request)
    today = timezone.localdate()
    guichets = list(permissions.guichets_for_user(request.user).order_by(ordre_fr("nom")))
    noms = {g.pk: g.nom for g in guichets}
    activite = selectors.activite_guichets(list(noms), selectors.premier_mois_d_activite(today), today)
    for ligne in activite:
        ligne["guichet"] = noms.get(ligne["guichet_id"], "")
    if request.GET.get("format") == "csv":
        return exports.csv_response(
            "activite-guichets.csv",
            ["mois", "guichet", "visites", "appels", "enregistrements", "entretiens"],
            (
                [
                    ligne["mois"].strftime("%Y-%m"),
                    ligne["guichet"],
                    ligne["visites"],
                    ligne["appels"],
                    ligne["enregistrements"],
                    ligne["entretiens"],
                ]
                for ligne in activite
            ),
        )
    # one row more than shown tells whether the list goes on, without counting the whole territory
    en_retard = selectors.entretiens_en_retard(today, epcis, limite=LIGNES_TRAITEMENTS + 1)
    return render(
        request,
        "demandes/reseau.html",
        {
            "guichets": guichets,
            "activite": activite,
            "en_retard": en_retard[:LIGNES_TRAITEMENTS],
            "en_retard_suite": len(en_retard) > LIGNES_TRAITEMENTS,
            "delai": selectors.delais_pour(epcis[0] if epcis else None, today).delai_max_entretien_jours,
            "a_venir": RendezVous.objects.filter(
                guichet__in=guichets, statut=RendezVous.Statut.PREVU, debut__date__gte=today
            )
            .select_related("demande", "guichet")
            .only("debut", "objet", "demande", "demande__prenom", "demande__nom", "guichet", "guichet__nom")
            .order_by("debut")[:50],
        },
    )


@login_required
@require_POST
def contact_ajouter(request, guichet_pk):
    guichet = get_object_or_404(permissions.guichets_for_user(request.user), pk=guichet_pk)
    canal = request.POST.get("canal", "")
    services.compter_contact(guichet, canal, acteur=request.user)  # an unknown channel: a 400 with the message
    today = timezone.localdate()
    n = Contact.objects.filter(guichet=guichet, canal=canal, date__date=today).count()
    if request.htmx:
        return render(request, "demandes/_compteur.html", {"guichet": guichet, "canal": canal, "n": n})
    messages.success(request, "Contact compté.")
    return redirect("demandes:reseau")
