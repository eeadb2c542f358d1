"""PDF summary of an operation: bytes from a dedicated print template, a print stylesheet and the fonts
bundled in static/fonts/ (no network: only file: URLs are fetched). No survey answer ever appears in it.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from observatoire.charts import barres_effectifs

from . import selectors
from .models import MenageAReloger, Statut

DOSSIER = Path(__file__).resolve().parent
FEUILLE_DE_STYLE = DOSSIER / "templates" / "relogement" / "print" / "synthese.css"
POLICES = Path(settings.BASE_DIR) / "static" / "fonts"
FACES = [
    ("DejaVu Sans", "DejaVuSans.ttf", "normal"),
    ("DejaVu Sans", "DejaVuSans-Bold.ttf", "bold"),
    ("Liberation Sans", "LiberationSans-Regular.ttf", "normal"),  # the SVG charts' font
    ("Liberation Sans", "LiberationSans-Bold.ttf", "bold"),
]


class RessourceRefusee(Exception):
    pass


def _url_fetcher(url: str, *args, **kwargs):
    from weasyprint import default_url_fetcher

    if not url.startswith("file:"):
        raise RessourceRefusee(f"Ressource externe refusée dans une synthèse : {url}")
    return default_url_fetcher(url, *args, **kwargs)


def _font_faces() -> str:
    return "\n".join(
        f'@font-face {{ font-family: "{famille}"; src: url("{(POLICES / fichier).as_uri()}") format("truetype"); '
        f"font-weight: {graisse}; }}"
        for famille, fichier, graisse in FACES
    )


def graphique_statuts(indicateurs) -> str:
    valeurs = [(label, indicateurs.par_statut.get(code, 0)) for code, label in Statut.choices]
    return barres_effectifs(valeurs, titre="Ménages par étape du relogement", unite="ménages")


def contexte_synthese(operation, *, auteur: str = "") -> dict:
    indicateurs = selectors.indicateurs_operation(operation)
    menages = (
        MenageAReloger.objects.filter(operation=operation).select_related("batiment", "referent").order_by("reference")
    )
    return {
        "operation": operation,
        "indicateurs": indicateurs,
        "graphique": graphique_statuts(indicateurs),
        "batiments": list(operation.batiments.all()),
        "partenaires": list(operation.bailleurs.all()) + list(operation.reservataires.all()),
        "menages": menages,
        "genere_le": timezone.localtime(),
        "auteur": auteur,
    }


def synthese_operation(operation, *, auteur: str = "") -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    feuilles = [
        CSS(string=_font_faces(), font_config=font_config, url_fetcher=_url_fetcher),
        CSS(filename=str(FEUILLE_DE_STYLE), font_config=font_config, url_fetcher=_url_fetcher),
    ]
    html = render_to_string("relogement/print/synthese.html", contexte_synthese(operation, auteur=auteur))
    document = HTML(string=html, base_url=str(DOSSIER), url_fetcher=_url_fetcher)
    return document.write_pdf(stylesheets=feuilles, font_config=font_config)
