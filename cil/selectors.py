"""Read-only queries on the territory that other apps may use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .models import CibleLocale, Epci, Objectif, SeuilQuartile, TauxLegal


def taux_legal_en_vigueur(objectif: str, jour: dt.date) -> Decimal | None:
    row = (
        TauxLegal.objects.filter(objectif=objectif, date_debut__lte=jour)
        .exclude(date_fin__lt=jour)
        .order_by("-date_debut")
        .first()
    )
    return row.taux if row else None


def taux_legaux_pour_annee(annee: int) -> dict[str, Decimal]:
    """The legal rate of each objective in force on 31 December of the year (or the last day it applied)."""
    fin = dt.date(annee, 12, 31)
    debut = dt.date(annee, 1, 1)
    result: dict[str, Decimal] = {}
    for row in TauxLegal.objects.filter(date_debut__lte=fin).exclude(date_fin__lt=debut).order_by("date_debut"):
        result[row.objectif] = row.taux
    return result


def cibles_locales_pour_annee(epci: Epci, annee: int) -> list[CibleLocale]:
    """Local targets in force at some point of the year; when several overlap, the latest start wins."""
    fin = dt.date(annee, 12, 31)
    debut = dt.date(annee, 1, 1)
    return list(
        CibleLocale.objects.filter(epci=epci, date_debut__lte=fin)
        .exclude(date_fin__lt=debut)
        .select_related("version__document", "bailleur", "reservataire", "secteur", "commune")
        .order_by("date_debut", "pk")
    )


@dataclass(frozen=True)
class SeuilApplique:
    """The threshold used for an EPCI and a year; ``provisoire`` when the year's order is not loaded."""

    annee_demandee: int
    annee_seuil: int | None
    seuil_q1: Decimal | None
    provisoire: bool
    arrete: str = ""
    source: str = ""


def seuil_applicable(epci: Epci, annee: int) -> SeuilApplique:
    exact = SeuilQuartile.objects.filter(epci=epci, annee=annee).first()
    if exact:
        return SeuilApplique(annee, annee, exact.seuil_q1, False, exact.arrete, exact.source)
    previous = SeuilQuartile.objects.filter(epci=epci, annee__lt=annee).order_by("-annee").first()
    if previous:
        return SeuilApplique(annee, previous.annee, previous.seuil_q1, True, previous.arrete, previous.source)
    return SeuilApplique(annee, None, None, True)


__all__ = [
    "Objectif",
    "SeuilApplique",
    "cibles_locales_pour_annee",
    "seuil_applicable",
    "taux_legal_en_vigueur",
    "taux_legaux_pour_annee",
]
