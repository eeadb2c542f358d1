"""The applicant's own follow-up pages (R. 441-2-17): identification by a one-time code, then their demand only.

Unlike the other public pages these carry personal data: never cacheable (``no-store``), a session and a CSRF
token; the demand comes from the session only (``suivi.demande_de_la_session``), never from the address.
Every reading is written to the GDPR read log with the channel ``SUIVI``.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from core.comptes import adresse_client
from demandes import rules as demandes_rules
from demandes import selectors as demandes_selectors
from demandes import sensibles
from demandes import services as demandes_services
from demandes.models import JournalConsultation
from demandes.services_rgpd import enregistrer_consultation

from . import chiffres, selectors, suivi

MESSAGE_ENVOI = (
    "Si ces informations correspondent à une demande active de ce territoire qui a une adresse électronique, "
    "un code à six chiffres vient d'y être envoyé. Il est valable 15 minutes."
)
MESSAGE_BLOCAGE = (
    "Trop d'essais infructueux : l'identification est suspendue pendant 30 minutes. Vous pouvez aussi vous "
    "adresser à un lieu d'accueil du territoire."
)
ORGANISATION_DEMANDEUR = "Le demandeur, en ligne"
DECISIONS = {
    "ATTRIBUTION": "Attribution",
    "ATTRIBUTION_RANG": "Attribution par ordre de priorité",
    "ATTRIBUTION_CONDITION": "Attribution sous condition suspensive",
    "NON_ATTRIBUTION": "Non-attribution",
    "IRRECEVABILITE": "Irrecevabilité",
}


class IdentificationForm(forms.Form):
    numero = forms.CharField(
        label="Numéro unique de votre demande",
        max_length=32,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
        help_text="Il figure sur votre attestation d'enregistrement, par exemple 038-2026-0000123.",
    )
    date_naissance = forms.DateField(
        label="Date de naissance du demandeur",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        help_text="Celle du demandeur principal, au format jour/mois/année.",
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code reçu par courriel",
        max_length=12,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )


def sans_cache(vue):
    @wraps(vue)
    def enveloppe(request, *args, **kwargs):
        response = vue(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return enveloppe


def _methode(vue):
    """The territory from its address, as ``views.page_publique`` (which answers GET only) resolves it."""

    @wraps(vue)
    def enveloppe(request, slug, **kwargs):
        table = selectors.slugs()
        epci = table.get(slug)
        if epci is None:
            raise Http404("Ce territoire n'a pas de pages publiques sur la plateforme.")
        return vue(request, epci, **kwargs)

    return enveloppe


@sans_cache
@require_http_methods(["GET", "POST"])
@_methode
def identification(request, epci):
    if suivi.demande_de_la_session(request, epci) is not None:
        return redirect("public:ma_demande", slug=epci.slug)
    form = IdentificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        numero = suivi.demander_code(
            epci, form.cleaned_data["numero"], form.cleaned_data["date_naissance"], adresse_client(request)
        )
        if numero is None:
            messages.error(request, MESSAGE_BLOCAGE)
            return redirect("public:suivi", slug=epci.slug)
        request.session[suivi.cle_attente(epci)] = numero
        messages.info(request, MESSAGE_ENVOI)
        return redirect("public:suivi_code", slug=epci.slug)
    return render(request, "public/suivi/identification.html", {"epci": epci, "form": form})


@sans_cache
@require_http_methods(["GET", "POST"])
@_methode
def code(request, epci):
    numero = request.session.get(suivi.cle_attente(epci))
    if not numero:
        return redirect("public:suivi", slug=epci.slug)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        adresse = adresse_client(request)
        demande = suivi.verifier_code(epci, numero, form.cleaned_data["code"], adresse)
        if demande is not None:
            suivi.ouvrir(request, epci, demande)
            return redirect("public:ma_demande", slug=epci.slug)
        if suivi.bloque(epci, numero, adresse):
            suivi.fermer(request, epci)
            messages.error(request, MESSAGE_BLOCAGE)
            return redirect("public:suivi", slug=epci.slug)
        form.add_error("code", "Ce code n'est pas valable : vérifiez-le, ou demandez un nouveau code.")
    return render(request, "public/suivi/code.html", {"epci": epci, "form": form})


def _decisions(evenements) -> list[dict]:
    lignes = []
    for e in evenements:
        if e.type != "DECISION_CAL" or e.masque:
            continue
        detail = e.detail or {}
        lignes.append(
            {
                "date": e.date,
                "libelle": e.libelle,
                "decision": DECISIONS.get(detail.get("decision"), detail.get("decision") or ""),
                "rang": detail.get("rang"),
                "motif": detail.get("motif") or "",
                "condition": detail.get("condition") or "",
            }
        )
    return lignes


def _typologie_publique(typologie: str) -> str:
    return "T5+" if typologie in ("T5", "T6") else typologie


@sans_cache
@require_http_methods(["GET"])
@_methode
def ma_demande(request, epci):
    demande = suivi.demande_de_la_session(request, epci)
    if demande is None:
        messages.info(request, "Identifiez-vous pour consulter votre demande.")
        return redirect("public:suivi", slug=epci.slug)
    jour = timezone.localdate()
    active = demande.est_active
    lecture = sensibles.Lecture(definition=sensibles.definition(demande.epci_id), voit=False)
    delais = demandes_selectors.delais_pour(demande.epci_id, jour)
    membres = list(demande.membres.all())
    priorites = list(demande.priorites.all())
    pieces = list(demandes_selectors.pieces_visibles(demande, lecture=lecture))
    evenements = demandes_selectors.timeline_demandeur(demande, lecture=lecture)
    communes = list(demande.communes_souhaitees.order_by("nom"))
    positions = demandes_selectors.positions_demande(demande, jour) if active else []
    publies = selectors.derniers_chiffres(epci)  # the rule the published waiting times were masked with
    delais_observes = []
    for commune in communes:
        for typologie in demande.typologies:
            ligne = selectors.delai_observe(epci, commune.code_insee, _typologie_publique(typologie))
            delais_observes.append(
                {
                    "commune": commune.nom,
                    "typologie": chiffres.LIBELLES_TYPOLOGIES.get(_typologie_publique(typologie), typologie),
                    "ligne": ligne,
                }
            )
    contexte = {
        "epci": epci,
        "demande": demande,
        "expiration": demandes_rules.date_expiration(demande.date_depot, demande.date_dernier_renouvellement, delais),
        "ouverture": demandes_rules.ouverture_renouvellement(
            demande.date_depot, demande.date_dernier_renouvellement, delais
        ),
        "renouvelable": demandes_rules.renouvellement_ouvert(
            demande.statut, demande.date_depot, demande.date_dernier_renouvellement, delais, jour
        ),
        "cotation": demandes_selectors.cotation_expliquee(demande, jour, lecture=lecture) if active else None,
        "positions": positions,
        "regle_secret": demandes_selectors.regle_appliquee(positions),
        "regle_publiee": publies.regle_secret if publies is not None else "",
        "delais_observes": delais_observes,
        "pieces": demandes_selectors.checklist(demande, membres, priorites, pieces, lecture=lecture, jour=jour),
        "evenements": evenements,
        "decisions": _decisions(evenements),
    }
    enregistrer_consultation(
        utilisateur=None,
        objet=JournalConsultation.Objet.DEMANDE,
        canal=JournalConsultation.Canal.SUIVI,
        demande=demande,
        detail="Suivi en ligne par le demandeur (R. 441-2-17)",
    )
    return render(request, "public/suivi/ma_demande.html", contexte)


@sans_cache
@require_POST
@_methode
def renouveler(request, epci):
    demande = suivi.demande_de_la_session(request, epci)
    if demande is None:
        return redirect("public:suivi", slug=epci.slug)
    jour = timezone.localdate()
    delais = demandes_selectors.delais_pour(demande.epci_id, jour)
    if not demandes_rules.renouvellement_ouvert(
        demande.statut, demande.date_depot, demande.date_dernier_renouvellement, delais, jour
    ):
        messages.error(request, "Le renouvellement de votre demande n'est pas ouvert aujourd'hui.")
        return redirect("public:ma_demande", slug=epci.slug)
    demandes_services.renouveler(demande, acteur=None, jour=jour, organisation=ORGANISATION_DEMANDEUR)
    expiration = demandes_rules.date_expiration(demande.date_depot, demande.date_dernier_renouvellement, delais)
    messages.success(request, f"Votre demande est renouvelée : elle est valable jusqu'au {expiration:%d/%m/%Y}.")
    return redirect("public:ma_demande", slug=epci.slug)


@sans_cache
@require_POST
@_methode
def deconnexion(request, epci):
    suivi.fermer(request, epci)
    messages.info(request, "Vous êtes déconnecté du suivi de votre demande.")
    return redirect("public:territoire", slug=epci.slug)
