"""Quartiles and the three legal allocation objectives, as pure functions.

No ORM, no request, no clock: every date is passed in. Exact decimal arithmetic only
(docs/droit/regles.md, platform decision 5: binary floats misclassify households exactly at the threshold).

Sources: L. 441-1 CCH (objectives, first-quartile threshold), docs/droit/regles.md, platform decisions 1-8,
§2.3 (consumption units), §1.2-1.4 (what each objective counts).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TypeVar

from core.cycles import Cycle
from core.erreurs import ErreurMetier

T = TypeVar("T")


class RegleError(ErreurMetier, ValueError):
    """A value the rules cannot apply to (raised, never swallowed); the message is in French."""


class TypeDecision(enum.StrEnum):
    """Decisions of the commission (R. 441-3 CCH a-e)."""

    ATTRIBUTION = "ATTRIBUTION"
    ATTRIBUTION_RANG = "ATTRIBUTION_RANG"
    ATTRIBUTION_CONDITION = "ATTRIBUTION_CONDITION"
    NON_ATTRIBUTION = "NON_ATTRIBUTION"
    IRRECEVABILITE = "IRRECEVABILITE"


class Relogement(enum.StrEnum):
    AUCUN = ""
    ANRU = "ANRU"
    ORCOD = "ORCOD"
    LHI = "LHI"


# Relocations that count in objective A's numerator whatever the household's resources
# (urban renewal and degraded-condominium recovery; LHI relocations do not).
RELOGEMENTS_NUMERATEUR_A = frozenset({Relogement.ANRU, Relogement.ORCOD})

# --- What a decision counts for (the one place: Python, ORM conditions and SQL all read these) ----------

# Decisions that allocate the dwelling to someone (R. 441-3 a-c): a lease may follow; objective A counts them
# once a lease is signed (whoever signed), and they are the allocations observed (waiting times, simulation).
TYPES_ATTRIBUTION = frozenset(
    {TypeDecision.ATTRIBUTION, TypeDecision.ATTRIBUTION_RANG, TypeDecision.ATTRIBUTION_CONDITION}
)
# Objectives B and C (Platform decision 2): one allocation per dwelling and commission. These types count
# whatever their rank; a ranked allocation (TYPE_CLASSEMENT) counts only for the candidate ranked RANG_COMPTE.
TYPES_COMPTES_SANS_RANG = frozenset({TypeDecision.ATTRIBUTION, TypeDecision.ATTRIBUTION_CONDITION})
TYPE_CLASSEMENT = TypeDecision.ATTRIBUTION_RANG
RANG_COMPTE = 1


def valeurs(types: Iterable[str]) -> list[str]:
    """Plain, sorted strings of a set of types, for an ORM ``__in`` or an SQL list."""
    return sorted(str(t) for t in types)


def liste_sql(types: Iterable[str]) -> str:
    """``('A', 'B')``: an SQL list of type codes (codes of this module, never user input)."""
    return "(" + ", ".join(f"'{t}'" for t in valeurs(types)) + ")"


def est_attribution(type_decision: str) -> bool:
    """The decision allocates the dwelling to this candidate (a lease may follow)."""
    return type_decision in TYPES_ATTRIBUTION


def est_attribution_sql(type_decision: str) -> str:
    return f"{type_decision} IN {liste_sql(TYPES_ATTRIBUTION)}"


def compte_pour_b_c_sql(type_decision: str, rang: str) -> str:
    return (
        f"({type_decision} IN {liste_sql(TYPES_COMPTES_SANS_RANG)} "
        f"OR ({type_decision} = '{TYPE_CLASSEMENT}' AND {rang} = {RANG_COMPTE}))"
    )


# Reservation holders whose whole contingent is expected to go to DALO or priority households.
TYPES_RESERVATAIRE_ETAT = frozenset({"ETAT", "ETAT_AGENTS"})


# --- Household -----------------------------------------------------------------------------

UC_DEMANDEUR = Decimal("1")
UC_14_ANS_ET_PLUS = Decimal("0.5")
UC_MOINS_14_ANS = Decimal("0.3")
AGE_SEUIL_UC = 14


def age_au(date_naissance: dt.date, jour: dt.date) -> int:
    """Age in whole years on ``jour`` (a person born on 29 February turns a year older on 1 March)."""
    if date_naissance > jour:
        raise RegleError("La date de naissance est postérieure à la date de référence.")
    age = jour.year - date_naissance.year
    if (jour.month, jour.day) < (date_naissance.month, date_naissance.day):
        age -= 1
    return age


@dataclass(frozen=True)
class Composition:
    """A household on a date (Platform decision 9): who counts in the consumption units, and its size."""

    nb_personnes: int  # everyone, expected children included: matches the dwelling's size
    nb_personnes_14_plus: int  # the applicant included
    nb_enfants_moins_14: int
    nb_a_naitre: int  # not born on the date: no consumption unit yet

    @property
    def uc_dixiemes(self) -> int:
        return unites_consommation_dixiemes(self.nb_personnes_14_plus, self.nb_enfants_moins_14)

    @property
    def uc(self) -> Decimal:
        return unites_consommation(self.nb_personnes_14_plus, self.nb_enfants_moins_14)


def composition_au(membres: Iterable[dt.date | None], jour: dt.date) -> Composition:
    """The household of an applicant and the other ``membres`` (their birth dates, expected or real) on ``jour``.

    The one rule for the desk, the candidate screen, the scoring simulation and the commission: a person
    born after ``jour`` (an expected child, *enfant à naître*) is not counted in the consumption units until
    the birth, then counts as a child under 14; every member counts in the household's size. The applicant
    is always one person aged 14 or more. Ages are taken on ``jour``; an unknown birth date counts as 14 or more.
    """
    nb = nes_14_plus = nes_moins_14 = a_naitre = 0
    for naissance in membres:
        nb += 1
        if naissance is None:
            nes_14_plus += 1
        elif naissance > jour:
            a_naitre += 1
        elif age_au(naissance, jour) >= AGE_SEUIL_UC:
            nes_14_plus += 1
        else:
            nes_moins_14 += 1
    return Composition(
        nb_personnes=1 + nb,
        nb_personnes_14_plus=1 + nes_14_plus,
        nb_enfants_moins_14=nes_moins_14,
        nb_a_naitre=a_naitre,
    )


def _check_composition(nb_personnes_14_plus: int, nb_enfants_moins_14: int) -> None:
    if nb_personnes_14_plus < 1:
        raise RegleError("Le ménage compte au moins une personne de 14 ans ou plus (le demandeur).")
    if nb_enfants_moins_14 < 0:
        raise RegleError("Le nombre d'enfants de moins de 14 ans ne peut pas être négatif.")


# the scale in tenths, exact integers (10, 5, 3): every count in Python and in SQL reads these
DIXIEMES_DEMANDEUR = int(UC_DEMANDEUR * 10)
DIXIEMES_14_ANS_ET_PLUS = int(UC_14_ANS_ET_PLUS * 10)
DIXIEMES_MOINS_14_ANS = int(UC_MOINS_14_ANS * 10)


def unites_consommation_dixiemes(nb_personnes_14_plus: int, nb_enfants_moins_14: int) -> int:
    """Consumption units in tenths, an exact integer: 10 + 5 per other person aged 14+ + 3 per child under 14."""
    _check_composition(nb_personnes_14_plus, nb_enfants_moins_14)
    return (
        DIXIEMES_DEMANDEUR
        + DIXIEMES_14_ANS_ET_PLUS * (nb_personnes_14_plus - 1)
        + DIXIEMES_MOINS_14_ANS * nb_enfants_moins_14
    )


def unites_consommation_dixiemes_sql(nb_personnes_14_plus: str, nb_enfants_moins_14: str) -> str:
    """SQL of ``unites_consommation_dixiemes`` over two integer expressions (the applicant among the 14+)."""
    return (
        f"({DIXIEMES_DEMANDEUR} + {DIXIEMES_14_ANS_ET_PLUS} * ({nb_personnes_14_plus} - 1) "
        f"+ {DIXIEMES_MOINS_14_ANS} * {nb_enfants_moins_14})"
    )


def unites_consommation(nb_personnes_14_plus: int, nb_enfants_moins_14: int) -> Decimal:
    """Modified OECD scale: 1 for the applicant, 0.5 per other person aged 14+, 0.3 per child under 14."""
    return Decimal(unites_consommation_dixiemes(nb_personnes_14_plus, nb_enfants_moins_14)) / 10


# 12 months x 10,000: annual resources in ten-thousandths of a euro, the exact integer stored with each
# decision (DecisionCaleol.ressources_annuelles_e4) and compared in SQL with the threshold.
FACTEUR_ANNUEL_E4 = 120_000


def ressources_annuelles_e4(ressources_mensuelles: Decimal) -> int:
    """Monthly resources (at most 4 decimals) x 12, in ten-thousandths of a euro: an exact integer."""
    return int(Decimal(ressources_mensuelles) * FACTEUR_ANNUEL_E4)


def ressources_annuelles_par_uc(ressources_mensuelles: Decimal, uc: Decimal) -> Decimal:
    """Annual resources per consumption unit (monthly resources x 12 / UC), housing benefits excluded upstream."""
    if uc <= 0:
        raise RegleError("Le nombre d'unités de consommation doit être positif.")
    if ressources_mensuelles < 0:
        raise RegleError("Les ressources ne peuvent pas être négatives.")
    return Decimal(ressources_mensuelles) * 12 / Decimal(uc)


def est_premier_quartile(
    ressources_mensuelles: Decimal,
    nb_personnes_14_plus: int,
    nb_enfants_moins_14: int,
    seuil_q1: Decimal,
    *,
    inclusif: bool = True,
) -> bool:
    """True if resources per UC are at or below the first-quartile threshold (``<`` when not inclusive).

    Compared by cross-multiplication, so no division ever rounds: 12 x R x 10 <= S x UC_tenths.
    """
    if ressources_mensuelles < 0:
        raise RegleError("Les ressources ne peuvent pas être négatives.")
    uc10 = unites_consommation_dixiemes(nb_personnes_14_plus, nb_enfants_moins_14)
    gauche = Decimal(ressources_mensuelles) * 120
    droite = Decimal(seuil_q1) * uc10
    return gauche <= droite if inclusif else gauche < droite


def quartile(
    ressources_mensuelles: Decimal,
    nb_personnes_14_plus: int,
    nb_enfants_moins_14: int,
    seuil_q1: Decimal,
    seuil_q2: Decimal | None = None,
    seuil_q3: Decimal | None = None,
    *,
    inclusif: bool = True,
) -> int:
    """The household's quartile, 1 to 4. Without Q2/Q3 thresholds, every household above Q1 is reported as 2."""
    seuils = [s for s in (seuil_q1, seuil_q2, seuil_q3) if s is not None]
    for rang, seuil in enumerate(seuils, start=1):
        if est_premier_quartile(
            ressources_mensuelles, nb_personnes_14_plus, nb_enfants_moins_14, seuil, inclusif=inclusif
        ):
            return rang
    return len(seuils) + 1


# --- Which decisions count -----------------------------------------------------------------


def compte_pour_a(type_decision: str, date_bail: dt.date | None) -> bool:
    """Objective A counts allocations followed by a signed lease, whoever signed (a second-ranked candidate too)."""
    return date_bail is not None and est_attribution(type_decision)


def compte_pour_b_c(type_decision: str, rang: int | None) -> bool:
    """Objectives B and C count one allocation per dwelling and commission: the allocation,
    the allocation under condition, and for a ranked decision the candidate ranked first."""
    if type_decision in TYPES_COMPTES_SANS_RANG:
        return True
    return type_decision == TYPE_CLASSEMENT and rang == RANG_COMPTE


def est_prioritaire(dalo: bool, prioritaire: bool) -> bool:
    """Objective C: a favourable DALO decision, failing that a priority household under L. 441-1."""
    return bool(dalo or prioritaire)


# --- The household's housing situation before the allocation (docs/tableau_etat.md) ------------------------
# The State's per-EPCI table counts allocations to people leaving accommodation and to homeless people. A
# decision taken in the platform reads them from the demand's current housing (demandes.Demande.logement_actuel,
# the national form's list): "leaving accommodation" is a household in an accommodation structure (CHRS, CHU,
# logement-foyer, résidence sociale) or housed at the hotel; "homeless" is a household without shelter or in a
# makeshift dwelling. Hosted by family or third parties is neither. An imported decision carries them in the
# optional F1 columns ``sortant_hebergement`` and ``sans_abri``, or nothing (unknown).

LOGEMENTS_ACTUELS_SORTANT_HEBERGEMENT = frozenset({"STRUCTURE", "HOTEL"})
LOGEMENTS_ACTUELS_SANS_ABRI = frozenset({"SANS_ABRI"})


@dataclass(frozen=True)
class SituationLogement:
    sortant_hebergement: bool | None  # None: unknown
    sans_abri: bool | None


def situation_logement(logement_actuel: str) -> SituationLogement:
    """Leaving accommodation / homeless, from a demand's current housing (empty: unknown)."""
    if not logement_actuel:
        return SituationLogement(None, None)
    return SituationLogement(
        sortant_hebergement=logement_actuel in LOGEMENTS_ACTUELS_SORTANT_HEBERGEMENT,
        sans_abri=logement_actuel in LOGEMENTS_ACTUELS_SANS_ABRI,
    )


# --- Rates and shortfalls ------------------------------------------------------------------


def taux(numerateur: int, base: int) -> Decimal | None:
    """numerator / base, exact; None when nothing is counted."""
    if base < 0 or numerateur < 0 or numerateur > base:
        raise RegleError("Le numérateur doit être compris entre 0 et la base.")
    if base == 0:
        return None
    return Decimal(numerateur) / Decimal(base)


def manque(numerateur: int, base: int, cible: Decimal) -> int:
    """How many more counted allocations the numerator needs to reach the target on this base.

    ``max(0, ceil(cible x base) - numerateur)``: with 412 allocations and a 25 % target, 103 are needed.
    """
    if base < 0 or numerateur < 0:
        raise RegleError("Les effectifs ne peuvent pas être négatifs.")
    attendu = (Decimal(cible) * base).to_integral_value(rounding=ROUND_CEILING)
    return max(0, int(attendu) - numerateur)


def atteint(numerateur: int, base: int, cible: Decimal | None) -> bool | None:
    """Platform decision 10: a target is reached when ``numerateur >= cible x base``, compared exactly.

    None when nothing is counted (base 0) or there is no target.
    """
    if cible is None or base == 0:
        return None
    if base < 0 or numerateur < 0:
        raise RegleError("Les effectifs ne peuvent pas être négatifs.")
    return Decimal(numerateur) >= Decimal(cible) * base


def taux_affiche(numerateur: int, base: int, cible: Decimal | None = None, decimales: int = 1) -> str:
    """The rate as a French percentage, never rounded across its target (Platform decision 10).

    Rounded to the nearest (half up) at ``decimales``, except when that would cross the target: 1,249 of
    5,000 (24.98 %) against 25 % reads "24,9 %", never "25,0 %"; 1,250 of 5,000 reads "25,0 %".
    "–" when nothing is counted.
    """
    t = taux(numerateur, base)
    if t is None:
        return "–"
    pas = Decimal(1).scaleb(-decimales)
    pourcent = t * 100
    arrondi = pourcent.quantize(pas, rounding=ROUND_HALF_UP)
    if cible is not None:
        seuil = Decimal(cible) * 100
        if pourcent < seuil <= arrondi:
            arrondi = pourcent.quantize(pas, rounding=ROUND_FLOOR)
        elif arrondi < seuil <= pourcent:
            arrondi = pourcent.quantize(pas, rounding=ROUND_CEILING)
    return pourcentage(arrondi / 100, decimales)


def ecart(numerateur: int, base: int, cible: Decimal) -> Decimal | None:
    """Rate minus target (negative when the objective is missed)."""
    t = taux(numerateur, base)
    return None if t is None else t - Decimal(cible)


# --- QPV map in force ----------------------------------------------------------------------
# Platform decision 6: the dwelling's situation on the QPV map in force at the counting date. One rule for
# every caller: the F1 import (Python and SQL paths), the platform's commission and leases, the candidate
# screen and the relocations. The SQL twins below are generated from the same table (CARTES_QPV) and the
# same reading order; tests/test_une_regle_qpv.py runs both on a table of cases.


@dataclass(frozen=True)
class CarteQpv:
    code: str
    debut_metropole: dt.date
    debut_outre_mer: dt.date

    def debut(self, outre_mer: bool) -> dt.date:
        return self.debut_outre_mer if outre_mer else self.debut_metropole


CARTES_QPV = (
    CarteQpv("2015", dt.date(2015, 1, 1), dt.date(2015, 1, 1)),
    CarteQpv("2024", dt.date(2024, 1, 1), dt.date(2025, 1, 1)),
)


def est_outre_mer(departement: str) -> bool:
    """An overseas département or collectivity (a three-character code starting with 97), as cil.Commune.outre_mer."""
    return len(departement) == 3 and departement.startswith("97")


def carte_qpv_en_vigueur(jour: dt.date, *, outre_mer: bool = False, cartes=CARTES_QPV) -> str:
    """The QPV map in force on a date: 2015 until 2023, 2024 from 2024 (2025 overseas).

    docs/droit/regles.md, platform decision 6.

    Before the first map, the earliest one (an extract's decision of 2014 is read on the 2015 map).
    """
    return _carte_en_vigueur(jour, bool(outre_mer), tuple(cartes))


@functools.lru_cache(maxsize=4096)  # an import asks for the same few hundred days again and again
def _carte_en_vigueur(jour: dt.date, outre_mer: bool, cartes: tuple[CarteQpv, ...]) -> str:
    ordre = sorted(cartes, key=lambda c: c.debut(outre_mer))
    en_vigueur = ordre[0].code
    for carte in ordre:
        if carte.debut(outre_mer) <= jour:
            en_vigueur = carte.code
    return en_vigueur


def ordre_des_cartes(en_vigueur: str, cartes=CARTES_QPV) -> tuple[str, ...]:
    """The maps read, in order, for a date whose map in force is ``en_vigueur``: that one, then the others
    from the most recent (a dwelling whose situation is unknown on the map in force is read on another)."""
    return _ordre_des_cartes(en_vigueur, tuple(cartes))


@functools.lru_cache(maxsize=64)
def _ordre_des_cartes(en_vigueur: str, cartes: tuple[CarteQpv, ...]) -> tuple[str, ...]:
    autres = sorted((c for c in cartes if c.code != en_vigueur), key=lambda c: c.debut_metropole, reverse=True)
    return (en_vigueur, *(c.code for c in autres))


def situations_qpv(
    *,
    qpv_2024: T | None = None,
    qpv_2015: T | None = None,
    carte_2024_connue: bool = False,
    carte_2015_connue: bool = False,
) -> dict[str, T | None]:
    """What is known of a dwelling on each map, by map code (absent: unknown; None: outside every QPV).

    A dwelling in a QPV on a map is known on that map, whatever its flag says."""
    situations: dict[str, T | None] = {}
    if carte_2024_connue or qpv_2024 is not None:
        situations["2024"] = qpv_2024
    if carte_2015_connue or qpv_2015 is not None:
        situations["2015"] = qpv_2015
    return situations


def qpv_au(jour: dt.date, situations: Mapping[str, T | None], *, outre_mer: bool, cartes=CARTES_QPV) -> T | None:
    """The QPV (an id, a code: whatever ``situations`` holds) a dwelling is in on ``jour``, None outside any.

    Read on the map in force that day (``carte_qpv_en_vigueur``); when the dwelling's situation on it is not
    known, on the other maps from the most recent (``ordre_des_cartes``); None when nothing is known.
    """
    for code in ordre_des_cartes(carte_qpv_en_vigueur(jour, outre_mer=outre_mer, cartes=cartes), cartes):
        if code in situations:
            return situations[code]
    return None


def carte_de_la_decision(
    date_decision: dt.date, *, outre_mer: bool, carte_du_qpv: str | None = None, cartes=CARTES_QPV
) -> str:
    """The map a decision's QPV was recorded on: the QPV's own map (a QPV code names its map), else, for a
    dwelling outside any QPV, the map in force at the decision."""
    return carte_du_qpv or carte_qpv_en_vigueur(date_decision, outre_mer=outre_mer, cartes=cartes)


def qpv_au_bail(
    date_bail: dt.date,
    situations: Mapping[str, T | None],
    *,
    carte_decision: str,
    qpv_decision: T | None,
    outre_mer: bool,
    cartes=CARTES_QPV,
) -> T | None:
    """The QPV of an allocated dwelling at the lease: ``qpv_au`` where the decision's own situation (on the map
    it was recorded on) replaces the dwelling's on that map."""
    return qpv_au(date_bail, {**situations, carte_decision: qpv_decision}, outre_mer=outre_mer, cartes=cartes)


# SQL twins: expressions built from CARTES_QPV and ordre_des_cartes. Arguments are SQL expressions written by
# the platform's code (column names), never user input; dates are literals of CARTES_QPV.


def est_outre_mer_sql(departement: str) -> str:
    return f"(length({departement}) = 3 AND left({departement}, 2) = '97')"


def carte_qpv_sql(jour: str, *, outre_mer: str, cartes=CARTES_QPV) -> str:
    """SQL of ``carte_qpv_en_vigueur``: the map code (text) in force on the date expression ``jour``."""

    def selon(om: bool) -> str:
        ordre = sorted(cartes, key=lambda c: c.debut(om), reverse=True)
        branches = " ".join(f"WHEN {jour} >= DATE '{c.debut(om).isoformat()}' THEN '{c.code}'" for c in ordre[:-1])
        return f"CASE {branches} ELSE '{ordre[-1].code}' END" if branches else f"'{ordre[-1].code}'"

    return f"(CASE WHEN {outre_mer} THEN {selon(True)} ELSE {selon(False)} END)"


def qpv_au_sql(jour: str, situations: Mapping[str, tuple[str, str]], *, outre_mer: str, cartes=CARTES_QPV) -> str:
    """SQL of ``qpv_au``: ``situations`` gives, per map code, (SQL "known on that map", SQL of the QPV on it)."""
    branches = []
    for carte in cartes:
        lectures = " ".join(
            f"WHEN {situations[code][0]} THEN {situations[code][1]}"
            for code in ordre_des_cartes(carte.code, cartes)
            if code in situations
        )
        branches.append(f"WHEN '{carte.code}' THEN " + (f"CASE {lectures} END" if lectures else "NULL"))
    return f"(CASE {carte_qpv_sql(jour, outre_mer=outre_mer, cartes=cartes)} {' '.join(branches)} END)"


# --- The objectives over a list of decisions (reference implementation) ----------------------


@dataclass(frozen=True)
class Decision:
    """One commission decision about one candidate, as examined (F1 row)."""

    type_decision: str
    date_decision: dt.date
    ressources_mensuelles: Decimal
    nb_personnes_14_plus: int
    nb_enfants_moins_14: int
    en_qpv: bool
    rang: int | None = None
    date_bail: dt.date | None = None
    en_qpv_au_bail: bool | None = None  # None: same QPV status as at the decision
    dalo: bool = False
    prioritaire: bool = False
    relogement: str = ""
    mutation: bool = False
    reservataire: tuple[str, str] = ("BAILLEUR", "")


@dataclass
class Compteur:
    base: int = 0
    numerateur: int = 0

    def taux(self) -> Decimal | None:
        return taux(self.numerateur, self.base)


@dataclass
class Objectifs:
    hors_qpv: Compteur = field(default_factory=Compteur)
    qpv: Compteur = field(default_factory=Compteur)
    reservataires: dict[tuple[str, str], Compteur] = field(default_factory=dict)
    mutations: Compteur = field(default_factory=Compteur)


def _dans_annee(jour: dt.date | None, annee: int) -> bool:
    return jour is not None and jour.year == annee


def calcule_objectifs(decisions: Iterable[Decision], annee: int, seuil_q1: Decimal, *, inclusif=True) -> Objectifs:
    """Objectives A, B, C and the transfer share of one EPCI for one calendar year.

    ``seuil_q1`` is the threshold of the EPCI for ``annee`` (the lease year for A, the decision year
    for B and C: both are ``annee``). Row by row, for tests and as the specification of the SQL engine.
    """
    result = Objectifs()
    for d in decisions:
        q1 = est_premier_quartile(
            d.ressources_mensuelles, d.nb_personnes_14_plus, d.nb_enfants_moins_14, seuil_q1, inclusif=inclusif
        )
        en_qpv_bail = d.en_qpv if d.en_qpv_au_bail is None else d.en_qpv_au_bail
        if compte_pour_a(d.type_decision, d.date_bail) and _dans_annee(d.date_bail, annee) and not en_qpv_bail:
            result.hors_qpv.base += 1
            if q1 or d.relogement in RELOGEMENTS_NUMERATEUR_A:
                result.hors_qpv.numerateur += 1
        if compte_pour_b_c(d.type_decision, d.rang) and _dans_annee(d.date_decision, annee):
            if d.en_qpv:
                result.qpv.base += 1
                if not q1:
                    result.qpv.numerateur += 1
            compteur = result.reservataires.setdefault(d.reservataire, Compteur())
            compteur.base += 1
            if est_prioritaire(d.dalo, d.prioritaire):
                compteur.numerateur += 1
            result.mutations.base += 1
            if d.mutation:
                result.mutations.numerateur += 1
    return result


# --- Vacancies: life cycle, flows, candidates -------------------------------------------------
# Sources: R. 441-3 CCH (three candidates, decisions), R. 441-5 and R. 441-5-2 (flows, State share),
# L. 621-2 (under-occupation), R. 822-25 (minimum surface per person), docs/droit/regles.md §5 and S.7.


class StatutVacance(enum.StrEnum):
    DECLAREE = "DECLAREE"
    ORIENTEE = "ORIENTEE"
    REMISE_POUR_UN_TOUR = "REMISE_POUR_UN_TOUR"
    CANDIDATS_DESIGNES = "CANDIDATS_DESIGNES"
    EN_COMMISSION = "EN_COMMISSION"
    ATTRIBUEE = "ATTRIBUEE"
    BAIL_SIGNE = "BAIL_SIGNE"


class ActionVacance(enum.StrEnum):
    DECLARER = "DECLARER"
    ORIENTER = "ORIENTER"  # route to a holder (again, as long as nobody is designated)
    REMETTRE = "REMETTRE"  # the holder had no candidate: handed back to the landlord for one round
    DESIGNER = "DESIGNER"  # the candidates are designated
    INSCRIRE = "INSCRIRE"  # on a session's agenda
    ATTRIBUER = "ATTRIBUER"  # the commission allocated it (to one or to ranked candidates)
    RELANCER = "RELANCER"  # nobody allocated, or every allocated candidate refused: designate again
    SIGNER_BAIL = "SIGNER_BAIL"


S = StatutVacance
TRANSITIONS_VACANCE: dict[ActionVacance, tuple[frozenset[StatutVacance], StatutVacance]] = {
    ActionVacance.ORIENTER: (frozenset({S.DECLAREE, S.ORIENTEE}), S.ORIENTEE),
    ActionVacance.REMETTRE: (frozenset({S.ORIENTEE, S.CANDIDATS_DESIGNES}), S.REMISE_POUR_UN_TOUR),
    ActionVacance.DESIGNER: (frozenset({S.ORIENTEE, S.REMISE_POUR_UN_TOUR}), S.CANDIDATS_DESIGNES),
    ActionVacance.INSCRIRE: (frozenset({S.CANDIDATS_DESIGNES}), S.EN_COMMISSION),
    ActionVacance.ATTRIBUER: (frozenset({S.EN_COMMISSION}), S.ATTRIBUEE),
    ActionVacance.RELANCER: (frozenset({S.EN_COMMISSION, S.ATTRIBUEE}), S.ORIENTEE),
    ActionVacance.SIGNER_BAIL: (frozenset({S.ATTRIBUEE}), S.BAIL_SIGNE),
}
del S

LIBELLES_ACTIONS_VACANCE = {
    ActionVacance.DECLARER: "déclarer",
    ActionVacance.ORIENTER: "orienter",
    ActionVacance.REMETTRE: "remettre pour un tour",
    ActionVacance.DESIGNER: "désigner les candidats",
    ActionVacance.INSCRIRE: "inscrire en commission",
    ActionVacance.ATTRIBUER: "attribuer",
    ActionVacance.RELANCER: "relancer la désignation",
    ActionVacance.SIGNER_BAIL: "signer le bail",
}


CYCLE_VACANCE = Cycle.par_action(
    TRANSITIONS_VACANCE,
    refus=lambda statut, action: RegleError(
        f"Action « {LIBELLES_ACTIONS_VACANCE[ActionVacance(action)]} » impossible "
        f"pour un logement au statut « {statut} »."
    ),
)


def transition_vacance(statut: str, action: ActionVacance) -> StatutVacance:
    """The vacancy's next status, or RegleError when the action is not allowed from ``statut``."""
    return CYCLE_VACANCE.suivant(statut, ActionVacance(action))


class Deduction(enum.StrEnum):
    """Dwellings taken out of the flow base (R. 441-5): the landlord keeps them for these moves."""

    MUTATION = "MUTATION"
    RELOGEMENT_RU = "RELOGEMENT_RU"
    RELOGEMENT_LHI = "RELOGEMENT_LHI"
    VENTE_HLM = "VENTE_HLM"


class ExceptionTroisCandidats(enum.StrEnum):
    """R. 441-3: the commission examines at least three applications per dwelling, except for a DALO
    household designated by the préfet, a 'PLAI adapté' dwelling, or when there are too few candidates."""

    DALO_PREFET = "DALO_PREFET"
    PLAI_ADAPTE = "PLAI_ADAPTE"
    INSUFFISANCE = "INSUFFISANCE"


def verifie_nb_candidats(nb_candidats: int, exception: str, nb_min: int) -> None:
    """Raise RegleError unless at least ``nb_min`` candidates are designated or an R. 441-3 exception applies."""
    if nb_candidats < 1:
        raise RegleError("Désignez au moins un candidat.")
    if nb_candidats >= nb_min:
        return
    if exception and exception in ExceptionTroisCandidats.__members__:
        return
    raise RegleError(
        f"La commission doit examiner au moins {nb_min} candidats pour un logement (R. 441-3) : "
        f"{nb_candidats} désigné(s). Désignez-en d'autres ou indiquez l'exception qui s'applique."
    )


# Occupancy of a dwelling (used to search candidates whose household fits the dwelling).


@dataclass(frozen=True)
class NormesOccupation:
    pieces_en_sus_max: int  # L. 621-2: under-occupied when rooms exceed persons by more than this
    surface_une_personne: Decimal  # R. 822-25: 9 m² for one person
    surface_deux_personnes: Decimal  # 16 m² for two
    surface_personne_sup: Decimal  # + 9 m² per extra person


def nombre_pieces(typologie: str) -> int:
    if len(typologie) != 2 or typologie[0] != "T" or not typologie[1].isdigit() or typologie[1] == "0":
        raise RegleError(f"Typologie inconnue : {typologie!r}.")
    return int(typologie[1])


def taille_menage_admise(typologie: str, surface: Decimal | None, normes: NormesOccupation) -> tuple[int, int | None]:
    """(fewest, most) persons a dwelling suits: no under-occupation (rooms <= persons + allowance),
    no over-occupation (surface per person). ``None``: no upper bound (surface unknown or 8 persons and more)."""
    pieces = nombre_pieces(typologie)
    minimum = max(1, pieces - normes.pieces_en_sus_max)
    if surface is None:
        return minimum, None
    surface = Decimal(surface)
    if surface < normes.surface_une_personne:
        return minimum, 0
    if surface < normes.surface_deux_personnes:
        maximum = 1
    else:
        maximum = 2 + int((surface - normes.surface_deux_personnes) // normes.surface_personne_sup)
    return minimum, None if maximum >= 8 else maximum


def convient(nb_personnes: int, typologie: str, surface: Decimal | None, normes: NormesOccupation) -> bool:
    minimum, maximum = taille_menage_admise(typologie, surface, normes)
    return nb_personnes >= minimum and (maximum is None or nb_personnes <= maximum)


def effets_candidat(
    *,
    en_qpv: bool,
    premier_quartile: bool | None,
    dalo: bool,
    prioritaire: bool,
    mutation: bool,
    type_reservataire: str,
    nom_reservataire: str,
) -> list[str]:
    """How allocating this dwelling to this household would move the legal objectives (docs/droit/regles.md §1)."""
    effets = []
    if premier_quartile is None:
        effets.append("Quartile inconnu : aucun seuil du premier quartile n'est chargé pour ce territoire.")
    elif en_qpv:
        effets.append(
            "En QPV : candidat des quartiles 2 à 4, compte pour les 50 % (objectif B)."
            if not premier_quartile
            else "En QPV : candidat du 1er quartile, ne compte pas pour l'objectif B."
        )
    else:
        effets.append(
            "Hors QPV : candidat du 1er quartile, compte pour les 25 % (objectif A) si le bail est signé."
            if premier_quartile
            else "Hors QPV : candidat des quartiles 2 à 4, ne compte pas pour l'objectif A."
        )
    if est_prioritaire(dalo, prioritaire):
        motif = "DALO" if dalo else "Prioritaire (L. 441-1)"
        if type_reservataire in TYPES_RESERVATAIRE_ETAT:
            effets.append(f"{motif} : conforme au contingent de l'État, réservé aux ménages DALO ou prioritaires.")
        else:
            effets.append(f"{motif} : compte pour les 25 % de {nom_reservataire} (objectif C).")
    elif type_reservataire in TYPES_RESERVATAIRE_ETAT:
        effets.append("Ni DALO ni prioritaire : le contingent de l'État est réservé à ces ménages.")
    else:
        effets.append(f"Ni DALO ni prioritaire : ne compte pas pour les 25 % de {nom_reservataire}.")
    if mutation:
        effets.append("Mutation : compte dans la part des mutations.")
    return effets


# --- Platform decision 14: precarious DALO households and QPV dwellings ---------------------------------

# The platform's reading of "situation de précarité sociale ou professionnelle" (circular of 18 December 2023):
# a first-quartile household, or an applicant without stable employment, or without a home of their own.
SITUATIONS_PRO_PRECAIRES = frozenset({"DEMANDEUR_EMPLOI", "SANS_ACTIVITE", "CDD"})
LOGEMENTS_PRECAIRES = frozenset({"SANS_ABRI", "HOTEL", "STRUCTURE", "HEBERGE_TIERS"})

ALERTE_DALO_QPV = (
    "Ménage DALO en situation de précarité proposé pour un logement en QPV : la circulaire du 18 décembre 2023 "
    "sur la mixité sociale demande de ne plus désigner ces ménages dans les quartiers prioritaires. "
    "Alerte seulement : la désignation reste possible."
)


def est_precaire(*, premier_quartile: bool | None, situation_professionnelle: str, logement_actuel: str) -> bool:
    """Precarious social or professional situation, as the platform reads the circular (above)."""
    return (
        premier_quartile is True
        or situation_professionnelle in SITUATIONS_PRO_PRECAIRES
        or logement_actuel in LOGEMENTS_PRECAIRES
    )


def alerte_dalo_precaire_qpv(*, active: bool, dalo: bool, en_qpv: bool, precaire: bool) -> bool:
    """Platform decision 14: warn (never block) when a DALO household in a precarious situation is proposed
    for a dwelling in a QPV; ``active`` is the territory's setting (on by default)."""
    return active and dalo and en_qpv and precaire


def motif_bail_impossible(
    *,
    type_decision: str,
    rang: int | None,
    reponse: str,
    condition_remplie: bool,
    rangs_mieux_classes_refuses: bool,
) -> str | None:
    """Why a lease cannot be signed with this candidate (None when it can): R. 441-3 and R. 441-10."""
    if not est_attribution(type_decision):
        return "La commission n'a pas attribué le logement à ce candidat."
    if reponse != "ACCEPTATION":
        return "Le candidat n'a pas accepté la proposition."
    if type_decision == TypeDecision.ATTRIBUTION_CONDITION and not condition_remplie:
        return "La condition suspensive n'est pas levée."
    if type_decision == TYPE_CLASSEMENT and rang and rang > RANG_COMPTE and not rangs_mieux_classes_refuses:
        return "Un candidat mieux classé n'a pas refusé la proposition."
    return None


# Flows (gestion en flux): docs/droit/regles.md, S.7.


def base_flux(nb_mis_en_location: int, nb_deduits: int) -> int:
    """Dwellings let in the year minus those kept for transfers and relocations (R. 441-5)."""
    if nb_deduits < 0 or nb_mis_en_location < 0 or nb_deduits > nb_mis_en_location:
        raise RegleError("Les logements déduits du flux doivent être compris entre 0 et les logements mis en location.")
    return nb_mis_en_location - nb_deduits


@dataclass(frozen=True)
class LigneFlux:
    cle: tuple[str, str]
    part: Decimal
    du: Decimal
    livre: int
    ecart: Decimal  # delivered minus owed: negative when the holder got fewer dwellings than owed


def bilan_flux(base: int, parts: dict[tuple[str, str], Decimal], livres: dict[tuple[str, str], int]) -> list[LigneFlux]:
    """Owed (share x flow base), delivered (leases signed charged to the holder) and gap, per holder.

    Holders with a share or a delivery appear; a holder delivered without an agreement has a share of 0.
    """
    if base < 0:
        raise RegleError("La base du flux ne peut pas être négative.")
    total = sum(parts.values(), Decimal(0))
    if total > 1:
        raise RegleError(f"La somme des parts de flux dépasse 100 % ({total:.2%}).")
    lignes = []
    for cle in sorted(set(parts) | set(livres)):
        part = Decimal(parts.get(cle, 0))
        du = part * base
        livre = livres.get(cle, 0)
        lignes.append(LigneFlux(cle=cle, part=part, du=du, livre=livre, ecart=livre - du))
    return lignes


def pourcentage(valeur: Decimal, decimales: int = 2) -> str:
    """French percentage: 0.3333 -> '33,33 %' (narrow no-break space before the sign)."""
    return f"{Decimal(valeur) * 100:.{decimales}f}".replace(".", ",") + "\u00a0%"


def controle_parts_etat(
    part_etat: Decimal, part_etat_agents: Decimal, plafond_etat: Decimal, plafond_agents: Decimal
) -> list[str]:
    """R. 441-5-2: the State's share is at most 30 % of the flow, of which at most 5 % for State employees.

    ``part_etat`` excludes the employees' share; the 30 % cap applies to both together.
    """
    alertes = []
    if part_etat + part_etat_agents > plafond_etat:
        alertes.append(
            f"Contingent de l'État : {pourcentage(part_etat + part_etat_agents)} du flux, au-delà du plafond "
            f"de {pourcentage(plafond_etat, 0)} (R. 441-5-2)."
        )
    if part_etat_agents > plafond_agents:
        alertes.append(
            f"Agents de l'État : {pourcentage(part_etat_agents)} du flux, au-delà du plafond de "
            f"{pourcentage(plafond_agents, 0)} (R. 441-5-2)."
        )
    return alertes


# --- Adapted dwellings: does a dwelling meet a household's disability needs ---------------------------
# docs/logements_adaptes.md. The needs are the national form's (demandes.rules: wheelchair, walking capacity,
# equipment); the dwelling's accessibility is described by the landlord. Pure: the candidate search turns the
# verdict into SQL by enumerating the few household profiles that decide it (vacances.flux).


class NiveauAccessibilite(enum.StrEnum):
    FAUTEUIL = "FAUTEUIL"  # accessible en fauteuil roulant
    ADAPTABLE = "ADAPTABLE"  # accessible, adaptable au fauteuil par des travaux simples
    MOBILITE_REDUITE = "MOBILITE_REDUITE"  # accessible aux personnes à mobilité réduite, sans marche
    NON_ACCESSIBLE = "NON_ACCESSIBLE"
    NON_RENSEIGNE = ""


# the levels that make a dwelling "adapted" (listed in the adapted dwellings' exchange)
NIVEAUX_ADAPTES = (NiveauAccessibilite.FAUTEUIL, NiveauAccessibilite.ADAPTABLE, NiveauAccessibilite.MOBILITE_REDUITE)


@dataclass(frozen=True)
class Accessibilite:
    """A dwelling as the field describes it; None: not known."""

    niveau: str = NiveauAccessibilite.NON_RENSEIGNE
    etage: int | None = None  # 0: ground floor
    ascenseur: bool | None = None
    salle_de_bain_adaptee: bool | None = None  # walk-in shower or adapted bath
    wc_adapte: bool | None = None  # transfer space
    largeur_portes_cm: int | None = None  # the narrowest door of the dwelling, nominal width
    stationnement_adapte: bool | None = None

    @property
    def adapte(self) -> bool:
        return self.niveau in NIVEAUX_ADAPTES

    @property
    def sans_marche(self) -> bool | None:
        """Reached without a step: on the ground floor or served by a lift (an adapted level says so)."""
        if self.adapte or self.etage == 0 or self.ascenseur is True:
            return True
        if self.etage is not None and self.ascenseur is False:
            return False
        return None


@dataclass(frozen=True)
class Besoins:
    """A household's needs (national codes, demandes.rules)."""

    fauteuil: bool = False
    capacite_marche: str = ""
    equipements: frozenset[str] = frozenset()

    @property
    def adapte(self) -> bool:
        """The household needs an adapted dwelling (demandes.rules.a_besoin_logement_adapte)."""
        from demandes.rules import FAUTEUILS, a_besoin_logement_adapte

        aides = [next(iter(FAUTEUILS))] if self.fauteuil else []
        return a_besoin_logement_adapte(aides, self.capacite_marche, self.equipements)


class Adequation(enum.StrEnum):
    SANS_BESOIN = "SANS_BESOIN"  # the household needs no adapted dwelling
    SATISFAITS = "SATISFAITS"  # every need strictly met
    PARTIELS = "PARTIELS"  # nothing rules it out, but something is missing, unknown or needs works
    NON_SATISFAITS = "NON_SATISFAITS"  # a need rules the dwelling out


LIBELLES_ADEQUATION = {
    Adequation.SANS_BESOIN: "Sans besoin d'adaptation",
    Adequation.SATISFAITS: "Besoins satisfaits",
    Adequation.PARTIELS: "Besoins satisfaits en partie",
    Adequation.NON_SATISFAITS: "Besoins non satisfaits",
}


@dataclass(frozen=True)
class Appariement:
    adequation: Adequation
    bloquants: tuple[str, ...] = ()
    manques: tuple[str, ...] = ()

    @property
    def libelle(self) -> str:
        return LIBELLES_ADEQUATION[self.adequation]

    @property
    def convient(self) -> bool:
        """The household needs an adapted dwelling and this one meets its needs, strictly or partly."""
        return self.adequation in (Adequation.SATISFAITS, Adequation.PARTIELS)


def _equipement(present: bool | None, libelle: str) -> str | None:
    if present is True:
        return None
    return f"{libelle} : non renseigné" if present is None else f"{libelle} : absent"


def apparier(logement: Accessibilite, besoins: Besoins, *, largeur_min_fauteuil_cm: int) -> Appariement:
    """Does the dwelling meet the household's needs, and how well (docs/logements_adaptes.md, table of rules).

    Blocking (NON_SATISFAITS): a wheelchair and a level neither wheelchair-accessible nor adaptable, or doors
    narrower than ``largeur_min_fauteuil_cm`` (a dated parameter); stairs the household cannot climb (floor
    above what the walking capacity allows, no lift); a lift needed and an upper floor without one.
    Partial: an adaptable level (works), an equipment missing or unknown, access not known.
    """
    from demandes.rules import CapaciteMarche, Equipement

    if not besoins.adapte:
        return Appariement(Adequation.SANS_BESOIN)
    bloquants: list[str] = []
    manques: list[str] = []
    if besoins.fauteuil:
        if logement.niveau == NiveauAccessibilite.ADAPTABLE:
            manques.append("logement adaptable : travaux d'adaptation au fauteuil à prévoir")
        elif logement.niveau != NiveauAccessibilite.FAUTEUIL:
            bloquants.append("logement non accessible en fauteuil roulant")
        if logement.largeur_portes_cm is not None and logement.largeur_portes_cm < largeur_min_fauteuil_cm:
            bloquants.append(f"portes de {logement.largeur_portes_cm} cm (moins de {largeur_min_fauteuil_cm} cm)")
    sans_marche = logement.sans_marche
    if besoins.fauteuil or besoins.capacite_marche in (CapaciteMarche.IMPOSSIBLE, CapaciteMarche.MARCHES):
        if sans_marche is False:
            bloquants.append(f"étage {logement.etage} sans ascenseur")
        elif sans_marche is None:
            manques.append("accès sans marche à vérifier (étage ou ascenseur non renseigné)")
    elif (
        besoins.capacite_marche == CapaciteMarche.PREMIER_ETAGE
        and not sans_marche
        and not (logement.etage is not None and logement.etage <= 1)
    ):
        if sans_marche is False:
            bloquants.append(f"étage {logement.etage} sans ascenseur")
        else:
            manques.append("étage ou ascenseur non renseigné")
    if Equipement.ASCENSEUR in besoins.equipements and not (logement.ascenseur is True or logement.etage == 0):
        if logement.ascenseur is False and logement.etage is not None:
            bloquants.append(f"ascenseur nécessaire : étage {logement.etage} sans ascenseur")
        else:
            manques.append("ascenseur : non renseigné")
    for codes, present, libelle in (
        (
            (Equipement.DOUCHE_SANS_SEUIL, Equipement.BAIGNOIRE_ADAPTEE),
            logement.salle_de_bain_adaptee,
            "salle d'eau adaptée",
        ),
        ((Equipement.WC_TRANSFERT,), logement.wc_adapte, "WC avec espace de transfert"),
        ((Equipement.STATIONNEMENT,), logement.stationnement_adapte, "place de stationnement adaptée"),
    ):
        if any(code in besoins.equipements for code in codes) and (manque := _equipement(present, libelle)):
            manques.append(manque)
    if bloquants:
        return Appariement(Adequation.NON_SATISFAITS, tuple(bloquants), tuple(manques))
    if manques:
        return Appariement(Adequation.PARTIELS, (), tuple(manques))
    return Appariement(Adequation.SATISFAITS)


def profils_decisifs() -> list[Besoins]:
    """Every household profile that can rule a dwelling out: blocking depends only on the wheelchair, the
    walking capacity and the lift among the equipment (the other equipment only makes a match partial).
    The candidate search evaluates ``apparier`` on each to write its SQL filter."""
    from demandes.rules import CapaciteMarche, Equipement

    profils = []
    for fauteuil in (False, True):
        for capacite in ("", *CapaciteMarche):
            for ascenseur in (False, True):
                equipements = frozenset({str(Equipement.ASCENSEUR)}) if ascenseur else frozenset()
                profils.append(Besoins(fauteuil=fauteuil, capacite_marche=str(capacite), equipements=equipements))
    return profils


def alerte_logement_adapte(*, logement_adapte: bool, nb_sans_besoin: int, nb_en_attente: int) -> str | None:
    """The warning (never a block) when an adapted dwelling is about to go to households that do not need it
    while households that do are waiting (docs/logements_adaptes.md)."""
    if not logement_adapte or nb_sans_besoin <= 0 or nb_en_attente <= 0:
        return None
    menages = "ménage qui en a besoin attend" if nb_en_attente == 1 else "ménages qui en ont besoin attendent"
    candidats = "candidat n'en a" if nb_sans_besoin == 1 else "candidats n'en ont"
    return (
        f"Logement adapté : {nb_en_attente} {menages} sur le territoire, alors que {nb_sans_besoin} {candidats} "
        "pas besoin. Vérifiez ce choix avant l'attribution."
    )
