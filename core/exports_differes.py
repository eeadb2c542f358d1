"""Large exports (CSV or XLSX) produced by the worker, not in the request (``ExportDiffere``).

A file of tens of thousands of rows takes seconds, a minute on a large territory, to write; in the request it
would hold a web worker that long, serving no one else. Above ``settings.EXPORT_DIRECT_MAX_LIGNES`` rows, a
view calls ``differer_au_dela_du_seuil`` (which calls ``demander``) and redirects to the export's page
(``core:export``), which follows the progress and offers the file once ready, to the user who asked only. The
file's format is its name's (``.csv`` or ``.xlsx``): the same rows as the direct download, written by the same
helpers of ``core.exports``. The worker (``core.tasks.produire_export``) calls the *producer* the app
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

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import redirect
from django.utils import timezone

from . import exports
from .models import ExportDiffere, User
from .navigation import libelle, peut_ouvrir

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
RUBRIQUES: dict[str, str] = {}


def enregistrer(nom: str, producteur: Producteur, *, rubrique: str | None = None) -> None:
    """``rubrique``: the menu section whose page the export comes from (``core.navigation``); a user whose role
    no longer opens it when the worker writes the file gets no file, as the page would refuse them."""
    PRODUCTEURS[nom] = producteur
    if rubrique is not None:
        RUBRIQUES[nom] = rubrique


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


def differer_au_dela_du_seuil(
    request, producteur: str, parametres: dict, *, total: Callable[[], int], titre: str, nom_fichier: str
):
    """The redirect to a deferred export's page when the list has more than ``settings.EXPORT_DIRECT_MAX_LIGNES``
    rows (``total`` counts them: called here only), else None: the view answers in the request."""
    if total() <= settings.EXPORT_DIRECT_MAX_LIGNES:
        return None
    differe = demander(request.user, producteur, parametres, titre=titre, nom_fichier=nom_fichier)
    return redirect("core:export", pk=differe.pk)


def requete_de(utilisateur: User, parametres_get: dict):
    """What a producer hands to its page's own selection: the user who asked and the query string they sent
    (``{name: [values]}``), so that the file is scoped and filtered as the page is, at production time."""
    from types import SimpleNamespace

    requete = SimpleNamespace(user=utilisateur, GET=QueryDict(mutable=True), POST=QueryDict())
    for cle, valeurs in parametres_get.items():
        requete.GET.setlist(cle, valeurs)
    return requete


def format_du_fichier(nom_fichier: str) -> str:
    return "csv" if nom_fichier.lower().endswith(".csv") else "xlsx"


class _Compteur:
    """The rows as they are written, the export's progress recorded every ``PAS_DE_PROGRESSION`` rows."""

    def __init__(self, pk: int, lignes: Iterator[Iterable]):
        self.pk, self.lignes, self.faites = pk, lignes, 0

    def __iter__(self):
        for ligne in self.lignes:
            yield ligne
            self.faites += 1
            if self.faites % PAS_DE_PROGRESSION == 0:
                ExportDiffere.objects.filter(pk=self.pk).update(lignes_faites=self.faites)


def _ecrire(chemin: str, format: str, production: Production, lignes: Iterable[Iterable]) -> None:
    if format == "csv":  # the direct download's text: BOM, header, rows (no title line)
        with open(chemin, "w", encoding="utf-8", newline="") as f:
            for morceau in exports.csv_lines(production.colonnes, lignes):
                f.write(morceau)
        return
    exports.classeur_liste(production.feuille, production.titre, production.colonnes, lignes).save(chemin)


def produire(pk: int) -> ExportDiffere:
    """Write the file of export ``pk`` (idempotent: a finished export is left as it is)."""
    export = ExportDiffere.objects.select_related("utilisateur").get(pk=pk)
    if export.termine:
        return export
    ExportDiffere.objects.filter(pk=pk).update(statut=ExportDiffere.Statut.EN_COURS, lignes_faites=0)
    try:
        rubrique = RUBRIQUES.get(export.producteur)
        if rubrique is not None and not peut_ouvrir(export.utilisateur, rubrique):
            raise PermissionDenied(f"votre rôle ne donne plus accès à la rubrique « {libelle(rubrique)} »")
        production = PRODUCTEURS[export.producteur](export.utilisateur, export.parametres)
        ExportDiffere.objects.filter(pk=pk).update(lignes_total=production.total)
        lignes = _Compteur(pk, production.lignes)
        with tempfile.TemporaryDirectory() as dossier:
            chemin = os.path.join(dossier, export.nom_fichier)
            _ecrire(chemin, format_du_fichier(export.nom_fichier), production, lignes)
            with open(chemin, "rb") as f:
                export.refresh_from_db()
                export.fichier.save(export.nom_fichier, File(f), save=False)
        export.lignes_faites = lignes.faites
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
