"""PDF summary of an operation: bytes from a dedicated print template and a print stylesheet, through
core.pdf (bundled fonts, no network, tagged PDF/UA in French). No survey answer ever appears in it.
"""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from core.pdf import rendre_pdf
from observatoire.charts import barres_effectifs

from . import selectors
from .models import MenageAReloger, Statut

DOSSIER = Path(__file__).resolve().parent
FEUILLE_DE_STYLE = DOSSIER / "templates" / "relogement" / "print" / "synthese.css"


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
    html = render_to_string("relogement/print/synthese.html", contexte_synthese(operation, auteur=auteur))
    return rendre_pdf(html, base=DOSSIER, css=[FEUILLE_DE_STYLE])
