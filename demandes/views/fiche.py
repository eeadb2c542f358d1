"""Pages of the reception desk: thin views that parse, check rights, call one service or selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_GET, require_POST

from cil.models import Guichet
from core import exports, parametres
from core.db import ordre_fr
from core.navigation import rubrique

from . import forms, permissions, rules, selectors, sensibles, services
from .filters import DemandeFilter
from .models import (
    Contact,
    CriterePriorite,
    Demande,
    Evenement,
    JournalConsultation,
    MembreMenage,
    PieceJustificative,
    RendezVous,
    Ressource,
)
from .rules import ConflitDeVersion, DomainError
from .services_rgpd import (
    enregistrer_consultation,
    enregistrer_consultation_demandes,
    enregistrer_consultation_liste,
)


def _demande_visible(request, pk) -> Demande:
    demande = get_object_or_404(Demande.objects.select_related("epci", "guichet", "guichet__commune"), pk=pk)
    if not permissions.can_view(request.user, demande):
        raise Http404("Demande introuvable.")  # do not reveal that it exists
    return demande


def _demande_modifiable(request, pk) -> Demande:
    demande = _demande_visible(request, pk)
    if not permissions.can_edit(request.user, demande):
        raise PermissionDenied("Vous pouvez consulter cette demande mais pas la modifier.")
    return demande


def _acces_demandes(request):
    acces = permissions.acces_for(request.user)
    if acces.aucun:
        raise PermissionDenied("Votre rôle ne donne pas accès aux demandes de logement social.")
    return acces


def _erreur_domaine(request, exc: Exception) -> None:
    messages.error(request, str(exc) if isinstance(exc, DomainError) else " ".join(exc.messages))


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


@login_required
@require_GET
def export_csv(request):
    """The search results as CSV: never any sensitive situation, scoped like the page."""
    _acces_demandes(request)
    filtre = DemandeFilter(request.GET, queryset=Demande.objects.for_user(request.user).select_related("guichet"))
    parametres.filtres_valides(filtre)
    lignes = filtre.qs.order_by("nom_norm", "prenom_norm", "id")[:10000]
    enregistrer_consultation_liste(
        utilisateur=request.user,
        objet=JournalConsultation.Objet.EXPORT,
        canal=JournalConsultation.Canal.EXPORT,
        demandes=filtre.qs,
        detail=f"Export CSV des demandes ({request.GET.urlencode()[:200]})",
    )

    entete = [
        "numero_unique",
        "nom",
        "prenom",
        "date_naissance",
        "statut",
        "date_depot",
        "dernier_renouvellement",
        "guichet",
    ]
    rows = (
        [
            d.numero_unique,
            d.nom,
            d.prenom,
            d.date_naissance,
            d.get_statut_display(),
            d.date_depot,
            d.date_dernier_renouvellement,
            d.guichet.nom,
        ]
        for d in lignes.iterator(chunk_size=1000)
    )
    return exports.csv_response("demandes.csv", entete, rows)


# --- Registration in steps --------------------------------------------------------------------

ETAPES = [
    ("demandeur", "Demandeur"),
    ("menage", "Ménage"),
    ("ressources", "Ressources"),
    ("logement", "Logement actuel et motifs"),
    ("souhaits", "Souhaits"),
    ("recapitulatif", "Vérification"),
]
SESSION_CLE = "demandes_inscription"


def _brouillon(request) -> dict:
    return request.session.get(SESSION_CLE, {})


def _donnees_etape(request, etape) -> MultiValueDict | None:
    stocke = _brouillon(request).get(etape)
    return MultiValueDict(stocke) if stocke is not None else None


def _personnes(request) -> list[tuple[str, str]]:
    """Choices for the resources step, from the household step already filled in."""
    data = _donnees_etape(request, "menage")
    if data is None:
        return []
    formset = forms.MembreFormSet(data, prefix="membres")
    if not formset.is_valid():
        return []
    return [(str(i), f"{m['prenom']} {m['nom']}") for i, m in enumerate(formset.donnees())]


def _formulaires(request, etape, data, guichets):
    epci = None
    brouillon_demandeur = _donnees_etape(request, "demandeur")
    if brouillon_demandeur is not None:
        g = guichets.filter(pk=brouillon_demandeur.get("guichet") or 0).first()
        epci = g.epci if g else None
    if etape == "demandeur":
        return {"form": forms.DemandeurForm(data, guichets=guichets)}
    if etape == "menage":
        return {"formset": forms.MembreFormSet(data, prefix="membres")}
    if etape == "ressources":
        return {
            "formset": forms.RessourceFormSet(
                data, prefix="ressources", form_kwargs={"personnes": _personnes(request)}
            ),
            "form": forms.RevenusForm(data),
        }
    if etape == "logement":
        return {"form": forms.LogementForm(data, epci=epci)}
    if etape == "souhaits":
        return {"form": forms.SouhaitsForm(data, epci=epci)}
    return {}


def _valides(formulaires) -> bool:
    return all(f.is_valid() for f in formulaires.values())


@login_required
def inscription(request, etape="demandeur"):
    _acces_demandes(request)
    guichets = permissions.guichets_enregistreurs_for_user(request.user)
    if not guichets.exists():
        raise PermissionDenied("Vous n'êtes rattaché(e) à aucun guichet enregistreur.")
    noms = [e for e, _ in ETAPES]
    if etape not in noms:
        raise Http404
    index = noms.index(etape)
    # a later step needs the earlier ones
    for precedente in noms[:index]:
        if precedente != "recapitulatif" and _donnees_etape(request, precedente) is None:
            return redirect("demandes:inscription_etape", etape=precedente)

    doublons, confirmation = [], None
    if etape == "recapitulatif":
        return _inscription_recapitulatif(request, guichets)
    if request.method == "POST":
        brut = {k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"}
        formulaires = _formulaires(request, etape, request.POST, guichets)
        ok = _valides(formulaires)
        if ok and etape == "demandeur":
            cd = formulaires["form"].cleaned_data
            doublons = selectors.doublons(cd["guichet"].epci_id, cd["nom"], cd["prenom"], cd["date_naissance"])
            if doublons:
                confirmation = forms.ConfirmationDoublonForm(request.POST)
                ok = confirmation.is_valid()
        if ok:
            brouillon = _brouillon(request)
            brouillon[etape] = brut
            request.session[SESSION_CLE] = brouillon
            return redirect("demandes:inscription_etape", etape=noms[index + 1])
    else:
        formulaires = _formulaires(request, etape, _donnees_etape(request, etape), guichets)
    return render(
        request,
        "demandes/inscription.html",
        {
            "etape": etape,
            "etapes": ETAPES,
            "index": index,
            "precedente": noms[index - 1] if index else "",
            "doublons": doublons,
            "confirmation": confirmation,
            **formulaires,
        },
    )


def _inscription_recapitulatif(request, guichets):
    formulaires = {}
    for etape, _ in ETAPES[:-1]:
        for cle, f in _formulaires(request, etape, _donnees_etape(request, etape), guichets).items():
            formulaires[f"{etape}_{cle}"] = f
    if not _valides(formulaires):
        messages.error(request, "Une étape contient des erreurs : corrigez-la avant d'enregistrer.")
        for cle, f in formulaires.items():
            if not f.is_valid():
                return redirect("demandes:inscription_etape", etape=cle.split("_")[0])
    demandeur = formulaires["demandeur_form"].cleaned_data
    membres = formulaires["menage_formset"].donnees()
    ressources = formulaires["ressources_formset"].donnees(cle="membre_index")
    logement = formulaires["logement_form"].cleaned_data
    souhaits = formulaires["souhaits_form"].cleaned_data
    if request.method == "POST":
        guichet = demandeur["guichet"]
        if not permissions.can_register(request.user, guichet):
            raise PermissionDenied
        donnees = {k: v for k, v in demandeur.items() if k != "guichet"}
        donnees.update(formulaires["ressources_form"].cleaned_data)
        donnees.update(logement)
        donnees.update({k: v for k, v in souhaits.items() if k != "communes_souhaitees"})
        try:
            demande = services.enregistrer_demande(
                guichet=guichet,
                donnees=donnees,
                membres=[{k: v for k, v in m.items() if k != "supprimer"} for m in membres if not m.get("supprimer")],
                ressources=[r for r in ressources if not r.get("supprimer")],
                communes=souhaits["communes_souhaitees"],
                acteur=request.user,
            )
        except (DomainError, ValidationError) as exc:
            _erreur_domaine(request, exc)
        else:
            request.session.pop(SESSION_CLE, None)
            messages.success(
                request,
                f"Demande enregistrée sous le numéro unique {demande.numero_unique}. "
                "Remettez au demandeur son attestation et la fiche d'information.",
            )
            return redirect("demandes:fiche", pk=demande.pk)
    personnes = dict([("D", "Demandeur")] + _personnes(request))
    return render(
        request,
        "demandes/inscription_recapitulatif.html",
        {
            "etape": "recapitulatif",
            "etapes": ETAPES,
            "index": len(ETAPES) - 1,
            "demandeur": formulaires["demandeur_form"],
            "membres": [m for m in membres if not m.get("supprimer")],
            "ressources": [
                {**r, "personne": personnes.get("D" if r["membre_index"] is None else str(r["membre_index"]), "")}
                for r in ressources
                if not r.get("supprimer")
            ],
            "revenus": formulaires["ressources_form"],
            "logement": formulaires["logement_form"],
            "souhaits": formulaires["souhaits_form"],
            "liens": dict(MembreMenage.Lien.choices),
            "natures": dict(Ressource.Nature.choices),
            "situations": dict(Demande.SituationProfessionnelle.choices),
        },
    )


@login_required
@require_POST
def inscription_abandon(request):
    request.session.pop(SESSION_CLE, None)
    messages.info(request, "Saisie abandonnée : rien n'a été enregistré.")
    return redirect("demandes:recherche")


@login_required
@require_GET
def doublons(request):
    """htmx: as soon as name, first name and birth date are typed, show the same person's active demands."""
    acces = _acces_demandes(request)
    trouves = []
    nom, prenom = request.GET.get("nom", ""), request.GET.get("prenom", "")
    try:
        naissance = dt.date.fromisoformat(request.GET.get("date_naissance", ""))
    except ValueError:
        naissance = None
    guichet_pk = parametres.identifiant(request.GET, "guichet")
    guichet = Guichet.objects.filter(pk=guichet_pk).first() if guichet_pk else None
    if nom and prenom and naissance and guichet and (acces.admin or guichet.epci_id in acces.gestion):
        trouves = selectors.doublons(guichet.epci_id, nom, prenom, naissance)
    return render(request, "demandes/_doublons.html", {"doublons": trouves})


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
    contexte = {
        "demande": demande,
        "motifs": lecture.motifs(demande.motifs),
        "membres": membres,
        "ressources": ressources,
        "situation": situation,
        "priorites": [lecture.priorite(p) for p in priorites],
        "decisions_dalo": list(demande.decisions_dalo.all()),
        "checklist": selectors.checklist(demande, membres, priorites, pieces, lecture=lecture),
        "evenements": selectors.timeline(demande, lecture=lecture),
        "transitions": list(demande.transitions.select_related("acteur")),
        "rendez_vous": rendez_vous,
        "communes": list(demande.communes_souhaitees.all()),
        "cotation": selectors.cotation_expliquee(demande, today, lecture=lecture) if demande.est_active else None,
        "positions": selectors.positions_demande(demande, today) if demande.est_active else [],
        "peut_exporter_acces": permissions.can_export_personal_data(user, demande),
        "peut_modifier": peut_modifier and demande.est_active,
        "peut_qualifier": peut_modifier and demande.est_active,
        "expiration": rules.date_expiration(demande.date_depot, demande.date_dernier_renouvellement, delais),
        "ouverture_renouvellement": rules.ouverture_renouvellement(
            demande.date_depot, demande.date_dernier_renouvellement, delais
        ),
        "renouvellement_ouvert": rules.renouvellement_ouvert(
            demande.statut, demande.date_depot, demande.date_dernier_renouvellement, delais, today
        ),
        "piece_form": None,
        "priorite_form": None,
        "dalo_form": None,
        "rdv_form": None,
        "cloture_form": None,
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
        contexte.update(
            {
                "piece_form": forms.PieceForm(lecture=lecture),
                "priorite_form": forms.PrioriteForm(demande=demande, lecture=lecture),
                "dalo_form": forms.DaloForm(),
                "rdv_form": forms.RendezVousForm(
                    guichets=Guichet.objects.filter(epci=demande.epci).order_by(ordre_fr("nom")),
                    initial={"guichet": permissions.guichets_for_user(user).filter(epci=demande.epci).first()},
                ),
                "cloture_form": forms.ClotureRendezVousForm(),
            }
        )
    contexte.update(extra)
    return contexte


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
@require_POST
def priorite_ajouter(request, pk):
    demande = _demande_modifiable(request, pk)
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
@require_POST
def dalo_ajouter(request, pk):
    demande = _demande_modifiable(request, pk)
    form = forms.DaloForm(request.POST)
    if form.is_valid():
        services.enregistrer_dalo(demande, acteur=request.user, **form.cleaned_data)
        messages.success(request, "Décision DALO enregistrée.")
        return redirect(reverse("demandes:fiche", args=[pk]) + "#qualification")
    return render(request, "demandes/fiche.html", _contexte_fiche(request, demande, dalo_form=form), status=400)


# --- Appointments -------------------------------------------------------------------------------


@login_required
@require_POST
def rdv_ajouter(request, pk):
    demande = _demande_modifiable(request, pk)
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
    from .pdf import fiche_information

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


# --- Scheduled jobs and reception network -------------------------------------------------------


def _epcis_gestion(request) -> list[int]:
    acces = _acces_demandes(request)
    if acces.admin:
        from cil.models import Epci

        return list(Epci.objects.values_list("pk", flat=True))
    if not acces.gestion:
        raise PermissionDenied("Réservé aux guichets et à l'EPCI.")
    return sorted(acces.gestion)


@login_required
@require_GET
def traitements(request):
    """What the next run of the scheduled jobs would do (read-only)."""
    epcis = _epcis_gestion(request)
    today = timezone.localdate()
    return render(
        request,
        "demandes/traitements.html",
        {
            "today": today,
            "rappels": selectors.rappels_a_envoyer(today, epcis),
            "radiations": selectors.radiations_a_faire(today, epcis),
            "courriers": _courriers_recents(epcis, today).count(),
        },
    )


def _courriers_recents(epcis, today):
    return (
        Evenement.objects.filter(
            demande__epci_id__in=epcis,
            type=Evenement.Type.RAPPEL_RENOUVELLEMENT,
            date__date__gte=today - dt.timedelta(days=31),
        )
        .filter(detail__icontains="COURRIER")
        .select_related("demande", "demande__guichet")
        .order_by("demande__nom_norm")
    )


@login_required
@require_GET
def courriers_rappel_pdf(request):
    epcis = _epcis_gestion(request)
    from .pdf import lettres_rappel

    evenements = list(_courriers_recents(epcis, timezone.localdate()))
    enregistrer_consultation_demandes(
        utilisateur=request.user,
        objet=JournalConsultation.Objet.DEMANDE,
        canal=JournalConsultation.Canal.PDF,
        demandes=[e.demande for e in evenements],
        detail="Avis de renouvellement",
    )
    response = HttpResponse(lettres_rappel(evenements), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="avis-de-renouvellement.pdf"'
    return response


@login_required
@require_GET
@rubrique("demandes:reseau")
def reseau(request):
    epcis = _epcis_gestion(request)
    today = timezone.localdate()
    guichets = list(permissions.guichets_for_user(request.user).order_by(ordre_fr("nom")))
    debut = (today.replace(day=1) - dt.timedelta(days=330)).replace(day=1)
    noms = {g.pk: g.nom for g in guichets}
    activite = selectors.activite_guichets(list(noms), debut, today)
    for ligne in activite:
        ligne["guichet"] = noms.get(ligne["guichet_id"], "")
    if request.GET.get("format") == "csv":
        return exports.csv_response(
            "activite-guichets.csv",
            ["mois", "guichet", "visites", "appels", "enregistrements", "entretiens"],
            (
                [
                    ligne["mois"].strftime("%Y-%m"),
                    ligne["guichet"],
                    ligne["visites"],
                    ligne["appels"],
                    ligne["enregistrements"],
                    ligne["entretiens"],
                ]
                for ligne in activite
            ),
        )
    return render(
        request,
        "demandes/reseau.html",
        {
            "guichets": guichets,
            "activite": activite,
            "en_retard": selectors.entretiens_en_retard(today, epcis),
            "delai": selectors.delais_pour(epcis[0] if epcis else None, today).delai_max_entretien_jours,
            "a_venir": RendezVous.objects.filter(
                guichet__in=guichets, statut=RendezVous.Statut.PREVU, debut__date__gte=today
            )
            .select_related("demande", "guichet")
            .order_by("debut")[:50],
        },
    )


@login_required
@require_POST
def contact_ajouter(request, guichet_pk):
    guichet = get_object_or_404(permissions.guichets_for_user(request.user), pk=guichet_pk)
    canal = request.POST.get("canal", "")
    services.compter_contact(guichet, canal, acteur=request.user)  # an unknown channel: a 400 with the message
    today = timezone.localdate()
    n = Contact.objects.filter(guichet=guichet, canal=canal, date__date=today).count()
    if request.htmx:
        return render(request, "demandes/_compteur.html", {"guichet": guichet, "canal": canal, "n": n})
    messages.success(request, "Contact compté.")
    return redirect("demandes:reseau")


# --- Scoring grids (cotation) -------------------------------------------------------------------


def _grille_visible(request, pk):
    from .models import GrilleCotation

    grille = get_object_or_404(GrilleCotation.objects.select_related("epci", "adoptee_par", "copie_de"), pk=pk)
    if not permissions.can_view_grille(request.user, grille):
        raise Http404("Grille introuvable.")
    return grille


def _grille_geree(request, pk):
    grille = _grille_visible(request, pk)
    if not permissions.can_manage_grilles(request.user, grille.epci_id):
        raise PermissionDenied("Réservé aux services de l'EPCI.")
    return grille


@login_required
@require_GET
@rubrique("demandes:grilles")
def grilles(request):
    """The territory's grids: the adopted one for everyone with access to demands, drafts for EPCI staff."""
    from cil.models import Epci

    from .models import GrilleCotation

    acces = _acces_demandes(request)
    epcis = Epci.objects.all() if acces.admin else Epci.objects.filter(pk__in=sorted(acces.epcis))
    territoires = []
    for epci in epcis.order_by(ordre_fr("nom")):
        gere = permissions.can_manage_grilles(request.user, epci.pk)
        qs = GrilleCotation.objects.filter(epci=epci).select_related("adoptee_par")
        if not gere:
            qs = qs.exclude(statut=GrilleCotation.Statut.BROUILLON)
        territoires.append(
            {
                "epci": epci,
                "gere": gere,
                "grilles": list(qs.order_by("-version")),
                "form": forms.NouvelleGrilleForm(prefix=f"epci{epci.pk}") if gere else None,
            }
        )
    return render(request, "demandes/cotation/grilles.html", {"territoires": territoires})


@login_required
@require_POST
def grille_creer(request, epci_pk):
    from cil.models import Epci

    epci = get_object_or_404(Epci, pk=epci_pk)
    if not permissions.can_manage_grilles(request.user, epci.pk):
        raise PermissionDenied("Réservé aux services de l'EPCI.")
    form = forms.NouvelleGrilleForm(request.POST, prefix=f"epci{epci.pk}")
    nom = form.cleaned_data["nom"] if form.is_valid() else ""
    grille = services.creer_brouillon(epci=epci, acteur=request.user, nom=nom)
    messages.success(request, f"Brouillon « {grille.nom} » créé : modifiez ses critères puis simulez-le.")
    return redirect("demandes:grille", grille.pk)


@login_required
def grille(request, pk):
    """A grid: its criteria; for EPCI staff on a draft, the criteria's forms and the adoption."""
    from .models import CritereCotation

    grille = _grille_visible(request, pk)
    gere = permissions.can_manage_grilles(request.user, grille.epci_id)
    modifiable = gere and grille.modifiable
    criteres = list(grille.criteres.all())
    form_nouveau = forms.CritereCotationForm(prefix="nouveau", initial={"ordre": len(criteres)}) if modifiable else None
    form_adoption = forms.AdoptionGrilleForm(initial={"deliberation": grille.deliberation}) if modifiable else None
    formulaires = {}
    if modifiable:
        formulaires = {c.pk: forms.CritereCotationForm(instance=c, prefix=f"c{c.pk}") for c in criteres}
    if request.method == "POST":
        if not modifiable:
            raise PermissionDenied("Cette grille n'est pas modifiable.")
        action = request.POST.get("action", "")
        try:
            if action == "adopter":
                form_adoption = forms.AdoptionGrilleForm(request.POST)
                if form_adoption.is_valid():
                    calcul = services.adopter_grille(grille, acteur=request.user, **form_adoption.cleaned_data)
                    messages.success(
                        request,
                        f"Grille adoptée, en vigueur le {grille.date_debut:%d/%m/%Y} ; le recalcul des scores des "
                        f"demandes du territoire est lancé (calcul n° {calcul.pk}).",
                    )
                    return redirect("demandes:grille", grille.pk)
            elif action == "supprimer":
                critere = get_object_or_404(CritereCotation, pk=request.POST.get("critere"), grille=grille)
                services.supprimer_critere(critere=critere, acteur=request.user)
                messages.success(request, f"Critère « {critere.libelle} » supprimé.")
                return redirect("demandes:grille", grille.pk)
            else:
                critere = None
                if request.POST.get("critere"):
                    critere = get_object_or_404(CritereCotation, pk=request.POST.get("critere"), grille=grille)
                prefix = f"c{critere.pk}" if critere else "nouveau"
                form = forms.CritereCotationForm(request.POST, instance=critere, prefix=prefix)
                if form.is_valid():
                    services.enregistrer_critere(
                        grille=grille, acteur=request.user, critere=critere, donnees=form.cleaned_data
                    )
                    messages.success(request, "Critère enregistré.")
                    return redirect("demandes:grille", grille.pk)
                if critere:
                    formulaires[critere.pk] = form
                else:
                    form_nouveau = form
        except (DomainError, ValidationError) as exc:
            _erreur_domaine(request, exc)
    from .models import CalculCotation

    return render(
        request,
        "demandes/cotation/grille.html",
        {
            "grille": grille,
            "gere": gere,
            "modifiable": modifiable,
            "lignes": [(c, formulaires.get(c.pk)) for c in criteres],
            "form_nouveau": form_nouveau,
            "form_adoption": form_adoption,
            "calculs": list(CalculCotation.objects.filter(grille=grille)[:5]) if gere else [],
            "libelles_valeurs": {code: label for _, groupe in forms.choix_valeurs_cotation() for code, label in groupe},
        },
        status=400 if request.method == "POST" else 200,
    )


def _simulation(request, pk):
    from . import selectors
    from .simulation import simuler

    grille = _grille_geree(request, pk)
    reference = selectors.grille_adoptee(grille.epci_id)
    if reference is not None and reference.pk == grille.pk:
        reference = None
    return simuler(grille, reference, jour=timezone.localdate())


@login_required
@require_GET
def grille_simulation(request, pk):
    """The draft applied to the stock and to last year's allocations, side by side with the adopted grid."""
    from observatoire.charts import barres_effectifs

    sim = _simulation(request, pk)
    nom_ref = f"grille adoptée (v{sim.reference.version})" if sim.reference else "aucune grille adoptée"
    contexte = {
        "sim": sim,
        "grille": sim.projet,
        "graphique_reference": barres_effectifs(
            sim.distribution_reference, titre=f"Répartition des scores – {nom_ref}", unite="demandes"
        )
        if sim.reference
        else None,
        "graphique_projet": barres_effectifs(
            sim.distribution_projet, titre=f"Répartition des scores – {sim.projet.nom} (v{sim.projet.version})",
            unite="demandes",
        ),
        "attributions": sim.attributions[:50],
    }  # fmt: skip
    return render(request, "demandes/cotation/simulation.html", contexte)


@login_required
@require_GET
def grille_simulation_csv(request, pk):
    sim = _simulation(request, pk)
    entete = ["population", "numero_unique", "date_decision", "score_grille_adoptee", "score_projet",
              "rang_grille_adoptee", "rang_projet", "places_gagnees", "prioritaire", "premier_quartile"]  # fmt: skip

    def lignes():
        for li in sim.lignes:
            gagnees = None if li.rang_reference is None else li.rang_reference - li.rang_projet
            yield ["stock", li.numero_unique, "", li.score_reference, li.score_projet, li.rang_reference,
                   li.rang_projet, gagnees, li.prioritaire, li.premier_quartile]  # fmt: skip
        for a in sim.attributions:
            gagnees = None if a.rang_reference is None else a.rang_reference - a.rang_projet
            yield [f"attribution {sim.annee_attributions}", a.numero_unique, a.date_decision, a.score_reference,
                   a.score_projet, a.rang_reference, a.rang_projet, gagnees, "", ""]  # fmt: skip

    return exports.csv_response(f"simulation-cotation-v{sim.projet.version}.csv", entete, lignes())


@require_GET
def cotation_publique(request, epci_pk):
    """Public (no login): how demands are scored on the territory (R. 441-2-17: criteria, weighting, refusals)."""
    from cil.models import Epci

    from . import selectors

    epci = get_object_or_404(Epci, pk=epci_pk)
    grille = selectors.grille_adoptee(epci.pk)
    if grille is None:
        raise Http404("Aucune grille de cotation n'est adoptée sur ce territoire.")
    criteres = list(grille.criteres.all())
    return render(
        request,
        "demandes/cotation/publique.html",
        {
            "epci": epci,
            "grille": grille,
            "criteres": [c for c in criteres if c.type != "REFUS"],
            "refus": [(c, abs(c.points)) for c in criteres if c.type == "REFUS"],
        },
    )
