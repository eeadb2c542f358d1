"""The State's per-EPCI allocation table (docs/tableau_etat.md), computed from the platform's own decisions.

As the DREAL Hauts-de-France publishes it a month after the year ends, on any day of the year: allocations
followed by a lease signed from 1 January to the chosen day; of them priority households (DALO or L. 441-1)
and DALO households, people leaving accommodation, homeless people, first-quartile households (every
location); for each public, how many of its allocations are in a QPV. The same per landlord and per
reservation holder.

The counting rules are those of attributions (``q_attribution``, ``q_prioritaire``, ``q_premier_quartile`` and
the threshold of objective A, ``en_qpv_au_bail`` computed by ``rules.qpv_au_bail``); aggregation in SQL: one
query grouped by landlord, one grouped by reservation holder, the EPCI's line is the sum of the landlords'.

The table at the indicators' reference date is stored each night with them (``CalculIndicateurs.tableau_etat``,
written by ``services.calculer_indicateurs``) and the page reads it (``lire``); another day is computed in the
request. Beyond the EPCI's staff the table is masked by the platform's statistical-secrecy rule (the rule in force,
``cil.selectors.regle_secret``, and the masking ``cil.secret.masquer``, as on the public pages).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from attributions import rules
from attributions.models import DecisionCaleol
from attributions.selectors import q_attribution, q_premier_quartile, q_prioritaire, seuil_pour
from cil import secret
from cil.models import Epci
from cil.selectors import regle_secret

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


MASQUE = "s"  # a masked figure, as on the public pages


@dataclass(frozen=True)
class Cellule:
    public: str
    nombre: int
    en_qpv: int
    nombre_masque: bool = False
    en_qpv_masque: bool = False

    @property
    def part_masquee(self) -> bool:
        """A share computed on a masked count is masked with it."""
        return self.nombre_masque or self.en_qpv_masque

    @property
    def part_qpv(self) -> Decimal | None:
        return None if self.part_masquee else rules.taux(self.en_qpv, self.nombre)

    @property
    def part_qpv_texte(self) -> str:
        return MASQUE if self.part_masquee else rules.taux_affiche(self.en_qpv, self.nombre)


@dataclass(frozen=True)
class Inconnue:
    public: str
    nombre: int
    masque: bool = False


@dataclass
class Ligne:
    perimetre: str  # "EPCI", "BAILLEUR" or "RESERVATAIRE"
    pk: int | None
    code: str
    nom: str
    chiffres: dict[str, int]
    masques: frozenset[str] = frozenset()  # the keys of ``chiffres`` this reader sees masked

    @property
    def cellules(self) -> list[Cellule]:
        return [
            Cellule(p, self.chiffres[p], self.chiffres[f"{p}__qpv"], p in self.masques, f"{p}__qpv" in self.masques)
            for p in PUBLICS
        ]

    def inconnue(self, public: str) -> int:
        return self.chiffres[f"{public}__inconnue"]

    @property
    def inconnues(self) -> dict[str, int]:
        return {public: self.inconnue(public) for public in INCONNUES}

    @property
    def inconnues_cellules(self) -> list[Inconnue]:
        return [Inconnue(p, self.inconnue(p), f"{p}__inconnue" in self.masques) for p in INCONNUES]

    @property
    def a_des_inconnues(self) -> bool:
        return any(self.inconnues.values())

    def cle_cellule(self, cle: str) -> tuple[str, int | None, str]:
        return (self.perimetre, self.pk, cle)

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
    # when the figures were counted: the night's (or EPCI staff's) stored computation; None: in this request
    calcule_le: dt.datetime | None = None
    # statistical secrecy of the whole table (cells (perimetre, pk, key)), for the readers it applies to
    masques: frozenset = frozenset()
    seuil_secret: int | None = None
    regle_secret: str = ""
    masque: bool = False  # this reader sees the masked table

    @property
    def lignes(self) -> list[Ligne]:
        return ([self.total] if self.total else []) + self.bailleurs + self.reservataires

    def est_masquee(self, perimetre: str, pk: int | None, cle: str) -> bool:
        return self.masque and (perimetre, pk, cle) in self.masques


@dataclass(frozen=True)
class Perimetre:
    """What a user sees of a territory's table: everything, or the lines of their own organisations."""

    entier: bool
    bailleurs: frozenset[int] = frozenset()
    reservataires: frozenset[int] = frozenset()
    # statistical secrecy (Platform decision 11): everybody but the territory's EPCI staff reads a masked table
    masque: bool = False


def decisions_de_la_periode(epci: Epci, annee: int, jour: dt.date) -> QuerySet:
    return DecisionCaleol.objects.filter(q_periode(annee, jour), epci=epci)


def _verifie_jour(annee: int, jour: dt.date) -> None:
    if jour.year != annee:
        raise rules.RegleError(f"Le jour choisi ({jour:%d/%m/%Y}) n'est pas dans l'année {annee}.")


def calculer(epci: Epci, annee: int, jour: dt.date) -> TableauEtat:
    """The whole table for ``epci`` from 1 January of ``annee`` to ``jour``, counted now: two aggregate queries
    (and one for the threshold). Raises ObjectifsIndisponibles when no first-quartile threshold was ever loaded."""
    _verifie_jour(annee, jour)
    seuil = seuil_pour(epci, annee)
    aggregats = _annotations(seuil.seuil_q1)
    base = decisions_de_la_periode(epci, annee, jour)
    bailleurs = [
        Ligne("BAILLEUR", row["bailleur_id"], row["bailleur__siren"], row["bailleur__nom"], _chiffres(row))
        for row in base.values("bailleur_id", "bailleur__siren", "bailleur__nom")
        .annotate(**aggregats)
        .order_by("bailleur__nom", "bailleur_id")
    ]
    reservataires = [
        Ligne(
            "RESERVATAIRE", row["reservataire_id"], row["reservataire__code"], row["reservataire__nom"], _chiffres(row)
        )
        for row in base.values("reservataire_id", "reservataire__code", "reservataire__nom")
        .annotate(**aggregats)
        .order_by("reservataire__nom", "reservataire_id")
    ]
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


def relations(tableau: TableauEtat) -> list[secret.Relation]:
    """What adds up in the table, for each figure: the landlords' lines to the territory's, and the holders'
    lines (a line without holder included) to the territory's when they do. Shares are masked with their counts
    (``Cellule.part_masquee``); the publics overlap (a household may be in several), so no column adds up."""
    if tableau.total is None:
        return []
    resultat = []
    for cle in CLES:
        total = tableau.total.cle_cellule(cle)
        resultat.append(secret.Relation(tuple(b.cle_cellule(cle) for b in tableau.bailleurs), total))
        if sum(r.chiffres[cle] for r in tableau.reservataires) == tableau.total.chiffres[cle]:
            resultat.append(secret.Relation(tuple(r.cle_cellule(cle) for r in tableau.reservataires), total))
    return resultat


def appliquer_secret(tableau: TableauEtat, aujourd_hui: dt.date) -> TableauEtat:
    """Record on ``tableau`` the cells that the rule in force on ``aujourd_hui`` masks (the whole table's, so that
    a landlord's line is masked as it is in the table the CIL members read)."""
    regle = regle_secret(tableau.epci, aujourd_hui)
    valeurs = {ligne.cle_cellule(cle): ligne.chiffres[cle] for ligne in tableau.lignes for cle in CLES}
    tableau.masques = secret.masquer(valeurs, relations(tableau), regle.seuil)
    tableau.seuil_secret = regle.seuil
    tableau.regle_secret = regle.texte
    return tableau


def pour_le_lecteur(tableau: TableauEtat, perimetre: Perimetre) -> TableauEtat:
    """What ``perimetre`` sees of the whole table: its lines, masked when the rule applies to the reader."""

    def vue(ligne: Ligne) -> Ligne:
        masques = frozenset(c for (p, pk, c) in tableau.masques if (p, pk) == (ligne.perimetre, ligne.pk))
        return replace(ligne, masques=masques if perimetre.masque else frozenset())

    if perimetre.entier:
        bailleurs, reservataires, total = tableau.bailleurs, tableau.reservataires, tableau.total
    else:
        bailleurs = [b for b in tableau.bailleurs if b.pk in perimetre.bailleurs]
        reservataires = [r for r in tableau.reservataires if r.pk in perimetre.reservataires]
        total = None
    return replace(
        tableau,
        total=vue(total) if total is not None else None,
        bailleurs=[vue(b) for b in bailleurs],
        reservataires=[vue(r) for r in reservataires],
        masque=perimetre.masque,
    )


def tableau_etat(
    epci: Epci, annee: int, jour: dt.date, perimetre: Perimetre, *, aujourd_hui: dt.date | None = None
) -> TableauEtat:
    """The table counted now, as ``perimetre`` sees it (masked for the readers the rule applies to)."""
    tableau = calculer(epci, annee, jour)
    if perimetre.masque:
        appliquer_secret(tableau, aujourd_hui or dt.date.today())
    return pour_le_lecteur(tableau, perimetre)


# --- The nightly figures ------------------------------------------------------------------------------------------


def vers_stock(tableau: TableauEtat) -> dict:
    """The whole table as stored in ``CalculIndicateurs.tableau_etat`` (JSON), with its masked cells."""
    return {
        "jour": tableau.jour.isoformat(),
        "seuil_q1": str(tableau.seuil_q1),
        "annee_seuil": tableau.annee_seuil,
        "provisoire": tableau.provisoire,
        "lignes": [
            {"perimetre": li.perimetre, "pk": li.pk, "code": li.code, "nom": li.nom, "chiffres": li.chiffres}
            for li in tableau.lignes
        ],
        "seuil_secret": tableau.seuil_secret,
        "regle_secret": tableau.regle_secret,
        "masques": sorted([list(m) for m in tableau.masques], key=str),
    }


def depuis_stock(epci: Epci, annee: int, stock: dict, calcule_le: dt.datetime) -> TableauEtat:
    lignes = [
        Ligne(li["perimetre"], li["pk"], li["code"], li["nom"], {k: int(li["chiffres"][k]) for k in CLES})
        for li in stock["lignes"]
    ]
    return TableauEtat(
        epci=epci,
        annee=annee,
        jour=dt.date.fromisoformat(stock["jour"]),
        seuil_q1=Decimal(stock["seuil_q1"]),
        annee_seuil=stock["annee_seuil"],
        provisoire=stock["provisoire"],
        total=next((li for li in lignes if li.perimetre == "EPCI"), None),
        bailleurs=[li for li in lignes if li.perimetre == "BAILLEUR"],
        reservataires=[li for li in lignes if li.perimetre == "RESERVATAIRE"],
        calcule_le=calcule_le,
        masques=frozenset(tuple(m) for m in stock["masques"]),
        seuil_secret=stock["seuil_secret"],
        regle_secret=stock["regle_secret"],
    )


def stocker(epci: Epci, annee: int, jour: dt.date, aujourd_hui: dt.date) -> dict:
    """The stored form of the table on ``jour`` (empty when it cannot be counted: no threshold, a day outside
    the year), for ``services.calculer_indicateurs``."""
    from attributions.selectors import ObjectifsIndisponibles

    try:
        return vers_stock(appliquer_secret(calculer(epci, annee, jour), aujourd_hui))
    except (ObjectifsIndisponibles, rules.RegleError):
        return {}


def jour_stocke_attendu(annee: int, aujourd_hui: dt.date) -> dt.date:
    """The day the nightly figures of ``annee`` should be counted on: the indicators' reference date (31 December;
    for the current year, yesterday, the last complete day)."""
    from .indicateurs import date_reference

    return date_reference(annee, aujourd_hui)


def jour_lu_par_defaut(annee: int, aujourd_hui: dt.date) -> dt.date:
    """The page's day when none is chosen: the nightly figures' day, or (the current year on 1 January, a year to
    come) ``jour_par_defaut``."""
    attendu = jour_stocke_attendu(annee, aujourd_hui)
    return attendu if attendu.year == annee else jour_par_defaut(annee, aujourd_hui)


@dataclass(frozen=True)
class Lecture:
    tableau: TableauEtat
    stocke: bool  # read from the stored figures
    perime: dt.date | None = None  # the stored figures' day when they are older than expected (served live)
    # a stored table's rendering may be kept: the key names the computation and what the reader sees of it
    cle_cache: str | None = None


def lire(epci: Epci, annee: int, jour: dt.date | None, perimetre: Perimetre, *, aujourd_hui: dt.date) -> Lecture:
    """The table of ``annee`` on ``jour`` (None: the default day) as ``perimetre`` sees it.

    The default day is the nightly figures' (``jour_stocke_attendu``). On that day the stored table is read (one
    query) when it was counted on it; a stored table of an earlier day (the night's run missed, or a past year
    counted while it was running) is not served: the table is counted in the request and the page says so, with
    the stale figures' day. Any other day of the year is counted in the request."""
    from .models import CalculIndicateurs

    attendu = jour_stocke_attendu(annee, aujourd_hui)
    jour = jour or jour_lu_par_defaut(annee, aujourd_hui)
    perime = None
    if jour == attendu:
        calcul = CalculIndicateurs.objects.filter(epci=epci, annee=annee).only("calcule_le", "tableau_etat").first()
        stock = (calcul.tableau_etat or {}) if calcul is not None else {}
        if stock and stock["jour"] == jour.isoformat():
            tableau = depuis_stock(epci, annee, stock, calcul.calcule_le)
            bailleurs = ",".join(map(str, sorted(perimetre.bailleurs)))
            reservataires = ",".join(map(str, sorted(perimetre.reservataires)))
            cle = (
                f"etat:{calcul.pk}:{calcul.calcule_le.timestamp()}:{int(perimetre.entier)}{int(perimetre.masque)}:"
                f"{bailleurs}:{reservataires}"
            )
            return Lecture(pour_le_lecteur(tableau, perimetre), stocke=True, cle_cache=cle)
        if stock:
            perime = dt.date.fromisoformat(stock["jour"])
    return Lecture(tableau_etat(epci, annee, jour, perimetre, aujourd_hui=aujourd_hui), stocke=False, perime=perime)


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
