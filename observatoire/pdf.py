"""PDF renderers of the yearly balance sheets: bytes from a dedicated print template and a print
stylesheet, through core.pdf (bundled fonts, no network, tagged PDF/UA in French).

- ``bilan_cil_pdf``: the CIL's balance sheet for an EPCI;
- ``bilan_bailleur_pdf``: a landlord's yearly flow report (R. 441-5 CCH, before 28 February);
- ``bilan_reservataire_pdf``: the report for one reservation holder.
"""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string

from core.pdf import rendre_pdf_et_pages

from . import selectors
from .document import assembler
from .selectors import Bilan

DOSSIER = Path(__file__).resolve().parent
FEUILLE_DE_STYLE = DOSSIER / "static" / "observatoire" / "bilan-print.css"


def html_bilan(bilan: Bilan) -> str:
    """The printed document: the balance sheet's figures with its charts and sentences (document.assembler)."""
    return render_to_string("observatoire/print/bilan.html", {"bilan": assembler(bilan)})


def rend_pdf_et_pages(bilan: Bilan) -> tuple[bytes, int]:
    # Tagged (PDF/UA-1) for screen-reader users: about 6 % more time than an untagged PDF.
    return rendre_pdf_et_pages(html_bilan(bilan), base=DOSSIER, css=[FEUILLE_DE_STYLE])


def rend_pdf(bilan: Bilan) -> bytes:
    return rend_pdf_et_pages(bilan)[0]


def bilan_cil_pdf(epci, annee: int, *, auteur: str = "") -> bytes:
    return rend_pdf(selectors.bilan(epci, annee, kind=selectors.CIL, auteur=auteur))


def bilan_bailleur_pdf(epci, annee: int, bailleur, *, auteur: str = "") -> bytes:
    return rend_pdf(selectors.bilan(epci, annee, kind=selectors.BAILLEUR, bailleur=bailleur, auteur=auteur))


def bilan_reservataire_pdf(epci, annee: int, reservataire, *, auteur: str = "") -> bytes:
    return rend_pdf(selectors.bilan(epci, annee, kind=selectors.RESERVATAIRE, reservataire=reservataire, auteur=auteur))
