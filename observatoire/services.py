"""Write use cases of the observatory: request a balance sheet, produce it (the task's body)."""

from __future__ import annotations

import logging
import time

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from attributions.selectors import ObjectifsIndisponibles
from cil.models import Epci
from core.erreurs import ErreurMetier

from . import etat, exports, indicateurs, pdf, selectors
from .models import BilanAnnuel, CalculIndicateurs, IndicateurTerritoire
from .permissions import can_recalculer_indicateurs, can_request_bilan

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


# --- The observatory's indicators (docs/observatoire.md) ------------------------------------------------------

NOM_TACHE_INDICATEURS = "observatoire.indicateurs"
PREMIERE_ANNEE = 2000


def territoires_suivis():
    """The territories run on the platform (a reception point or a member), whose indicators are computed."""
    avec = Epci.objects.filter(Q(guichets__isnull=False) | Q(memberships__isnull=False)).values("pk")
    return Epci.objects.filter(pk__in=avec)


@transaction.atomic
def calculer_indicateurs(epci: Epci, annee: int, *, aujourd_hui=None, acteur=None) -> CalculIndicateurs:
    """Count every indicator of ``epci`` for ``annee`` and the State's table (observatoire.etat) on the same
    reference date, and store them, replacing the previous ones.

    Idempotent: the same database gives the same rows. The reference date is 31 December, or the day before
    ``aujourd_hui`` for the current year."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    if not PREMIERE_ANNEE <= annee <= aujourd_hui.year:
        raise ErreurMetier(f"Année : choisissez une année entre {PREMIERE_ANNEE} et {aujourd_hui.year}.")
    debut = time.monotonic()
    jour = indicateurs.date_reference(annee, aujourd_hui)
    figures = indicateurs.calculer(epci, annee, jour)
    libelles = indicateurs.libelles_lieux(epci)
    tableau_etat = etat.stocker(epci, annee, jour, aujourd_hui)  # the State's table on the same day
    CalculIndicateurs.objects.filter(epci=epci, annee=annee).delete()
    calcul = CalculIndicateurs.objects.create(
        epci=epci,
        annee=annee,
        date_reference=jour,
        calcule_le=timezone.now(),
        demande_par=acteur if getattr(acteur, "pk", None) else None,
        tableau_etat=tableau_etat,
    )
    IndicateurTerritoire.objects.bulk_create(
        [
            IndicateurTerritoire(
                calcul=calcul,
                indicateur=f.indicateur,
                niveau=f.niveau,
                cle=f.cle,
                libelle=libelles[(f.niveau, f.cle)][:200],
                typologie=f.typologie,
                detail=f.detail,
                bailleur_id=f.bailleur_id,
                reservataire_id=f.reservataire_id,
                valeur=f.valeur,
            )
            for f in figures
        ],
        batch_size=2000,
    )
    calcul.duree_ms = int((time.monotonic() - debut) * 1000)
    calcul.save(update_fields=["duree_ms"])
    return calcul


def calculer_nuit(aujourd_hui=None, *, acteur=None) -> list[CalculIndicateurs]:
    """The nightly run: the previous and the current year of every territory run on the platform (the current
    year from 2 January on, when it has a complete day)."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    annees = [aujourd_hui.year - 1]
    if indicateurs.date_reference(aujourd_hui.year, aujourd_hui).year == aujourd_hui.year:
        annees.append(aujourd_hui.year)
    calculs = []
    for epci in territoires_suivis().order_by("siren"):
        for annee in annees:
            calculs.append(calculer_indicateurs(epci, annee, aujourd_hui=aujourd_hui, acteur=acteur))
    logger.info("Indicateurs de l'observatoire calculés : %s calcul(s).", len(calculs))
    return calculs


def demander_calcul_indicateurs(epci: Epci, annee: int, *, acteur) -> None:
    """EPCI staff ask for their territory's figures to be counted again now (a background job)."""
    if not can_recalculer_indicateurs(acteur, epci):
        raise PermissionDenied("Seul le personnel de l'EPCI peut recalculer les indicateurs du territoire.")
    aujourd_hui = timezone.localdate()
    if not PREMIERE_ANNEE <= annee <= aujourd_hui.year:
        raise ErreurMetier(f"Année : choisissez une année entre {PREMIERE_ANNEE} et {aujourd_hui.year}.")
    from .tasks import calculer_indicateurs_task

    transaction.on_commit(lambda: calculer_indicateurs_task.delay(epci.pk, annee, acteur.pk))
