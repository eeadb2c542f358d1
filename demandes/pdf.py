"""PDF documents handed to applicants: bytes from a print template and a print CSS, through core.pdf
(bundled fonts, no network, tagged PDF/UA in French)."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from core.db import ordre_fr
from core.pdf import rendre_pdf

from . import rules, selectors

DOSSIER = Path(__file__).resolve().parent
CSS_PATH = DOSSIER / "templates" / "demandes" / "print" / "print.css"


def _render(template: str, contexte: dict) -> bytes:
    return rendre_pdf(render_to_string(template, contexte), base=DOSSIER, css=[CSS_PATH])


def fiche_information(demande, *, lecture) -> bytes:
    """Attestation of registration and information sheet (R. 441-2-4, R. 441-2-17); ``lecture``
    (sensibles.Lecture of whoever prints it) masks the scoring lines that reveal a sensitive situation."""
    today = timezone.localdate()
    delais = selectors.delais_pour(demande.epci_id, today)
    from cil.models import Bailleur, Guichet

    communes = [c.nom for c in demande.communes_souhaitees.all()]
    bailleurs = (
        Bailleur.objects.filter(epcis=demande.epci_id)
        .order_by(ordre_fr("nom"))
        .values_list("nom", flat=True)
        .distinct()[:20]
    )
    guichets = Guichet.objects.filter(epci_id=demande.epci_id, enregistreur=True).select_related("commune")[:12]
    positions = selectors.positions_demande(demande, today) if demande.est_active else []
    contexte = {
        "demande": demande,
        "today": today,
        "expiration": rules.date_expiration(demande.date_depot, demande.date_dernier_renouvellement, delais),
        "rappel": rules.date_rappel(demande.date_depot, demande.date_dernier_renouvellement, delais),
        "communes": communes,
        "bailleurs": list(bailleurs),
        "guichets": list(guichets),
        "delai_entretien": delais.delai_max_entretien_jours,
        # R. 441-2-17: the score, the position among similar demands, the observed waiting time
        "cotation": selectors.cotation_expliquee(demande, today, lecture=lecture) if demande.est_active else None,
        "positions": positions,
        "regle_secret": selectors.regle_appliquee(positions),
    }
    return _render("demandes/print/fiche_information.html", contexte)


def lettres_rappel(evenements) -> bytes:
    """One renewal notice per page, for the applicants to be written to by post."""
    lettres = []
    for evenement in evenements:
        lettres.append(
            {
                "demande": evenement.demande,
                "expiration": evenement.detail.get("expiration", ""),
                "date": timezone.localtime(evenement.date).date(),
            }
        )
    return _render("demandes/print/lettres_rappel.html", {"lettres": lettres})
