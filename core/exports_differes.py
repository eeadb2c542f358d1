"""Large spreadsheets produced by the worker, not in the request (``ExportDiffere``).

A spreadsheet of tens of thousands of rows takes seconds to write; in the request it would hold a web worker
that long, serving no one else. Above ``settings.EXPORT_DIRECT_MAX_LIGNES`` rows, a view calls ``demander``
and redirects to the export's page (``core:export``), which follows the progress and offers the file once
ready, to the user who asked only. The worker (``core.tasks.produire_export``) calls the *producer* the app
registered under a name (``enregistrer``, in its ``AppConfig.ready``) with that user and the parameters of
the request: the producer applies the same scoping as the page did, at production time (a right withdrawn in
between is withdrawn for the file too), and returns a ``Production``. Files are kept ``DUREE_CONSERVATION``
then deleted by ``purger`` (nightly, ``core.tasks.purger_exports``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from . import exports
from .models import ExportDiffere, User

logger = logging.getLogger(__name__)

DUREE_CONSERVATION = dt.timedelta(days=7)
PAS_DE_PROGRESSION = 1000  # rows between two writes of the progress


@dataclass
class Production:
    """What a producer returns: the sheet's title line and header, the number of rows and the rows (an
    iterator over a queryset's ``iterator()``: nothing held in memory)."""

    titre: str
    colonnes: list[str]
    total: int
    lignes: Iterator[Iterable]
    feuille: str = "Données"


Producteur = Callable[[User, dict], Production]
PRODUCTEURS: dict[str, Producteur] = {}


def enregistrer(nom: str, producteur: Producteur) -> None:
    PRODUCTEURS[nom] = producteur


@transaction.atomic
def demander(utilisateur: User, producteur: str, parametres: dict, *, titre: str, nom_fichier: str) -> ExportDiffere:
    """Record the request and queue the production (after the commit: the worker must see the row)."""
    if producteur not in PRODUCTEURS:
        raise ValueError(f"Aucun producteur d'export nommé {producteur!r}.")
    export = ExportDiffere.objects.create(
        utilisateur=utilisateur, producteur=producteur, parametres=parametres, titre=titre, nom_fichier=nom_fichier
    )
    from .tasks import produire_export

    transaction.on_commit(lambda: produire_export.delay(export.pk))
    return export


def produire(pk: int) -> ExportDiffere:
    """Write the spreadsheet of export ``pk`` (idempotent: a finished export is left as it is)."""
    export = ExportDiffere.objects.select_related("utilisateur").get(pk=pk)
    if export.termine:
        return export
    ExportDiffere.objects.filter(pk=pk).update(statut=ExportDiffere.Statut.EN_COURS, lignes_faites=0)
    try:
        production = PRODUCTEURS[export.producteur](export.utilisateur, export.parametres)
        ExportDiffere.objects.filter(pk=pk).update(lignes_total=production.total)
        wb = exports.new_workbook()
        ws = wb.create_sheet(production.feuille)
        ws.append(exports.xlsx_row(ws, [production.titre]))
        ws.append(exports.xlsx_row(ws, production.colonnes))
        faites = 0
        for ligne in production.lignes:
            ws.append(exports.xlsx_row(ws, ligne))
            faites += 1
            if faites % PAS_DE_PROGRESSION == 0:
                ExportDiffere.objects.filter(pk=pk).update(lignes_faites=faites)
        with tempfile.TemporaryDirectory() as dossier:
            chemin = os.path.join(dossier, export.nom_fichier)
            wb.save(chemin)
            with open(chemin, "rb") as f:
                export.refresh_from_db()
                export.fichier.save(export.nom_fichier, File(f), save=False)
        export.lignes_faites = faites
        export.statut = ExportDiffere.Statut.PRET
        export.termine_le = timezone.now()
        export.save(update_fields=["fichier", "lignes_faites", "statut", "termine_le"])
    except Exception as exc:
        logger.exception("Export différé %s en échec", pk)
        export.refresh_from_db()
        export.statut = ExportDiffere.Statut.ECHEC
        export.erreur = texte_erreur(exc)
        export.termine_le = timezone.now()
        export.save(update_fields=["statut", "erreur", "termine_le"])
    return export


def texte_erreur(exc: Exception) -> str:
    """What the user reads: a refusal of the rules as it was written, anything else without internals."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    if isinstance(exc, PermissionDenied | Http404):
        return f"Vous n'avez plus accès à ces données : {exc}".rstrip(" :")
    return "La production du fichier a échoué ; l'équipe technique en est informée. Vous pouvez relancer l'export."


def purger(maintenant: dt.datetime | None = None) -> int:
    """Delete the exports (row and file) older than ``DUREE_CONSERVATION``."""
    limite = (maintenant or timezone.now()) - DUREE_CONSERVATION
    n = 0
    for export in ExportDiffere.objects.filter(cree_le__lt=limite):
        if export.fichier:
            export.fichier.delete(save=False)
        export.delete()
        n += 1
    return n


def pour_utilisateur(utilisateur: User):
    """The exports a user may see: their own, whoever else they are (an administrator included)."""
    return ExportDiffere.objects.filter(utilisateur=utilisateur)
