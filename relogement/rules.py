"""Relocation cases (NPNRU/ANRU, ORCOD, LHI) as pure functions: life cycle and indicators (docs/droit/regles.md, S.9).

No ORM, no request, no clock: every date is passed in. Money in ``Decimal`` (never floats).

Sources: docs/droit/regles.md §9 (ANRU's expectations, LHI as a case type with a legal basis) and the computation
spec S.9 (share relocated outside QPV, share in new or < 5-year conventioned stock, reste à charge and
effort rate before/after, offers per household, delay to the lease); "Platform decisions" 1 and 6
(relocated ANRU/ORCOD households count in objective A; QPV map in force at the lease date).
"""

from __future__ import annotations

import datetime as dt
import enum
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from attributions import rules as arules
from core.cycles import Cycle
from core.erreurs import ErreurMetier


class RegleError(ErreurMetier, ValueError):
    """A value or a transition the rules refuse (raised, never swallowed); the message is in French."""


class TypeOperation(enum.StrEnum):
    NPNRU = "NPNRU"
    ORCOD = "ORCOD"
    LHI = "LHI"


# What a definitive relocation writes in DecisionCaleol.relogement (only ANRU and ORCOD count in objective A).
RELOGEMENT_DECISION = {
    TypeOperation.NPNRU: arules.Relogement.ANRU,
    TypeOperation.ORCOD: arules.Relogement.ORCOD,
    TypeOperation.LHI: arules.Relogement.LHI,
}


def compte_pour_objectif_a(type_operation: str) -> bool:
    """Relocated ANRU/NPNRU and ORCOD households count in objective A whatever their income; LHI ones do not."""
    return RELOGEMENT_DECISION[TypeOperation(type_operation)] in arules.RELOGEMENTS_NUMERATEUR_A


# --- Life cycle of a household to relocate ---------------------------------------------------------


class Statut(enum.StrEnum):
    A_ENQUETER = "A_ENQUETER"
    ENQUETE = "ENQUETE"
    EN_RECHERCHE = "EN_RECHERCHE"
    PROPOSITION = "PROPOSITION"
    RELOGE_TEMPORAIRE = "RELOGE_TEMPORAIRE"
    RELOGE_DEFINITIF = "RELOGE_DEFINITIF"
    SUIVI_FAIT = "SUIVI_FAIT"
    SORTI = "SORTI"


class Action(enum.StrEnum):
    ENQUETER = "ENQUETER"  # the social survey is recorded
    CHERCHER = "CHERCHER"  # wishes recorded, search for a dwelling
    PROPOSER = "PROPOSER"  # an offer is made
    REFUS = "REFUS"  # the household refuses the last pending offer
    RELOGER_TEMPORAIREMENT = "RELOGER_TEMPORAIREMENT"
    RELOGER_DEFINITIVEMENT = "RELOGER_DEFINITIVEMENT"
    SUIVRE = "SUIVRE"  # the 6-month follow-up survey is done
    SORTIR = "SORTIR"  # left by own means (private stock, home-ownership, elsewhere)


S = Statut
EN_COURS = frozenset({S.A_ENQUETER, S.ENQUETE, S.EN_RECHERCHE, S.PROPOSITION, S.RELOGE_TEMPORAIRE})
TRANSITIONS: dict[Action, tuple[frozenset[Statut], Statut]] = {
    Action.ENQUETER: (frozenset({S.A_ENQUETER}), S.ENQUETE),
    Action.CHERCHER: (frozenset({S.ENQUETE}), S.EN_RECHERCHE),
    Action.PROPOSER: (frozenset({S.ENQUETE, S.EN_RECHERCHE, S.PROPOSITION, S.RELOGE_TEMPORAIRE}), S.PROPOSITION),
    Action.REFUS: (frozenset({S.PROPOSITION}), S.EN_RECHERCHE),
    Action.RELOGER_TEMPORAIREMENT: (frozenset({S.ENQUETE, S.EN_RECHERCHE, S.PROPOSITION}), S.RELOGE_TEMPORAIRE),
    Action.RELOGER_DEFINITIVEMENT: (
        frozenset({S.ENQUETE, S.EN_RECHERCHE, S.PROPOSITION, S.RELOGE_TEMPORAIRE}),
        S.RELOGE_DEFINITIF,
    ),
    Action.SUIVRE: (frozenset({S.RELOGE_DEFINITIF}), S.SUIVI_FAIT),
    Action.SORTIR: (EN_COURS, S.SORTI),
}

LIBELLES_STATUTS = {
    S.A_ENQUETER: "à enquêter",
    S.ENQUETE: "enquête faite",
    S.EN_RECHERCHE: "en recherche",
    S.PROPOSITION: "proposition en cours",
    S.RELOGE_TEMPORAIRE: "relogé temporairement",
    S.RELOGE_DEFINITIF: "relogé définitivement",
    S.SUIVI_FAIT: "suivi à 6 mois fait",
    S.SORTI: "sorti du dispositif",
}

CYCLE = Cycle.par_action(
    TRANSITIONS,
    refus=lambda statut, action: RegleError(f"Action impossible pour un ménage « {LIBELLES_STATUTS[statut]} »."),
)


def transition(statut: str, action: str, *, propositions_en_attente: int = 0) -> Statut:
    """The status after ``action``; raises ``RegleError`` when the action is not allowed from ``statut``.

    A refusal only sends the household back to the search when no other offer is still pending.
    """
    try:
        statut, action = Statut(statut), Action(action)
    except ValueError as exc:
        raise RegleError(f"Statut ou action inconnus : {statut}, {action}.") from exc
    vers = CYCLE.suivant(statut, action)
    if action == Action.REFUS and propositions_en_attente > 0:
        return S.PROPOSITION
    return vers


def actions_possibles(statut: str) -> list[Action]:
    return CYCLE.actions_possibles(Statut(statut))


# --- Money and dates ------------------------------------------------------------------------------

CENTIME = Decimal("0.01")
MOIS_SUIVI = 6
ANNEES_NEUF_OU_RECENT = 5


def _d(valeur) -> Decimal:
    return valeur if isinstance(valeur, Decimal) else Decimal(str(valeur))


def reste_a_charge(loyer, charges, apl) -> Decimal:
    """Rent + charges − housing benefit (APL/AL), per month. May be negative when the benefit covers everything."""
    for nom, valeur in (("loyer", loyer), ("charges", charges), ("APL", apl)):
        if valeur is None or _d(valeur) < 0:
            raise RegleError(f"Montant invalide ({nom}) : un montant mensuel positif ou nul est attendu.")
    return _d(loyer) + _d(charges) - _d(apl)


def taux_effort(rac: Decimal | None, ressources_mensuelles) -> Decimal | None:
    """Reste à charge / monthly resources (housing benefit excluded); None when there are no resources."""
    if rac is None or ressources_mensuelles is None:
        return None
    ressources = _d(ressources_mensuelles)
    if ressources < 0:
        raise RegleError("Les ressources ne peuvent pas être négatives.")
    if ressources == 0:
        return None
    return _d(rac) / ressources


def ajoute_mois(jour: dt.date, mois: int) -> dt.date:
    """Same day ``mois`` months later, or the last day of the month when it does not exist (31/08 + 6 = 28/02)."""
    index = jour.month - 1 + mois
    annee, mois_0 = jour.year + index // 12, index % 12
    dernier = [31, 29 if annee % 4 == 0 and (annee % 100 != 0 or annee % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30,
               31, 30, 31][mois_0]  # fmt: skip
    return dt.date(annee, mois_0 + 1, min(jour.day, dernier))


def echeance_suivi(date_emmenagement: dt.date, *, mois: int = MOIS_SUIVI) -> dt.date:
    """Due date of the follow-up survey after the move (6 months by default)."""
    return ajoute_mois(date_emmenagement, mois)


CONSERVATION_MOIS_DEFAUT = 24
STATUTS_CLOS = frozenset({Statut.SUIVI_FAIT, Statut.SORTI})


def a_purger(statut: str, date_cloture: dt.date | None, today: dt.date, *, conservation_mois: int) -> bool:
    """Sensitive answers of a closed file (follow-up done, or out of the scheme) are erased once the retention
    period after the closing has run out (GDPR: storage limitation)."""
    if statut not in STATUTS_CLOS or date_cloture is None:
        return False
    return ajoute_mois(date_cloture, conservation_mois) <= today


def neuf_ou_recent(
    date_bail: dt.date,
    date_premiere_location: dt.date | None,
    date_conventionnement: dt.date | None,
    *,
    annees: int = ANNEES_NEUF_OU_RECENT,
) -> bool:
    """New stock, or stock conventioned (APL) for less than ``annees`` years at the lease date.

    docs/droit/regles.md, S.9.

    The limit date is the lease date ``annees`` years earlier (29 February becomes 28 February).
    """
    try:
        limite = date_bail.replace(year=date_bail.year - annees)
    except ValueError:
        limite = date_bail.replace(year=date_bail.year - annees, day=28)
    return any(d is not None and d >= limite for d in (date_premiere_location, date_conventionnement))


def delai_jours(debut: dt.date | None, fin: dt.date | None) -> int | None:
    if debut is None or fin is None:
        return None
    if fin < debut:
        raise RegleError("La date de signature du bail précède la date de l'enquête sociale.")
    return (fin - debut).days


# --- Indicators (docs/droit/regles.md, S.9) ----------------------------------------------------------


@dataclass(frozen=True)
class Cas:
    """One household to relocate, as the indicators need it. Amounts are monthly, in euros."""

    statut: str
    nb_propositions: int = 0
    date_enquete: dt.date | None = None
    ressources_mensuelles: Decimal | None = None
    rac_avant: Decimal | None = None
    # the definitive relocation, when there is one (lease signed)
    date_bail: dt.date | None = None
    en_qpv: bool | None = None
    neuf_ou_recent: bool | None = None
    rac_apres: Decimal | None = None
    parc: str | None = None  # SOCIAL, PRIVE, ACCESSION, STRUCTURE
    typologie_avant: str = ""  # T1..T6 ("" when unknown)
    typologie_apres: str = ""


@dataclass
class Indicateurs:
    nb_menages: int = 0
    par_statut: dict[str, int] = field(default_factory=dict)
    par_parc: dict[str, int] = field(default_factory=dict)  # definitive relocations by housing sector
    nb_reloges_definitifs: int = 0
    nb_reloges_temporaires: int = 0
    nb_sortis: int = 0
    nb_hors_qpv: int = 0
    nb_neuf_ou_recent: int = 0
    nb_rac_maitrise: int = 0
    nb_avec_rac: int = 0
    # typology after versus before, among the relocations where both are known
    nb_typologie_plus_grande: int = 0
    nb_typologie_identique: int = 0
    nb_typologie_plus_petite: int = 0
    rac_avant_moyen: Decimal | None = None
    rac_apres_moyen: Decimal | None = None
    taux_effort_avant_moyen: Decimal | None = None
    taux_effort_apres_moyen: Decimal | None = None
    nb_propositions: int = 0
    propositions_par_menage: Decimal | None = None  # offers per definitively relocated household
    delai_moyen_jours: Decimal | None = None  # survey -> definitive lease
    delai_median_jours: Decimal | None = None

    @property
    def pct_hors_qpv(self) -> Decimal | None:
        return arules.taux(self.nb_hors_qpv, self.nb_reloges_definitifs)

    @property
    def pct_neuf_ou_recent(self) -> Decimal | None:
        return arules.taux(self.nb_neuf_ou_recent, self.nb_reloges_definitifs)

    @property
    def pct_rac_maitrise(self) -> Decimal | None:
        return arules.taux(self.nb_rac_maitrise, self.nb_avec_rac)

    @property
    def nb_restant(self) -> int:
        """Households still to relocate (neither definitively relocated nor out of the scheme)."""
        return self.nb_menages - self.nb_reloges_definitifs - self.nb_sortis


def arrondi(valeur: Decimal | None, quantum: str = "0.01") -> Decimal | None:
    return None if valeur is None else valeur.quantize(Decimal(quantum), rounding=ROUND_HALF_UP)


def _moyenne(valeurs: list[Decimal]) -> Decimal | None:
    return sum(valeurs, Decimal(0)) / len(valeurs) if valeurs else None


def est_reloge_definitivement(statut: str) -> bool:
    return statut in (S.RELOGE_DEFINITIF, S.SUIVI_FAIT)


def indicateurs(cas: Iterable[Cas], *, tolerance_rac: Decimal = Decimal(0)) -> Indicateurs:
    """The indicators (docs/droit/regles.md, S.9) of a list of households: an operation, or every operation of an EPCI.

    Shares are over the definitively relocated households (lease signed). The reste à charge is "kept
    under control" when RAC after <= RAC before x (1 + tolerance). Offers per household count every offer
    made to the definitively relocated households.
    """
    result = Indicateurs()
    rac_avant, rac_apres, effort_avant, effort_apres, delais = [], [], [], [], []
    for c in cas:
        result.nb_menages += 1
        result.par_statut[c.statut] = result.par_statut.get(c.statut, 0) + 1
        if c.statut == S.RELOGE_TEMPORAIRE:
            result.nb_reloges_temporaires += 1
        if c.statut == S.SORTI:
            result.nb_sortis += 1
        if not est_reloge_definitivement(c.statut) or c.date_bail is None:
            continue
        result.nb_reloges_definitifs += 1
        if c.parc:
            result.par_parc[c.parc] = result.par_parc.get(c.parc, 0) + 1
        result.nb_propositions += c.nb_propositions
        if c.en_qpv is False:
            result.nb_hors_qpv += 1
        if c.neuf_ou_recent:
            result.nb_neuf_ou_recent += 1
        if c.typologie_avant and c.typologie_apres:
            if c.typologie_apres > c.typologie_avant:  # "T1" < "T2" < ... < "T6"
                result.nb_typologie_plus_grande += 1
            elif c.typologie_apres == c.typologie_avant:
                result.nb_typologie_identique += 1
            else:
                result.nb_typologie_plus_petite += 1
        if c.rac_avant is not None and c.rac_apres is not None:
            result.nb_avec_rac += 1
            rac_avant.append(c.rac_avant)
            rac_apres.append(c.rac_apres)
            if c.rac_apres <= c.rac_avant * (1 + tolerance_rac):
                result.nb_rac_maitrise += 1
            avant = taux_effort(c.rac_avant, c.ressources_mensuelles)
            apres = taux_effort(c.rac_apres, c.ressources_mensuelles)
            if avant is not None and apres is not None:
                effort_avant.append(avant)
                effort_apres.append(apres)
        delai = delai_jours(c.date_enquete, c.date_bail)
        if delai is not None:
            delais.append(delai)
    result.rac_avant_moyen = _moyenne(rac_avant)
    result.rac_apres_moyen = _moyenne(rac_apres)
    result.taux_effort_avant_moyen = _moyenne(effort_avant)
    result.taux_effort_apres_moyen = _moyenne(effort_apres)
    if result.nb_reloges_definitifs:
        result.propositions_par_menage = Decimal(result.nb_propositions) / result.nb_reloges_definitifs
    if delais:
        result.delai_moyen_jours = Decimal(sum(delais)) / len(delais)
        result.delai_median_jours = Decimal(str(statistics.median(delais)))
    return result
