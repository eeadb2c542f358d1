"""Policy documents of the CIL (document-cadre, CIA, PPGDID) as pure functions: life cycle of a version,
what may be edited in each state, lateness of an action, and the reading of a percentage typed in French.

No ORM, no request, no clock: every date is passed in. Sources: docs/droit/regles.md §10 (documents adopted by the CIL,
the CIA approved by the préfet, the document-cadre approved by the préfet and the EPCI president), §6.1
(the PPGDID drawn up by the EPCI, the CIL associated). Which documents wait for the préfet's approval before
they apply is a table below ([UNVERIFIED] for the exact list: docs/droit/regles.md §10).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


class RegleError(ValueError):
    """A value or a transition the rules refuse (raised, never swallowed); the message is in French."""


class TypeDocument(enum.StrEnum):
    DOCUMENT_CADRE = "DOCUMENT_CADRE"
    CIA = "CIA"
    CIA_DOCUMENT_CADRE = "CIA_DOCUMENT_CADRE"
    PPGDID = "PPGDID"


LIBELLES_TYPES = {
    TypeDocument.DOCUMENT_CADRE: "Document-cadre d'orientations en matière d'attributions",
    TypeDocument.CIA: "Convention intercommunale d'attribution (CIA)",
    TypeDocument.CIA_DOCUMENT_CADRE: "CIA valant document-cadre",
    TypeDocument.PPGDID: "Plan partenarial de gestion de la demande et d'information des demandeurs (PPGDID)",
}

# Documents that apply only once the préfet has approved them (L. 441-1-5 and L. 441-1-6 CCH: the orientations
# and the CIA are approved by the préfet). The PPGDID is drawn up by the EPCI; it applies once adopted.
APPROBATION_PREFET = {
    TypeDocument.DOCUMENT_CADRE: True,
    TypeDocument.CIA: True,
    TypeDocument.CIA_DOCUMENT_CADRE: True,
    TypeDocument.PPGDID: False,
}


class Statut(enum.StrEnum):
    BROUILLON = "BROUILLON"
    SOUMIS = "SOUMIS"
    ADOPTE = "ADOPTE"
    APPROUVE = "APPROUVE"
    EN_VIGUEUR = "EN_VIGUEUR"
    REMPLACE = "REMPLACE"


LIBELLES_STATUTS = {
    Statut.BROUILLON: "brouillon",
    Statut.SOUMIS: "soumis à la conférence",
    Statut.ADOPTE: "adopté",
    Statut.APPROUVE: "approuvé par le préfet",
    Statut.EN_VIGUEUR: "en vigueur",
    Statut.REMPLACE: "remplacé",
}


class Transition(enum.StrEnum):
    SOUMETTRE = "SOUMETTRE"  # the draft is put on the conference's agenda
    RETIRER = "RETIRER"  # back to draft (withdrawn, or not adopted)
    ADOPTER = "ADOPTER"  # adopted by deliberation (date and reference)
    APPROUVER = "APPROUVER"  # approved by the préfet (date)
    METTRE_EN_VIGUEUR = "METTRE_EN_VIGUEUR"  # applies from a date (the version in force before is replaced)
    REMPLACER = "REMPLACER"  # another version of the same document entered into force


LIBELLES_TRANSITIONS = {
    Transition.SOUMETTRE: "Soumettre à la conférence",
    Transition.RETIRER: "Remettre en brouillon",
    Transition.ADOPTER: "Enregistrer l'adoption",
    Transition.APPROUVER: "Enregistrer l'approbation du préfet",
    Transition.METTRE_EN_VIGUEUR: "Mettre en vigueur",
    Transition.REMPLACER: "Remplacer",
}

S = Statut
ADOPTES = frozenset({S.ADOPTE, S.APPROUVE, S.EN_VIGUEUR, S.REMPLACE})

TRANSITIONS: dict[Transition, tuple[frozenset[Statut], Statut]] = {
    Transition.SOUMETTRE: (frozenset({S.BROUILLON}), S.SOUMIS),
    Transition.RETIRER: (frozenset({S.SOUMIS}), S.BROUILLON),
    Transition.ADOPTER: (frozenset({S.SOUMIS}), S.ADOPTE),
    Transition.APPROUVER: (frozenset({S.ADOPTE}), S.APPROUVE),
    Transition.METTRE_EN_VIGUEUR: (frozenset({S.ADOPTE, S.APPROUVE}), S.EN_VIGUEUR),
    Transition.REMPLACER: (frozenset({S.EN_VIGUEUR}), S.REMPLACE),
}


def transition(statut: str, action: str, *, type_document: str) -> Statut:
    """The status after ``action``; raises ``RegleError`` (in French) when the action is not allowed.

    A version is adopted once: adopting an adopted version is refused, whatever its later state. A document
    that waits for the préfet's approval enters into force only once approved.
    """
    try:
        statut, action, type_document = Statut(statut), Transition(action), TypeDocument(type_document)
    except ValueError as exc:
        raise RegleError(f"Statut, action ou type de document inconnus : {statut}, {action}, {type_document}.") from exc
    if action == Transition.ADOPTER and statut in ADOPTES:
        raise RegleError("Cette version a déjà été adoptée : une version ne s'adopte qu'une fois.")
    if action == Transition.APPROUVER and not APPROBATION_PREFET[type_document]:
        raise RegleError(f"Un {LIBELLES_TYPES[type_document]} ne s'approuve pas par le préfet.")
    if action == Transition.APPROUVER and statut in (S.APPROUVE, S.EN_VIGUEUR, S.REMPLACE):
        raise RegleError("L'approbation du préfet est déjà enregistrée pour cette version.")
    depuis, vers = TRANSITIONS[action]
    if statut not in depuis:
        raise RegleError(
            f"« {LIBELLES_TRANSITIONS[action]} » est impossible pour une version « {LIBELLES_STATUTS[statut]} »."
        )
    if action == Transition.METTRE_EN_VIGUEUR and APPROBATION_PREFET[type_document] and statut != S.APPROUVE:
        raise RegleError("Ce document n'entre en vigueur qu'après son approbation par le préfet.")
    return vers


def transitions_possibles(statut: str, *, type_document: str) -> list[Transition]:
    """The actions a user may take on a version (REMPLACER is done by the platform, never offered)."""
    possibles: list[Transition] = []
    for action in Transition:
        if action == Transition.REMPLACER:
            continue
        try:
            transition(statut, action, type_document=type_document)
        except RegleError:
            continue
        possibles.append(action)
    return possibles


@dataclass(frozen=True)
class Dates:
    """The dates a version carries when a transition is asked (None when not known yet)."""

    adoption: dt.date | None = None
    approbation: dt.date | None = None
    entree_en_vigueur: dt.date | None = None


def verifie_dates(action: str, dates: Dates, *, aujourd_hui: dt.date, deliberation: str = "") -> None:
    """The dates and the reference each transition needs, in a consistent order; ``RegleError`` otherwise."""
    action = Transition(action)
    if action == Transition.ADOPTER:
        if dates.adoption is None:
            raise RegleError("Indiquez la date de la délibération qui adopte cette version.")
        if not deliberation.strip():
            raise RegleError("Indiquez la référence de la délibération (numéro ou intitulé).")
        if dates.adoption > aujourd_hui:
            raise RegleError("La date d'adoption ne peut pas être dans le futur.")
    if action == Transition.APPROUVER:
        if dates.approbation is None:
            raise RegleError("Indiquez la date de l'approbation par le préfet.")
        if dates.approbation > aujourd_hui:
            raise RegleError("La date d'approbation ne peut pas être dans le futur.")
        if dates.adoption is not None and dates.approbation < dates.adoption:
            raise RegleError("Le préfet approuve une version déjà adoptée : la date d'approbation précède l'adoption.")
    if action == Transition.METTRE_EN_VIGUEUR:
        if dates.entree_en_vigueur is None:
            raise RegleError("Indiquez la date d'entrée en vigueur.")
        if dates.entree_en_vigueur > aujourd_hui:
            raise RegleError("Une version est mise en vigueur le jour où elle s'applique, pas avant.")
        for precedente, libelle in ((dates.adoption, "l'adoption"), (dates.approbation, "l'approbation")):
            if precedente is not None and dates.entree_en_vigueur < precedente:
                raise RegleError(f"La date d'entrée en vigueur précède {libelle}.")


def contenu_modifiable(statut: str) -> bool:
    """The text of a version (orientations, objectives, actions, indicators) changes only while a draft."""
    return Statut(statut) == S.BROUILLON


def suivi_modifiable(statut: str) -> bool:
    """The follow-up (statuses of actions, milestones done) is recorded on an adopted version still applying."""
    return Statut(statut) in (S.ADOPTE, S.APPROUVE, S.EN_VIGUEUR)


def publiable(statut: str) -> bool:
    """Only an adopted version (even replaced: the public may read past texts) may be published."""
    return Statut(statut) in ADOPTES


# --- Actions and their milestones ----------------------------------------------------------------------


class StatutAction(enum.StrEnum):
    A_ENGAGER = "A_ENGAGER"
    EN_COURS = "EN_COURS"
    REALISEE = "REALISEE"
    REPORTEE = "REPORTEE"
    ABANDONNEE = "ABANDONNEE"


ACTIONS_CLOSES = frozenset({StatutAction.REALISEE, StatutAction.ABANDONNEE})


@dataclass(frozen=True)
class Jalon:
    libelle: str
    echeance: dt.date
    realise_le: dt.date | None = None


def jalons_en_retard(jalons: Iterable[Jalon], aujourd_hui: dt.date) -> list[Jalon]:
    """Milestones whose due date has passed without being done (a milestone due today is not late)."""
    return [j for j in jalons if j.realise_le is None and j.echeance < aujourd_hui]


def action_en_retard(statut: str, jalons: Iterable[Jalon], aujourd_hui: dt.date) -> bool:
    """An open action is late when one of its milestones is past due and not done."""
    if StatutAction(statut) in ACTIONS_CLOSES:
        return False
    return bool(jalons_en_retard(jalons, aujourd_hui))


def atteint_valeur(valeur: Decimal | None, cible: Decimal | None, *, sens: str) -> bool | None:
    """A non-rate indicator against its target: ``>=`` when more is better, ``<=`` when less is (a delay)."""
    if valeur is None or cible is None:
        return None
    if sens == ">=":
        return Decimal(valeur) >= Decimal(cible)
    if sens == "<=":
        return Decimal(valeur) <= Decimal(cible)
    raise RegleError(f"Sens de comparaison inconnu : {sens}.")
