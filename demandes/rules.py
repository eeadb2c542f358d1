"""Pure rules of a demand's life cycle (docs/droit/regles.md §7): no ORM, no request, ``today`` passed in.

Every delay comes from a ``Delais`` value built from the territory's ``ParametresDemande`` row
(data with its source and dates), never from constants of this module.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from core.cycles import Cycle
from core.erreurs import ErreurMetier


class DomainError(ErreurMetier):
    """A business rule forbids the operation; the message is in French, for the user."""


class TransitionInterdite(DomainError):
    pass


class ParametresManquants(DomainError):
    """No ``ParametresDemande`` row is in force for the territory nor nationally on the day asked."""


class ConflitDeVersion(DomainError):
    """Someone else saved the demand since it was opened (optimistic locking)."""


class Statut(StrEnum):
    ACTIVE = "ACTIVE"
    A_RENOUVELER = "A_RENOUVELER"
    RADIEE = "RADIEE"


class MotifRadiation(StrEnum):
    ATTRIBUTION = "ATTRIBUTION"
    RENONCIATION = "RENONCIATION"
    IRRECEVABILITE = "IRRECEVABILITE"
    NON_RENOUVELLEMENT = "NON_RENOUVELLEMENT"
    SANS_REPONSE = "SANS_REPONSE"


class Action(StrEnum):
    RAPPELER = "RAPPELER"  # the renewal notice was sent: the demand is now "to renew"
    RENOUVELER = "RENOUVELER"
    RADIER = "RADIER"
    REACTIVER = "REACTIVER"


# The explicit transition table: (from, action) -> to.
TRANSITIONS: dict[tuple[Statut, Action], Statut] = {
    (Statut.ACTIVE, Action.RAPPELER): Statut.A_RENOUVELER,
    (Statut.ACTIVE, Action.RENOUVELER): Statut.ACTIVE,
    (Statut.A_RENOUVELER, Action.RENOUVELER): Statut.ACTIVE,
    (Statut.ACTIVE, Action.RADIER): Statut.RADIEE,
    (Statut.A_RENOUVELER, Action.RADIER): Statut.RADIEE,
    (Statut.RADIEE, Action.REACTIVER): Statut.ACTIVE,
}

# Grounds after which the demand can come back within a legal window (arrêté du 23 mars 2015).
MOTIFS_REACTIVABLES = {MotifRadiation.NON_RENOUVELLEMENT, MotifRadiation.SANS_REPONSE}


CYCLE = Cycle(
    TRANSITIONS,
    refus=lambda statut, action: TransitionInterdite(
        f"Action « {str(action).lower()} » impossible sur une demande au statut « {statut} »."
    ),
)


def transition(statut: str, action: Action) -> Statut:
    return CYCLE.suivant(statut, action)


@dataclass(frozen=True)
class Delais:
    """The territory's delays, in months (R. 441-2-7, R. 441-2-8, arrêté du 23 mars 2015, PPGDID)."""

    validite_mois: int = 12
    preavis_rappel_mois: int = 1
    radiation_non_renouvellement_mois: int = 13  # counted from the start of the validity year
    reactivation_non_renouvellement_mois: int = 18  # counted from the start of the validity year
    reactivation_sans_reponse_mois: int = 5  # counted from the radiation
    radiation_apres_avertissement_mois: int = 1  # R. 441-2-8 c) and d): one month after the warning
    delai_max_entretien_jours: int = 30  # PPGDID: maximum delay to receive an applicant who asks


def add_months(jour: dt.date, mois: int) -> dt.date:
    """Calendar months; the 31st becomes the last day of a shorter month (dateutil's relativedelta)."""
    return jour + relativedelta(months=mois)


def debut_validite(date_depot: dt.date, date_dernier_renouvellement: dt.date | None) -> dt.date:
    return date_dernier_renouvellement or date_depot


def date_expiration(date_depot: dt.date, date_dernier_renouvellement: dt.date | None, delais: Delais) -> dt.date:
    """Last day of validity: one year after filing or last renewal (R. 441-2-7)."""
    return add_months(debut_validite(date_depot, date_dernier_renouvellement), delais.validite_mois)


def date_rappel(date_depot: dt.date, date_dernier_renouvellement: dt.date | None, delais: Delais) -> dt.date:
    """The notice is due at least one month before expiry."""
    return add_months(date_expiration(date_depot, date_dernier_renouvellement, delais), -delais.preavis_rappel_mois)


def date_radiation_non_renouvellement(
    date_depot: dt.date, date_dernier_renouvellement: dt.date | None, delais: Delais
) -> dt.date:
    return add_months(debut_validite(date_depot, date_dernier_renouvellement), delais.radiation_non_renouvellement_mois)


def ouverture_renouvellement(
    date_depot: dt.date, date_dernier_renouvellement: dt.date | None, delais: Delais
) -> dt.date:
    """Renewal opens with the notice, ``preavis_rappel_mois`` before the expiry (R. 441-2-7: renew before the
    anniversary): a demand registered or renewed today has nothing to renew."""
    return date_rappel(date_depot, date_dernier_renouvellement, delais)


def renouvellement_ouvert(statut: str, date_depot, date_dernier_renouvellement, delais: Delais, today: dt.date) -> bool:
    if statut == Statut.A_RENOUVELER:
        return True
    ouverture = ouverture_renouvellement(date_depot, date_dernier_renouvellement, delais)
    return statut == Statut.ACTIVE and today >= ouverture


def rappel_du(statut: str, date_depot, date_dernier_renouvellement, delais: Delais, today: dt.date) -> bool:
    return statut == Statut.ACTIVE and today >= date_rappel(date_depot, date_dernier_renouvellement, delais)


def debut_validite_limite(echeance: Callable[[dt.date], dt.date], today: dt.date) -> dt.date:
    """The latest start of validity (filing or last renewal) whose ``echeance(debut)`` falls on or before
    ``today``: a demand is concerned exactly when its start is on or before this date. ``echeance`` grows with
    the start (calendar months, the 31st clipped), so a binary search over the days finds the bound; the SQL
    filters of the scheduled jobs compare one indexed column to it instead of reading every demand in Python,
    and the rule stays the one written here."""
    bas, haut = today - dt.timedelta(days=366 * 20), today
    if echeance(bas) > today:
        return bas - dt.timedelta(days=1)
    while bas < haut:  # invariant: echeance(bas) <= today
        milieu = bas + dt.timedelta(days=(haut - bas).days // 2 + 1)
        if echeance(milieu) <= today:
            bas = milieu
        else:
            haut = milieu - dt.timedelta(days=1)
    return bas


def radiation_due(statut: str, date_depot, date_dernier_renouvellement, delais: Delais, today: dt.date) -> bool:
    """Only a demand whose notice was sent (``A_RENOUVELER``) is radiated: never silently."""
    return statut == Statut.A_RENOUVELER and today >= date_radiation_non_renouvellement(
        date_depot, date_dernier_renouvellement, delais
    )


def fin_reactivation(
    motif: str | None,
    date_depot: dt.date,
    date_dernier_renouvellement: dt.date | None,
    date_radiation: dt.date | None,
    delais: Delais,
) -> dt.date | None:
    """Last day on which a radiated demand may be reactivated, or None when it cannot be."""
    if motif == MotifRadiation.NON_RENOUVELLEMENT:
        return add_months(
            debut_validite(date_depot, date_dernier_renouvellement), delais.reactivation_non_renouvellement_mois
        )
    if motif == MotifRadiation.SANS_REPONSE and date_radiation is not None:
        return add_months(date_radiation, delais.reactivation_sans_reponse_mois)
    return None


def reactivation_possible(motif, date_depot, date_dernier_renouvellement, date_radiation, delais, today) -> bool:
    fin = fin_reactivation(motif, date_depot, date_dernier_renouvellement, date_radiation, delais)
    return fin is not None and today <= fin


# Grounds that need a warning letter (registered letter or any proof of delivery) before the radiation.
MOTIFS_AVEC_AVERTISSEMENT = {MotifRadiation.SANS_REPONSE, MotifRadiation.IRRECEVABILITE}


def radiation_apres_avertissement(date_avertissement: dt.date | None, delais: Delais) -> dt.date | None:
    """First day on which a demand may be radiated after the warning (None: no warning sent)."""
    if date_avertissement is None:
        return None
    return add_months(date_avertissement, delais.radiation_apres_avertissement_mois)


# --- Registration number --------------------------------------------------------------------

NUMERO_RE = re.compile(r"^(?P<dep>[0-9][0-9AB][0-9]?)-?(?P<annee>\d{4})-?(?P<seq>\d{7})$")


def code_departement(departement: str) -> str:
    """Three characters: '38' -> '038', '2A' -> '02A', '974' -> '974'."""
    departement = departement.strip().upper()
    if not departement or len(departement) > 3:
        raise DomainError(f"Code de département invalide : {departement!r}.")
    return departement.rjust(3, "0")


def format_numero(departement: str, annee: int, sequence: int) -> str:
    """The registration number: ``DDD-AAAA-NNNNNNN`` (department, year of filing, yearly sequence)."""
    if not 0 < sequence < 10_000_000:
        raise DomainError("La séquence des numéros uniques de ce département est épuisée pour l'année.")
    return f"{code_departement(departement)}-{annee:04d}-{sequence:07d}"


def normaliser_numero(saisie: str) -> str | None:
    """Accepts '038-2026-0000123', '03820260000123', ' 038 2026 0000123 '; None when not a number."""
    compact = re.sub(r"[\s.\-/]", "", saisie or "").upper()
    match = re.match(r"^(?P<dep>[0-9][0-9AB][0-9])(?P<annee>\d{4})(?P<seq>\d{7})$", compact)
    if not match:
        return None
    return f"{match['dep']}-{match['annee']}-{match['seq']}"


def normaliser_numero_national(saisie: str) -> str | None:
    """The national number (NUD) of the SNE as typed, e.g. '1110318016982G1104' (department, month and year,
    sequence, desk code; 18 characters at most): upper case without separators, or None when it cannot be one."""
    compact = re.sub(r"[\s.\-/]", "", saisie or "").upper()
    if re.fullmatch(r"[0-9][0-9AB][0-9]{5}[0-9A-Z]{4,11}", compact) and any(c.isdigit() for c in compact[7:]):
        return compact
    return None


# --- Names ----------------------------------------------------------------------------------


def normaliser(texte: str) -> str:
    """Lower-case, unaccented, single-spaced; ligatures expanded; hyphens, apostrophes and other separators
    read as one space, so that "LEFEVRE AUDIT", "Lefèvre-Audit" and "lefevre  audit" are one name. Used for
    the indexed search columns and the duplicate check (a data migration recomputes the stored columns)."""
    texte = (texte or "").replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    texte = unicodedata.normalize("NFKD", texte)
    texte = "".join(c for c in texte if not unicodedata.combining(c)).lower()
    texte = re.sub(r"[^a-z0-9]+", " ", texte)
    return texte.strip()


def borne_superieure_prefixe(prefixe: str) -> str:
    """The smallest string greater than every string starting with ``prefixe`` (byte order).

    ``col >= prefixe AND col < borne`` is an index range scan on any collation where the
    normalised alphabet sorts in byte order (C, C.UTF-8, SQLite's BINARY).
    """
    if not prefixe:
        raise ValueError("préfixe vide")
    return prefixe[:-1] + chr(ord(prefixe[-1]) + 1)


# --- Household ------------------------------------------------------------------------------


# --- Supporting documents -------------------------------------------------------------------


@dataclass(frozen=True)
class Situation:
    """Facts of a demand that decide which documents the single file needs."""

    salarie: bool = False
    demandeur_emploi: bool = False
    retraite: bool = False
    etudiant: bool = False
    heberge: bool = False
    locataire: bool = False
    mutation: bool = False
    handicap: bool = False
    violences: bool = False
    enfants: bool = False
    hors_ue: bool = False
    separation: bool = False


def pieces_attendues(regles: Iterable[tuple[str, str]], situation: Situation) -> list[str]:
    """``regles`` are (condition, type of document) rows of the checklist; 'TOUJOURS' always applies."""
    attendues: list[str] = []
    for condition, type_piece in regles:
        if (condition == "TOUJOURS" or getattr(situation, condition.lower(), False)) and type_piece not in attendues:
            attendues.append(type_piece)
    return attendues


# --- Abnormally long delay (délai anormalement long, L. 441-1-4) ------------------------------


@dataclass(frozen=True)
class RegleDelai:
    """One row of the prefectoral order in force: a delay in months for the département, or for one
    territory of it (``epci_id``), for every typology (``typologie=""``) or for one."""

    mois: int
    epci_id: int | None = None
    typologie: str = ""


def delai_applicable(regles: Iterable[RegleDelai], epci_id: int | None, typologies: Iterable[str]) -> int | None:
    """The abnormally long delay (months) owed to a demand of territory ``epci_id`` seeking ``typologies``.

    ``regles`` are the rows in force for the demand's département. Per typology the most specific row wins
    (territory and typology, territory, département and typology, département); a demand seeking several
    typologies gets the shortest of their delays (the applicant may refer as soon as one is reached); a demand
    with no typology gets the rows for every typology. None: the order sets no delay for this demand.
    """
    regles = [r for r in regles if r.epci_id is None or r.epci_id == epci_id]

    def pour(typologie: str) -> int | None:
        for territoire in (True, False):
            for typo in (typologie, "") if typologie else ("",):
                for r in regles:
                    if (r.epci_id is not None) == territoire and r.typologie == typo:
                        return r.mois
        return None

    delais = [d for d in (pour(t) for t in (list(typologies) or [""])) if d is not None]
    return min(delais) if delais else None


def echeance_delai(date_depot: dt.date, mois: int) -> dt.date:
    """The day the abnormally long delay is reached, counted from the filing date (kept at renewals)."""
    return add_months(date_depot, mois)


def depot_limite(jour: dt.date, mois: int) -> dt.date:
    """The latest filing date whose delay of ``mois`` months is reached on ``jour``: a demand filed on or before
    it is past the delay (exact at month ends, where ``add_months`` clamps to the last day)."""
    limite = add_months(jour, -mois)
    while add_months(limite + dt.timedelta(days=1), mois) <= jour:
        limite += dt.timedelta(days=1)
    return limite


def jours_au_dela(echeance: dt.date, jour: dt.date) -> int:
    """Days waited beyond the delay on ``jour`` (0 on the day it is reached; negative before)."""
    return (jour - echeance).days


# --- Uploads --------------------------------------------------------------------------------

SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


def type_fichier(premiers_octets: bytes) -> tuple[str, str] | None:
    """(MIME type, extension) recognised from the magic bytes, or None: the declared type is ignored."""
    for signature, mime, extension in SIGNATURES:
        if premiers_octets.startswith(signature):
            return mime, extension
    return None


def verifier_fichier(premiers_octets: bytes, taille: int, taille_max: int) -> tuple[str, str]:
    if taille <= 0:
        raise DomainError("Le fichier est vide.")
    if taille > taille_max:
        raise DomainError(
            f"Le fichier dépasse la taille maximale de {taille_max // (1024 * 1024)} Mo ; réduisez-le ou scannez-le "
            "en qualité moindre."
        )
    reconnu = type_fichier(premiers_octets)
    if reconnu is None:
        raise DomainError("Format non accepté : déposez un fichier PDF, JPEG ou PNG.")
    return reconnu


# --- Disability needs, as the national form records them (SNE interface, ``listeHandicap``) ---------------
# The codes are the national ones (Constantes_libsne: ListeCapaciteMarcheHandicap, ListeAideTechniqueHandicap,
# ListeEquipementHandicap), so that an export to the national system needs no translation table.


class CapaciteMarche(StrEnum):
    """``capaciteMarcheHandicap``: how far the person can walk up (stairs)."""

    IMPOSSIBLE = "1"  # Impossible
    MARCHES = "2"  # 1 à 3 marches
    PREMIER_ETAGE = "3"  # 1er étage
    PLUS_D_UN_ETAGE = "4"  # Plus d'un étage


class AideTechnique(StrEnum):
    """``aideTechniqueHandicap``."""

    AUCUNE = "1"
    CANNE = "2"
    DEAMBULATEUR = "3"
    FAUTEUIL_MANUEL = "4"
    FAUTEUIL_ELECTRIQUE = "5"
    LEVE_PERSONNE = "6"
    LIT_MEDICALISE = "7"


class Equipement(StrEnum):
    """``equipementHandicap``: the equipment the household needs in the dwelling."""

    BAIGNOIRE_ADAPTEE = "1"
    WC_TRANSFERT = "2"
    DOUCHE_SANS_SEUIL = "3"
    ASCENSEUR = "4"
    CHAMBRE_TIERCE_PERSONNE = "5"
    STATIONNEMENT = "6"


FAUTEUILS = frozenset({AideTechnique.FAUTEUIL_MANUEL, AideTechnique.FAUTEUIL_ELECTRIQUE})


def en_fauteuil(aides_techniques: Iterable[str]) -> bool:
    """A member of the household moves in a wheelchair (manual or electric): the old ``accessibilite_pmr``."""
    return any(code in FAUTEUILS for code in aides_techniques)


# walking capacities and equipment that the dwelling itself must answer (a third person's room is a matter of
# size, not of accessibility)
CAPACITES_LIMITEES = frozenset({CapaciteMarche.IMPOSSIBLE, CapaciteMarche.MARCHES, CapaciteMarche.PREMIER_ETAGE})
EQUIPEMENTS_ACCESSIBILITE = frozenset(
    {
        Equipement.BAIGNOIRE_ADAPTEE,
        Equipement.WC_TRANSFERT,
        Equipement.DOUCHE_SANS_SEUIL,
        Equipement.ASCENSEUR,
        Equipement.STATIONNEMENT,
    }
)


def a_besoin_logement_adapte(aides_techniques: Iterable[str], capacite_marche: str, equipements: Iterable[str]) -> bool:
    """The household needs an adapted dwelling: a wheelchair, a limited walking capacity, or an equipment of
    accessibility (docs/logements_adaptes.md)."""
    return (
        en_fauteuil(aides_techniques)
        or capacite_marche in CAPACITES_LIMITEES
        or any(code in EQUIPEMENTS_ACCESSIBILITE for code in equipements)
    )


def erreur_aides_techniques(aides_techniques: Iterable[str]) -> str | None:
    """A French message when the list is not a list of national codes, or says "none" beside an aid."""
    codes = list(aides_techniques)
    inconnus = [c for c in codes if c not in set(AideTechnique)]
    if inconnus:
        return f"Aide technique inconnue : {', '.join(map(str, inconnus))}."
    if AideTechnique.AUCUNE in codes and len(set(codes)) > 1:
        return "« Aucune » aide technique ne se combine pas avec une autre."
    return None


def erreur_equipements(equipements: Iterable[str]) -> str | None:
    inconnus = [c for c in equipements if c not in set(Equipement)]
    return f"Équipement inconnu : {', '.join(map(str, inconnus))}." if inconnus else None


# --- Scoring (cotation) ---------------------------------------------------------------------
# The pure scoring functions live in ``cotation.py``; re-exported here, the entry point of the pure rules.
from .cotation import (  # noqa: E402, F401
    CritereGrille,
    DemandeCotation,
    LigneCotation,
    Membre,
    ResultatCotation,
    TypeCritere,
    coter,
)
