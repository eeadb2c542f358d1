"""Pages of the neighbourhood index (docs/quartiers.md): the reference, a neighbourhood, "recompute now".

Thin views: the computation is ``observatoire.quartiers.classer_quartiers``, the writes ``cil.services_quartiers``.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cil import services_quartiers
from cil.models import ClassementQuartiers, Epci, NoteQuartier, Quartier, ResultatQuartier
from cil.selectors import referentiel_en_vigueur
from core.db import ordre_fr
from core.erreurs import ErreurMetier
from core.navigation import rubrique

from .forms import NoteQuartierForm
from .permissions import can_manage_quartiers, epcis_quartiers_lisibles
from .quartiers import classer_quartiers

NB_CLASSEMENTS_LISTES = 20


def _epci(request, valeur) -> Epci:
    epcis = epcis_quartiers_lisibles(request.user).order_by(ordre_fr("nom"))
    if valeur:
        try:
            return epcis.get(pk=int(valeur))
        except (ValueError, Epci.DoesNotExist):
            raise Http404("Territoire introuvable") from None
    epci = epcis.first()
    if epci is None:
        raise Http404("Aucun territoire")
    return epci


def _lignes(classement: ClassementQuartiers, codes: list[str]) -> list[dict]:
    resultats = classement.resultats.select_related("quartier__commune").order_by(ordre_fr("quartier__nom"))
    lignes = []
    for r in resultats:
        par_code = {i["code"]: i for i in r.indicateurs}
        lignes.append({"resultat": r, "cellules": [par_code.get(code) for code in codes]})
    return lignes


@login_required
@rubrique("observatoire:quartiers")
def quartiers(request):
    epci = _epci(request, request.GET.get("epci"))
    classements = ClassementQuartiers.objects.filter(epci=epci).select_related("referentiel", "demande_par")
    classement = None
    if request.GET.get("classement"):
        try:
            classement = classements.get(pk=int(request.GET["classement"]))
        except (ValueError, ClassementQuartiers.DoesNotExist):
            raise Http404("Classement introuvable") from None
    historique = list(classements.order_by("-calcule_le", "-pk")[:NB_CLASSEMENTS_LISTES])
    if classement is None and historique:
        classement = historique[0]
    indicateurs, classes, lignes = [], [], []
    if classement is not None:
        indicateurs = list(classement.referentiel.indicateurs.all())
        classes = list(classement.referentiel.classes.all())
        lignes = _lignes(classement, [i.code for i in indicateurs])
    return render(
        request,
        "observatoire/quartiers.html",
        {
            "epci": epci,
            "epcis": list(epcis_quartiers_lisibles(request.user).order_by(ordre_fr("nom"))),
            "classement": classement,
            "dernier": historique[0] if historique else None,
            "historique": historique,
            "indicateurs": indicateurs,
            "classes": classes,
            "lignes": lignes,
            "gerer": can_manage_quartiers(request.user, epci),
        },
    )


@login_required
@require_POST
def recalculer(request):
    epci = _epci(request, request.POST.get("epci"))
    if not can_manage_quartiers(request.user, epci):
        raise PermissionDenied("Seul le personnel de l'EPCI recalcule le classement des quartiers.")
    try:
        classement = classer_quartiers(epci, declencheur=ClassementQuartiers.Declencheur.DEMANDE, acteur=request.user)
    except ErreurMetier as exc:
        messages.error(request, str(exc))
    else:
        calcule_le = timezone.localtime(classement.calcule_le)
        messages.success(
            request,
            f"Classement des quartiers recalculé le {calcule_le:%d/%m/%Y à %H:%M} "
            f"(données au {classement.jour:%d/%m/%Y}).",
        )
    return redirect(f"{reverse('observatoire:quartiers')}?epci={epci.pk}")


@login_required
@rubrique("observatoire:quartiers")
def quartier(request, pk: int):
    quartier = get_object_or_404(
        Quartier.objects.select_related("epci", "commune", "qpv").filter(
            epci__in=epcis_quartiers_lisibles(request.user)
        ),
        pk=pk,
    )
    gerer = can_manage_quartiers(request.user, quartier.epci)
    referentiel = referentiel_en_vigueur(quartier.epci, dt.date.today())
    indicateurs = list(referentiel.indicateurs.all()) if referentiel else []
    form = None
    statut = 200
    if request.method == "POST":
        if not gerer:
            raise PermissionDenied("Seul le personnel de l'EPCI saisit les notes des quartiers.")
        form = NoteQuartierForm(request.POST, indicateurs=indicateurs)
        if form.is_valid():
            try:
                note = services_quartiers.saisir_note(quartier=quartier, acteur=request.user, **form.cleaned_data)
            except ErreurMetier as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"{note.get_code_display()} : {note.valeur.normalize()} au {note.date_valeur:%d/%m/%Y} "
                    "enregistré ; il compte au prochain classement.",
                )
                return redirect("observatoire:quartier", pk=quartier.pk)
        statut = 400
    elif gerer and referentiel is not None:
        form = NoteQuartierForm(indicateurs=indicateurs)
    resultats = list(
        ResultatQuartier.objects.filter(quartier=quartier)
        .select_related("classement")
        .order_by("-classement__calcule_le", "-classement__pk")[:NB_CLASSEMENTS_LISTES]
    )
    notes = list(NoteQuartier.objects.filter(quartier=quartier).select_related("saisie_par")[:200])
    return render(
        request,
        "observatoire/quartier.html",
        {
            "quartier": quartier,
            "resultats": resultats,
            "actuel": resultats[0] if resultats else None,
            "notes": notes,
            "form": form,
            "gerer": gerer,
            "referentiel": referentiel,
        },
        status=statut,
    )
