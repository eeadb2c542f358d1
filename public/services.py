"""The nightly public figures: computed, masked and stored per territory and date (``public.tasks``)."""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.db import transaction
from django.utils import timezone

from cil.models import Epci
from cil.selectors import regle_secret

from . import chiffres, selectors
from .models import ChiffresPublics

logger = logging.getLogger(__name__)

JOURS_QUOTIDIENS_GARDES = 7  # besides the month ends (open data), the last week's tables are kept


@transaction.atomic
def calculer_chiffres(epci: Epci, jour: dt.date, *, acteur=None) -> ChiffresPublics:
    """Compute the published table of ``epci`` counted on ``jour`` and store it (replacing that date's).

    Idempotent: the same database gives the same rows (a month can be recomputed from the database).
    """
    debut = time.monotonic()
    regle = regle_secret(epci, jour)
    lignes, parametres = chiffres.tableau_publie(epci, jour, regle.seuil)
    resultat, _ = ChiffresPublics.objects.update_or_create(
        epci=epci,
        jour=jour,
        defaults={
            "calcule_le": timezone.now(),
            "seuil_secret": regle.seuil,
            "regle_secret": regle.texte,
            "parametres": parametres,
            "lignes": lignes,
            "duree_ms": int((time.monotonic() - debut) * 1000),
            "demande_par": acteur,
        },
    )
    return resultat


def fin_du_mois_precedent(jour: dt.date) -> dt.date:
    return jour.replace(day=1) - dt.timedelta(days=1)


def calculer_nuit(aujourd_hui: dt.date | None = None, *, acteur=None) -> list[ChiffresPublics]:
    """The nightly run: for every public territory, the figures counted on yesterday, the previous month's
    end when its open-data file is missing (a night without the job), then old daily tables are pruned."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    hier = aujourd_hui - dt.timedelta(days=1)
    faits = []
    for epci in selectors.territoires_publics().order_by("siren"):
        faits.append(calculer_chiffres(epci, hier, acteur=acteur))
        fin_mois = fin_du_mois_precedent(hier) if not selectors.est_fin_de_mois(hier) else hier
        if not ChiffresPublics.objects.filter(epci=epci, jour=fin_mois).exists():
            faits.append(calculer_chiffres(epci, fin_mois, acteur=acteur))
        elaguer(epci, hier)
    logger.info("Chiffres publics calculés : %s tableau(x).", len(faits))
    return faits


def elaguer(epci: Epci, jour: dt.date) -> int:
    """Delete the daily tables older than a week, except the month ends (the monthly open-data files)."""
    limite = jour - dt.timedelta(days=JOURS_QUOTIDIENS_GARDES)
    vieux = ChiffresPublics.objects.filter(epci=epci, jour__lt=limite).values_list("pk", "jour")
    a_supprimer = [pk for pk, j in vieux if not selectors.est_fin_de_mois(j)]
    ChiffresPublics.objects.filter(pk__in=a_supprimer).delete()
    return len(a_supprimer)
