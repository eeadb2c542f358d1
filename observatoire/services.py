"""Write use cases of the observatory: request a balance sheet, produce it (the task's body)."""

from __future__ import annotations

import logging
import time

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from attributions.selectors import ObjectifsIndisponibles

from . import exports, pdf, selectors
from .models import BilanAnnuel
from .permissions import can_request_bilan

logger = logging.getLogger(__name__)


def demander_bilan(*, kind: str, epci, annee: int, acteur, bailleur=None, reservataire=None) -> BilanAnnuel:
    """Record the request and enqueue its production once the transaction is committed."""
    if not can_request_bilan(acteur, kind, epci, bailleur=bailleur, reservataire=reservataire):
        raise PermissionDenied("Vous ne pouvez pas demander ce bilan.")
    if kind != BilanAnnuel.Kind.BAILLEUR:
        bailleur = None
    if kind != BilanAnnuel.Kind.RESERVATAIRE:
        reservataire = None
    from .tasks import produire_bilan_task

    with transaction.atomic():
        bilan = BilanAnnuel.objects.create(
            kind=kind,
            epci=epci,
            annee=annee,
            bailleur=bailleur,
            reservataire=reservataire,
            demande_par=acteur if getattr(acteur, "pk", None) else None,
        )
        transaction.on_commit(lambda: produire_bilan_task.delay(bilan.pk))
    return bilan


def _auteur(bilan: BilanAnnuel) -> str:
    user = bilan.demande_par
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def donnees(bilan: BilanAnnuel) -> selectors.Bilan:
    return selectors.bilan(
        bilan.epci,
        bilan.annee,
        kind=bilan.kind,
        bailleur=bilan.bailleur,
        reservataire=bilan.reservataire,
        auteur=_auteur(bilan),
    )


def produire_bilan(bilan_id: int) -> BilanAnnuel:
    """Compute, render and store the PDF and the XLSX. Safe to retry: a finished report is left as it is,
    an unfinished one is produced again and its previous files replaced.

    A domain error (no threshold loaded) marks the report as failed with a message the user can act on;
    any other error propagates so that the task retries it.
    """
    bilan = BilanAnnuel.objects.select_related("epci", "bailleur", "reservataire", "demande_par").get(pk=bilan_id)
    if bilan.statut == BilanAnnuel.Statut.PRET and bilan.fichier:
        return bilan
    debut = time.monotonic()
    try:
        contenu = donnees(bilan)
    except ObjectifsIndisponibles as exc:
        return marquer_echec(bilan.pk, str(exc))
    octets_pdf, nb_pages = pdf.rend_pdf_et_pages(contenu)
    octets_xlsx = exports.xlsx_bilan(contenu)
    nom = f"{contenu.nom_fichier}-{bilan.pk}"
    for champ in (bilan.fichier, bilan.fichier_xlsx):
        if champ:
            champ.delete(save=False)
    bilan.fichier.save(f"{nom}.pdf", ContentFile(octets_pdf), save=False)
    bilan.fichier_xlsx.save(f"{nom}.xlsx", ContentFile(octets_xlsx), save=False)
    bilan.statut = BilanAnnuel.Statut.PRET
    bilan.erreur = ""
    bilan.termine_le = timezone.now()
    bilan.duree_ms = int((time.monotonic() - debut) * 1000)
    bilan.nb_pages = nb_pages
    bilan.save()
    logger.info("Bilan %s produit en %s ms (%s pages)", bilan.pk, bilan.duree_ms, bilan.nb_pages)
    return bilan


def marquer_echec(bilan_id: int, message: str) -> BilanAnnuel:
    bilan = BilanAnnuel.objects.get(pk=bilan_id)
    bilan.statut = BilanAnnuel.Statut.ECHEC
    bilan.erreur = message[:2000]
    bilan.termine_le = timezone.now()
    bilan.save(update_fields=["statut", "erreur", "termine_le"])
    logger.warning("Bilan %s en échec : %s", bilan_id, message)
    return bilan
