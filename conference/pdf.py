"""The record of a deliberation as a PDF: bytes from a dedicated print template, a print stylesheet and the fonts
bundled in static/fonts/ (no network: only file: URLs are fetched), tagged (PDF/UA-1) for screen readers.

Same pattern as ``observatoire/pdf.py``; when a shared ``core.pdf`` renderer exists, ``rend_pdf`` is the one
function to switch to it.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

DOSSIER = Path(__file__).resolve().parent
FEUILLE_DE_STYLE = DOSSIER / "templates" / "conference" / "print" / "deliberation.css"
POLICES = Path(settings.BASE_DIR) / "static" / "fonts"
FACES = [
    ("LiberationSans-Regular.ttf", "normal", "normal"),
    ("LiberationSans-Bold.ttf", "bold", "normal"),
    ("LiberationSans-Italic.ttf", "normal", "italic"),
]


def _url_fetcher():
    """Only local files (the bundled fonts): a deliberation never touches the network, and a missing font stops
    the rendering instead of silently falling back to whatever the machine has."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"file"}, fail_on_errors=True)


def _font_faces() -> str:
    return "\n".join(
        f'@font-face {{ font-family: "Liberation Sans"; src: url("{(POLICES / fichier).as_uri()}") '
        f'format("truetype"); font-weight: {graisse}; font-style: {style}; }}'
        for fichier, graisse, style in FACES
    )


def rend_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    fetcher = _url_fetcher()
    feuilles = [
        CSS(string=_font_faces(), font_config=font_config, url_fetcher=fetcher),
        CSS(filename=str(FEUILLE_DE_STYLE), font_config=font_config, url_fetcher=fetcher),
    ]
    document = HTML(string=html, base_url=str(DOSSIER), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=feuilles, font_config=font_config, pdf_variant="pdf/ua-1")


def contexte_deliberation(deliberation) -> dict:
    point = deliberation.point
    seance = point.seance
    from . import selectors

    return {
        "deliberation": deliberation,
        "point": point,
        "seance": seance,
        "instance": seance.instance,
        "epci": seance.instance.epci,
        "copresidents": list(selectors.copresidents(seance.instance, seance.date)),
        "genere_le": timezone.localtime(),
    }


def deliberation_pdf(deliberation) -> bytes:
    return rend_pdf(render_to_string("conference/print/deliberation.html", contexte_deliberation(deliberation)))
