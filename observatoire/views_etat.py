"""The State's per-EPCI table (observatoire.etat): the page, its CSV/XLSX export and the list behind each figure."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from attributions import exports as exports_decisions
from attributions.models import DecisionCaleol
from attributions.rules import RegleError
from attributions.selectors import ObjectifsIndisponibles
from cil.models import Epci
from cil.permissions import scope_for
from core import parametres
from core.navigation import rubrique

from . import etat
from .exports_etat import classeur_etat, lignes_csv_etat
from .permissions import perimetre_etat


def _epcis_visibles(user):
    scope = scope_for(user)
    if scope.admin:
        return Epci.objects.filter(pk__in=DecisionCaleol.objects.values("epci")).order_by("nom")
    ids = scope.epci_lecture | (scope.epci_tous if scope.bailleurs or scope.reservataires else frozenset())
    return Epci.objects.filter(pk__in=ids).order_by("nom")


def _contexte(request):
    """The territory, year, day and what the user sees of it; 404 for a territory they may not see."""
    visibles = list(_epcis_visibles(request.user))
    siren = request.GET.get("epci")
    epci = next((e for e in visibles if e.siren == siren), None) if siren else (visibles[0] if visibles else None)
    perimetre = perimetre_etat(request.user, epci) if epci is not None else None
    if perimetre is None:
        raise Http404("Territoire inconnu ou hors de votre périmètre.")
    aujourd_hui = timezone.localdate()
    annee = parametres.annee(request.GET, defaut=aujourd_hui.year)
    jour = parametres.date(request.GET, "jour", defaut=etat.jour_par_defaut(annee, aujourd_hui))
    if jour.year != annee:
        raise parametres.ParametreInvalide("jour", f"le jour doit être dans l'année {annee}.")
    return epci, annee, jour, perimetre, visibles


def _tableau(epci, annee, jour, perimetre):
    try:
        return etat.tableau_etat(epci, annee, jour, perimetre)
    except (ObjectifsIndisponibles, RegleError) as exc:
        raise Http404(str(exc)) from None


@login_required
@rubrique("observatoire:etat")
def tableau(request):
    epci, annee, jour, perimetre, visibles = _contexte(request)
    tableau = _tableau(epci, annee, jour, perimetre)
    aujourd_hui = timezone.localdate()
    return render(
        request,
        "observatoire/etat.html",
        {
            "t": tableau,
            "epci": epci,
            "epcis": visibles,
            "annee": annee,
            "jour": jour,
            "annees": list(range(aujourd_hui.year - 4, aujourd_hui.year + 1)),
            "publics": etat.PUBLICS,
            "entier": perimetre.entier,
            "en_cours": jour < dt.date(annee, 12, 31),
            "params": f"epci={epci.siren}&annee={annee}&jour={jour.isoformat()}",
        },
    )


@login_required
@rubrique("observatoire:etat")
def export(request, format: str):
    if format not in ("csv", "xlsx"):
        raise Http404("Format inconnu")
    epci, annee, jour, perimetre, _ = _contexte(request)
    tableau = _tableau(epci, annee, jour, perimetre)
    nom = f"tableau_etat_{epci.siren}_{annee}_au_{jour.isoformat()}"
    from core import exports as core_exports

    if format == "csv":
        entete, lignes = lignes_csv_etat(tableau)
        return core_exports.csv_response(f"{nom}.csv", entete, lignes)
    return core_exports.xlsx_response(f"{nom}.xlsx", classeur_etat(tableau))


def _liste(request):
    epci, annee, jour, perimetre, _ = _contexte(request)
    public = request.GET.get("public", "attributions")
    if public not in etat.PUBLICS:
        raise Http404("Public inconnu")
    inconnue = request.GET.get("situation") == "inconnue"
    if inconnue and public not in etat.INCONNUES:
        raise Http404("Public inconnu")
    en_qpv = request.GET.get("qpv") == "1"
    bailleur = parametres.identifiant(request.GET, "bailleur")
    reservataire = parametres.identifiant(request.GET, "reservataire")
    if not perimetre.entier and not (
        (bailleur is not None and bailleur in perimetre.bailleurs)
        or (reservataire is not None and reservataire in perimetre.reservataires)
    ):
        raise Http404("Liste hors de votre périmètre.")
    try:
        decisions = etat.liste_decisions(
            epci,
            annee,
            jour,
            public,
            en_qpv=en_qpv,
            inconnue=inconnue,
            bailleur=bailleur,
            reservataire=reservataire,
        )
    except ObjectifsIndisponibles as exc:
        raise Http404(str(exc)) from None
    decisions = decisions.select_related("logement", "bailleur", "commune", "qpv", "reservataire").order_by(
        "-date_bail", "numero_unique", "pk"
    )
    titre = etat.PUBLICS[public]
    if inconnue:
        titre += " : situation inconnue"
    elif en_qpv:
        titre += " en QPV"
    titre += f" – {epci.nom}, baux signés du 01/01/{annee} au {jour:%d/%m/%Y}"
    if bailleur is not None or reservataire is not None:
        from cil.models import Bailleur, Reservataire

        organisation = (
            Bailleur.objects.filter(pk=bailleur).first()
            if bailleur is not None
            else Reservataire.objects.filter(pk=reservataire).first()
        )
        if organisation is not None:
            titre += f" – {organisation.nom}"
    return epci, annee, jour, decisions, titre


@login_required
@rubrique("observatoire:etat")
def liste(request):
    epci, annee, jour, decisions, titre = _liste(request)
    page = Paginator(decisions, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "observatoire/etat_liste.html",
        {
            "epci": epci,
            "annee": annee,
            "jour": jour,
            "page": page,
            "titre": titre,
            "params": params.urlencode(),
        },
    )


@login_required
@rubrique("observatoire:etat")
def liste_export(request, format: str):
    epci, annee, jour, decisions, titre = _liste(request)
    nom = f"tableau_etat_{epci.siren}_{annee}_decisions"
    if format == "csv":
        return exports_decisions.to_csv(f"{nom}.csv", decisions.iterator(chunk_size=2000))
    if format == "xlsx":
        return exports_decisions.to_xlsx(f"{nom}.xlsx", decisions.iterator(chunk_size=2000), titre=titre)
    raise Http404("Format inconnu")
