"""GDPR pages (docs/droit/regles.md, platform decision 13): the read log for the data protection officer, the access
export (GDPR art. 15). Thin: check the right, call one selector or service, render."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from cil.models import Epci
from core import exports
from core.navigation import rubrique

from .. import permissions
from ..forms import AccessibleMixin, DateInput
from ..models import Demande, JournalConsultation
from ..services_rgpd import archive_acces, enregistrer_consultation


class JournalFiltreForm(AccessibleMixin, forms.Form):
    numero = forms.CharField(label="Numéro unique", required=False, max_length=16)
    utilisateur = forms.CharField(label="Utilisateur (identifiant)", required=False, max_length=150)
    organisation = forms.CharField(label="Organisation", required=False, max_length=200)
    du = forms.DateField(label="Du", required=False, widget=DateInput())
    au = forms.DateField(label="Au", required=False, widget=DateInput())
    territoire = forms.ModelChoiceField(label="Territoire", queryset=Epci.objects.none(), required=False)

    def __init__(self, *args, epcis=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].queryset = Epci.objects.filter(pk__in=sorted(epcis)).order_by("nom")

    def clean(self):
        donnees = super().clean()
        if donnees.get("du") and donnees.get("au") and donnees["du"] > donnees["au"]:
            self.add_error("au", "La date de fin précède la date de début.")
        return donnees


def _journal_filtre(request):
    epcis = permissions.dpo_epcis(request.user)
    if not epcis:
        raise PermissionDenied("Réservé au délégué à la protection des données du territoire.")
    form = JournalFiltreForm(request.GET or None, epcis=epcis)
    qs = JournalConsultation.objects.for_dpo(request.user).select_related("epci")
    if form.is_valid():
        d = form.cleaned_data
        if d["numero"].strip():
            qs = qs.filter(numero_unique=d["numero"].strip())
        if d["utilisateur"].strip():
            qs = qs.filter(identifiant__icontains=d["utilisateur"].strip())
        if d["organisation"].strip():
            qs = qs.filter(organisation__icontains=d["organisation"].strip())
        if d["du"]:
            qs = qs.filter(date__date__gte=d["du"])
        if d["au"]:
            qs = qs.filter(date__date__lte=d["au"])
        if d["territoire"]:
            qs = qs.filter(epci=d["territoire"])
    elif form.is_bound:
        qs = qs.none()
    return form, qs.order_by("-date", "-id")


@login_required
@require_GET
@rubrique("demandes:journal")
def journal(request):
    form, qs = _journal_filtre(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "demandes/rgpd/journal.html",
        {"form": form, "page": page, "query_string": params.urlencode()},
    )


@login_required
@require_GET
def journal_csv(request):
    _form, qs = _journal_filtre(request)
    entete = [
        "date",
        "utilisateur",
        "organisation",
        "territoire",
        "objet",
        "canal",
        "numero_unique",
        "nombre",
        "detail",
    ]
    lignes = (
        [
            ligne.date,
            ligne.identifiant,
            ligne.organisation,
            ligne.epci.nom,
            ligne.get_objet_display(),
            ligne.get_canal_display(),
            ligne.numero_unique,
            ligne.nombre,
            ligne.detail,
        ]
        for ligne in qs.iterator(chunk_size=2000)
    )
    return exports.csv_response("journal-des-consultations.csv", entete, lignes)


def _reponse_acces(request, demande: Demande) -> HttpResponse:
    if not permissions.can_export_personal_data(request.user, demande):
        raise Http404("Demande introuvable.")
    enregistrer_consultation(
        utilisateur=request.user,
        objet=JournalConsultation.Objet.EXPORT_ACCES,
        canal=JournalConsultation.Canal.EXPORT,
        demande=demande,
        detail="Droit d'accès (RGPD, art. 15)",
    )
    reponse = HttpResponse(archive_acces(demande), content_type="application/zip")
    reponse["Content-Disposition"] = f'attachment; filename="acces-{demande.numero_unique}.zip"'
    reponse["Cache-Control"] = "private, no-store"
    return reponse


@login_required
@require_POST
def export_acces(request, pk):
    """POST: the export is recorded in the read log."""
    return _reponse_acces(request, get_object_or_404(Demande, pk=pk))


@login_required
@require_POST
def export_acces_numero(request):
    """The data protection officer's entry: the applicant's registration number."""
    numero = request.POST.get("numero_unique", "").strip()
    demande = Demande.objects.filter(numero_unique=numero).first()
    if demande is None:
        raise Http404("Aucune demande ne porte ce numéro unique.")
    return _reponse_acces(request, demande)
