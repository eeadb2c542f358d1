"""Pages of the conference: the member's space, instances and their members, meetings (agenda, documents,
convocation, attendance, votes, minutes) and the deliberations' PDF. Thin: check the permission, call one
service or selector, render. A refused write answers 400 with the French reason and writes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cil.models import Epci
from core import parametres
from core.db import ordre_fr
from core.erreurs import texte_du_refus
from core.navigation import rubrique

from . import forms, pdf, permissions, selectors, services
from .models import Deliberation, DocumentSeance, Instance, JournalConference, Membre, PointOrdreDuJour, Seance
from .rules import RegleError


def _erreurs_dans(form, exc) -> None:
    """A service's refusal shown on the form: on its fields when it names them, above it otherwise."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for champ, erreurs in exc.message_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
    else:
        form.add_error(None, texte_du_refus(exc))


def _epci(request, *, gerer: bool = False) -> Epci:
    epcis = permissions.epcis_conference(request.user).order_by(ordre_fr("nom"))
    epcis = [e for e in epcis if permissions.can_manage(request.user, e)] if gerer else list(epcis)
    siren = request.GET.get("epci") or request.POST.get("epci")
    epci = next((e for e in epcis if e.siren == siren), None) if siren else (epcis[0] if epcis else None)
    if epci is None:
        raise PermissionDenied("Vous n'avez accès à la conférence d'aucun territoire.")
    return epci


def _instance(request, pk) -> Instance:
    instance = get_object_or_404(Instance.objects.select_related("epci"), pk=pk)
    if not permissions.can_manage(request.user, instance.epci) and not permissions.can_view_instance(
        request.user, instance
    ):
        raise PermissionDenied("Vous n'avez pas accès à cette instance.")
    return instance


def _instance_geree(request, pk) -> Instance:
    instance = _instance(request, pk)
    if not permissions.can_manage(request.user, instance.epci):
        raise PermissionDenied("Seul le secrétariat de la conférence (personnel de l'EPCI) modifie les instances.")
    return instance


def _seance(request, pk) -> Seance:
    seance = get_object_or_404(selectors.seance_detaillee(Seance.objects.all()), pk=pk)
    if not permissions.can_view_seance(request.user, seance):
        raise PermissionDenied("Vous n'avez pas accès à cette séance.")
    return seance


def _seance_geree(request, pk) -> Seance:
    seance = _seance(request, pk)
    if not permissions.can_manage(request.user, seance.instance.epci):
        raise PermissionDenied("Seul le secrétariat de la conférence (personnel de l'EPCI) tient les séances.")
    return seance


# --- The member's space ---------------------------------------------------------------------------------------------


@login_required
@rubrique("conference:espace")
def espace(request):
    epci = _epci(request)
    aujourd_hui = timezone.localdate()
    seances = Seance.objects.for_user(request.user).filter(instance__epci=epci)
    deliberations = selectors.deliberations(Deliberation.objects.for_user(request.user).filter(epci=epci))
    return render(
        request,
        "conference/espace.html",
        {
            "epci": epci,
            "territoires": permissions.epcis_conference(request.user).order_by(ordre_fr("nom")),
            "prochaines": selectors.prochaines_seances(seances, aujourd_hui),
            "passees": selectors.seances_passees(seances, aujourd_hui)[:10],
            "deliberations": deliberations[:50],
            "gerer": permissions.can_manage(request.user, epci),
        },
    )


# --- Instances and members -----------------------------------------------------------------------------------------


@login_required
@rubrique("conference:instances")
def instances(request, form=None, status=200):
    epci = _epci(request, gerer=True)
    aujourd_hui = timezone.localdate()
    liste = (
        Instance.objects.filter(epci=epci)
        .annotate(
            en_exercice=Count(
                "membres",
                filter=Q(membres__titulaire=True, membres__debut_mandat__lte=aujourd_hui)
                & (Q(membres__fin_mandat__isnull=True) | Q(membres__fin_mandat__gte=aujourd_hui)),
            )
        )
        .order_by("type", ordre_fr("nom"))
    )
    return render(
        request,
        "conference/instances.html",
        {
            "epci": epci,
            "instances": liste,
            "form": form or forms.InstanceForm(),
            "aujourd_hui": aujourd_hui,
        },
        status=status,
    )


@login_required
@require_POST
def instance_nouvelle(request):
    epci = _epci(request, gerer=True)
    form = forms.InstanceForm(request.POST)
    if form.is_valid():
        try:
            instance = services.creer_instance(epci=epci, acteur=request.user, **form.cleaned_data)
        except (RegleError, ValidationError) as exc:
            _erreurs_dans(form, exc)
        else:
            messages.success(request, f"Instance « {instance.nom} » créée avec les règles par défaut : remplacez-les "
                                      "par celles de son règlement intérieur.")  # fmt: skip
            return redirect("conference:instance", pk=instance.pk)
    return instances(request, form=form, status=400)


@login_required
def instance(request, pk, formulaires=None, status=200):
    instance = _instance(request, pk)
    gerer = permissions.can_manage(request.user, instance.epci)
    date = parametres.date(request.GET, "date", defaut=timezone.localdate())
    membres = selectors.par_college(
        instance.membres.en_exercice(date).select_related("suppleant_de", "bailleur", "reservataire")
    )
    formulaires = formulaires or {}
    contexte = {
        "instance": instance,
        "gerer": gerer,
        "date": date,
        "membres": membres,
        "effectifs": selectors.effectifs_par_college(instance, date),
        "titulaires": sum(1 for m in membres if m.titulaire),
        "copresidents": selectors.copresidents(instance, date),
        "regle": instance.regle_au(date),
        "regles": instance.regles.all(),
        "seances": instance.seances.order_by("-date", "-heure"),
        "anciens": instance.membres.filter(fin_mandat__lt=date).order_by("-fin_mandat")[:20] if gerer else [],
    }
    if gerer:
        contexte.update(
            {
                "form_membre": formulaires.get("membre") or forms.MembreForm(instance_cil=instance, prefix="membre"),
                "form_seance": formulaires.get("seance") or forms.SeanceForm(instance_cil=instance, prefix="seance"),
                "form_regle": formulaires.get("regle") or forms.RegleForm(prefix="regle"),
                "journal": JournalConference.objects.filter(instance_ref=instance.pk)[:30],
            }
        )
    return render(request, "conference/instance.html", contexte, status=status)


@login_required
@require_POST
def membre_ajout(request, pk):
    instance_cil = _instance_geree(request, pk)
    form = forms.MembreForm(request.POST, instance_cil=instance_cil, prefix="membre")
    if form.is_valid():
        try:
            membre = services.designer_membre(instance_cil, acteur=request.user, **form.cleaned_data)
        except (RegleError, ValidationError) as exc:
            _erreurs_dans(form, exc)
        else:
            messages.success(request, f"{membre.nom} est membre de « {instance_cil.nom} ».")
            return redirect("conference:instance", pk=pk)
    return instance(request, pk, formulaires={"membre": form}, status=400)


@login_required
@require_POST
def fin_mandat(request, pk):
    membre = get_object_or_404(Membre.objects.select_related("instance__epci"), pk=pk)
    _instance_geree(request, membre.instance_id)
    form = forms.FinMandatForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez la date de fin du mandat.")
        return redirect("conference:instance", pk=membre.instance_id)
    try:
        services.mettre_fin_au_mandat(membre, acteur=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, texte_du_refus(exc))
    else:
        messages.success(request, f"Mandat de {membre.nom} terminé le {form.cleaned_data['fin_mandat']:%d/%m/%Y}.")
    return redirect("conference:instance", pk=membre.instance_id)


@login_required
@require_POST
def regle_ajout(request, pk):
    instance_cil = _instance_geree(request, pk)
    form = forms.RegleForm(request.POST, prefix="regle")
    if form.is_valid():
        try:
            services.ajouter_regle(instance_cil, acteur=request.user, **form.cleaned_data)
        except (RegleError, ValidationError) as exc:
            _erreurs_dans(form, exc)
        else:
            messages.success(request, "Règle de fonctionnement enregistrée.")
            return redirect("conference:instance", pk=pk)
    return instance(request, pk, formulaires={"regle": form}, status=400)


@login_required
@require_POST
def seance_nouvelle(request, pk):
    instance_cil = _instance_geree(request, pk)
    form = forms.SeanceForm(request.POST, instance_cil=instance_cil, prefix="seance")
    if form.is_valid():
        try:
            seance = services.creer_seance(instance_cil, acteur=request.user, **form.cleaned_data)
        except (RegleError, ValidationError) as exc:
            _erreurs_dans(form, exc)
        else:
            messages.success(request, "Séance créée : composez son ordre du jour, joignez les documents, convoquez.")
            return redirect("conference:seance", pk=seance.pk)
    return instance(request, pk, formulaires={"seance": form}, status=400)


# --- A meeting ------------------------------------------------------------------------------------------------------


@login_required
def seance(request, pk, formulaires=None, status=200):
    seance = _seance(request, pk)
    gerer = permissions.can_manage(request.user, seance.instance.epci)
    formulaires = formulaires or {}
    points = list(seance.points.all())
    modifiable = seance.statut not in (Seance.Statut.CLOSE, Seance.Statut.ANNULEE)
    deliberante = seance.statut == Seance.Statut.CONVOQUEE and seance.date <= timezone.localdate()
    for point in points:
        point.form_vote = None
    if gerer and deliberante:
        for point in points:
            if point.avec_vote and getattr(point, "deliberation", None) is None:
                point.form_vote = formulaires.get(("vote", point.pk)) or forms.VoteForm(
                    prefix=f"vote-{point.pk}", initial={"texte": point.projet_decision}
                )
    for point in points:
        point.documents_lies = [d for d in seance.documents.all() if d.point_id == point.pk]
        point.vote = getattr(point, "deliberation", None)  # None when not voted (a missing one-to-one raises)
    presences = selectors.presences_detaillees(seance)
    membres = list(selectors.membres_de_la_seance(seance))
    contexte = {
        "seance": seance,
        "instance": seance.instance,
        "gerer": gerer,
        "modifiable": modifiable,
        "deliberante": deliberante,
        "points": points,
        "documents_generaux": [d for d in seance.documents.all() if d.point_id is None],
        "comptage": selectors.comptage(seance) if presences else None,
        "quorum": selectors.etat_quorum(seance),
        "regle": seance.instance.regle_au(seance.date),
        "membres": [(m, presences.get(m.pk)) for m in membres],
        "avec_presences": bool(presences),
        "form_compte_rendu": None,
    }
    if gerer and modifiable:
        contexte.update(
            {
                "form_point": formulaires.get("point") or forms.PointForm(seance=seance, prefix="point"),
                "form_document": formulaires.get("document") or forms.DocumentForm(seance=seance, prefix="document"),
                "form_annulation": formulaires.get("annulation") or forms.AnnulationForm(prefix="annulation"),
            }
        )
    if gerer and deliberante:
        contexte["form_compte_rendu"] = formulaires.get("compte_rendu") or forms.CompteRenduForm(
            prefix="cr", initial={"compte_rendu": seance.compte_rendu}
        )
    return render(request, "conference/seance.html", contexte, status=status)


@login_required
@require_POST
def point_ajout(request, pk):
    s = _seance_geree(request, pk)
    form = forms.PointForm(request.POST, seance=s, prefix="point")
    if form.is_valid():
        try:
            point = services.ajouter_point(s, acteur=request.user, **form.cleaned_data)
        except (RegleError, ValidationError) as exc:
            _erreurs_dans(form, exc)
        else:
            messages.success(request, f"Point {point.rang} inscrit à l'ordre du jour.")
            return redirect("conference:seance", pk=pk)
    return seance(request, pk, formulaires={"point": form}, status=400)


@login_required
@require_POST
def document_ajout(request, pk):
    s = _seance_geree(request, pk)
    form = forms.DocumentForm(request.POST, request.FILES, seance=s, prefix="document")
    if form.is_valid():
        try:
            document = services.deposer_document(s, acteur=request.user, **form.cleaned_data)
        except (RegleError, ValidationError) as exc:
            _erreurs_dans(form, exc)
        else:
            messages.success(request, f"Document « {document.titre} » déposé.")
            return redirect("conference:seance", pk=pk)
    return seance(request, pk, formulaires={"document": form}, status=400)


@login_required
def document(request, pk):
    doc = get_object_or_404(DocumentSeance.objects.select_related("seance__instance__epci"), pk=pk)
    if not permissions.can_view_seance(request.user, doc.seance):
        raise PermissionDenied("Vous n'avez pas accès à ce document.")
    try:
        fichier = doc.fichier.open("rb")
    except FileNotFoundError:
        raise Http404("Le fichier de ce document est introuvable.") from None
    return FileResponse(fichier, as_attachment=True, filename=doc.nom_original, content_type=doc.type_mime)


@login_required
@require_POST
def convoquer(request, pk):
    s = _seance_geree(request, pk)
    lien = request.build_absolute_uri(reverse("conference:seance", args=[s.pk]))
    try:
        envoi = services.convoquer(s, acteur=request.user, lien=lien)
    except RegleError as exc:
        messages.error(request, texte_du_refus(exc))
        return seance(request, pk, status=400)
    texte = f"Convocation envoyée à {envoi['envoyes']} membre{'s' if envoi['envoyes'] > 1 else ''}."
    if envoi["sans_adresse"]:
        texte += f" Sans adresse électronique (à convoquer autrement) : {', '.join(envoi['sans_adresse'])}."
    if not envoi["pieces_jointes"]:
        texte += " Les documents, trop lourds pour être joints, sont à consulter sur la plateforme."
    messages.success(request, texte)
    return redirect("conference:seance", pk=pk)


@login_required
def presences(request, pk):
    s = _seance_geree(request, pk)
    membres = list(selectors.membres_de_la_seance(s))
    enregistrees = selectors.presences_detaillees(s)
    choix = forms.PRESENCES
    lignes = []
    erreur = None
    if request.method == "POST":
        saisie = {}
        for m in membres:
            presence = request.POST.get(f"presence-{m.pk}", "ABSENT")
            pouvoir = parametres.identifiant(request.POST, f"pouvoir-{m.pk}")
            saisie[m.pk] = (presence, pouvoir if presence == "REPRESENTE" else None)
        try:
            comptage = services.enregistrer_presences(s, acteur=request.user, presences=saisie)
        except RegleError as exc:
            erreur = texte_du_refus(exc)
        else:
            messages.success(
                request,
                f"Présences enregistrées : {comptage.presents} présent{'s' if comptage.presents > 1 else ''}, "
                f"{comptage.pouvoirs} pouvoir{'s' if comptage.pouvoirs > 1 else ''}, "
                f"{comptage.en_exercice} membres en exercice.",
            )
            return redirect("conference:seance", pk=pk)
        valeurs = {pk_: (p, pv) for pk_, (p, pv) in saisie.items()}
    else:
        valeurs = {
            m.pk: (
                (enregistrees[m.pk].presence, enregistrees[m.pk].pouvoir_a_id)
                if m.pk in enregistrees
                else ("PRESENT" if m.titulaire and not enregistrees else "ABSENT", None)
            )
            for m in membres
        }
    for m in membres:
        presence, pouvoir = valeurs[m.pk]
        lignes.append({"membre": m, "presence": presence, "pouvoir": pouvoir})
    return render(
        request,
        "conference/presences.html",
        {
            "seance": s,
            "lignes": lignes,
            "choix": choix,
            "porteurs": membres,
            "erreur": erreur,
            "regle": s.instance.regle_au(s.date),
            "premiere_saisie": not enregistrees,
        },
        status=400 if erreur else 200,
    )


@login_required
@require_POST
def vote(request, pk):
    point = get_object_or_404(PointOrdreDuJour.objects.select_related("seance__instance__epci"), pk=pk)
    s = _seance_geree(request, point.seance_id)
    form = forms.VoteForm(request.POST, prefix=f"vote-{point.pk}")
    if form.is_valid():
        try:
            deliberation = services.enregistrer_vote(point, acteur=request.user, **form.cleaned_data)
        except (RegleError, ValidationError) as exc:
            _erreurs_dans(form, exc)
        else:
            messages.success(
                request,
                f"Délibération n° {deliberation.numero} enregistrée : "
                f"{deliberation.get_resultat_display().lower()} ({deliberation.ligne}).",
            )
            return redirect("conference:seance", pk=s.pk)
    return seance(request, s.pk, formulaires={("vote", point.pk): form}, status=400)


@login_required
@require_POST
def compte_rendu(request, pk):
    s = _seance_geree(request, pk)
    form = forms.CompteRenduForm(request.POST, prefix="cr")
    if form.is_valid():
        try:
            services.enregistrer_compte_rendu(s, acteur=request.user, **form.cleaned_data)
        except (RegleError, ValidationError) as exc:
            _erreurs_dans(form, exc)
        else:
            messages.success(request, "Séance close." if form.cleaned_data["clore"] else "Compte rendu enregistré.")
            return redirect("conference:seance", pk=pk)
    return seance(request, pk, formulaires={"compte_rendu": form}, status=400)


@login_required
@require_POST
def annuler(request, pk):
    s = _seance_geree(request, pk)
    form = forms.AnnulationForm(request.POST, prefix="annulation")
    if form.is_valid():
        try:
            services.annuler_seance(s, acteur=request.user, **form.cleaned_data)
        except (RegleError, ValidationError) as exc:
            _erreurs_dans(form, exc)
        else:
            messages.success(request, "Séance annulée.")
            return redirect("conference:seance", pk=pk)
    return seance(request, pk, formulaires={"annulation": form}, status=400)


@login_required
def deliberation_pdf(request, pk):
    deliberation = get_object_or_404(
        Deliberation.objects.select_related("point__seance__instance__epci", "regle", "enregistree_par"), pk=pk
    )
    if not permissions.can_view_seance(request.user, deliberation.point.seance):
        raise PermissionDenied("Vous n'avez pas accès à cette délibération.")
    contenu = pdf.deliberation_pdf(deliberation)
    response = HttpResponse(contenu, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="deliberation-{deliberation.numero}.pdf"'
    return response
