"""The follow-up report of a policy document (for the CIL's yearly review), as a tagged PDF: each action's
status, milestones and indicators (figures computed when the report is made), each local target against its
result. Bytes from a print template and a print stylesheet, through core.pdf.rendre_pdf."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from core.pdf import rendre_pdf

from . import selectors

DOSSIER = Path(__file__).resolve().parent
FEUILLE_DE_STYLE = DOSSIER / "static" / "politique" / "suivi-print.css"


def html_suivi(version, *, annee: int, auteur: str = "") -> str:
    contenu = selectors.version_avec_contenu(version.pk)
    suivi = selectors.suivi(contenu, annee=annee, avec_chiffres=True)
    return render_to_string(
        "politique/print/suivi.html",
        {"suivi": suivi, "version": contenu, "document": contenu.document, "epci": contenu.document.epci,
         "auteur": auteur, "genere_le": timezone.localtime()},
    )  # fmt: skip


def suivi_pdf(version, *, annee: int, auteur: str = "") -> bytes:
    """Through the one pipeline (core.pdf): bundled fonts, file-only fetcher, tagged PDF/UA in French."""
    return rendre_pdf(html_suivi(version, annee=annee, auteur=auteur), base=DOSSIER, css=[FEUILLE_DE_STYLE])
