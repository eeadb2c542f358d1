"""Scoring of demands (cotation, L. 441-2-8, R. 441-2-10 11°, décret 2019-1378): pure functions.

No ORM, no request: a frozen snapshot of the demand's facts (``DemandeCotation``), the grid's criteria
(``CritereGrille``) and ``today`` in, a ``ResultatCotation`` out. The score is by construction the sum of
the breakdown's points; caps are applied line by line and shown (raw points and capped points).
``demandes.rules`` re-exports the public names: it stays the entry point of the app's pure rules.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property


class TypeCritere(StrEnum):
    PRIORITE = "PRIORITE"  # one of the listed L. 441-1 criteria is recognised (none listed: any)
    DALO = "DALO"  # a favourable DALO decision (L. 441-2-3)
    ANCIENNETE = "ANCIENNETE"  # points per full month since filing, usually capped
    MENAGE = "MENAGE"  # household situation: single parent, disability, elderly person, large family
    LOGEMENT_ACTUEL = "LOGEMENT_ACTUEL"  # current housing situation (sans abri, hébergé, ...)
    MOTIF = "MOTIF"  # a reason of the demand (overcrowding, non-decent, eviction, ...)
    LIEN_LOCAL = "LIEN_LOCAL"  # lives or works on the territory
    MUTATION = "MUTATION"  # a transfer request (current social tenant) with one of the listed reasons or common
    # transfer criteria of the territory (demandes.CritereMutation)
    REFUS = "REFUS"  # malus per refusal of a suitable offer, for a given number of months


class SituationMenage(StrEnum):
    MONOPARENTAL = "MONOPARENTAL"
    HANDICAP = "HANDICAP"
    PERSONNE_AGEE = "PERSONNE_AGEE"
    FAMILLE_NOMBREUSE = "FAMILLE_NOMBREUSE"


class LienLocal(StrEnum):
    RESIDE = "RESIDE"
    TRAVAILLE = "TRAVAILLE"


LIBELLES_SITUATION = {
    SituationMenage.MONOPARENTAL: "famille monoparentale",
    SituationMenage.HANDICAP: "personne handicapée ou en perte d'autonomie dans le ménage",
    SituationMenage.PERSONNE_AGEE: "demandeur de 65 ans ou plus",
    SituationMenage.FAMILLE_NOMBREUSE: "trois enfants ou plus",
}
LIBELLES_LIEN = {
    LienLocal.RESIDE: "réside sur le territoire",
    LienLocal.TRAVAILLE: "emploi sur le territoire (rapprochement du lieu de travail)",
}

AGE_PERSONNE_AGEE = 65
ENFANTS_FAMILLE_NOMBREUSE = 3
COUPLE = frozenset({"MARIE", "PACSE", "CONCUBINAGE"})
EMPLOI = frozenset({"CDI", "CDD", "INDEPENDANT"})


@dataclass(frozen=True)
class CritereGrille:
    """One criterion of a grid. ``points``: per month (ANCIENNETE), per refusal (REFUS, negative), else flat."""

    code: str
    libelle: str
    type: TypeCritere
    points: int
    valeurs: tuple[str, ...] = ()
    plafond: int | None = None  # cap on the criterion's points, in absolute value
    duree_mois: int | None = None  # REFUS: months during which a refusal counts
    date_debut: dt.date | None = None
    date_fin: dt.date | None = None

    @cached_property
    def ensemble(self) -> frozenset[str]:
        return frozenset(self.valeurs)

    def en_vigueur(self, today: dt.date) -> bool:
        return (self.date_debut is None or self.date_debut <= today) and (
            self.date_fin is None or today <= self.date_fin
        )


@dataclass(frozen=True)
class Membre:
    lien: str  # CO_TITULAIRE, ENFANT, ASCENDANT, AUTRE
    date_naissance: dt.date | None = None


@dataclass(frozen=True)
class DemandeCotation:
    """The facts of a demand the scoring reads, as of a day."""

    date_depot: dt.date
    date_naissance: dt.date | None = None
    situation_familiale: str = ""
    situation_professionnelle: str = ""
    logement_actuel: str = ""
    motifs: frozenset[str] = frozenset()
    est_mutation: bool = False
    criteres_mutation: frozenset[str] = frozenset()  # the territory's common transfer criteria met
    priorites: frozenset[str] = frozenset()  # L. 441-1 codes in force
    dalo: bool = False
    besoin_adaptation: bool = False  # wheelchair access or another adaptation asked
    membres: tuple[Membre, ...] = ()
    reside_sur_territoire: bool = False
    refus: tuple[tuple[dt.date, str], ...] = ()  # (date, reason) of the refusals of offers


@dataclass(frozen=True)
class LigneCotation:
    code: str
    libelle: str
    points: int
    explication: str
    points_bruts: int = 0
    plafonne: bool = False
    # the demand's codes that earned the points (criteria, reasons): the reader's view masks the line when
    # they reveal a sensitive situation (demandes.sensibles)
    valeurs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ResultatCotation:
    score: int
    lignes: tuple[LigneCotation, ...] = field(default_factory=tuple)

    @property
    def retenues(self) -> tuple[LigneCotation, ...]:
        return tuple(ligne for ligne in self.lignes if ligne.points)


def mois_entre(debut: dt.date, fin: dt.date) -> int:
    """Full calendar months from ``debut`` to ``fin`` (0 when ``fin`` is before)."""
    if fin <= debut:
        return 0
    mois = (fin.year - debut.year) * 12 + fin.month - debut.month
    if fin.day < debut.day:
        mois -= 1
    return max(mois, 0)


def age_au(naissance: dt.date, jour: dt.date) -> int:
    return jour.year - naissance.year - ((jour.month, jour.day) < (naissance.month, naissance.day))


def _pluriel(n: int, mot: str) -> str:
    """'1 an', '2 ans'; words ending in s are invariable ('mois', 'refus')."""
    return f"{n} {mot}{'s' if abs(n) > 1 and not mot.endswith('s') else ''}"


def situations_menage(demande: DemandeCotation, today: dt.date) -> set[SituationMenage]:
    liens = [m.lien for m in demande.membres]
    enfants = liens.count("ENFANT")
    situations = set()
    if enfants and "CO_TITULAIRE" not in liens and demande.situation_familiale not in COUPLE:
        situations.add(SituationMenage.MONOPARENTAL)
    if demande.besoin_adaptation or "HANDICAP" in demande.priorites:
        situations.add(SituationMenage.HANDICAP)
    if demande.date_naissance is not None and age_au(demande.date_naissance, today) >= AGE_PERSONNE_AGEE:
        situations.add(SituationMenage.PERSONNE_AGEE)
    if enfants >= ENFANTS_FAMILLE_NOMBREUSE:
        situations.add(SituationMenage.FAMILLE_NOMBREUSE)
    return situations


def liens_locaux(demande: DemandeCotation) -> set[LienLocal]:
    """Lives on the territory (current town among its communes); works there: employed and asking to move
    closer to the job (the wished communes are on the territory), the national form's only trace of it."""
    liens = set()
    if demande.reside_sur_territoire:
        liens.add(LienLocal.RESIDE)
    if demande.situation_professionnelle in EMPLOI and "RAPPROCHEMENT_TRAVAIL" in demande.motifs:
        liens.add(LienLocal.TRAVAILLE)
    return liens


def _brut(critere: CritereGrille, demande: DemandeCotation, today: dt.date) -> tuple[int, str, frozenset[str]]:
    """(raw points, explanation in French, the demand's codes retained) of one criterion, before its cap."""
    valeurs = set(critere.valeurs)
    t = critere.type
    if t == TypeCritere.ANCIENNETE:
        mois = mois_entre(demande.date_depot, today)
        return mois * critere.points, f"{_pluriel(mois, 'mois')} d'ancienneté × {critere.points} points", frozenset()
    if t == TypeCritere.PRIORITE:
        presentes = demande.priorites & valeurs if valeurs else demande.priorites
        if presentes:
            return critere.points, "critère de priorité reconnu (L. 441-1)", frozenset(presentes)
        return 0, "aucun des critères de priorité retenus n'est reconnu", frozenset()
    if t == TypeCritere.DALO:
        if demande.dalo:
            return critere.points, "reconnu prioritaire et urgent par la commission de médiation DALO", frozenset()
        return 0, "pas de décision DALO favorable", frozenset()
    if t == TypeCritere.MENAGE:
        trouvees = sorted(situations_menage(demande, today) & valeurs)
        if trouvees:
            return critere.points, ", ".join(LIBELLES_SITUATION[SituationMenage(s)] for s in trouvees), frozenset()
        return 0, "situation du ménage non concernée", frozenset()
    if t == TypeCritere.LOGEMENT_ACTUEL:
        if demande.logement_actuel in valeurs:
            return critere.points, "situation de logement actuelle retenue par la grille", frozenset()
        return 0, "situation de logement actuelle non concernée", frozenset()
    if t == TypeCritere.MOTIF:
        if demande.motifs & valeurs:
            return critere.points, "motif de la demande retenu par la grille", demande.motifs & valeurs
        return 0, "aucun motif retenu", frozenset()
    if t == TypeCritere.LIEN_LOCAL:
        trouves = sorted(liens_locaux(demande) & valeurs)
        if trouves:
            return critere.points, ", ".join(LIBELLES_LIEN[LienLocal(lien)] for lien in trouves), frozenset()
        return 0, "pas de lien avec le territoire retenu", frozenset()
    if t == TypeCritere.MUTATION:
        faits = demande.motifs | demande.criteres_mutation
        if demande.est_mutation and (not valeurs or faits & valeurs):
            return critere.points, "demande de mutation pour un motif ou critère retenu", faits & valeurs
        return 0, "pas de mutation pour un motif ou critère retenu", frozenset()
    if t == TypeCritere.REFUS:
        duree = critere.duree_mois
        comptes = [
            jour
            for jour, motif in demande.refus
            if jour <= today
            and (duree is None or mois_entre(jour, today) < duree)
            and motif not in valeurs  # listed reasons: the offer was not suitable, no malus
        ]
        if comptes:
            periode = f" depuis moins de {_pluriel(duree, 'mois')}" if duree is not None else ""
            return (
                len(comptes) * critere.points,
                f"{_pluriel(len(comptes), 'refus')} d'une offre adaptée{periode} × {critere.points} points",
                frozenset(),
            )
        return 0, "aucun refus d'offre adaptée pris en compte", frozenset()
    raise ValueError(f"Type de critère inconnu : {t}")


def coter(demande: DemandeCotation, criteres: Iterable[CritereGrille], today: dt.date) -> ResultatCotation:
    """The score and its breakdown, criterion by criterion, in the grid's order.

    Every criterion in force on ``today`` gives one line (0 points when it does not apply); a cap limits
    the line's points in absolute value and the line says so. The score is the sum of the lines.
    """
    lignes = []
    for critere in criteres:
        if not critere.en_vigueur(today):
            continue
        brut, explication, retenues = _brut(critere, demande, today)
        points, plafonne = brut, False
        if critere.plafond is not None and abs(brut) > critere.plafond:
            points = critere.plafond if brut > 0 else -critere.plafond
            plafonne = True
            explication = f"{explication} = {brut}, plafonné à {points}"
        lignes.append(
            LigneCotation(
                code=critere.code,
                libelle=critere.libelle,
                points=points,
                explication=explication,
                points_bruts=brut,
                plafonne=plafonne,
                valeurs=frozenset(retenues),
            )
        )
    return ResultatCotation(score=sum(ligne.points for ligne in lignes), lignes=tuple(lignes))


def _points_bruts(c: CritereGrille, d: DemandeCotation, today: dt.date) -> int:
    """The raw points of ``_brut`` without the explanation: the stock rescoring's hot path (a property test
    checks that ``score_seul`` always equals ``coter(...).score``)."""
    t = c.type
    if t == TypeCritere.ANCIENNETE:
        return mois_entre(d.date_depot, today) * c.points
    v = c.ensemble
    if t == TypeCritere.PRIORITE:
        return c.points if (d.priorites & v if v else d.priorites) else 0
    if t == TypeCritere.DALO:
        return c.points if d.dalo else 0
    if t == TypeCritere.LOGEMENT_ACTUEL:
        return c.points if d.logement_actuel in v else 0
    if t == TypeCritere.MOTIF:
        return c.points if d.motifs & v else 0
    if t == TypeCritere.MENAGE:
        return c.points if situations_menage(d, today) & v else 0
    if t == TypeCritere.LIEN_LOCAL:
        return c.points if liens_locaux(d) & v else 0
    if t == TypeCritere.MUTATION:
        return c.points if d.est_mutation and (not v or (d.motifs | d.criteres_mutation) & v) else 0
    if t == TypeCritere.REFUS:
        if not d.refus:
            return 0
        duree = c.duree_mois
        n = sum(
            1
            for jour, motif in d.refus
            if jour <= today and (duree is None or mois_entre(jour, today) < duree) and motif not in v
        )
        return n * c.points
    raise ValueError(f"Type de critère inconnu : {t}")


def score_seul(demande: DemandeCotation, criteres: Sequence[CritereGrille], today: dt.date) -> int:
    """The score alone (no breakdown), equal to ``coter(demande, criteres, today).score``."""
    total = 0
    for c in criteres:
        if (c.date_debut is not None and today < c.date_debut) or (c.date_fin is not None and today > c.date_fin):
            continue
        brut = _points_bruts(c, demande, today)
        plafond = c.plafond
        if plafond is not None and (brut > plafond or brut < -plafond):
            brut = plafond if brut > 0 else -plafond
        total += brut
    return total


# --- Information owed to the applicant (R. 441-2-17) and simulation figures ---------------------


def mediane(valeurs: Sequence[int | float]) -> float | None:
    return statistics.median(valeurs) if valeurs else None


def rang(score: int, scores_tries_desc: Sequence[int]) -> int:
    """1 + the number of scores strictly above ``score`` (ties share the best rank)."""
    lo, hi = 0, len(scores_tries_desc)
    while lo < hi:
        mid = (lo + hi) // 2
        if scores_tries_desc[mid] > score:
            lo = mid + 1
        else:
            hi = mid
    return lo + 1


def percentile_rang(position: int, total: int) -> int:
    """The share of demands ranked at or behind this one, in percent (100: first)."""
    if total <= 0:
        return 0
    return round(100 * (total - position + 1) / total)


def tranches(scores: Iterable[int], largeur: int) -> list[tuple[int, int]]:
    """(lower bound, count) of score bands of ``largeur`` points, every band between min and max present."""
    if largeur <= 0:
        raise ValueError("largeur > 0")
    compte: dict[int, int] = {}
    for s in scores:
        borne = (s // largeur) * largeur
        compte[borne] = compte.get(borne, 0) + 1
    if not compte:
        return []
    return [(b, compte.get(b, 0)) for b in range(min(compte), max(compte) + largeur, largeur)]


def largeur_tranche(maximum: int, minimum: int = 0, nombre: int = 12) -> int:
    """A round band width so that [minimum, maximum] fits in about ``nombre`` bands."""
    etendue = max(maximum - minimum, 1)
    for largeur in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if etendue / largeur <= nombre:
            return largeur
    return 10000
