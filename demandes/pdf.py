"""PDF documents handed to applicants: bytes from a print template, a print CSS and bundled fonts."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from core.db import ordre_fr

from . import rules, selectors

FONTS_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
CSS_PATH = Path(__file__).resolve().parent / "templates" / "demandes" / "print" / "print.css"


def _render(template: str, contexte: dict) -> bytes:
    from weasyprint import CSS, HTML  # about 0.8 s to import: only when a PDF is asked for

    css = CSS_PATH.read_text(encoding="utf-8").replace("{{FONTS}}", FONTS_DIR.as_uri())
    html = render_to_string(template, contexte)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[CSS(string=css)])


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
        "positions": selectors.positions_demande(demande, today) if demande.est_active else [],
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
