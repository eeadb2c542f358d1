"""Pages of the policy documents and local targets. Thin: find the row, check the permission, call one
service or selector, render. A row of another territory answers 404 (it is not there for the reader)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cil.models import CibleLocale, Epci
from core import parametres
from core.db import ordre_fr
from core.erreurs import texte_du_refus
from core.navigation import rubrique

from . import forms, indicateurs, pdf, permissions, rules, selectors, services
from .models import (
    Action,
    DocumentPolitique,
    Indicateur,
    Jalon,
    JournalPolitique,
    ObjectifStrategique,
    Orientation,
    VersionDocument,
)
from .rules import RegleError


def _erreur(request, exc) -> None:
    messages.error(request, texte_du_refus(exc, separateur="; "))


def _epcis(user):
    epcis = permissions.epcis_lisibles(user)
    qs = Epci.objects.all() if epcis is None else Epci.objects.filter(pk__in=epcis)
    if epcis is None:  # a platform administrator: the territories with documents, targets or allocations
        from attributions.models import DecisionCaleol

        qs = (
            qs.filter(pk__in=DocumentPolitique.objects.values("epci"))
            | qs.filter(pk__in=CibleLocale.objects.values("epci"))
            | qs.filter(pk__in=DecisionCaleol.objects.values("epci"))
        )
    return qs.order_by(ordre_fr("nom"))


def _epci(request) -> Epci:
    visibles = _epcis(request.user)
    siren = request.GET.get("epci") or request.POST.get("epci")
    epci = visibles.filter(siren=siren).first() if siren else visibles.first()
    if epci is None:
        if siren and permissions.epcis_lisibles(request.user) is None:
            epci = Epci.objects.filter(siren=siren).first()
        if epci is None:
            raise Http404("Aucun territoire.")
    return epci


def _lisible(request, epci) -> None:
    if not permissions.can_read(request.user, epci):
        raise Http404("Introuvable.")


def _gerer(request, epci) -> None:
    _lisible(request, epci)
    if not permissions.can_manage(request.user, epci):
        raise PermissionDenied("Seul le personnel de l'EPCI modifie les documents et les cibles locales.")


def _version(request, pk) -> VersionDocument:
    version = get_object_or_404(VersionDocument.objects.select_related("document__epci"), pk=pk)
    _lisible(request, version.document.epci)
    return version


def _annee(request) -> int:
    return parametres.annee(request.GET) or selectors.annee_de_suivi()


def _retour(version: VersionDocument, ancre: str = "") -> str:
    return reverse("politique:version", args=[version.pk]) + (f"#{ancre}" if ancre else "")


# --- Documents -----------------------------------------------------------------------------------------------


@login_required
@rubrique("politique:documents")
def documents(request):
    territoires = []
    for epci in _epcis(request.user):
        docs = []
        for document in selectors.documents_visibles(request.user, epci).order_by("type", "titre"):
            versions = sorted(document.versions.all(), key=lambda v: v.numero)
            en_vigueur = next((v for v in versions if v.statut == rules.Statut.EN_VIGUEUR), None)
            docs.append(
                {
                    "document": document,
                    "en_vigueur": en_vigueur,
                    "derniere": versions[-1],
                    "principale": en_vigueur or versions[-1],
                }
            )
        territoires.append({"epci": epci, "documents": docs, "gerer": permissions.can_manage(request.user, epci)})
    return render(request, "politique/documents.html", {"territoires": territoires})


@login_required
def document_nouveau(request):
    epci = _epci(request)
    _gerer(request, epci)
    form = forms.DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.creer_document(epci=epci, acteur=request.user, **form.cleaned_data)
        except (RegleError, ValidationError) as exc:
            _erreur(request, exc)
        else:
            messages.success(request, f"Document « {document.titre} » créé : sa version initiale est en brouillon.")
            return redirect("politique:version", pk=document.versions.get().pk)
    return render(request, "politique/document_nouveau.html", {"epci": epci, "form": form},
                  status=400 if request.method == "POST" else 200)  # fmt: skip


@login_required
@require_POST
def version_nouvelle(request, pk):
    document = get_object_or_404(DocumentPolitique.objects.select_related("epci"), pk=pk)
    _gerer(request, document.epci)
    form = forms.NouvelleVersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez la nature et l'intitulé de la nouvelle version.")
        return redirect(_retour(document.versions.order_by("-numero").first()))
    try:
        version = services.nouvelle_version(document, acteur=request.user, **form.cleaned_data)
    except RegleError as exc:
        _erreur(request, exc)
        return redirect(_retour(document.versions.order_by("-numero").first()))
    messages.success(request, f"{version.intitule} : brouillon créé à partir de la version précédente.")
    return redirect("politique:version", pk=version.pk)


@login_required
def version_detail(request, pk):
    version = _version(request, pk)
    epci = version.document.epci
    gerer = permissions.can_manage(request.user, epci)
    chiffres = permissions.can_view_figures(request.user, epci)
    annee = _annee(request)
    contenu = selectors.version_avec_contenu(version.pk)
    suivi = selectors.suivi(contenu, annee=annee, avec_chiffres=chiffres)
    contexte = {
        "version": contenu,
        "document": version.document,
        "epci": epci,
        "versions": version.document.versions.order_by("numero"),
        "suivi": suivi,
        "annee": annee,
        "annees": list(range(annee - 3, annee + 2)),
        "gerer": gerer,
        "chiffres": chiffres,
        "cibles": version.cibles_locales.select_related("bailleur", "reservataire", "secteur", "commune"),
    }
    if gerer:
        contexte.update(
            form_transition=forms.TransitionForm(version=version),
            form_version=forms.VersionForm(instance=version, prefix="version"),
            form_nouvelle=forms.NouvelleVersionForm(prefix="nouvelle"),
            form_orientation=forms.OrientationForm(prefix="orientation"),
            publiable=rules.publiable(version.statut),
            peut_nouvelle_version=rules.publiable(version.statut)
            and not version.document.versions.filter(statut__in=[rules.Statut.BROUILLON, rules.Statut.SOUMIS]).exists(),
            form_action=forms.ActionForm(version=version, prefix="action"),
            journal=JournalPolitique.objects.filter(document=version.document).select_related("acteur")[:30],
        )
    return render(request, "politique/version.html", contexte)


@login_required
@require_POST
def version_statut(request, pk):
    version = _version(request, pk)
    _gerer(request, version.document.epci)
    form = forms.TransitionForm(request.POST, version=version)
    if not form.is_valid():
        messages.error(request, "Choisissez une étape possible pour cette version.")
        return redirect(_retour(version, "statut"))
    try:
        version = services.changer_statut(version, acteur=request.user, **form.cleaned_data)
    except (RegleError, ValidationError) as exc:
        _erreur(request, exc)
    else:
        messages.success(request, f"{version.intitule} : {version.get_statut_display().lower()}.")
    return redirect(_retour(version, "statut"))


@login_required
@require_POST
def version_publier(request, pk):
    version = _version(request, pk)
    _gerer(request, version.document.epci)
    try:
        services.publier(version, acteur=request.user, publie=request.POST.get("publie") == "1")
    except (RegleError, ValidationError) as exc:
        _erreur(request, exc)
    return redirect(_retour(version, "statut"))


@login_required
@require_POST
def version_modifier(request, pk):
    version = _version(request, pk)
    _gerer(request, version.document.epci)
    form = forms.VersionForm(request.POST, instance=VersionDocument.objects.get(pk=pk), prefix="version")
    if form.is_valid():
        try:
            services.modifier_version(version, acteur=request.user, **form.cleaned_data)
        except (RegleError, ValidationError) as exc:
            _erreur(request, exc)
        else:
            messages.success(request, "Version mise à jour.")
    else:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect(_retour(version))


# --- The text of a draft ---------------------------------------------------------------------------------------


def _ajout(request, version, form, fonction, parent, ancre: str):
    if not form.is_valid():
        messages.error(request, "; ".join(f"{form[k].label if k in form.fields else ''} : {' '.join(v)}"
                                          for k, v in form.errors.items()))  # fmt: skip
        return redirect(_retour(version, ancre))
    try:
        obj = fonction(parent, acteur=request.user, **form.cleaned_data)
    except (RegleError, ValidationError) as exc:
        _erreur(request, exc)
        return redirect(_retour(version, ancre))
    messages.success(request, f"{obj} : ajouté.")
    return redirect(_retour(version, ancre))


@login_required
@require_POST
def orientation_ajout(request, pk):
    version = _version(request, pk)
    _gerer(request, version.document.epci)
    form = forms.OrientationForm(request.POST, prefix="orientation")
    return _ajout(request, version, form, services.ajouter_orientation, version, "contenu")


@login_required
@require_POST
def objectif_ajout(request, pk):
    orientation = get_object_or_404(Orientation.objects.select_related("version__document__epci"), pk=pk)
    version = orientation.version
    _gerer(request, version.document.epci)
    form = forms.ObjectifForm(request.POST, prefix="objectif")
    return _ajout(request, version, form, services.ajouter_objectif, orientation, f"orientation-{orientation.pk}")


@login_required
@require_POST
def action_ajout(request, pk):
    version = _version(request, pk)
    _gerer(request, version.document.epci)
    form = forms.ActionForm(request.POST, version=version, prefix="action")
    if not form.is_valid():
        return _ajout(request, version, form, None, None, "contenu")
    donnees = dict(form.cleaned_data)
    objectif = donnees.pop("objectif")
    try:
        action = services.ajouter_action(objectif, acteur=request.user, **donnees)
    except (RegleError, ValidationError) as exc:
        _erreur(request, exc)
        return redirect(_retour(version, "contenu"))
    messages.success(request, f"{action} : ajoutée.")
    return redirect("politique:action", pk=action.pk)


OBJETS = {
    "orientation": Orientation,
    "objectif": ObjectifStrategique,
    "action": Action,
    "jalon": Jalon,
    "indicateur": Indicateur,
}


def _objet(request, type_: str, pk: int):
    model = OBJETS.get(type_)
    if model is None:
        raise Http404("Élément inconnu.")
    obj = get_object_or_404(model, pk=pk)
    version = services._version_de(obj)
    _gerer(request, version.document.epci)
    return obj, version


@login_required
@require_POST
def supprimer(request, type_, pk):
    obj, version = _objet(request, type_, pk)
    libelle = str(obj)
    try:
        services.supprimer(obj, acteur=request.user)
    except (RegleError, ValidationError) as exc:
        _erreur(request, exc)
    else:
        messages.success(request, f"{libelle} : supprimé.")
    return redirect(_retour(version, "contenu"))


# --- An action: its text, follow-up, milestones and indicators -------------------------------------------------


def _action(request, pk) -> Action:
    action = get_object_or_404(Action.objects.select_related("version__document__epci", "objectif__orientation"), pk=pk)
    _lisible(request, action.version.document.epci)
    return action


@login_required
def action_detail(request, pk, form_action=None, status=200):
    action = _action(request, pk)
    version = action.version
    epci = version.document.epci
    gerer = permissions.can_manage(request.user, epci)
    chiffres = permissions.can_view_figures(request.user, epci)
    annee = _annee(request)
    contexte_mesure = indicateurs.Contexte(epci=epci, annee=annee)
    jalons = list(action.jalons.all())
    regles = [j.regle() for j in jalons]
    retard = rules.jalons_en_retard(regles, timezone.localdate())
    lignes = [
        {
            "indicateur": i,
            "nature": indicateurs.NATURES.get(i.nature),
            "cible_texte": indicateurs.cible_texte(i),
            "mesure": indicateurs.mesure(i, contexte_mesure) if chiffres else None,
            "form_valeur": forms.ValeurForm(prefix=f"valeur-{i.pk}")
            if gerer and i.nature == indicateurs.SAISIE
            else None,
        }
        for i in action.indicateurs.select_related("bailleur", "reservataire", "commune", "secteur")
    ]
    contexte = {
        "action": action,
        "version": version,
        "epci": epci,
        "gerer": gerer,
        "chiffres": chiffres,
        "annee": annee,
        "jalons": [{"jalon": j, "en_retard": r in retard} for j, r in zip(jalons, regles, strict=True)],
        "indicateurs": lignes,
    }
    if gerer:
        contexte.update(
            form_action=form_action or forms.ActionForm(instance=action, version=version, prefix="action"),
            form_avancement=forms.AvancementForm(
                initial={"statut": action.statut, "commentaire": action.commentaire_suivi}, prefix="avancement"
            ),
            form_jalon=forms.JalonForm(prefix="jalon"),
            form_indicateur=forms.IndicateurForm(epci=epci, prefix="indicateur"),
        )
    return render(request, "politique/action.html", contexte, status=status)


@login_required
@require_POST
def action_modifier(request, pk):
    action = _action(request, pk)
    _gerer(request, action.version.document.epci)
    form = forms.ActionForm(request.POST, instance=Action.objects.get(pk=pk), version=action.version, prefix="action")
    if not form.is_valid():
        return action_detail(request, pk, form_action=form, status=400)
    donnees = {k: v for k, v in form.cleaned_data.items() if not (k == "numero" and v is None)}
    try:
        services.modifier(action, acteur=request.user, **donnees)
    except (RegleError, ValidationError) as exc:
        _erreur(request, exc)
    else:
        messages.success(request, "Action mise à jour.")
    return redirect("politique:action", pk=pk)


@login_required
@require_POST
def action_avancement(request, pk):
    action = _action(request, pk)
    _gerer(request, action.version.document.epci)
    form = forms.AvancementForm(request.POST, prefix="avancement")
    if form.is_valid():
        try:
            services.enregistrer_avancement(action, acteur=request.user, **form.cleaned_data)
        except (RegleError, ValidationError) as exc:
            _erreur(request, exc)
        else:
            messages.success(request, "Avancement enregistré.")
    return redirect("politique:action", pk=pk)


@login_required
@require_POST
def jalon_ajout(request, pk):
    action = _action(request, pk)
    _gerer(request, action.version.document.epci)
    form = forms.JalonForm(request.POST, prefix="jalon")
    if form.is_valid():
        try:
            services.ajouter_jalon(action, acteur=request.user, **form.cleaned_data)
        except (RegleError, ValidationError) as exc:
            _erreur(request, exc)
        else:
            messages.success(request, "Jalon ajouté.")
    else:
        messages.error(request, "Indiquez le jalon et son échéance.")
    return redirect("politique:action", pk=pk)


@login_required
@require_POST
def jalon_realise(request, pk):
    jalon, _version_ = _objet(request, "jalon", pk)
    form = forms.JalonRealiseForm(request.POST, prefix=f"jalon-{pk}")
    if form.is_valid():
        try:
            services.marquer_jalon(jalon, acteur=request.user, date_realisation=form.cleaned_data["date_realisation"])
        except (RegleError, ValidationError) as exc:
            _erreur(request, exc)
        else:
            messages.success(request, "Jalon mis à jour.")
    return redirect("politique:action", pk=jalon.action_id)


@login_required
@require_POST
def indicateur_ajout(request, pk):
    action = _action(request, pk)
    epci = action.version.document.epci
    _gerer(request, epci)
    form = forms.IndicateurForm(request.POST, epci=epci, prefix="indicateur")
    if form.is_valid():
        try:
            services.ajouter_indicateur(action, acteur=request.user, **form.champs_modele())
        except (RegleError, ValidationError) as exc:
            _erreur(request, exc)
        else:
            messages.success(request, "Indicateur ajouté.")
    else:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect("politique:action", pk=pk)


@login_required
def indicateur_modifier(request, pk):
    indicateur, version = _objet(request, "indicateur", pk)
    epci = version.document.epci
    form = forms.IndicateurForm(request.POST or None, instance=Indicateur.objects.get(pk=pk), epci=epci)
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier(indicateur, acteur=request.user, **form.champs_modele())
        except (RegleError, ValidationError) as exc:
            _erreur(request, exc)
        else:
            messages.success(request, "Indicateur mis à jour.")
            return redirect("politique:action", pk=indicateur.action_id)
    return render(request, "politique/indicateur.html", {"indicateur": indicateur, "version": version, "form": form},
                  status=400 if request.method == "POST" else 200)  # fmt: skip


@login_required
@require_POST
def indicateur_valeur(request, pk):
    indicateur, _version_ = _objet(request, "indicateur", pk)
    form = forms.ValeurForm(request.POST, prefix=f"valeur-{pk}")
    if form.is_valid():
        try:
            services.saisir_valeur(indicateur, acteur=request.user, **form.cleaned_data)
        except (RegleError, ValidationError) as exc:
            _erreur(request, exc)
        else:
            messages.success(request, "Valeur enregistrée.")
    else:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect("politique:action", pk=indicateur.action_id)


# --- Follow-up report ------------------------------------------------------------------------------------------


@login_required
def suivi_pdf(request, pk):
    version = _version(request, pk)
    if not permissions.can_view_figures(request.user, version.document.epci):
        raise PermissionDenied("Le bilan de suivi est réservé au personnel de l'EPCI et aux membres de la CIL.")
    annee = _annee(request)
    octets = pdf.suivi_pdf(version, annee=annee, auteur=request.user.get_full_name() or request.user.username)
    response = HttpResponse(octets, content_type="application/pdf")
    nom = f"suivi-{version.document.type.lower()}-{version.document.epci.siren}-v{version.numero}-{annee}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{nom}"'
    return response


# --- Local targets ---------------------------------------------------------------------------------------------


@login_required
@rubrique("politique:cibles")
def cibles(request, form=None, status=200):
    epci = _epci(request)
    _lisible(request, epci)
    annee = _annee(request)
    gerer = permissions.can_manage(request.user, epci)
    chiffres = permissions.can_view_figures(request.user, epci)
    resultats = {}
    indisponible = ""
    regle_appliquee = ""
    if chiffres:
        contexte = indicateurs.Contexte(epci=epci, annee=annee)
        objectifs = contexte.objectifs(annee)
        if objectifs is None:
            indisponible = "Aucun seuil du premier quartile n'est chargé : les résultats ne peuvent pas être calculés."
        else:
            regle = contexte.regle_secret()
            resultats = {c["id"]: selectors.presente_cible(c, regle) for c in objectifs["cibles_locales"]}
            if any(r["masque"] for r in resultats.values()):
                regle_appliquee = regle.texte
    lignes = [{"cible": c, "resultat": resultats.get(c.pk)} for c in selectors.cibles_du_territoire(epci, annee=annee)]
    if gerer and form is None:
        form = forms.CibleLocaleForm(epci=epci)
    contexte = {
        "epci": epci,
        "epcis": _epcis(request.user),
        "annee": annee,
        "annees": list(range(annee - 3, annee + 2)),
        "lignes": lignes,
        "gerer": gerer,
        "chiffres": chiffres,
        "indisponible": indisponible,
        "regle_secret": regle_appliquee,
        "form": form,
        "journal": JournalPolitique.objects.filter(epci=epci, objet="ciblelocale").select_related("acteur")[:20]
        if gerer
        else [],
    }
    return render(request, "politique/cibles.html", contexte, status=status)


@login_required
@require_POST
def cible_ajout(request):
    epci = _epci(request)
    _gerer(request, epci)
    form = forms.CibleLocaleForm(request.POST, epci=epci)
    if not form.is_valid():
        return cibles(request, form=form, status=400)
    try:
        cible = services.creer_cible(epci=epci, acteur=request.user, **form.cleaned_data)
    except (RegleError, ValidationError) as exc:
        _erreur(request, exc)
        return cibles(request, form=form, status=400)
    messages.success(request, f"Cible locale enregistrée : {cible}.")
    return redirect(reverse("politique:cibles") + f"?epci={epci.siren}")


def _cible(request, pk) -> CibleLocale:
    cible = get_object_or_404(CibleLocale.objects.select_related("epci"), pk=pk)
    _gerer(request, cible.epci)
    return cible


@login_required
def cible_modifier(request, pk):
    cible = _cible(request, pk)
    form = forms.CibleLocaleForm(request.POST or None, instance=CibleLocale.objects.get(pk=pk), epci=cible.epci)
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier_cible(cible, acteur=request.user, **form.cleaned_data)
        except (RegleError, ValidationError) as exc:
            _erreur(request, exc)
        else:
            messages.success(request, "Cible locale mise à jour.")
            return redirect(reverse("politique:cibles") + f"?epci={cible.epci.siren}")
    return render(request, "politique/cible.html", {"cible": cible, "form": form},
                  status=400 if request.method == "POST" else 200)  # fmt: skip


@login_required
@require_POST
def cible_supprimer(request, pk):
    cible = _cible(request, pk)
    siren = cible.epci.siren
    services.supprimer_cible(cible, acteur=request.user)
    messages.success(request, "Cible locale supprimée.")
    return redirect(reverse("politique:cibles") + f"?epci={siren}")
