"""Read-only queries on the territory that other apps may use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from .models import (
    CibleLocale,
    ClassementQuartiers,
    Epci,
    NoteQuartier,
    Objectif,
    ReferentielQuartiers,
    RegleSecret,
    ResultatQuartier,
    SeuilQuartile,
    TauxLegal,
)


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
    """The first-quartile threshold that applies to ``annee``: the year's own, else the latest earlier year's,
    marked provisional; none at all: no threshold, provisional. One query: the latest year up to ``annee``."""
    dernier = SeuilQuartile.objects.filter(epci=epci, annee__lte=annee).order_by("-annee").first()
    if dernier is None:
        return SeuilApplique(annee, None, None, True)
    return SeuilApplique(annee, dernier.annee, dernier.seuil_q1, dernier.annee != annee, dernier.arrete, dernier.source)


# --- Statistical secrecy (docs/droit/regles.md, Platform decision 11) ---------------------------------------------

SEUIL_SECRET_DEFAUT = 10  # Platform decision 11, when no rule is recorded at all


@dataclass(frozen=True)
class Regle:
    """The secrecy rule applied to an output: its threshold and the sentence that states it to the reader."""

    seuil: int
    texte: str


def regle_secret(epci: Epci | int | None, jour: dt.date) -> Regle:
    """The secrecy rule in force on ``jour`` for ``epci``: the territory's own rule in force that day, else the
    platform's (a row without territory), else the default of 10. Another territory's rows are never read.

    One query: the rows in force that day of this territory or of the platform, the territory's first."""
    epci_id = epci.pk if isinstance(epci, Epci) else epci
    regle = (
        RegleSecret.objects.filter(Q(epci_id=epci_id) | Q(epci__isnull=True))
        .filter(date_debut__lte=jour)
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=jour))
        .order_by(F("epci_id").asc(nulls_last=True), "-date_debut", "-pk")
        .first()
    )
    if regle is None:
        seuil, origine = SEUIL_SECRET_DEFAUT, "règle par défaut de la plateforme, aucune règle n'étant enregistrée"
    else:
        seuil = regle.seuil
        qui = "règle de la plateforme" if regle.epci_id is None else "règle du territoire"
        origine = f"{qui}, en vigueur depuis le {regle.date_debut:%d/%m/%Y}"
    texte = (
        f"Les effectifs inférieurs à {seuil} sont masqués, ainsi que d'autres cases choisies pour qu'aucune case "
        f"masquée ne puisse être recalculée à partir des totaux ; les délais et les parts calculés sur un effectif "
        f"masqué le sont aussi ({origine})."
    )
    return Regle(seuil, texte)


# --- The neighbourhood index (docs/quartiers.md) ------------------------------------------------------------------


def referentiel_en_vigueur(epci: Epci, jour: dt.date) -> ReferentielQuartiers | None:
    """The version of the territory's neighbourhood index in force on the day, with its indicators and classes."""
    return (
        ReferentielQuartiers.objects.filter(epci=epci, date_debut__lte=jour)
        .exclude(date_fin__lt=jour)
        .prefetch_related("indicateurs", "classes")
        .order_by("-date_debut")
        .first()
    )


def notes_en_vigueur(epci: Epci, jour: dt.date) -> QuerySet:
    """For each neighbourhood of the territory and entered indicator, its latest value at the day (the latest
    date, then the latest entry): one query."""
    derniere = (
        NoteQuartier.objects.filter(quartier=OuterRef("quartier"), code=OuterRef("code"), date_valeur__lte=jour)
        .order_by("-date_valeur", "-saisie_le", "-pk")
        .values("pk")[:1]
    )
    return NoteQuartier.objects.filter(quartier__epci=epci, date_valeur__lte=jour, pk=Subquery(derniere))


def dernier_classement(epci: Epci | int) -> ClassementQuartiers | None:
    return ClassementQuartiers.objects.filter(epci=epci).order_by("-calcule_le", "-pk").first()


def classement_au(epci: Epci, jour: dt.date) -> ClassementQuartiers | None:
    """The last classification computed on data up to the day (the balance sheet of a year: its 31 December)."""
    return ClassementQuartiers.objects.filter(epci=epci, jour__lte=jour).order_by("-jour", "-calcule_le", "-pk").first()


def classes_courantes(quartier_ids) -> dict[int, ResultatQuartier]:
    """The current class of each neighbourhood: its result in its territory's latest classification (a
    neighbourhood created since then has none). One query; the run is attached (``classement``)."""
    dernier = (
        ClassementQuartiers.objects.filter(epci=OuterRef("quartier__epci"))
        .order_by("-calcule_le", "-pk")
        .values("pk")[:1]
    )
    ids = {i for i in quartier_ids if i is not None}
    if not ids:
        return {}
    qs = ResultatQuartier.objects.filter(quartier__in=ids, classement=Subquery(dernier)).select_related(
        "classement", "quartier"
    )
    return {r.quartier_id: r for r in qs}


__all__ = [
    "Objectif",
    "SeuilApplique",
    "cibles_locales_pour_annee",
    "classement_au",
    "classes_courantes",
    "dernier_classement",
    "notes_en_vigueur",
    "referentiel_en_vigueur",
    "seuil_applicable",
    "taux_legal_en_vigueur",
    "taux_legaux_pour_annee",
]
