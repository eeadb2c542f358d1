"""Pages of the observatory: the yearly balance sheets (list and request, download, immediate PDF, table
exports) and the maps of a territory."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from attributions.selectors import ObjectifsIndisponibles
from cil.models import Epci
from cil.permissions import scope_for
from core import exports as core_exports
from core import parametres
from core.navigation import rubrique

from . import cartes as cartes_observatoire
from . import exports, pdf, selectors, services
from .forms import DemandeBilanForm
from .models import BilanAnnuel, Indicateur
from .permissions import can_view_bilan, kinds_for_user

TYPES_CONTENU = {
    "pdf": "application/pdf",
    "xlsx": core_exports.XLSX_CONTENT_TYPE,
    "csv": core_exports.CSV_CONTENT_TYPE,
}


def _parametres_initiaux(request) -> dict:
    initial = {}
    for cle in ("kind", "epci", "annee", "bailleur", "reservataire"):
        if request.GET.get(cle):
            initial[cle] = request.GET[cle]
    return initial


@login_required
@rubrique("observatoire:bilans")
def bilans(request):
    kinds = kinds_for_user(request.user)
    form = DemandeBilanForm(user=request.user, initial=_parametres_initiaux(request)) if kinds else None
    qs = BilanAnnuel.objects.for_user(request.user).select_related("epci", "bailleur", "reservataire", "demande_par")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "observatoire/bilans.html",
        {"form": form, "page": page, "en_cours": any(b.statut == BilanAnnuel.Statut.EN_COURS for b in page)},
    )


@login_required
@require_POST
def demander(request):
    form = DemandeBilanForm(request.POST, user=request.user)
    if not form.is_valid():
        qs = BilanAnnuel.objects.for_user(request.user).select_related(
            "epci", "bailleur", "reservataire", "demande_par"
        )
        page = Paginator(qs, 30).get_page(1)
        return render(request, "observatoire/bilans.html", {"form": form, "page": page, "en_cours": False}, status=400)
    data = form.cleaned_data
    bilan = services.demander_bilan(
        kind=data["kind"],
        epci=data["epci"],
        annee=data["annee"],
        bailleur=data["bailleur"],
        reservataire=data["reservataire"],
        acteur=request.user,
    )
    bilan.refresh_from_db()
    if bilan.statut == BilanAnnuel.Statut.PRET:
        messages.success(request, f"{bilan.titre} : prêt à télécharger.")
    elif bilan.statut == BilanAnnuel.Statut.ECHEC:
        messages.error(request, f"{bilan.titre} : {bilan.erreur}")
    else:
        messages.info(request, f"{bilan.titre} : production en cours, il apparaîtra prêt dans la liste ci-dessous.")
    return redirect("observatoire:bilans")


@login_required
def telecharger(request, pk: int, format: str):
    bilan = get_object_or_404(BilanAnnuel.objects.select_related("epci", "bailleur", "reservataire"), pk=pk)
    if not can_view_bilan(request.user, bilan):
        raise PermissionDenied("Vous n'avez pas accès à ce bilan.")
    champ = {"pdf": bilan.fichier, "xlsx": bilan.fichier_xlsx}.get(format)
    if champ is None:
        raise Http404("Format inconnu")
    if bilan.statut != BilanAnnuel.Statut.PRET or not champ:
        raise Http404("Ce bilan n'est pas disponible.")
    try:
        fichier = champ.open("rb")
    except FileNotFoundError:
        raise Http404("Le fichier de ce bilan est introuvable.") from None
    nom = champ.name.rsplit("/", 1)[-1]
    return FileResponse(fichier, as_attachment=True, filename=nom, content_type=TYPES_CONTENU[format])


def _bilan_a_la_demande(request) -> selectors.Bilan:
    form = DemandeBilanForm(request.GET, user=request.user)
    if not form.is_valid():
        codes = {e.code for erreurs in form.errors.as_data().values() for e in erreurs}
        # A territory, landlord or holder outside the user's choices, or a report they may not read: 403.
        if form.has_error("__all__") or "invalid_choice" in codes or not kinds_for_user(request.user):
            raise PermissionDenied("Vous ne pouvez pas consulter ce bilan.")
        raise BadRequest("Paramètres invalides : " + "; ".join(f"{k} : {' '.join(v)}" for k, v in form.errors.items()))
    data = form.cleaned_data
    try:
        return selectors.bilan(
            data["epci"],
            data["annee"],
            kind=data["kind"],
            bailleur=data["bailleur"],
            reservataire=data["reservataire"],
            auteur=request.user.get_full_name() or request.user.get_username(),
        )
    except ObjectifsIndisponibles as exc:
        raise Http404(str(exc)) from None


def _sans_jeton(request):
    """The request form's GET buttons also send its CSRF token: redirect to the same URL without it,
    so that the token stays out of the address bar and the history."""
    if "csrfmiddlewaretoken" not in request.GET:
        return None
    params = request.GET.copy()
    del params["csrfmiddlewaretoken"]
    return redirect(f"{request.path}?{params.urlencode()}")


@login_required
def apercu(request):
    """The PDF computed now, not stored (on demand from the dashboard)."""
    if reponse := _sans_jeton(request):
        return reponse
    contenu = _bilan_a_la_demande(request)
    response = HttpResponse(pdf.rend_pdf(contenu), content_type=TYPES_CONTENU["pdf"])
    response["Content-Disposition"] = f'inline; filename="{contenu.nom_fichier}.pdf"'
    return response


@login_required
def export(request, format: str):
    """The balance sheet's tables as XLSX (all of them) or CSV (all, or one with ?tableau=code)."""
    if format not in ("csv", "xlsx"):
        raise Http404("Format inconnu")
    if reponse := _sans_jeton(request):
        return reponse
    contenu = _bilan_a_la_demande(request)
    nom = contenu.nom_fichier
    if format == "xlsx":
        return core_exports.xlsx_response(f"{nom}.xlsx", exports.classeur_bilan(contenu))
    code = request.GET.get("tableau")
    if code:
        tableau = next((t for t in contenu.tableaux if t.code == code), None)
        if tableau is None:
            raise Http404("Tableau inconnu")
        return core_exports.csv_text_response(f"{nom}-{code}.csv", exports.csv_tableau(tableau))
    return core_exports.csv_text_response(f"{nom}.csv", exports.csv_bilan(contenu))


def _territoires_lisibles(user):
    """The territories whose maps the user reads: EPCI staff and CIL members (``epci_lecture``); a platform
    administrator, the territories that have members."""
    scope = scope_for(user)
    if scope.admin:
        return Epci.objects.filter(memberships__isnull=False).distinct().order_by("nom")
    return Epci.objects.filter(pk__in=scope.epci_lecture).order_by("nom")


@login_required
@rubrique("observatoire:cartes")
def cartes(request):
    """The territory's maps for a year: demand pressure, median waiting time, objective A rate and dwellings
    freed per commune, QPV and reception points. Another territory (``?epci=`` outside the user's): 404."""
    territoires = list(_territoires_lisibles(request.user))
    siren = request.GET.get("epci")
    epci = (
        next((t for t in territoires if t.siren == siren), None) if siren else (territoires[0] if territoires else None)
    )
    if epci is None:
        raise Http404("Territoire inconnu ou hors de vos territoires.")
    aujourd_hui = timezone.localdate()
    annee = parametres.annee(request.GET, defaut=aujourd_hui.year)
    annees = list(range(aujourd_hui.year, aujourd_hui.year - 6, -1))
    if annee not in annees:
        annees = sorted({*annees, annee}, reverse=True)
    return render(
        request,
        "observatoire/cartes.html",
        {
            "epci": epci,
            "territoires": territoires,
            "annee": annee,
            "annees": annees,
            "carte_pression": cartes_observatoire.carte_indicateur(epci, annee, Indicateur.PRESSION),
            "carte_delai": cartes_observatoire.carte_indicateur(epci, annee, Indicateur.DELAI_MEDIAN),
            "carte_a": cartes_observatoire.carte_objectif_a(epci, annee),
            "carte_liberes": cartes_observatoire.carte_logements_liberes(epci, annee),
            "carte_points": cartes_observatoire.carte_qpv_et_guichets(epci),
        },
    )
