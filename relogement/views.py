"""Pages of the relocation app: operations and their indicators, the household file, the commission for
specific cases, the PDF summary and the exports. Thin: check the permission, call one service or selector.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cil.models import Epci
from core.db import ordre_fr
from core.erreurs import texte_du_refus
from core.navigation import rubrique

from . import exports, forms, pdf, permissions, selectors, services
from .filters import MenageFilter
from .models import (
    MenageAReloger,
    Operation,
    PropositionRelogement,
    Relogement,
    Saisine,
    SeanceCommission,
)
from .rules import RegleError


def _erreur(request, exc) -> None:
    messages.error(request, texte_du_refus(exc, separateur="; "))


# --- Operations ------------------------------------------------------------------------------------


@login_required
@rubrique("relogement:operations")
def operations(request):
    ops = list(
        Operation.objects.for_user(request.user)
        .select_related("epci", "qpv")
        .annotate(nb=Count("menages"))
        .order_by("epci__nom", "nom")
    )
    par_operation = selectors.indicateurs_operations(ops)
    lignes = [{"operation": op, "ind": par_operation[op.pk]} for op in ops]
    epcis = [
        epci
        for epci in Epci.objects.filter(pk__in={op.epci_id for op in ops}).order_by(ordre_fr("nom"))
        if permissions.can_manage_operation(request.user, epci)
    ]
    par_epci = selectors.indicateurs_epcis(epcis)
    territoires = [{"epci": epci, "ind": par_epci[epci.pk]} for epci in epcis]
    gerables = [
        e for e in permissions.epcis_relogement(request.user) if permissions.can_manage_operation(request.user, e)
    ]
    return render(
        request,
        "relogement/operations.html",
        {"lignes": lignes, "territoires": territoires, "gerables": sorted(gerables, key=lambda e: e.nom)},
    )


@login_required
def operation_nouvelle(request):
    epci = _epci(request)
    if not permissions.can_manage_operation(request.user, epci):
        raise PermissionDenied("Seul le personnel de l'EPCI crée les opérations de relogement.")
    form = forms.OperationForm(request.POST or None, epci=epci)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        bailleurs, reservataires = data.pop("bailleurs"), data.pop("reservataires")
        try:
            op = services.creer_operation(
                epci=epci, acteur=request.user, bailleurs=bailleurs, reservataires=reservataires, **data
            )
        except (RegleError, ValidationError) as exc:
            _erreur(request, exc)
        else:
            messages.success(request, f"Opération « {op.nom} » créée.")
            return redirect("relogement:operation", pk=op.pk)
    return render(
        request,
        "relogement/operation_nouvelle.html",
        {"epci": epci, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def batiment_ajout(request, pk):
    op = _operation(request, pk)
    if not permissions.can_manage_operation(request.user, op.epci):
        raise PermissionDenied("Seul le personnel de l'EPCI décrit les bâtiments.")
    form = forms.BatimentForm(request.POST, operation=op, prefix="batiment")
    if not form.is_valid():
        return operation(request, pk, form_batiment=form, status=400)
    services.ajouter_batiment(operation=op, acteur=request.user, **form.cleaned_data)
    messages.success(request, "Bâtiment ajouté.")
    return redirect("relogement:operation", pk=pk)


def _operation(request, pk) -> Operation:
    operation = get_object_or_404(Operation.objects.select_related("epci", "qpv", "commune"), pk=pk)
    if not permissions.can_view_operation(request.user, operation):
        raise PermissionDenied("Vous n'avez pas accès à cette opération.")
    return operation


def _menages_visibles(request, operation):
    return MenageAReloger.objects.for_user(request.user).filter(operation=operation)


@login_required
def operation(request, pk, form_menage=None, form_batiment=None, status=200):
    operation = _operation(request, pk)
    visibles = _menages_visibles(request, operation)
    filtre = MenageFilter(
        request.GET or None, queryset=visibles.select_related("batiment", "referent").order_by("reference")
    ).pour_operation(operation, visibles)
    menages = filtre.qs
    ind = selectors.indicateurs_operation(operation)
    gerer = permissions.can_manage_operation(request.user, operation.epci)
    if gerer and form_menage is None:
        form_menage = forms.MenageForm(operation=operation, referents=forms.referents_possibles(operation))
    if gerer and form_batiment is None:
        form_batiment = forms.BatimentForm(operation=operation, prefix="batiment")
    contexte = {
        "operation": operation,
        "ind": ind,
        "graphique": pdf.graphique_statuts(ind),
        "filtre": filtre,
        "menages": menages,
        "tout": permissions.voit_toute_l_operation(request.user, operation),
        "gerer": gerer,
        "form_menage": form_menage,
        "form_batiment": form_batiment,
        "batiments": operation.batiments.all(),
        "bailleurs": operation.bailleurs.all(),
        "reservataires": operation.reservataires.all(),
        "suivis_dus": selectors.suivis_a_faire(menages, timezone.localdate()).count(),
        "params": request.GET.urlencode(),
    }
    return render(request, "relogement/operation.html", contexte, status=status)


@login_required
@require_POST
def menage_ajout(request, pk):
    op = _operation(request, pk)
    if not permissions.can_manage_operation(request.user, op.epci):
        raise PermissionDenied("Seul le personnel de l'EPCI inscrit les ménages à reloger.")
    form = forms.MenageForm(request.POST, operation=op, referents=forms.referents_possibles(op))
    if not form.is_valid():
        return operation(request, pk, form_menage=form, status=400)
    data = dict(form.cleaned_data)
    try:
        menage = services.creer_menage(operation=op, acteur=request.user, **data)
    except (RegleError, ValidationError) as exc:
        _erreur(request, exc)
        return operation(request, pk, form_menage=form, status=400)
    messages.success(request, f"Ménage {menage.reference} inscrit.")
    return redirect("relogement:menage", pk=menage.pk)


@login_required
def export(request, pk, format):
    operation = _operation(request, pk)
    filtre = MenageFilter(request.GET or None, queryset=_menages_visibles(request, operation))
    menages = exports.queryset_export(filtre.qs)
    nom = f"relogement-{operation.pk}"
    if format == "csv":
        return exports.to_csv(f"{nom}.csv", menages)
    if format == "xlsx":
        return exports.to_xlsx(f"{nom}.xlsx", menages, titre=f"Ménages à reloger – {operation.nom}")
    raise Http404("Format inconnu")


@login_required
def synthese_pdf(request, pk):
    operation = _operation(request, pk)
    if not permissions.voit_toute_l_operation(request.user, operation):
        raise PermissionDenied("La synthèse de l'opération est réservée à l'EPCI et aux partenaires.")
    contenu = pdf.synthese_operation(operation, auteur=request.user.get_full_name() or request.user.username)
    response = HttpResponse(contenu, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="synthese-relogement-{operation.pk}.pdf"'
    return response


# --- Household file --------------------------------------------------------------------------------


def _menage(request, pk) -> MenageAReloger:
    menage = get_object_or_404(
        MenageAReloger.objects.select_related("operation__epci", "batiment", "referent", "demande"), pk=pk
    )
    if not permissions.can_view_menage(request.user, menage):
        raise PermissionDenied("Vous n'avez pas accès à ce ménage.")
    return menage


def _menage_modifiable(request, pk) -> MenageAReloger:
    menage = _menage(request, pk)
    if not permissions.can_edit_menage(request.user, menage):
        raise PermissionDenied("Seuls le référent du ménage et l'EPCI modifient ce dossier.")
    return menage


@login_required
def menage(request, pk, status=200, **formulaires):
    menage = _menage(request, pk)
    if menage.demande_id is not None and request.method == "GET":  # the linked demand is shown: GDPR read log
        from demandes.models import JournalConsultation
        from demandes.services_rgpd import enregistrer_consultation

        enregistrer_consultation(
            utilisateur=request.user,
            objet=JournalConsultation.Objet.DEMANDE,
            canal=JournalConsultation.Canal.PAGE,
            demande=menage.demande,
            detail=f"Dossier de relogement {menage.reference}",
        )
    modifiable = permissions.can_edit_menage(request.user, menage)
    sensible = permissions.can_see_sensitive(request.user, menage)
    enquete = getattr(menage, "enquete", None) if sensible else None
    questions = []
    if enquete is not None:
        services.tracer_consultation(acteur=request.user, menage=menage, objet="enquête sociale")
        for q in enquete.questionnaire.questions.all():
            valeur = enquete.reponses.get(q.code, "")
            if isinstance(valeur, bool):
                valeur = "Oui" if valeur else "Non"
            questions.append((q.libelle, valeur))
    propositions = list(menage.propositions.select_related("logement__commune"))
    relogements = list(menage.relogements.select_related("logement__commune", "decision"))
    suivi = getattr(menage, "suivi", None)
    souhait = getattr(menage, "souhait", None)
    contexte = {
        "menage": menage,
        "operation": menage.operation,
        "modifiable": modifiable,
        "sensible": sensible,
        "enquete": enquete,
        "a_une_enquete": hasattr(menage, "enquete"),
        "questions": questions,
        "souhait": souhait,
        "communes_souhaitees": list(souhait.communes.all()) if souhait else [],
        "propositions": propositions,
        "en_attente": [p for p in propositions if p.resultat == PropositionRelogement.Resultat.EN_ATTENTE],
        "relogements": relogements,
        "definitif": next((r for r in relogements if r.type == Relogement.Type.DEFINITIF), None),
        "suivi": suivi,
        "transitions": menage.transitions.select_related("acteur"),
        "saisines": menage.saisines.all(),
        "statut_en_cours": menage.statut
        in ("A_ENQUETER", "ENQUETE", "EN_RECHERCHE", "PROPOSITION", "RELOGE_TEMPORAIRE"),
        "today": timezone.localdate(),
        "motifs_refus": PropositionRelogement.MotifRefus.choices,
        "form_referent": None,
    }
    if modifiable:
        contexte.update(
            form_souhait=formulaires.get("form_souhait")
            or forms.SouhaitForm(instance=souhait, operation=menage.operation, prefix="souhait"),
            form_proposition=formulaires.get("form_proposition")
            or forms.PropositionForm(
                operation=menage.operation, initial={"date_proposition": timezone.localdate()}, prefix="proposition"
            ),
            form_reponse=formulaires.get("form_reponse")
            or forms.ReponseForm(initial={"date_reponse": timezone.localdate()}),
            form_relogement=formulaires.get("form_relogement")
            or forms.RelogementForm(
                menage=menage, initial={"type": "DEFINITIF", "parc": "SOCIAL"}, prefix="relogement"
            ),
            form_suivi=formulaires.get("form_suivi") or forms.SuiviForm(instance=suivi, prefix="suivi"),
            form_sortie=formulaires.get("form_sortie") or forms.SortieForm(prefix="sortie"),
            form_demande=formulaires.get("form_demande") or forms.LienDemandeForm(epci=menage.operation.epci),
        )
    if permissions.can_manage_operation(request.user, menage.operation.epci):
        contexte["form_referent"] = formulaires.get("form_referent") or forms.ReferentForm(
            operation=menage.operation, initial={"referent": menage.referent_id}
        )
    return render(request, "relogement/menage.html", contexte, status=status)


@login_required
def enquete(request, pk):
    menage = _menage_modifiable(request, pk)
    existante = getattr(menage, "enquete", None)
    questionnaire = existante.questionnaire if existante else services.questionnaire_actif()
    if questionnaire is None:
        messages.error(
            request, "Aucun questionnaire d'enquête sociale n'est en usage : créez-en un dans l'administration."
        )
        return redirect("relogement:menage", pk=pk)
    initial = {"date_enquete": existante.date_enquete if existante else timezone.localdate()}
    if existante:
        for code, valeur in existante.reponses.items():
            initial[f"q_{code}"] = ("oui" if valeur else "non") if isinstance(valeur, bool) else valeur
    form = forms.EnqueteForm(request.POST or None, questionnaire=questionnaire, initial=initial)
    if existante and request.method == "GET":
        services.tracer_consultation(acteur=request.user, menage=menage, objet="enquête sociale (formulaire)")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.enregistrer_enquete(
                    menage,
                    reponses=form.reponses(),
                    date_enquete=form.cleaned_data["date_enquete"],
                    acteur=request.user,
                    questionnaire=questionnaire,
                )
            except RegleError as exc:
                _erreur(request, exc)
            else:
                services.tracer_consultation(acteur=request.user, menage=menage, objet="enquête modifiée")
                messages.success(request, "Enquête sociale enregistrée.")
                return redirect("relogement:menage", pk=pk)
        status = 400
    return render(
        request,
        "relogement/enquete.html",
        {"menage": menage, "form": form, "questionnaire": questionnaire},
        status=status,
    )


@login_required
@require_POST
def souhaits(request, pk):
    m = _menage_modifiable(request, pk)
    form = forms.SouhaitForm(
        request.POST, instance=getattr(m, "souhait", None), operation=m.operation, prefix="souhait"
    )
    if not form.is_valid():
        return menage(request, pk, status=400, form_souhait=form)
    data = dict(form.cleaned_data)
    communes = data.pop("communes")
    services.enregistrer_souhaits(m, acteur=request.user, communes=communes, **data)
    messages.success(request, "Souhaits enregistrés.")
    return redirect("relogement:menage", pk=pk)


@login_required
@require_POST
def proposer(request, pk):
    m = _menage_modifiable(request, pk)
    form = forms.PropositionForm(request.POST, operation=m.operation, prefix="proposition")
    if not form.is_valid():
        return menage(request, pk, status=400, form_proposition=form)
    try:
        services.proposer(m, acteur=request.user, **form.cleaned_data)
    except RegleError as exc:
        _erreur(request, exc)
        return menage(request, pk, status=400, form_proposition=form)
    messages.success(request, "Proposition enregistrée.")
    return redirect("relogement:menage", pk=pk)


@login_required
@require_POST
def repondre(request, pk, proposition_pk):
    m = _menage_modifiable(request, pk)
    proposition = get_object_or_404(PropositionRelogement, pk=proposition_pk, menage=m)
    form = forms.ReponseForm(request.POST)
    if not form.is_valid():
        return menage(request, pk, status=400, form_reponse=form)
    try:
        services.repondre(proposition, acteur=request.user, **form.cleaned_data)
    except RegleError as exc:
        _erreur(request, exc)
        return menage(request, pk, status=400, form_reponse=form)
    if form.cleaned_data["resultat"] == PropositionRelogement.Resultat.REFUSEE:
        messages.success(request, "Refus enregistré.")
    else:
        messages.success(request, "Acceptation enregistrée.")
    return redirect("relogement:menage", pk=pk)


@login_required
@require_POST
def reloger(request, pk):
    m = _menage_modifiable(request, pk)
    form = forms.RelogementForm(request.POST, menage=m, prefix="relogement")
    if not form.is_valid():
        return menage(request, pk, status=400, form_relogement=form)
    try:
        relogement = services.enregistrer_relogement(m, acteur=request.user, **form.cleaned_data)
    except RegleError as exc:
        _erreur(request, exc)
        return menage(request, pk, status=400, form_relogement=form)
    if relogement.decision_id and relogement.decision.relogement in ("ANRU", "ORCOD"):
        messages.success(request, "Relogement enregistré. Le ménage est compté dans l'objectif A (hors QPV).")
    else:
        messages.success(request, "Relogement enregistré.")
    return redirect("relogement:menage", pk=pk)


@login_required
@require_POST
def suivi(request, pk):
    m = _menage_modifiable(request, pk)
    form = forms.SuiviForm(request.POST, instance=getattr(m, "suivi", None), prefix="suivi")
    if not form.is_valid():
        return menage(request, pk, status=400, form_suivi=form)
    try:
        services.enregistrer_suivi(m, acteur=request.user, **form.cleaned_data)
    except RegleError as exc:
        _erreur(request, exc)
        return menage(request, pk, status=400, form_suivi=form)
    messages.success(request, "Suivi à 6 mois enregistré.")
    return redirect("relogement:menage", pk=pk)


@login_required
@require_POST
def lier_demande(request, pk):
    m = _menage_modifiable(request, pk)
    form = forms.LienDemandeForm(request.POST, epci=m.operation.epci)
    if not form.is_valid():
        return menage(request, pk, status=400, form_demande=form)
    try:
        services.lier_demande(m, demande=form.demande, acteur=request.user)
    except RegleError as exc:
        _erreur(request, exc)
        return menage(request, pk, status=400, form_demande=form)
    messages.success(request, f"Ménage rattaché à la demande n° {form.demande.numero_unique}.")
    return redirect("relogement:menage", pk=pk)


@login_required
@require_POST
def changer_referent(request, pk):
    m = _menage(request, pk)
    if not permissions.can_manage_operation(request.user, m.operation.epci):
        raise PermissionDenied("Seul le personnel de l'EPCI désigne le référent relogement.")
    form = forms.ReferentForm(request.POST, operation=m.operation)
    if not form.is_valid():
        return menage(request, pk, status=400, form_referent=form)
    services.changer_referent(m, acteur=request.user, **form.cleaned_data)
    messages.success(request, "Référent relogement changé.")
    return redirect("relogement:menage", pk=pk)


@login_required
@require_POST
def sortir(request, pk):
    m = _menage_modifiable(request, pk)
    form = forms.SortieForm(request.POST, prefix="sortie")
    if not form.is_valid():
        return menage(request, pk, status=400, form_sortie=form)
    try:
        services.sortir(m, acteur=request.user, motif=form.cleaned_data["motif"])
    except RegleError as exc:
        _erreur(request, exc)
        return menage(request, pk, status=400, form_sortie=form)
    messages.success(request, "Sortie du dispositif enregistrée.")
    return redirect("relogement:menage", pk=pk)


# --- Commission for specific or blocked cases ------------------------------------------------------


def _epci(request) -> Epci:
    epcis = permissions.epcis_relogement(request.user).order_by(ordre_fr("nom"))
    siren = request.GET.get("epci") or request.POST.get("epci")
    epci = epcis.filter(siren=siren).first() if siren else epcis.first()
    if epci is None:
        raise PermissionDenied("Vous n'avez accès à la commission d'aucun territoire.")
    return epci


@login_required
@rubrique("relogement:commission")
def commission(request):
    epci = _epci(request)
    gerer = permissions.can_manage_commission(request.user, epci)
    saisines = (
        Saisine.objects.for_user(request.user)
        .filter(epci=epci)
        .select_related("menage__operation", "demande", "seance", "saisi_par")
    )
    seances = SeanceCommission.objects.filter(epci=epci) if gerer else SeanceCommission.objects.none()
    return render(
        request,
        "relogement/commission.html",
        {
            "epci": epci,
            "gerer": gerer,
            "saisines": saisines,
            "seances": seances.annotate(nb=Count("saisines")),
            "peut_saisir": permissions.can_refer(request.user, epci),
            "form_seance": forms.SeanceForm() if gerer else None,
        },
    )


@login_required
def saisine_nouvelle(request):
    epci = _epci(request)
    if not permissions.can_refer(request.user, epci):
        raise PermissionDenied("Vous ne pouvez pas saisir la commission de ce territoire.")
    from demandes.models import Demande
    from demandes.services import organisation_de

    menages = MenageAReloger.objects.for_user(request.user).filter(operation__epci=epci).select_related("operation")
    initial = {"organisation": organisation_de(request.user, epci.pk)}
    if request.GET.get("menage"):
        initial["menage"] = request.GET["menage"]
    if request.GET.get("demande"):
        initial["numero_unique"] = request.GET["demande"]
        initial["motif"] = Saisine.Motif.BLOCAGE
    form = forms.SaisineForm(
        request.POST or None, menages=menages, demandes=Demande.objects.for_user(request.user), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            saisine = services.saisir_commission(epci=epci, acteur=request.user, **form.donnees_service())
        except RegleError as exc:
            form.add_error(None, texte_du_refus(exc, separateur="; "))
        else:
            messages.success(request, "Saisine enregistrée.")
            return redirect("relogement:saisine", pk=saisine.pk)
    return render(
        request,
        "relogement/saisine_nouvelle.html",
        {"epci": epci, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _saisine(request, pk) -> Saisine:
    saisine = get_object_or_404(
        Saisine.objects.select_related("epci", "menage__operation", "demande", "seance", "saisi_par"), pk=pk
    )
    if not permissions.can_view_saisine(request.user, saisine):
        raise PermissionDenied("Vous n'avez pas accès à cette saisine.")
    return saisine


@login_required
def saisine(request, pk):
    saisine = _saisine(request, pk)
    gerer = permissions.can_manage_commission(request.user, saisine.epci)
    voir_diagnostic = permissions.can_see_diagnostic(request.user, saisine)
    diagnostic = getattr(saisine, "diagnostic", None) if voir_diagnostic else None
    if diagnostic is not None:
        services.tracer_consultation(acteur=request.user, saisine=saisine, objet="diagnostic social")
    if request.method == "POST":
        action = request.POST.get("action")
        if not gerer and not (action == "diagnostic" and voir_diagnostic):
            raise PermissionDenied("Seul le secrétariat de la commission enregistre ces éléments.")
        try:
            if action == "diagnostic":
                form = forms.DiagnosticForm(request.POST, prefix="diagnostic")
                if form.is_valid():
                    services.enregistrer_diagnostic(saisine, acteur=request.user, **form.cleaned_data)
                    messages.success(request, "Diagnostic social enregistré.")
                    return redirect("relogement:saisine", pk=pk)
            elif action == "inscrire":
                form = forms.InscriptionForm(request.POST, epci=saisine.epci, prefix="inscription")
                if form.is_valid():
                    services.inscrire(saisine, acteur=request.user, **form.cleaned_data)
                    messages.success(request, "Saisine inscrite à l'ordre du jour.")
                    return redirect("relogement:saisine", pk=pk)
            elif action == "decision":
                form = forms.DecisionForm(request.POST, epci=saisine.epci, prefix="decision")
                if form.is_valid():
                    services.decider(saisine, acteur=request.user, **form.cleaned_data)
                    messages.success(request, "Décision enregistrée.")
                    return redirect("relogement:saisine", pk=pk)
            elif action == "suivi":
                form = forms.SuiviSaisineForm(request.POST, prefix="suivi")
                if form.is_valid():
                    services.ajouter_suivi_saisine(saisine, acteur=request.user, **form.cleaned_data)
                    messages.success(request, "Suivi enregistré.")
                    return redirect("relogement:saisine", pk=pk)
            else:
                raise Http404("Action inconnue")
        except RegleError as exc:
            _erreur(request, exc)
        messages.error(request, "Le formulaire contient des erreurs.")
        return redirect("relogement:saisine", pk=pk)
    today = timezone.localdate()
    contexte = {
        "saisine": saisine,
        "gerer": gerer,
        "voir_diagnostic": voir_diagnostic,
        "diagnostic": diagnostic,
        "decisions": saisine.decisions.select_related("seance"),
        "suivis": saisine.suivis.select_related("auteur"),
    }
    if voir_diagnostic:
        contexte["form_diagnostic"] = forms.DiagnosticForm(
            prefix="diagnostic",
            initial={
                "date": diagnostic.date if diagnostic else today,
                "contenu": diagnostic.contenu if diagnostic else "",
                "preconisations": diagnostic.preconisations if diagnostic else "",
            },
        )
    if gerer:
        contexte.update(
            form_inscription=forms.InscriptionForm(epci=saisine.epci, prefix="inscription"),
            form_decision=forms.DecisionForm(
                epci=saisine.epci, initial={"seance": saisine.seance_id}, prefix="decision"
            ),
            form_suivi=forms.SuiviSaisineForm(initial={"date": today}, prefix="suivi"),
        )
    return render(request, "relogement/saisine.html", contexte)


@login_required
@require_POST
def seance_nouvelle(request):
    epci = _epci(request)
    if not permissions.can_manage_commission(request.user, epci):
        raise PermissionDenied("Seul le secrétariat de la commission crée les séances.")
    form = forms.SeanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez la date de la séance.")
        return redirect(reverse("relogement:commission") + f"?epci={epci.siren}")
    seance = services.creer_seance(epci=epci, acteur=request.user, **form.cleaned_data)
    messages.success(request, "Séance créée.")
    return redirect("relogement:seance", pk=seance.pk)


@login_required
def seance(request, pk):
    seance = get_object_or_404(SeanceCommission.objects.select_related("epci"), pk=pk)
    if not permissions.can_manage_commission(request.user, seance.epci):
        raise PermissionDenied("Les séances de la commission sont réservées à son secrétariat.")
    form = forms.CompteRenduForm(request.POST or None, instance=seance)
    if request.method == "POST" and form.is_valid():
        services.tenir_seance(seance, acteur=request.user, **form.cleaned_data)
        messages.success(request, "Compte rendu enregistré.")
        return redirect("relogement:seance", pk=pk)
    saisines = seance.saisines.select_related("menage__operation", "demande").prefetch_related(
        Prefetch("decisions", to_attr="liste_decisions")
    )
    return render(request, "relogement/seance.html", {"seance": seance, "form": form, "saisines": saisines})


# --- Blocked situations: demands past the abnormally long delay ----------------------------------------

PAR_PAGE_BLOCAGES = 50


def _epci_blocages(request) -> Epci:
    """The territory of the page: one whose demands the user manages (reception agent, EPCI staff)."""
    from demandes.permissions import acces_for

    acces = acces_for(request.user)
    epcis = Epci.objects.all() if acces.admin else Epci.objects.filter(pk__in=acces.gestion)
    siren = request.GET.get("epci")
    epci = epcis.filter(siren=siren).first() if siren else epcis.order_by(ordre_fr("nom")).first()
    if epci is None:
        raise PermissionDenied("Vous ne gérez les demandes d'aucun territoire.")
    return epci


def _au_dela(jours: int) -> str:
    mois, reste = divmod(max(jours, 0), 30)
    if not mois:
        return f"{reste} jour{'s' if reste > 1 else ''}"
    return f"{mois} mois" + (f" et {reste} jour{'s' if reste > 1 else ''}" if reste else "")


@login_required
@rubrique("relogement:blocages")
def blocages(request):
    """Demands past the abnormally long delay (nightly detection), with what they got so far and their priority
    status; a reception point or EPCI staff flag a blocked situation to the commission from here."""
    from demandes.models import Demande, JournalConsultation
    from demandes.rules import jours_au_dela
    from demandes.services_rgpd import enregistrer_consultation_liste

    epci = _epci_blocages(request)
    demandes = Demande.objects.for_user(request.user).filter(epci=epci)
    qs = selectors.demandes_en_delai_depasse(demandes)
    prioritaires = request.GET.get("prioritaires") == "1"
    if prioritaires:
        qs = qs.filter(Q(dalo=True) | Q(nb_criteres__gt=0))
    page = Paginator(qs, PAR_PAGE_BLOCAGES).get_page(request.GET.get("page"))
    lignes = list(page.object_list)
    jour = timezone.localdate()
    libelles = dict(Saisine.Statut.choices)
    for d in lignes:
        d.au_dela = _au_dela(jours_au_dela(d.delai_depasse.echeance, jour))
        d.saisine_libelle = libelles.get(d.saisine_statut, "")
    enregistrer_consultation_liste(
        utilisateur=request.user,
        objet=JournalConsultation.Objet.LISTE,
        canal=JournalConsultation.Canal.PAGE,
        demandes=lignes,
        detail="Demandes en délai anormalement long",
    )
    saisines = Saisine.objects.for_user(request.user).filter(epci=epci, demande__isnull=False)
    return render(
        request,
        "relogement/blocages.html",
        {
            "epci": epci,
            "page": page,
            "lignes": lignes,
            "prioritaires": prioritaires,
            "comptes": selectors.comptes_blocages(demandes, saisines),
            "peut_saisir": permissions.can_refer(request.user, epci),
            "extra_params": f"epci={epci.siren}" + ("&prioritaires=1" if prioritaires else ""),
        },
    )
