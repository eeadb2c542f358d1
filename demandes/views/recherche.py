"""Search of the demands and the CSV export of the results."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import exports, parametres
from core.navigation import rubrique

from .. import forms, selectors
from ..filters import DemandeFilter
from ..models import (
    Demande,
    JournalConsultation,
)
from ..services_rgpd import (
    enregistrer_consultation_liste,
)
from ._commun import _acces_demandes

# --- Search -----------------------------------------------------------------------------------


# what the result table shows (and the ordering columns): a narrow row is faster to read and decode
COLONNES_RESULTATS = (
    "id",
    "numero_unique",
    "nom",
    "nom_naissance",
    "prenom",
    "nom_norm",
    "prenom_norm",
    "date_naissance",
    "statut",
    "date_depot",
    "guichet__nom",
    "epci",  # the read log counts the results per territory
)


@login_required
@require_GET
@rubrique("demandes:recherche")
def recherche(request):
    acces = _acces_demandes(request)
    form = forms.RechercheForm(request.GET or None)
    resultats, cherche = [], False
    if form.is_valid() and (form.cleaned_data["q"].strip() or form.cleaned_data["date_naissance"]):
        cherche = True
        resultats = selectors.rechercher_page(
            Demande.objects.for_user(request.user).select_related("guichet").only(*COLONNES_RESULTATS),
            form.cleaned_data["q"],
            form.cleaned_data["date_naissance"],
            form.cleaned_data["statut"],
            limite=selectors.LIMITE_RECHERCHE,
        )
        enregistrer_consultation_liste(
            utilisateur=request.user,
            objet=JournalConsultation.Objet.LISTE,
            canal=JournalConsultation.Canal.PAGE,
            demandes=resultats,
            detail="Recherche",
        )
    contexte = {
        "form": form,
        "resultats": resultats,
        "cherche": cherche,
        "limite": selectors.LIMITE_RECHERCHE,
        "peut_enregistrer": bool(acces.gestion) or acces.admin,
        "query_string": request.GET.urlencode(),
    }
    if request.htmx:
        return render(request, "demandes/_resultats.html", contexte)
    return render(request, "demandes/recherche.html", contexte)


@login_required
@require_GET
def export_csv(request):
    """The search results as CSV: never any sensitive situation, scoped like the page."""
    _acces_demandes(request)
    filtre = DemandeFilter(request.GET, queryset=Demande.objects.for_user(request.user).select_related("guichet"))
    parametres.filtres_valides(filtre)
    lignes = filtre.qs.order_by("nom_norm", "prenom_norm", "id")[:10000]
    enregistrer_consultation_liste(
        utilisateur=request.user,
        objet=JournalConsultation.Objet.EXPORT,
        canal=JournalConsultation.Canal.EXPORT,
        demandes=filtre.qs,
        detail=f"Export CSV des demandes ({request.GET.urlencode()[:200]})",
    )

    entete = [
        "numero_unique",
        "nom",
        "prenom",
        "date_naissance",
        "statut",
        "date_depot",
        "dernier_renouvellement",
        "guichet",
    ]
    rows = (
        [
            d.numero_unique,
            d.nom,
            d.prenom,
            d.date_naissance,
            d.get_statut_display(),
            d.date_depot,
            d.date_dernier_renouvellement,
            d.guichet.nom,
        ]
        for d in lignes.iterator(chunk_size=1000)
    )
    return exports.csv_response("demandes.csv", entete, rows)
