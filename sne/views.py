"""Pages of the national format: the import page (EPCI staff) and a demand's file as national XML."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from attributions.permissions import can_import
from cil.permissions import scope_for
from core.navigation import rubrique
from demandes.models import Demande, JournalConsultation
from demandes.permissions import can_export_national
from demandes.services_rgpd import enregistrer_consultation

from .ecriture import exporter
from .forms import ImportForm
from .models import FichierSne
from .services import FichierRefuse, importer_fichier


@login_required
@rubrique("sne:import")
def importer(request):
    if not can_import(request.user):
        raise PermissionDenied("Seul le personnel de l'EPCI peut importer des fichiers nationaux.")
    refus = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            fichier = form.cleaned_data["fichier"]
            try:
                rapport = importer_fichier(contenu=fichier.read(), nom_fichier=fichier.name, acteur=request.user)
            except FichierRefuse as exc:
                refus = exc
            else:
                for avertissement in rapport.avertissements:
                    messages.warning(request, f"{fichier.name} : {avertissement}")
                messages.success(request, f"{fichier.name} importé : {rapport.resume}.")
                return redirect("sne:import")
    else:
        form = ImportForm()
    scope = scope_for(request.user)
    fichiers = FichierSne.objects.select_related("importe_par", "demande")
    if not scope.admin:
        fichiers = fichiers.filter(importe_par=request.user) | fichiers.filter(epci__in=scope.epci_staff)
    return render(
        request,
        "sne/import.html",
        {"form": form, "refus": refus, "fichiers": fichiers.order_by("-importe_le", "-pk")[:20]},
        status=400 if refus else 200,
    )


@login_required
def export(request, pk: int):
    demande = get_object_or_404(Demande.objects.for_user(request.user).select_related("guichet"), pk=pk)
    if not can_export_national(request.user, demande):
        raise PermissionDenied("Seul le personnel de l'EPCI du territoire exporte une demande au format national.")
    resultat = exporter(demande)
    enregistrer_consultation(
        utilisateur=request.user,
        objet=JournalConsultation.Objet.EXPORT,
        canal=JournalConsultation.Canal.FICHIER,
        demande=demande,
        detail="Format national SNE (interfaceNuu 02.01)",
    )
    reponse = HttpResponse(resultat.contenu, content_type="application/xml; charset=utf-8")
    nom = demande.numero_national or demande.numero_unique
    reponse["Content-Disposition"] = f'attachment; filename="demande_{nom}.xml"'
    return reponse
