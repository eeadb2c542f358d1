"""The follow-up report of a policy document (for the CIL's yearly review), as a tagged PDF: each action's
status, milestones and indicators (figures computed when the report is made), each local target against its
result. Bytes from a print template, a print stylesheet and the fonts bundled in static/fonts/; only file:
URLs are fetched (the pattern of observatoire/pdf.py)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from . import selectors

DOSSIER = Path(__file__).resolve().parent
FEUILLE_DE_STYLE = DOSSIER / "static" / "politique" / "suivi-print.css"
POLICES = Path(settings.BASE_DIR) / "static" / "fonts"
FACES = [
    ("LiberationSans-Regular.ttf", "normal", "normal"),
    ("LiberationSans-Bold.ttf", "bold", "normal"),
    ("LiberationSans-Italic.ttf", "normal", "italic"),
    ("LiberationSans-BoldItalic.ttf", "bold", "italic"),
]


def _url_fetcher():
    """Only local files (the bundled fonts); a missing font stops the rendering."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"file"}, fail_on_errors=True)


def _font_faces() -> str:
    return "\n".join(
        f'@font-face {{ font-family: "Liberation Sans"; src: url("{(POLICES / fichier).as_uri()}") '
        f'format("truetype"); font-weight: {graisse}; font-style: {style}; }}'
        for fichier, graisse, style in FACES
    )


def html_suivi(version, *, annee: int, auteur: str = "") -> str:
    contenu = selectors.version_avec_contenu(version.pk)
    suivi = selectors.suivi(contenu, annee=annee, avec_chiffres=True)
    return render_to_string(
        "politique/print/suivi.html",
        {"suivi": suivi, "version": contenu, "document": contenu.document, "epci": contenu.document.epci,
         "auteur": auteur, "genere_le": timezone.localtime()},
    )  # fmt: skip


def suivi_pdf(version, *, annee: int, auteur: str = "") -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    fetcher = _url_fetcher()
    feuilles = [
        CSS(string=_font_faces(), font_config=font_config, url_fetcher=fetcher),
        CSS(filename=str(FEUILLE_DE_STYLE), font_config=font_config, url_fetcher=fetcher),
    ]
    html = HTML(string=html_suivi(version, annee=annee, auteur=auteur), base_url=str(DOSSIER), url_fetcher=fetcher)
    document = html.render(stylesheets=feuilles, font_config=font_config)
    # Tagged (PDF/UA-1): structure, reading order, language and title for screen-reader users.
    return document.write_pdf(pdf_variant="pdf/ua-1")
