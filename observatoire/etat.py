"""The State's per-EPCI allocation table (docs/tableau_etat.md), computed from the platform's own decisions.

As the DREAL Hauts-de-France publishes it a month after the year ends, on any day of the year: allocations
followed by a lease signed from 1 January to the chosen day; of them priority households (DALO or L. 441-1)
and DALO households, people leaving accommodation, homeless people, first-quartile households (every
location); for each public, how many of its allocations are in a QPV. The same per landlord and per
reservation holder.

The counting rules are those of attributions (``q_attribution``, ``q_prioritaire``, ``q_premier_quartile`` and
the threshold of objective A, ``en_qpv_au_bail`` computed by ``rules.qpv_au_bail``); aggregation in SQL: one
query grouped by landlord, one grouped by reservation holder, the EPCI's line is the sum of the landlords'.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from attributions import rules
from attributions.models import DecisionCaleol
from attributions.selectors import q_attribution, q_premier_quartile, q_prioritaire, seuil_pour
from cil.models import Epci

# The publics of the table, in the order of its columns, with their label.
PUBLICS = {
    "attributions": "Attributions",
    "prioritaires": "Ménages prioritaires (DALO ou L. 441-1)",
    "dalo": "dont DALO",
    "sortants_hebergement": "Sortants d'hébergement",
    "sans_abri": "Sans-abri",
    "premier_quartile": "Premier quartile (toutes localisations)",
}
# The situations an imported decision may leave unknown, and the public each one decides.
INCONNUES = {"sortants_hebergement": "sortant_hebergement", "sans_abri": "sans_abri"}


def jour_par_defaut(annee: int, aujourd_hui: dt.date) -> dt.date:
    """A past year: its 31 December; the current year: today (year to date); a future year: 1 January."""
    return min(dt.date(annee, 12, 31), max(aujourd_hui, dt.date(annee, 1, 1)))


def q_periode(annee: int, jour: dt.date) -> Q:
    """Allocations followed by a lease signed from 1 January of ``annee`` to ``jour`` included."""
    return q_attribution() & Q(date_bail__gte=dt.date(annee, 1, 1), date_bail__lte=jour)


def q_qpv() -> Q:
    """The dwelling is in a QPV at the lease (rules.qpv_au_bail, stored on the decision as en_qpv_au_bail)."""
    return Q(en_qpv_au_bail=True)


def conditions_publics(seuil_q1: Decimal) -> dict[str, Q]:
    """The condition of each public, within the allocations of the period."""
    return {
        "attributions": Q(),
        "prioritaires": q_prioritaire(),
        "dalo": Q(dalo=True),
        "sortants_hebergement": Q(sortant_hebergement=True),
        "sans_abri": Q(sans_abri=True),
        "premier_quartile": q_premier_quartile(seuil_q1),
    }


def q_inconnue(public: str) -> Q:
    return Q(**{f"{INCONNUES[public]}__isnull": True})


def _aggregats(seuil_q1: Decimal) -> dict:
    aggregats = {}
    for public, condition in conditions_publics(seuil_q1).items():
        aggregats[public] = Count("pk", filter=condition) if condition else Count("pk")
        aggregats[f"{public}__qpv"] = Count("pk", filter=condition & q_qpv())
    for public in INCONNUES:
        aggregats[f"{public}__inconnue"] = Count("pk", filter=q_inconnue(public))
    return aggregats


CLES = tuple(_aggregats(Decimal(0)))
# Annotation names must not shadow the model's fields (``dalo``, ``sans_abri``) that the filters read.
PREFIXE = "etat__"


def _annotations(seuil_q1: Decimal) -> dict:
    return {f"{PREFIXE}{cle}": aggregat for cle, aggregat in _aggregats(seuil_q1).items()}


def _chiffres(row: dict) -> dict[str, int]:
    return {cle: row[f"{PREFIXE}{cle}"] for cle in CLES}


@dataclass(frozen=True)
class Cellule:
    public: str
    nombre: int
    en_qpv: int

    @property
    def part_qpv(self) -> Decimal | None:
        return rules.taux(self.en_qpv, self.nombre)

    @property
    def part_qpv_texte(self) -> str:
        return rules.taux_affiche(self.en_qpv, self.nombre)


@dataclass
class Ligne:
    perimetre: str  # "EPCI", "BAILLEUR" or "RESERVATAIRE"
    pk: int | None
    code: str
    nom: str
    chiffres: dict[str, int]

    @property
    def cellules(self) -> list[Cellule]:
        return [Cellule(p, self.chiffres[p], self.chiffres[f"{p}__qpv"]) for p in PUBLICS]

    def inconnue(self, public: str) -> int:
        return self.chiffres[f"{public}__inconnue"]

    @property
    def inconnues(self) -> dict[str, int]:
        return {public: self.inconnue(public) for public in INCONNUES}

    @property
    def parametre(self) -> str:
        """The query-string parameter that restricts a drill-down to this line ('' for the territory's)."""
        if self.perimetre == "BAILLEUR":
            return f"&bailleur={self.pk}"
        if self.perimetre == "RESERVATAIRE":
            return f"&reservataire={self.pk}"
        return ""


@dataclass
class TableauEtat:
    epci: Epci
    annee: int
    jour: dt.date
    seuil_q1: Decimal
    annee_seuil: int
    provisoire: bool
    total: Ligne | None
    bailleurs: list[Ligne] = field(default_factory=list)
    reservataires: list[Ligne] = field(default_factory=list)

    @property
    def lignes(self) -> list[Ligne]:
        return ([self.total] if self.total else []) + self.bailleurs + self.reservataires


@dataclass(frozen=True)
class Perimetre:
    """What a user sees of a territory's table: everything, or the lines of their own organisations."""

    entier: bool
    bailleurs: frozenset[int] = frozenset()
    reservataires: frozenset[int] = frozenset()


def decisions_de_la_periode(epci: Epci, annee: int, jour: dt.date) -> QuerySet:
    return DecisionCaleol.objects.filter(q_periode(annee, jour), epci=epci)


def _verifie_jour(annee: int, jour: dt.date) -> None:
    if jour.year != annee:
        raise rules.RegleError(f"Le jour choisi ({jour:%d/%m/%Y}) n'est pas dans l'année {annee}.")


def tableau_etat(epci: Epci, annee: int, jour: dt.date, perimetre: Perimetre) -> TableauEtat:
    """The table for ``epci`` from 1 January of ``annee`` to ``jour``: two aggregate queries (and one for the
    threshold). Raises ObjectifsIndisponibles when no first-quartile threshold was ever loaded."""
    _verifie_jour(annee, jour)
    seuil = seuil_pour(epci, annee)
    aggregats = _annotations(seuil.seuil_q1)
    base = decisions_de_la_periode(epci, annee, jour)

    par_bailleur = base if perimetre.entier else base.filter(bailleur__in=perimetre.bailleurs)
    bailleurs = [
        Ligne("BAILLEUR", row["bailleur_id"], row["bailleur__siren"], row["bailleur__nom"], _chiffres(row))
        for row in par_bailleur.values("bailleur_id", "bailleur__siren", "bailleur__nom")
        .annotate(**aggregats)
        .order_by("bailleur__nom", "bailleur_id")
    ]
    reservataires = []
    if perimetre.entier or perimetre.reservataires:
        par_reservataire = base if perimetre.entier else base.filter(reservataire__in=perimetre.reservataires)
        reservataires = [
            Ligne(
                "RESERVATAIRE",
                row["reservataire_id"],
                row["reservataire__code"],
                row["reservataire__nom"],
                _chiffres(row),
            )
            for row in par_reservataire.values("reservataire_id", "reservataire__code", "reservataire__nom")
            .annotate(**aggregats)
            .order_by("reservataire__nom", "reservataire_id")
        ]
    total = None
    if perimetre.entier:
        # every allocation has one landlord: the territory's line is the sum of the landlords' lines
        total = Ligne("EPCI", epci.pk, epci.siren, epci.nom, {k: sum(b.chiffres[k] for b in bailleurs) for k in CLES})
    return TableauEtat(
        epci=epci,
        annee=annee,
        jour=jour,
        seuil_q1=seuil.seuil_q1,
        annee_seuil=seuil.annee_seuil,
        provisoire=seuil.provisoire,
        total=total,
        bailleurs=bailleurs,
        reservataires=reservataires,
    )


def liste_decisions(
    epci: Epci,
    annee: int,
    jour: dt.date,
    public: str,
    *,
    en_qpv: bool = False,
    inconnue: bool = False,
    bailleur: int | None = None,
    reservataire: int | None = None,
) -> QuerySet:
    """The decisions behind one figure of the table: the same conditions as the figure."""
    if public not in PUBLICS or (inconnue and public not in INCONNUES):
        raise ValueError("public inconnu")
    _verifie_jour(annee, jour)
    if inconnue:
        condition = q_inconnue(public)
    else:
        condition = conditions_publics(seuil_pour(epci, annee).seuil_q1)[public]
        if en_qpv:
            condition &= q_qpv()
    qs = decisions_de_la_periode(epci, annee, jour).filter(condition)
    if bailleur is not None:
        qs = qs.filter(bailleur_id=bailleur)
    if reservataire is not None:
        qs = qs.filter(reservataire_id=reservataire)
    return qs
