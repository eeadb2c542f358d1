"""Search of the demands and the CSV export of the results."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import exports, exports_differes, parametres
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


ENTETE_EXPORT = [
    "numero_unique",
    "nom",
    "prenom",
    "date_naissance",
    "statut",
    "date_depot",
    "dernier_renouvellement",
    "guichet",
]
MAX_LIGNES_EXPORT = 10000  # the search's export: its first 10,000 demands in the page's order


def _demandes_exportees(requete):
    """The demands of the search (the page's filters, scoped like the page): never any sensitive situation."""
    _acces_demandes(requete)
    filtre = DemandeFilter(requete.GET, queryset=Demande.objects.for_user(requete.user).select_related("guichet"))
    parametres.filtres_valides(filtre)
    return filtre.qs


def _exportees(demandes):
    """The demands the export holds: the search's first ``MAX_LIGNES_EXPORT`` in the page's order."""
    return demandes.order_by("nom_norm", "prenom_norm", "id")[:MAX_LIGNES_EXPORT]


def _lignes_export(demandes):
    for d in _exportees(demandes).iterator(chunk_size=1000):
        yield [
            d.numero_unique,
            d.nom,
            d.prenom,
            d.date_naissance,
            d.get_statut_display(),
            d.date_depot,
            d.date_dernier_renouvellement,
            d.guichet.nom,
        ]


@login_required
@require_GET
def export_csv(request):
    """The search results as CSV, scoped like the page; above ``settings.EXPORT_DIRECT_MAX_LIGNES`` rows written
    by the worker (``core.exports_differes``, producer ``production_export``). The read log is written here."""
    demandes = _demandes_exportees(request)
    enregistrer_consultation_liste(
        utilisateur=request.user,
        objet=JournalConsultation.Objet.EXPORT,
        canal=JournalConsultation.Canal.EXPORT,
        demandes=Demande.objects.filter(pk__in=_exportees(demandes).values("pk")),  # what the file holds
        detail=f"Export CSV des demandes ({request.GET.urlencode()[:200]})",
    )
    differe = exports_differes.differer_au_dela_du_seuil(
        request,
        "demandes.recherche",
        dict(request.GET.lists()),
        total=lambda: min(demandes.count(), MAX_LIGNES_EXPORT),
        titre="Demandes de logement social (recherche)",
        nom_fichier="demandes.csv",
    )
    if differe is not None:
        return differe
    return exports.csv_response("demandes.csv", ENTETE_EXPORT, _lignes_export(demandes))


def production_export(utilisateur, parametres: dict) -> exports_differes.Production:
    """The search's export as a deferred file: the page's scoping and filters for the user who asked, when the
    worker writes the file (the read log was written at the request)."""
    demandes = _demandes_exportees(exports_differes.requete_de(utilisateur, parametres))
    return exports_differes.Production(
        titre="Demandes de logement social (recherche)",
        colonnes=ENTETE_EXPORT,
        total=min(demandes.count(), MAX_LIGNES_EXPORT),
        lignes=_lignes_export(demandes),
        feuille="Demandes",
    )
