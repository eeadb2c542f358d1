"""Pages of landlord and holder staff: stock, vacancies, candidates, commission sessions, flow report.

Thin views: parse a form, check a permission, call one service or selector, render. GET never writes.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cil.models import Bailleur, Membership, Reservataire
from cil.permissions import scope_for
from cil.selectors import classes_courantes
from core import exports, exports_differes, parametres
from core.db import nombre_de, ordre_fr
from core.erreurs import ErreurMetier
from core.navigation import rubrique
from demandes.models import JournalConsultation
from demandes.services_rgpd import enregistrer_consultation_demandes, enregistrer_consultation_liste

from .. import services
from ..models import Candidature, DecisionCaleol, Logement, SeanceCaleol, TransitionVacance, Vacance
from . import adaptes, flux
from .forms import (
    AccessibiliteForm,
    DateForm,
    DecisionForm,
    DesignationForm,
    InscriptionForm,
    MotifForm,
    OrientationForm,
    ReponseForm,
    SeanceForm,
    StockForm,
    TenueForm,
    VacanceForm,
)
from .permissions import (
    bailleurs_flux_for_user,
    can_declare,
    can_designate,
    can_manage_seance,
    can_manage_vacance,
    can_reopen_seance,
    can_view_seance,
    logements_for_user,
    reservataires_visibles_flux,
    seances_for_user,
    vacances_for_user,
)
from .stock import COLONNES, StockRejete, importer_logements


def _today():
    return timezone.localdate()


def _bailleurs_geres(user):
    scope = scope_for(user)
    qs = Bailleur.objects.order_by(ordre_fr("nom"))
    return qs if scope.admin else qs.filter(pk__in=scope.bailleurs)


def _exiger_un_role(user):
    scope = scope_for(user)
    if not (scope.admin or scope.bailleurs or scope.reservataires or scope.epci_staff):
        raise PermissionDenied("Ces pages sont réservées aux bailleurs, aux réservataires et à l'EPCI.")
    return scope


# --- Dwellings -----------------------------------------------------------------------------------


@login_required
@rubrique("attributions:logements")
def logements(request):
    _exiger_un_role(request.user)
    qs = logements_for_user(request.user, Logement.objects.all()).select_related("commune", "bailleur", "qpv")
    texte = request.GET.get("q", "").strip()
    if texte:
        qs = qs.filter(Q(identifiant__icontains=texte) | Q(adresse__icontains=texte))
    typologie = request.GET.get("typologie", "")
    if typologie:
        qs = qs.filter(typologie=typologie)
    page = Paginator(qs.order_by("identifiant"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "attributions/vacances/logements_liste.html",
        {
            "page": page,
            "q": texte,
            "typologie": typologie,
            "typologies": Logement._meta.get_field("typologie").choices,
            "peut_importer": can_declare(request.user),
        },
    )


@login_required
def logement_accessibilite(request, pk):
    """The landlord's staff describe the accessibility of one of their dwellings."""
    logement = get_object_or_404(logements_for_user(request.user, Logement.objects.select_related("commune")), pk=pk)
    if not can_declare(request.user, logement.bailleur):
        raise PermissionDenied("Seul le personnel du bailleur décrit l'accessibilité de ses logements.")
    form = AccessibiliteForm(request.POST or None, instance=Logement.objects.get(pk=logement.pk))
    if request.method == "POST" and form.is_valid():
        try:
            modifies = services.decrire_accessibilite(
                logement=logement,
                donnees={champ: form.cleaned_data[champ] for champ in AccessibiliteForm.Meta.fields},
                acteur=request.user,
            )
        except ErreurMetier as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Accessibilité du logement {logement.identifiant} enregistrée."
                if modifies
                else "Aucune modification.",
            )
            ouverte = logement.vacances.exclude(statut=Vacance.Statut.BAIL_SIGNE).first()
            if ouverte is not None:
                return redirect("attributions:vacance", pk=ouverte.pk)
            return redirect(f"{reverse('attributions:logements')}?q={logement.identifiant}")
    return render(request, "attributions/vacances/logement_accessibilite.html", {"logement": logement, "form": form})


@login_required
def logements_import(request):
    if not can_declare(request.user):
        raise PermissionDenied("Seul le personnel d'un bailleur peut importer son patrimoine.")
    bailleurs = _bailleurs_geres(request.user)
    rejet = None
    if request.method == "POST":
        form = StockForm(request.POST, request.FILES, bailleurs=bailleurs)
        if form.is_valid():
            fichier = form.cleaned_data["fichier"]
            try:
                rapport = importer_logements(
                    contenu=fichier.read(), bailleur=form.cleaned_data["bailleur"], acteur=request.user
                )
            except StockRejete as exc:
                rejet = exc
            else:
                messages.success(
                    request,
                    f"{fichier.name} importé : {rapport.nb_crees} logements créés, {rapport.nb_modifies} modifiés, "
                    f"{rapport.nb_inchanges} inchangés.",
                )
                return redirect("attributions:logements")
    else:
        form = StockForm(bailleurs=bailleurs, initial={"bailleur": bailleurs.first()})
    return render(
        request,
        "attributions/vacances/logements_import.html",
        {"form": form, "rejet": rejet, "colonnes": COLONNES},
        status=400 if rejet else 200,
    )


# --- Vacancies -----------------------------------------------------------------------------------


def _vacances(request):
    qs = vacances_for_user(request.user, Vacance.objects.all()).select_related(
        "logement__commune", "bailleur", "reservataire"
    )
    statut = request.GET.get("statut", "")
    if statut in Vacance.Statut.values:
        qs = qs.filter(statut=statut)
    return qs.annotate(nb_candidats=nombre_de(Candidature.objects.all(), "vacance")).order_by(
        "-date_declaration", "-pk"
    ), statut


@login_required
@rubrique("attributions:vacances")
def vacances(request):
    _exiger_un_role(request.user)
    qs, statut = _vacances(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "attributions/vacances/vacances_liste.html",
        {
            "page": page,
            "statut": statut,
            "statuts": Vacance.Statut.choices,
            "peut_declarer": can_declare(request.user),
        },
    )


ENTETE_VACANCES = ["Logement", "Bailleur", "Commune", "Typologie", "Statut", "Réservataire", "Libéré le", "Orienté le",
                   "Bail signé le", "Candidats"]  # fmt: skip


def _lignes_vacances(qs):
    for v in qs.iterator(chunk_size=2000):
        yield [
            v.logement.identifiant,
            v.bailleur.nom,
            v.logement.commune.nom,
            v.logement.typologie,
            v.get_statut_display(),
            v.reservataire.nom if v.reservataire else "",
            v.date_liberation,
            v.date_orientation,
            v.date_bail,
            v.nb_candidats,
        ]


def _titre_vacances(statut: str) -> str:
    return "Logements vacants" + (f" – {Vacance.Statut(statut).label}" if statut in Vacance.Statut.values else "")


@login_required
@rubrique("attributions:vacances")
def vacances_export(request):
    """The vacancies as CSV: in the response up to ``settings.EXPORT_DIRECT_MAX_LIGNES`` rows, written by the
    worker above (``core.exports_differes``)."""
    _exiger_un_role(request.user)
    qs, statut = _vacances(request)
    differe = exports_differes.differer_au_dela_du_seuil(
        request,
        "attributions.vacances",
        dict(request.GET.lists()),
        total=qs.count,
        titre=_titre_vacances(statut),
        nom_fichier="logements_vacants.csv",
    )
    if differe is not None:
        return differe
    return exports.csv_response("logements_vacants.csv", ENTETE_VACANCES, _lignes_vacances(qs))


def production_vacances(utilisateur, parametres: dict) -> exports_differes.Production:
    """The vacancies as a deferred file: the page's own role check, scoping and filter, for the user who asked,
    when the worker writes the file."""
    _exiger_un_role(utilisateur)
    qs, statut = _vacances(exports_differes.requete_de(utilisateur, parametres))
    return exports_differes.Production(
        titre=_titre_vacances(statut),
        colonnes=ENTETE_VACANCES,
        total=qs.count(),
        lignes=_lignes_vacances(qs),
        feuille="Vacances",
    )


@login_required
def vacance_nouvelle(request):
    if not can_declare(request.user):
        raise PermissionDenied("Seul le personnel d'un bailleur déclare ses logements vacants.")
    logements_geres = Logement.objects.filter(bailleur__in=_bailleurs_geres(request.user))
    form = VacanceForm(request.POST or None, logements=logements_geres)
    if request.method == "POST" and form.is_valid():
        try:
            vacance = services.declarer_vacance(
                logement=form.cleaned_data["logement"],
                date_liberation=form.cleaned_data["date_liberation"],
                deduction=form.cleaned_data["deduction"],
                commentaire=form.cleaned_data["commentaire"],
                acteur=request.user,
            )
        except ErreurMetier as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Logement {vacance.logement.identifiant} déclaré vacant.")
            return redirect("attributions:vacance", pk=vacance.pk)
    return render(request, "attributions/vacances/vacance_nouvelle.html", {"form": form})


def _vacance_visible(request, pk) -> Vacance:
    qs = vacances_for_user(request.user, Vacance.objects.all()).select_related(
        "logement__commune", "logement__qpv", "logement__qpv_2015", "bailleur", "epci", "reservataire",
        "reservataire_initial",
    )  # fmt: skip
    return get_object_or_404(qs, pk=pk)


def _classe_quartier(logement: Logement):
    """The current class of the dwelling's neighbourhood in the neighbourhood index (docs/quartiers.md), or None."""
    return classes_courantes([logement.quartier_id]).get(logement.quartier_id)


def _reservataires_orientables(vacance: Vacance):
    annee = _today().year
    avec_convention = flux.conventions_de_l_annee(annee).filter(bailleur=vacance.bailleur).values("reservataire")
    stock = Reservataire.objects.filter(type=Reservataire.Type.BAILLEUR, bailleur=vacance.bailleur)
    qs = Reservataire.objects.filter(Q(pk__in=avec_convention) | Q(epcis=vacance.epci) | Q(pk__in=stock.values("pk")))
    return (
        qs.exclude(Q(type=Reservataire.Type.BAILLEUR) & ~Q(bailleur=vacance.bailleur))
        .distinct()
        .order_by("type", "nom")
    )


def _suggestions(vacance: Vacance) -> list[dict]:
    """Holders most behind on their flow this year (gap most negative first) in the dwelling's perimeter."""
    lignes = []
    for bloc in flux.rapport_flux(vacance.bailleur, _today().year):
        lignes += [{**ligne, "perimetre": bloc.perimetre} for ligne in bloc.lignes if ligne["convention"]]
    lignes.sort(key=lambda ligne: ligne["ecart"])
    return [ligne for ligne in lignes if ligne["ecart"] < 0][:3]


def _alertes_qpv(vacance: Vacance, candidatures, *, contexte: tuple[bool, object] | None = None) -> None:
    """Platform decision 14 on each designated candidate (``c.alerte_qpv``): a warning, never a block.
    ``contexte``: (setting on, first-quartile threshold) when the caller read them once for several dwellings."""
    jour = _today()
    en_qpv = flux.qpv_au(vacance.logement, jour) is not None
    for c in candidatures:
        c.alerte_qpv = None
    if not en_qpv or not candidatures:
        return
    active, seuil = contexte or _contexte_alerte_qpv(vacance.epci, jour)
    for c in candidatures:
        situation = flux.situation_menage(c.demande, jour)
        c.alerte_qpv = flux.alerte_qpv(
            c.demande, situation, situation.premier_quartile(seuil), en_qpv=en_qpv, active=active
        )


def _contexte_alerte_qpv(epci, jour) -> tuple[bool, object]:
    return (
        flux.alerte_qpv_active(flux.parametres_en_vigueur(jour, epci.pk)),
        flux.seuil_applicable(epci, jour.year).seuil_q1,
    )


@login_required
def vacance(request, pk):
    vacance = _vacance_visible(request, pk)
    gerer = can_manage_vacance(request.user, vacance)
    candidatures = list(
        vacance.candidatures.select_related("demande", "seance", "reservataire")
        .prefetch_related(*(f"demande__{p}" for p in flux.PREFETCH_MENAGE))
        .order_by("rang_propose")
    )
    _alertes_qpv(vacance, candidatures)
    for c in candidatures:
        c.peut_repondre = gerer and c.est_attribuee and not c.reponse
        c.peut_lever = gerer and c.type_decision == "ATTRIBUTION_CONDITION" and not c.condition_remplie_le
        c.peut_signer = gerer and c.reponse == "ACCEPTATION" and not c.date_bail and vacance.statut == "ATTRIBUEE"
    if request.method == "GET":  # GDPR read log: the candidates' demands shown on the page
        enregistrer_consultation_demandes(
            utilisateur=request.user,
            objet=JournalConsultation.Objet.DEMANDE,
            canal=JournalConsultation.Canal.PAGE,
            demandes=[c.demande for c in candidatures],
            detail=f"Candidats du logement {vacance.logement.identifiant}",
        )
    seances = SeanceCaleol.objects.filter(bailleur=vacance.bailleur, statut=SeanceCaleol.Statut.PREVUE).order_by("date")
    contexte = {
        "vacance": vacance,
        "logement": vacance.logement,
        "candidatures": candidatures,
        "transitions": TransitionVacance.objects.filter(vacance=vacance).select_related("acteur"),
        "gerer": gerer,
        "designer": can_designate(request.user, vacance) and vacance.statut in ("ORIENTEE", "REMISE_POUR_UN_TOUR"),
        "peut_orienter": gerer and vacance.statut in ("DECLAREE", "ORIENTEE") and not candidatures,
        "peut_remettre": (gerer or can_designate(request.user, vacance))
        and vacance.statut in ("ORIENTEE", "CANDIDATS_DESIGNES"),
        "peut_inscrire": gerer and vacance.statut == "CANDIDATS_DESIGNES",
        "peut_relancer": gerer and vacance.statut in ("EN_COMMISSION", "ATTRIBUEE"),
        "seances_caleol": vacance.seances.order_by("date"),
        "en_qpv": flux.qpv_au(vacance.logement, _today()) is not None,
        "classe_quartier": _classe_quartier(vacance.logement),
        "alerte_adapte": _alerte_adapte(vacance),
        "reponse_form": ReponseForm(),
        "date_form": DateForm(),
        "motif_form": MotifForm(),
    }
    if contexte["peut_orienter"]:
        contexte["orientation_form"] = OrientationForm(
            reservataires=_reservataires_orientables(vacance), initial={"reservataire": vacance.reservataire_id}
        )
        try:
            contexte["suggestions"] = _suggestions(vacance)
        except ErreurMetier:
            contexte["suggestions"] = []
    if contexte["peut_inscrire"]:
        contexte["inscription_form"] = InscriptionForm(seances=seances, initial={"seance": seances.first()})
    return render(request, "attributions/vacances/vacance_detail.html", contexte)


def _alerte_adapte(vacance: Vacance) -> str | None:
    """The adapted dwelling's warning while it is still to be allocated (not a block)."""
    if vacance.statut not in adaptes.STATUTS_OUVERTS:
        return None
    try:
        return adaptes.alerte(vacance, jour=_today())
    except ErreurMetier:
        return None


@login_required
@require_POST
def vacance_action(request, pk, action):
    vacance = _vacance_visible(request, pk)
    user = request.user
    gerer = can_manage_vacance(user, vacance)
    if action == "orienter" and gerer:
        form = OrientationForm(request.POST, reservataires=_reservataires_orientables(vacance))
        if not form.is_valid():
            raise services.ActionRefusee("Choisissez un réservataire.")
        services.orienter_vacance(vacance=vacance, reservataire=form.cleaned_data["reservataire"], acteur=user)
        messages.success(request, f"Logement orienté vers {vacance.reservataire.nom}.")
    elif action == "remettre" and (gerer or can_designate(user, vacance)):
        services.remettre_pour_un_tour(vacance=vacance, motif=request.POST.get("motif", ""), acteur=user)
        messages.success(request, "Logement remis au bailleur pour un tour.")
    elif action == "inscrire" and gerer:
        seances = SeanceCaleol.objects.filter(bailleur=vacance.bailleur, statut=SeanceCaleol.Statut.PREVUE)
        form = InscriptionForm(request.POST, seances=seances)
        if not form.is_valid():
            raise services.ActionRefusee("Choisissez une séance prévue de la commission.")
        services.inscrire_en_seance(seance=form.cleaned_data["seance"], vacance=vacance, acteur=user)
        messages.success(request, "Logement inscrit à l'ordre du jour de la commission.")
    elif action == "relancer" and gerer:
        services.relancer_vacance(vacance=vacance, motif=request.POST.get("motif", ""), acteur=user)
        messages.success(request, "Désignation relancée.")
    elif action in ("reponse", "condition", "bail") and gerer:
        candidature = get_object_or_404(Candidature, vacance=vacance, pk=request.POST.get("candidature"))
        if action == "reponse":
            form = ReponseForm(request.POST)
            if not form.is_valid():
                raise services.ActionRefusee("Indiquez la réponse et sa date.")
            services.enregistrer_reponse(
                candidature=candidature,
                reponse=form.cleaned_data["reponse"],
                motif_refus=form.cleaned_data["motif_refus"],
                date_reponse=form.cleaned_data["date_reponse"],
                acteur=user,
            )
            messages.success(request, "Réponse du demandeur enregistrée.")
        else:
            form = DateForm(request.POST)
            if not form.is_valid():
                raise services.ActionRefusee("Indiquez une date valide.")
            if action == "condition":
                services.lever_condition(candidature=candidature, jour=form.cleaned_data["date"], acteur=user)
                messages.success(request, "Condition suspensive levée.")
            else:
                services.signer_bail(candidature=candidature, date_bail=form.cleaned_data["date"], acteur=user)
                messages.success(
                    request,
                    "Bail enregistré : la demande est radiée pour attribution et les objectifs sont recalculés.",
                )
    else:
        raise PermissionDenied("Action non autorisée.")
    return redirect("attributions:vacance", pk=vacance.pk)


# --- Candidates ----------------------------------------------------------------------------------

PAR_PAGE_CANDIDATS = 20


@login_required
def vacance_candidats(request, pk):
    vacance = _vacance_visible(request, pk)
    if not can_designate(request.user, vacance):
        raise PermissionDenied("Seul le réservataire vers qui le logement est orienté désigne les candidats.")
    if vacance.statut not in ("ORIENTEE", "REMISE_POUR_UN_TOUR"):
        messages.error(request, "Les candidats de ce logement sont déjà désignés.")
        return redirect("attributions:vacance", pk=vacance.pk)
    jour = _today()
    try:
        parametres = flux.parametres_en_vigueur(jour, vacance.epci_id)
        qs = flux.candidats_possibles(vacance, jour=jour, parametres=parametres)
        nb_min = int(flux.parametre(parametres, "NB_CANDIDATS_MIN"))
    except ErreurMetier as exc:
        messages.error(request, str(exc))
        return redirect("attributions:vacance", pk=vacance.pk)
    form = DesignationForm(request.POST or None)
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("demande") if i.isdigit()]
        if form.is_valid():
            choisies = list(qs.filter(pk__in=ids))
            try:
                services.designer_candidats(
                    vacance=vacance,
                    demandes=choisies,
                    exception=form.cleaned_data["exception"],
                    justification=form.cleaned_data["justification"],
                    acteur=request.user,
                )
            except ErreurMetier as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"{len(choisies)} candidat(s) désigné(s).")
                if avertissement := adaptes.alerte(vacance, jour=jour):
                    messages.warning(request, avertissement)
                return redirect("attributions:vacance", pk=vacance.pk)
    page = Paginator(qs, PAR_PAGE_CANDIDATS).get_page(request.GET.get("page"))
    demandes = list(page.object_list.prefetch_related(*flux.PREFETCH_MENAGE))
    enregistrer_consultation_liste(
        utilisateur=request.user,
        objet=JournalConsultation.Objet.LISTE,
        canal=JournalConsultation.Canal.PAGE,
        demandes=demandes,
        detail=f"Candidats possibles pour le logement {vacance.logement.identifiant}",
    )
    return render(
        request,
        "attributions/vacances/vacance_candidats.html",
        {
            "vacance": vacance,
            "logement": vacance.logement,
            "page": page,
            "candidats": flux.enrichir(demandes, vacance, jour=jour, parametres=parametres),
            "nb_besoin_adapte": (
                adaptes.demandeurs_qui_en_ont_besoin(vacance, jour=jour, parametres=parametres).count()
                if vacance.logement.est_adapte
                else 0
            ),
            "form": form,
            "classement_par_score": flux.champ_score() is not None,
            "nb_min": nb_min,
            "classe_quartier": _classe_quartier(vacance.logement),
        },
    )


# --- Adapted dwellings (docs/logements_adaptes.md) -----------------------------------------------


@login_required
@rubrique("attributions:vacances")
def logements_adaptes(request):
    """Both ways of the adapted dwellings' exchange, over the vacancies the user may see."""
    _exiger_un_role(request.user)
    bourse = adaptes.bourse(vacances_for_user(request.user, Vacance.objects.all()), jour=_today())
    enregistrer_consultation_liste(
        utilisateur=request.user,
        objet=JournalConsultation.Objet.LISTE,
        canal=JournalConsultation.Canal.PAGE,
        demandes=[ligne.demande for ligne in bourse.demandeurs],
        detail="Bourse des logements adaptés",
    )
    lignes_vacances = [(v, bourse.nb_par_vacance[v.pk]) for v in bourse.vacances]
    return render(
        request,
        "attributions/vacances/logements_adaptes.html",
        {"bourse": bourse, "lignes_vacances": lignes_vacances},
    )


@login_required
def vacance_besoins(request, pk):
    """The applicants who need this adapted dwelling first (territory's order), with how well it meets them."""
    vacance = _vacance_visible(request, pk)
    jour = _today()
    try:
        parametres = flux.parametres_en_vigueur(jour, vacance.epci_id)
        qs = adaptes.demandeurs_qui_en_ont_besoin(vacance, jour=jour, parametres=parametres)
    except ErreurMetier as exc:
        messages.error(request, str(exc))
        return redirect("attributions:vacance", pk=vacance.pk)
    page = Paginator(qs, PAR_PAGE_CANDIDATS).get_page(request.GET.get("page"))
    demandes = list(page.object_list)
    enregistrer_consultation_liste(
        utilisateur=request.user,
        objet=JournalConsultation.Objet.LISTE,
        canal=JournalConsultation.Canal.PAGE,
        demandes=demandes,
        detail=f"Demandeurs qui ont besoin du logement adapté {vacance.logement.identifiant}",
    )
    logement = vacance.logement
    lignes = [(d, flux.appariement(logement, d, parametres)) for d in demandes]
    return render(
        request,
        "attributions/vacances/vacance_besoins.html",
        {
            "vacance": vacance,
            "logement": logement,
            "page": page,
            "lignes": lignes,
            "rang_depart": page.start_index(),
            "designer": can_designate(request.user, vacance) and vacance.statut in ("ORIENTEE", "REMISE_POUR_UN_TOUR"),
        },
    )


# --- Commission sessions -------------------------------------------------------------------------


def _epci_du_bailleur(user, bailleur):
    membership = Membership.objects.filter(user=user, bailleur=bailleur).first()
    return membership.epci if membership else bailleur.epcis.order_by("pk").first()


@login_required
@rubrique("attributions:seances")
def seances(request):
    _exiger_un_role(request.user)
    bailleurs = _bailleurs_geres(request.user)
    form = SeanceForm(request.POST or None)
    if request.method == "POST":
        bailleur = bailleurs.filter(pk=request.POST.get("bailleur")).first() or bailleurs.first()
        if bailleur is None:
            raise PermissionDenied("Seul le personnel d'un bailleur crée les séances de sa commission.")
        epci = _epci_du_bailleur(request.user, bailleur)
        if form.is_valid() and epci is not None:
            seance = services.creer_seance(
                bailleur=bailleur,
                epci=epci,
                date=form.cleaned_data["date"],
                lieu=form.cleaned_data["lieu"],
                acteur=request.user,
            )
            messages.success(request, f"Séance du {seance.date:%d/%m/%Y} créée.")
            return redirect("attributions:seance", pk=seance.pk)
    qs = seances_for_user(request.user, SeanceCaleol.objects.all()).select_related("bailleur")
    page = Paginator(qs.annotate(nb=Count("vacances")).order_by("-date", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "attributions/vacances/seances_liste.html",
        {"page": page, "form": form, "bailleurs": bailleurs, "peut_creer": bailleurs.exists()},
    )


@login_required
def seance(request, pk):
    seance = get_object_or_404(SeanceCaleol.objects.select_related("bailleur", "epci"), pk=pk)
    if not can_view_seance(request.user, seance):
        raise Http404("Séance introuvable")
    gerer = can_manage_seance(request.user, seance)
    if request.method == "POST":
        if not gerer:
            raise PermissionDenied("Seul le bailleur enregistre les décisions de sa commission.")
        if request.POST.get("action") == "rouvrir":
            if not can_reopen_seance(request.user, seance):
                raise PermissionDenied("Seul le personnel du bailleur rouvre une séance tenue de sa commission.")
            services.rouvrir_seance(seance=seance, motif=request.POST.get("motif", ""), acteur=request.user)
            messages.success(request, "Séance rouverte : rectifiez les décisions puis enregistrez à nouveau la séance.")
        elif request.POST.get("action") == "tenue":
            form = TenueForm(request.POST)
            if not form.is_valid():
                raise services.ActionRefusee("Indiquez les membres présents.")
            services.tenir_seance(seance=seance, acteur=request.user, **form.cleaned_data)
            messages.success(request, "Séance enregistrée.")
        else:
            candidature = get_object_or_404(Candidature, seance=seance, pk=request.POST.get("candidature"))
            form = DecisionForm(request.POST)
            if not form.is_valid():
                raise services.ActionRefusee("Décision incomplète : " + form.errors.as_text())
            services.enregistrer_decision(candidature=candidature, acteur=request.user, **form.cleaned_data)
            messages.success(request, f"Décision enregistrée pour {candidature.demande.numero_unique}.")
        return redirect("attributions:seance", pk=seance.pk)
    vacances = list(seance.vacances.select_related("logement__commune", "reservataire").order_by("pk"))
    candidatures = (
        Candidature.objects.filter(seance=seance)
        .select_related("demande")
        .prefetch_related(*(f"demande__{p}" for p in flux.PREFETCH_MENAGE))
        .order_by("vacance_id", "rang_propose")
    )
    par_vacance: dict[int, list] = {}
    close = services.seance_close(seance)
    for c in candidatures:
        c.modifiable = gerer and not close and not c.reponse
        par_vacance.setdefault(c.vacance_id, []).append(c)
    classes = classes_courantes(v.logement.quartier_id for v in vacances)
    contexte_qpv = _contexte_alerte_qpv(seance.epci, _today()) if par_vacance else None
    for v in vacances:
        v.examinees = par_vacance.get(v.pk, [])
        v.classe_quartier = classes.get(v.logement.quartier_id)
        _alertes_qpv(v, v.examinees, contexte=contexte_qpv)
        v.alerte_adapte = _alerte_adapte(v) if v.logement.est_adapte else None
    return render(
        request,
        "attributions/vacances/seance_detail.html",
        {
            "seance": seance,
            "vacances": vacances,
            "gerer": gerer,
            "close": close,
            "peut_rouvrir": can_reopen_seance(request.user, seance),
            "reouvertures": list(seance.reouvertures.select_related("rouverte_par", "refermee_par")),
            "tenue_form": TenueForm(
                initial={"membres_presents": seance.membres_presents, "compte_rendu": seance.compte_rendu}
            ),
            "types_decision": DecisionCaleol.Type.choices,
        },
    )


# --- Flow report ---------------------------------------------------------------------------------


@login_required
@rubrique("attributions:flux")
def rapport_flux(request):
    scope = scope_for(request.user)
    if not (scope.admin or scope.bailleurs or scope.reservataires or scope.epci_lecture):
        raise PermissionDenied("Le bilan des flux est réservé aux bailleurs, aux réservataires et à l'EPCI.")
    bailleurs = bailleurs_flux_for_user(request.user, Bailleur.objects.filter(conventions__isnull=False)).order_by(
        "nom"
    )
    siren = request.GET.get("bailleur", "")
    bailleur = bailleurs.filter(siren=siren).first() if siren else bailleurs.first()
    annee = parametres.annee(request.GET, defaut=_today().year)
    contexte = {"bailleurs": bailleurs, "bailleur": bailleur, "annee": annee, "annees": range(annee - 3, annee + 2)}
    if bailleur is not None:
        visibles = reservataires_visibles_flux(request.user, bailleur)
        try:
            contexte["blocs"] = flux.rapport_flux(bailleur, annee, reservataires=visibles)
        except ErreurMetier as exc:
            contexte["blocs"], contexte["erreur"] = [], str(exc)
        decisions = DecisionCaleol.objects.for_user(request.user).filter(bailleur=bailleur)
        candidatures = Candidature.objects.filter(
            vacance__in=vacances_for_user(request.user, Vacance.objects.filter(bailleur=bailleur))
        )
        epci = bailleur.epcis.filter(pk__in=scope.epci_tous).first() if not scope.admin else bailleur.epcis.first()
        contexte["bilan"] = flux.mutations_et_refus(annee, decisions=decisions, candidatures=candidatures, epci=epci)
        contexte["vue_partielle"] = visibles is not None
        contexte["zero"] = Decimal(0)
    return render(request, "attributions/vacances/flux_rapport.html", contexte)
