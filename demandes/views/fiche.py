"""The demand's file and its actions: modify, renew, radiate, reactivate, documents, priorities, DALO, appointments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cil.models import Guichet
from core import parametres
from core.db import ordre_fr

from .. import forms, permissions, rules, selectors, sensibles, services
from ..models import (
    CriterePriorite,
    Demande,
    JournalConsultation,
    PieceJustificative,
    RendezVous,
)
from ..rules import ConflitDeVersion, DomainError
from ..services_rgpd import (
    enregistrer_consultation,
)
from ._commun import _demande_modifiable, _demande_visible, _erreur_domaine

# --- The demand's file --------------------------------------------------------------------------


def _contexte_fiche(request, demande: Demande, **extra) -> dict:
    user = request.user
    lecture = sensibles.lecture(user, demande)
    peut_modifier = permissions.can_edit(user, demande)
    today = timezone.localdate()
    delais = selectors.delais_pour(demande.epci_id, today)
    membres = list(demande.membres.all())
    ressources = list(demande.ressources.select_related("membre"))
    priorites = list(demande.priorites.select_related("reconnu_par", "piece"))
    pieces = list(demande.pieces.select_related("recue_par"))
    situation = selectors.situation_ressources(demande, today, membres=membres, ressources=ressources)
    rendez_vous = list(demande.rendez_vous.select_related("guichet", "agent").order_by("-debut"))
    decisions_dalo = list(demande.decisions_dalo.all())
    evenements = selectors.evenements_du_journal(demande)
    lues = selectors.LignesLues(
        membres=membres, priorites=priorites, decisions_dalo=decisions_dalo, evenements=evenements
    )
    communes = list(demande.communes_souhaitees.all())
    positions = selectors.positions_demande(demande, today, communes=communes) if demande.est_active else []
    contexte = {
        "demande": demande,
        "motifs": lecture.motifs(demande.motifs),
        "criteres_mutation": selectors.libelles_criteres_mutation(demande),
        "membres": membres,
        "ressources": ressources,
        "situation": situation,
        "priorites": [lecture.priorite(p) for p in priorites],
        "decisions_dalo": decisions_dalo,
        "checklist": selectors.checklist(demande, membres, priorites, pieces, lecture=lecture),
        "evenements": selectors.timeline(demande, lecture=lecture, evenements=evenements),
        "transitions": list(demande.transitions.select_related("acteur")),
        "rendez_vous": rendez_vous,
        "communes": communes,
        "cotation": (
            selectors.cotation_expliquee(demande, today, lecture=lecture, lues=lues) if demande.est_active else None
        ),
        "positions": positions,
        "regle_secret": selectors.regle_appliquee(positions),
        "peut_exporter_acces": permissions.can_export_personal_data(user, demande),
        "peut_exporter_sne": permissions.can_export_national(user, demande),
        "peut_modifier": peut_modifier and demande.est_active,
        "peut_qualifier": peut_modifier and demande.est_active,
        "expiration": rules.date_expiration(demande.date_depot, demande.date_dernier_renouvellement, delais),
        "ouverture_renouvellement": rules.ouverture_renouvellement(
            demande.date_depot, demande.date_dernier_renouvellement, delais
        ),
        "renouvellement_ouvert": rules.renouvellement_ouvert(
            demande.statut, demande.date_depot, demande.date_dernier_renouvellement, delais, today
        ),
        # the forms of the folded sections (priority, DALO, appointment) are loaded when the agent opens them
        # (``priorite_ajouter``, ``dalo_ajouter``, ``rdv_ajouter`` on GET): given here only when a post comes back
        # with its errors
        "piece_form": None,
        "priorite_form": None,
        "dalo_form": None,
        "rdv_form": None,
        "fin_reactivation": rules.fin_reactivation(
            demande.motif_radiation,
            demande.date_depot,
            demande.date_dernier_renouvellement,
            demande.date_radiation,
            delais,
        ),
        "reactivable": peut_modifier
        and demande.statut == "RADIEE"
        and rules.reactivation_possible(
            demande.motif_radiation,
            demande.date_depot,
            demande.date_dernier_renouvellement,
            demande.date_radiation,
            delais,
            today,
        ),
    }
    if peut_modifier and demande.est_active:
        contexte["piece_form"] = forms.PieceForm(lecture=lecture)
    contexte.update(extra)
    return contexte


def _formulaire_de_la_fiche(request, demande: Demande, form, *, titre: str, gabarit: str, ancre: str):
    """A folded section's form, opened from the demand's file: the fragment alone for htmx (swapped into the
    section), else its own page (without JavaScript). Only for an active demand the user may edit."""
    if not demande.est_active:
        raise PermissionDenied("Une demande radiée ne peut pas être modifiée.")
    contexte = {"demande": demande, "form": form, "titre": titre, "gabarit": gabarit, "ancre": ancre}
    return render(request, gabarit if request.htmx else "demandes/formulaire_fiche.html", contexte)


@login_required
@require_GET
def fiche(request, pk):
    demande = _demande_visible(request, pk)
    enregistrer_consultation(
        utilisateur=request.user,
        objet=JournalConsultation.Objet.DEMANDE,
        canal=JournalConsultation.Canal.PAGE,
        demande=demande,
    )
    return render(request, "demandes/fiche.html", _contexte_fiche(request, demande))


@login_required
def modifier(request, pk):
    demande = _demande_modifiable(request, pk)
    if not demande.est_active:
        messages.error(request, "Une demande radiée ne peut pas être modifiée.")
        return redirect("demandes:fiche", pk=pk)
    if request.method == "GET":
        enregistrer_consultation(
            utilisateur=request.user,
            objet=JournalConsultation.Objet.DEMANDE,
            canal=JournalConsultation.Canal.PAGE,
            demande=demande,
            detail="Formulaire de modification",
        )
    membres = list(demande.membres.all())
    personnes = [(str(m.pk), f"{m.prenom} {m.nom}") for m in membres]
    initial_membres = [
        {
            "id": m.pk,
            "lien": m.lien,
            "nom": m.nom,
            "prenom": m.prenom,
            "date_naissance": m.date_naissance,
            "situation_professionnelle": m.situation_professionnelle,
            "enfant_a_naitre": m.enfant_a_naitre,
        }
        for m in membres
    ]
    initial_ressources = [
        {
            "id": r.pk,
            "personne": str(r.membre_id) if r.membre_id else "D",
            "nature": r.nature,
            "montant_mensuel": r.montant_mensuel,
        }
        for r in demande.ressources.all()
    ]
    data = request.POST if request.method == "POST" else None
    form = forms.DemandeEditForm(
        data,
        instance=demande,
        epci=demande.epci,
        lecture=sensibles.lecture(request.user, demande),
        initial={"communes_souhaitees": demande.communes_souhaitees.all()},
    )
    membres_fs = forms.MembreFormSet(data, prefix="membres", initial=initial_membres, form_kwargs={"suivi": True})
    ressources_fs = forms.RessourceFormSet(
        data, prefix="ressources", initial=initial_ressources, form_kwargs={"personnes": personnes, "suivi": True}
    )
    # after a conflict, what this user had changed before is carried over (hidden inputs)
    champs_forces = {c for c in request.POST.get("champs_modifies", "").split(",") if c in form.fields}
    lignes_forcees = frozenset(x for x in request.POST.get("lignes_modifiees", "").split(",") if x)
    conflit, autres, champs, lignes = "", [], set(), set()
    if request.method == "POST" and form.is_valid() and membres_fs.is_valid() and ressources_fs.is_valid():
        champs = (set(form.changed_data) | champs_forces) - {"version"}
        lignes = membres_fs.lignes_modifiees() | ressources_fs.lignes_modifiees() | set(lignes_forcees)
        frais = Demande.objects.get(pk=demande.pk)
        try:
            services.modifier_demande(
                frais,
                version=form.cleaned_data["version"],
                donnees={k: v for k, v in form.donnees().items() if k in champs},
                communes=form.cleaned_data["communes_souhaitees"] if "communes_souhaitees" in champs else None,
                membres=membres_fs.donnees(forcees=lignes_forcees),
                ressources=ressources_fs.donnees(cle="membre_id", forcees=lignes_forcees),
                acteur=request.user,
            )
        except ConflitDeVersion as exc:
            conflit = str(exc)
            autres = form.valeurs_lues_differentes(frais)
        except (DomainError, ValidationError) as exc:
            _erreur_domaine(request, exc)
        else:
            messages.success(request, "Modifications enregistrées.")
            return redirect("demandes:fiche", pk=pk)
    actuelle = Demande.objects.select_related("guichet").get(pk=pk) if conflit else None
    return render(
        request,
        "demandes/modifier.html",
        {
            "demande": demande,
            "form": form,
            "membres_fs": membres_fs,
            "ressources_fs": ressources_fs,
            "conflit": conflit,
            "actuelle": actuelle,
            "autres_modifications": autres,
            "champs_modifies": ",".join(sorted(champs)),
            "lignes_modifiees": ",".join(sorted(lignes)),
        },
        status=409 if conflit else 200,
    )


@login_required
def renouveler(request, pk):
    """Renewal asks for a confirmation page: what the renewal changes, from when it is open, the applicant's consent."""
    demande = _demande_modifiable(request, pk)
    today = timezone.localdate()
    delais = selectors.delais_pour(demande.epci_id, today)
    ouvert = rules.renouvellement_ouvert(
        demande.statut, demande.date_depot, demande.date_dernier_renouvellement, delais, today
    )
    erreur = ""
    if request.method == "POST":
        version = parametres.entier(request.POST, "version", minimum=0, defaut=demande.version)
        if request.POST.get("confirmation") != "oui":
            erreur = "Cochez la confirmation du demandeur pour renouveler la demande."
        else:
            try:
                services.renouveler(demande, acteur=request.user, version=version, jour=today)
            except ConflitDeVersion as exc:
                messages.error(request, str(exc).split(" Vos saisies")[0] + " Rechargez la fiche puis recommencez.")
            except DomainError as exc:
                _erreur_domaine(request, exc)
            else:
                messages.success(request, "Demande renouvelée : même numéro, ancienneté conservée.")
            return redirect("demandes:fiche", pk=pk)
    return render(
        request,
        "demandes/renouveler.html",
        {
            "demande": demande,
            "ouvert": ouvert,
            "erreur": erreur,
            "echeance": rules.date_expiration(demande.date_depot, demande.date_dernier_renouvellement, delais),
            "ouverture": rules.ouverture_renouvellement(
                demande.date_depot, demande.date_dernier_renouvellement, delais
            ),
            "nouvelle_echeance": rules.date_expiration(demande.date_depot, today, delais),
        },
        status=400 if erreur else 200,
    )


@login_required
def radier(request, pk):
    """Radiate with a ground, or first send the warning that some grounds require (R. 441-2-8)."""
    demande = _demande_modifiable(request, pk)
    avertir = request.method == "POST" and request.POST.get("action") == "avertir"
    form = forms.RadiationForm(
        request.POST if request.method == "POST" and not avertir else None, initial={"version": demande.version}
    )
    avertissement = forms.AvertissementForm(request.POST if avertir else None)
    if avertir and avertissement.is_valid():
        try:
            services.avertir(demande, acteur=request.user, **avertissement.cleaned_data)
        except DomainError as exc:
            _erreur_domaine(request, exc)
        else:
            messages.success(request, "Avertissement enregistré : la radiation sera possible dans un mois.")
            return redirect("demandes:fiche", pk=pk)
    elif request.method == "POST" and not avertir and form.is_valid():
        try:
            services.radier(
                demande,
                form.cleaned_data["motif"],
                acteur=request.user,
                commentaire=form.cleaned_data["commentaire"],
                version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            form.add_error("motif", str(exc))
        else:
            messages.success(request, "Demande radiée.")
            return redirect("demandes:fiche", pk=pk)
    return render(request, "demandes/radier.html", {"demande": demande, "form": form, "avertissement": avertissement})


@login_required
@require_POST
def reactiver(request, pk):
    demande = _demande_modifiable(request, pk)
    services.reactiver(demande, acteur=request.user)  # a refusal: core.middleware.ErreurMetierMiddleware
    messages.success(request, "Demande réactivée avec son ancienneté.")
    return redirect("demandes:fiche", pk=pk)


# --- Documents ----------------------------------------------------------------------------------


@login_required
@require_POST
def piece_ajouter(request, pk):
    demande = _demande_modifiable(request, pk)
    form = forms.PieceForm(request.POST, request.FILES, lecture=sensibles.lecture(request.user, demande))
    if form.is_valid():
        try:
            services.ajouter_piece(
                demande,
                type_piece=form.cleaned_data["type_piece"],
                fichier=form.cleaned_data["fichier"],
                acteur=request.user,
                valide_jusqu_au=form.cleaned_data["valide_jusqu_au"],
            )
        except DomainError as exc:
            form.add_error("fichier", str(exc))
        else:
            messages.success(request, "Pièce ajoutée au dossier.")
            return redirect(reverse("demandes:fiche", args=[pk]) + "#pieces")
    return render(request, "demandes/fiche.html", _contexte_fiche(request, demande, piece_form=form), status=400)


@login_required
@require_GET
def piece_telecharger(request, pk, piece_pk):
    demande = _demande_visible(request, pk)
    piece = get_object_or_404(PieceJustificative, pk=piece_pk, demande=demande)
    if sensibles.lecture(request.user, demande).masque_piece(piece.type_piece):
        raise Http404
    if not piece.fichier:
        raise Http404
    enregistrer_consultation(
        utilisateur=request.user,
        objet=JournalConsultation.Objet.PIECE,
        canal=JournalConsultation.Canal.FICHIER,
        demande=demande,
        piece=piece,
        detail=piece.get_type_piece_display(),
    )
    response = FileResponse(
        piece.fichier.open("rb"),
        content_type=piece.type_mime,
        as_attachment=False,
        filename=piece.nom_original or piece.fichier.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def piece_statut(request, pk, piece_pk):
    demande = _demande_modifiable(request, pk)
    piece = get_object_or_404(PieceJustificative, pk=piece_pk, demande=demande)
    if sensibles.lecture(request.user, demande).masque_piece(piece.type_piece):
        raise Http404
    form = forms.StatutPieceForm(request.POST)
    if form.is_valid():
        services.changer_statut_piece(piece, form.cleaned_data["statut"], acteur=request.user)
        messages.success(request, f"Statut de la pièce : {piece.get_statut_display().lower()}.")
    return redirect(reverse("demandes:fiche", args=[pk]) + "#pieces")


# --- Qualification ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def priorite_ajouter(request, pk):
    demande = _demande_modifiable(request, pk)
    if request.method == "GET":
        form = forms.PrioriteForm(demande=demande, lecture=sensibles.lecture(request.user, demande))
        return _formulaire_de_la_fiche(
            request,
            demande,
            form,
            titre="Reconnaître un critère de priorité",
            gabarit="demandes/fiche/_form_priorite.html",
            ancre="#qualification",
        )
    form = forms.PrioriteForm(request.POST, demande=demande, lecture=sensibles.lecture(request.user, demande))
    if form.is_valid():
        try:
            services.reconnaitre_priorite(demande, acteur=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error("critere", str(exc))
        else:
            messages.success(request, "Critère de priorité enregistré.")
            return redirect(reverse("demandes:fiche", args=[pk]) + "#qualification")
    return render(request, "demandes/fiche.html", _contexte_fiche(request, demande, priorite_form=form), status=400)


@login_required
@require_POST
def priorite_lever(request, pk, priorite_pk):
    demande = _demande_modifiable(request, pk)
    priorite = get_object_or_404(CriterePriorite, pk=priorite_pk, demande=demande, fin_le__isnull=True)
    if sensibles.lecture(request.user, demande).masque_critere(priorite.critere):
        raise Http404
    services.lever_priorite(priorite, acteur=request.user)
    messages.success(request, "Critère de priorité levé.")
    return redirect(reverse("demandes:fiche", args=[pk]) + "#qualification")


@login_required
@require_http_methods(["GET", "POST"])
def dalo_ajouter(request, pk):
    demande = _demande_modifiable(request, pk)
    if request.method == "GET":
        return _formulaire_de_la_fiche(
            request,
            demande,
            forms.DaloForm(),
            titre="Enregistrer une décision DALO",
            gabarit="demandes/fiche/_form_dalo.html",
            ancre="#qualification",
        )
    form = forms.DaloForm(request.POST)
    if form.is_valid():
        services.enregistrer_dalo(demande, acteur=request.user, **form.cleaned_data)
        messages.success(request, "Décision DALO enregistrée.")
        return redirect(reverse("demandes:fiche", args=[pk]) + "#qualification")
    return render(request, "demandes/fiche.html", _contexte_fiche(request, demande, dalo_form=form), status=400)


# --- Appointments -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rdv_ajouter(request, pk):
    demande = _demande_modifiable(request, pk)
    if request.method == "GET":
        form = forms.RendezVousForm(
            guichets=Guichet.objects.filter(epci=demande.epci).order_by(ordre_fr("nom")),
            initial={"guichet": permissions.guichets_for_user(request.user).filter(epci=demande.epci).first()},
        )
        return _formulaire_de_la_fiche(
            request,
            demande,
            form,
            titre="Fixer un rendez-vous",
            gabarit="demandes/fiche/_form_rdv.html",
            ancre="#rendez-vous",
        )
    form = forms.RendezVousForm(request.POST, guichets=Guichet.objects.filter(epci=demande.epci))
    if form.is_valid():
        services.prendre_rendez_vous(demande, acteur=request.user, **form.cleaned_data)
        messages.success(request, "Rendez-vous enregistré.")
        return redirect(reverse("demandes:fiche", args=[pk]) + "#rendez-vous")
    return render(request, "demandes/fiche.html", _contexte_fiche(request, demande, rdv_form=form), status=400)


@login_required
@require_POST
def rdv_cloturer(request, pk, rdv_pk):
    demande = _demande_modifiable(request, pk)
    rdv = get_object_or_404(RendezVous, pk=rdv_pk, demande=demande)
    form = forms.ClotureRendezVousForm(request.POST)
    if form.is_valid():
        services.cloturer_rendez_vous(rdv, acteur=request.user, **form.cleaned_data)
        messages.success(request, "Rendez-vous mis à jour.")
    return redirect(reverse("demandes:fiche", args=[pk]) + "#rendez-vous")


# --- Information sheet --------------------------------------------------------------------------


@login_required
@require_POST
def fiche_information_pdf(request, pk):
    """POST because it records that the sheet was handed over (an event)."""
    demande = _demande_modifiable(request, pk)
    from ..pdf import fiche_information

    contenu = fiche_information(demande, lecture=sensibles.lecture(request.user, demande))
    services.fiche_information_remise(demande, acteur=request.user)
    enregistrer_consultation(
        utilisateur=request.user,
        objet=JournalConsultation.Objet.DEMANDE,
        canal=JournalConsultation.Canal.PDF,
        demande=demande,
        detail="Attestation et fiche d'information",
    )
    response = HttpResponse(contenu, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="attestation-{demande.numero_unique}.pdf"'
    return response
