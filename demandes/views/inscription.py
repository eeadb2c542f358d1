"""Registration of a demand in steps, with the duplicate check as the names are typed."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_GET, require_POST

from cil.models import Guichet
from core import parametres

from .. import forms, permissions, selectors, services
from ..models import (
    Demande,
    MembreMenage,
    Ressource,
)
from ..rules import DomainError
from ._commun import _acces_demandes, _erreur_domaine

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
