"""PDF renderers of the yearly balance sheets: bytes from a dedicated print template, a print
stylesheet and the fonts bundled in static/fonts/ (no network: only file: URLs are fetched).

- ``bilan_cil_pdf``: the CIL's balance sheet for an EPCI;
- ``bilan_bailleur_pdf``: a landlord's yearly flow report (R. 441-5 CCH, before 28 February);
- ``bilan_reservataire_pdf``: the report for one reservation holder.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from . import selectors
from .document import assembler
from .selectors import Bilan

DOSSIER = Path(__file__).resolve().parent
FEUILLE_DE_STYLE = DOSSIER / "static" / "observatoire" / "bilan-print.css"
POLICES = Path(settings.BASE_DIR) / "static" / "fonts"
FACES = [
    ("LiberationSans-Regular.ttf", "normal", "normal"),
    ("LiberationSans-Bold.ttf", "bold", "normal"),
    ("LiberationSans-Italic.ttf", "normal", "italic"),
    ("LiberationSans-BoldItalic.ttf", "bold", "italic"),
]


def _url_fetcher():
    """Only local files (the bundled fonts): a balance sheet never touches the network, and a missing
    font stops the rendering instead of silently falling back to whatever the machine has."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"file"}, fail_on_errors=True)


def _font_faces() -> str:
    regles = []
    for fichier, graisse, style in FACES:
        chemin = POLICES / fichier
        regles.append(
            f'@font-face {{ font-family: "Liberation Sans"; src: url("{chemin.as_uri()}") format("truetype"); '
            f"font-weight: {graisse}; font-style: {style}; }}"
        )
    return "\n".join(regles)


def html_bilan(bilan: Bilan) -> str:
    """The printed document: the balance sheet's figures with its charts and sentences (document.assembler)."""
    return render_to_string("observatoire/print/bilan.html", {"bilan": assembler(bilan)})


def rend_pdf_et_pages(bilan: Bilan) -> tuple[bytes, int]:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    fetcher = _url_fetcher()
    feuilles = [
        CSS(string=_font_faces(), font_config=font_config, url_fetcher=fetcher),
        CSS(filename=str(FEUILLE_DE_STYLE), font_config=font_config, url_fetcher=fetcher),
    ]
    html = HTML(string=html_bilan(bilan), base_url=str(DOSSIER), url_fetcher=fetcher)
    document = html.render(stylesheets=feuilles, font_config=font_config)
    # A tagged PDF (PDF/UA-1: structure, reading order, language, title) for screen-reader users;
    # it costs about 6 % more time than an untagged one.
    return document.write_pdf(pdf_variant="pdf/ua-1"), len(document.pages)


def rend_pdf(bilan: Bilan) -> bytes:
    return rend_pdf_et_pages(bilan)[0]


def bilan_cil_pdf(epci, annee: int, *, auteur: str = "") -> bytes:
    return rend_pdf(selectors.bilan(epci, annee, kind=selectors.CIL, auteur=auteur))


def bilan_bailleur_pdf(epci, annee: int, bailleur, *, auteur: str = "") -> bytes:
    return rend_pdf(selectors.bilan(epci, annee, kind=selectors.BAILLEUR, bailleur=bailleur, auteur=auteur))


def bilan_reservataire_pdf(epci, annee: int, reservataire, *, auteur: str = "") -> bytes:
    return rend_pdf(selectors.bilan(epci, annee, kind=selectors.RESERVATAIRE, reservataire=reservataire, auteur=auteur))
