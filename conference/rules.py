"""The conference's meetings as pure functions: attendance and proxies, quorum, ballots and results, numbering.

No ORM, no request, no clock: the counts and the instance's rule are passed in; integers only (no floats).

Sources. The housing code (L. 441-1-5 CCH) creates the CIL, co-chaired by the préfet and the EPCI president, in
three colleges; it sets no quorum, no proxy limit and no majority: the CIL's internal rules (règlement intérieur)
do. The platform's defaults copy the rules of French deliberative assemblies, which most CIL règlements
intérieurs take up, and every one of them is a setting of the instance, with its source and dates
(``models.RegleInstance``):

- quorum: more than half of the members in office present (CGCT, art. L. 2121-17, by analogy); after a
  second convocation the instance may deliberate without quorum when its rule says so (same article);
- proxies: one proxy at most per member present (CGCT, art. L. 2121-20, by analogy);
- majority: the absolute majority of the votes cast (*suffrages exprimés*): abstentions and blank ballots are
  set apart, a proposal is adopted when the votes for outnumber the votes against (CGCT, art. L. 2121-20);
  on a tie the proposal is not adopted unless the rule gives the chair a casting vote.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from core.erreurs import ErreurMetier


class RegleError(ErreurMetier, ValueError):
    """A value the rules refuse (raised, never swallowed); the message is in French and says why."""


# --- Attendance and proxies --------------------------------------------------------------------------------------


class Presence(enum.StrEnum):
    PRESENT = "PRESENT"
    EXCUSE = "EXCUSE"  # absent, apologised
    ABSENT = "ABSENT"
    REPRESENTE = "REPRESENTE"  # absent, gave a written proxy to a member who sits


@dataclass(frozen=True)
class Siege:
    """One member at a meeting: a titular member in office, or a substitute (``suppleant_de`` = its titular)."""

    membre: int
    nom: str
    titulaire: bool
    presence: Presence
    suppleant_de: int | None = None
    pouvoir_a: int | None = None  # the member who holds this member's proxy


@dataclass(frozen=True)
class Comptage:
    """What the deliberation's record states: members in office, present (with a vote), proxies, ballots possible."""

    en_exercice: int
    presents: int
    pouvoirs: int

    @property
    def votants_possibles(self) -> int:
        return self.presents + self.pouvoirs


def compter_presences(sieges: Iterable[Siege], *, pouvoirs_max: int) -> Comptage:
    """Count the members in office, those sitting with a vote and the proxies; refuse an impossible attendance.

    Sitting with a vote: a titular present, or a substitute present for an absent titular who gave no proxy
    (one substitute per seat). A proxy is given by an absent titular to a member who sits, at most
    ``pouvoirs_max`` per holder.
    """
    sieges = list(sieges)
    if pouvoirs_max < 0:
        raise RegleError("Le nombre maximal de pouvoirs par membre ne peut pas être négatif.")
    par_id = {s.membre: s for s in sieges}
    titulaires = {s.membre: s for s in sieges if s.titulaire}
    remplaces: dict[int, Siege] = {}
    for s in sieges:
        if s.titulaire:
            continue
        if s.presence == Presence.REPRESENTE:
            raise RegleError(f"{s.nom} est suppléant(e) : seul un membre titulaire donne pouvoir.")
        if s.presence != Presence.PRESENT or s.suppleant_de not in titulaires:
            continue
        titulaire = titulaires[s.suppleant_de]
        if titulaire.presence == Presence.PRESENT:
            continue  # the titular sits: the substitute attends without a vote
        if titulaire.presence == Presence.REPRESENTE:
            raise RegleError(
                f"{titulaire.nom} est remplacé(e) par son suppléant {s.nom} : il ou elle ne peut pas aussi donner "
                "pouvoir."
            )
        if s.suppleant_de in remplaces:
            raise RegleError(
                f"{remplaces[s.suppleant_de].nom} et {s.nom} suppléent tous deux {titulaire.nom} : un seul siège."
            )
        remplaces[s.suppleant_de] = s
    siegeant = {m for m, s in titulaires.items() if s.presence == Presence.PRESENT} | {
        s.membre for s in remplaces.values()
    }
    portes: Counter[int] = Counter()
    for s in titulaires.values():
        if s.presence == Presence.REPRESENTE:
            if s.pouvoir_a is None:
                raise RegleError(f"{s.nom} est représenté(e) : indiquez le membre qui porte son pouvoir.")
            if s.pouvoir_a == s.membre:
                raise RegleError(f"{s.nom} ne peut pas se donner pouvoir à lui-même ou à elle-même.")
            if s.pouvoir_a not in siegeant:
                porteur = par_id.get(s.pouvoir_a)
                nom = porteur.nom if porteur else "ce membre"
                raise RegleError(f"{s.nom} donne pouvoir à {nom}, qui ne siège pas à cette séance : refusé.")
            portes[s.pouvoir_a] += 1
        elif s.pouvoir_a is not None:
            raise RegleError(f"{s.nom} n'est pas indiqué(e) comme représenté(e) : son pouvoir ne compte pas.")
    for s in sieges:
        if not s.titulaire and s.pouvoir_a is not None:
            raise RegleError(f"{s.nom} est suppléant(e) : seul un membre titulaire donne pouvoir.")
    for porteur_id, nombre in sorted(portes.items()):
        if nombre > pouvoirs_max:
            raise RegleError(
                f"{par_id[porteur_id].nom} porterait {nombre} pouvoirs : la limite est de {pouvoirs_max} par membre "
                "(règle de l'instance)."
            )
    return Comptage(en_exercice=len(titulaires), presents=len(siegeant), pouvoirs=sum(portes.values()))


# --- Quorum -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegleQuorum:
    """``numerateur/denominateur`` of the members in office; ``strict``: more than that share (else at least it);
    ``avec_pouvoirs``: proxies count towards the quorum; ``sans_quorum_en_seconde_convocation``: a meeting convened
    a second time deliberates whatever the attendance."""

    numerateur: int = 1
    denominateur: int = 2
    strict: bool = True
    avec_pouvoirs: bool = False
    sans_quorum_en_seconde_convocation: bool = True
    libelle: str = "plus de la moitié des membres en exercice présents"


@dataclass(frozen=True)
class Quorum:
    atteint: bool
    compte: int  # members counted towards the quorum
    requis: int  # the smallest count that reaches it
    explication: str


def quorum(comptage: Comptage, regle: RegleQuorum, *, seconde_convocation: bool = False) -> Quorum:
    """Whether the meeting may deliberate, compared exactly in integers, with the sentence that says why."""
    if regle.denominateur <= 0 or not 0 <= regle.numerateur <= regle.denominateur:
        raise RegleError("La règle de quorum doit être une fraction entre 0 et 1.")
    compte = comptage.presents + (comptage.pouvoirs if regle.avec_pouvoirs else 0)
    seuil = regle.numerateur * comptage.en_exercice  # compared with compte x denominateur
    requis = seuil // regle.denominateur + 1 if regle.strict else -(-seuil // regle.denominateur)
    atteint = compte >= requis
    qui = "présents ou représentés" if regle.avec_pouvoirs else "présents"
    if seconde_convocation and regle.sans_quorum_en_seconde_convocation and not atteint:
        return Quorum(
            True,
            compte,
            requis,
            f"Seconde convocation : l'instance délibère sans condition de quorum ({compte} membres {qui} ; "
            f"{requis} requis en première convocation).",
        )
    if atteint:
        explication = (
            f"Quorum atteint : {compte} membres {qui} sur {comptage.en_exercice} en exercice, "
            f"{requis} requis ({regle.libelle})."
        )
    else:
        explication = (
            f"Quorum non atteint : {compte} membres {qui} sur {comptage.en_exercice} en exercice, "
            f"il en faut au moins {requis} ({regle.libelle})."
        )
    return Quorum(atteint, compte, requis, explication)


# --- Ballots and result --------------------------------------------------------------------------------------------


class Majorite(enum.StrEnum):
    SUFFRAGES_EXPRIMES = "SUFFRAGES_EXPRIMES"  # for > against; abstentions and blank ballots set apart
    VOTANTS = "VOTANTS"  # for > half of the ballots (abstentions and blanks weigh against)


class Sens(enum.StrEnum):
    POUR = "POUR"
    CONTRE = "CONTRE"


class Resultat(enum.StrEnum):
    ADOPTE = "ADOPTE"
    REJETE = "REJETE"


@dataclass(frozen=True)
class Bulletins:
    votants: int
    pour: int
    contre: int
    abstention: int
    blanc: int = 0

    @property
    def exprimes(self) -> int:
        return self.pour + self.contre


def valider_bulletins(bulletins: Bulletins, comptage: Comptage) -> None:
    """Ballots must add up and cannot exceed the members present or represented."""
    b = bulletins
    for nom, valeur in (
        ("votants", b.votants),
        ("pour", b.pour),
        ("contre", b.contre),
        ("abstentions", b.abstention),
        ("blancs", b.blanc),
    ):
        if valeur is None or valeur < 0:
            raise RegleError(f"Nombre invalide ({nom}) : un nombre entier positif ou nul est attendu.")
    total = b.pour + b.contre + b.abstention + b.blanc
    if total != b.votants:
        raise RegleError(
            f"Les bulletins ne tombent pas juste : pour {b.pour} + contre {b.contre} + abstentions {b.abstention} "
            f"+ blancs {b.blanc} = {total}, pour {b.votants} votants."
        )
    if b.votants > comptage.votants_possibles:
        raise RegleError(
            f"{b.votants} votants pour {comptage.presents} membres présents et {comptage.pouvoirs} pouvoirs "
            f"({comptage.votants_possibles} voix au plus) : impossible."
        )
    if b.votants == 0:
        raise RegleError("Aucun votant : le vote n'a pas eu lieu.")


def resultat(
    bulletins: Bulletins,
    *,
    majorite: str = Majorite.SUFFRAGES_EXPRIMES,
    voix_preponderante: bool = False,
    sens_preponderant: str | None = None,
) -> Resultat:
    """Adopted or rejected under the instance's majority rule.

    On a tie under the votes-cast rule, the chair's casting vote decides when the rule grants one (its direction
    must then be given); otherwise the proposal is not adopted.
    """
    b = bulletins
    majorite = Majorite(majorite)
    if majorite == Majorite.VOTANTS:
        return Resultat.ADOPTE if 2 * b.pour > b.votants else Resultat.REJETE
    if b.pour != b.contre:
        return Resultat.ADOPTE if b.pour > b.contre else Resultat.REJETE
    if voix_preponderante and b.exprimes > 0:
        if sens_preponderant is None:
            raise RegleError(
                f"Partage des voix ({b.pour} pour, {b.contre} contre) : indiquez le sens de la voix prépondérante "
                "du président de séance."
            )
        return Resultat.ADOPTE if Sens(sens_preponderant) == Sens.POUR else Resultat.REJETE
    return Resultat.REJETE


def ligne_deliberation(comptage: Comptage, bulletins: Bulletins) -> str:
    """The counts as a deliberation's record states them (blank ballots named only when there are some)."""
    ligne = (
        f"membres en exercice {comptage.en_exercice}, présents {comptage.presents}, pouvoirs {comptage.pouvoirs}, "
        f"votants {bulletins.votants} : pour {bulletins.pour}, contre {bulletins.contre}, "
        f"abstention {bulletins.abstention}"
    )
    if bulletins.blanc:
        ligne += f", blancs {bulletins.blanc}"
    return ligne


def numero_deliberation(annee: int, rang: int) -> str:
    """A deliberation's number within its territory and year: ``2026-03`` for the third of 2026."""
    if rang < 1:
        raise RegleError("Le rang d'une délibération commence à 1.")
    return f"{annee}-{rang:02d}"


# --- Uploaded documents --------------------------------------------------------------------------------------------

# (magic bytes, extensions accepted with them, MIME type of the first extension)
_SIGNATURES = [
    (b"%PDF-", {".pdf": "application/pdf"}),
    (b"\x89PNG\r\n\x1a\n", {".png": "image/png"}),
    (b"\xff\xd8\xff", {".jpg": "image/jpeg", ".jpeg": "image/jpeg"}),
    (
        b"PK\x03\x04",
        {
            ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ".odt": "application/vnd.oasis.opendocument.text",
            ".ods": "application/vnd.oasis.opendocument.spreadsheet",
            ".odp": "application/vnd.oasis.opendocument.presentation",
        },
    ),
]
FORMATS_ACCEPTES = "PDF, PNG, JPEG, DOCX, XLSX, PPTX, ODT, ODS, ODP"


def verifier_document(entete: bytes, taille: int, nom: str, taille_max: int) -> tuple[str, str]:
    """The (MIME type, extension) of a meeting document, recognised by its first bytes and its name's extension."""
    if taille <= 0:
        raise RegleError("Le fichier est vide.")
    if taille > taille_max:
        raise RegleError(f"Le fichier dépasse la taille maximale ({taille_max // (1024 * 1024)} Mo).")
    point = nom.rfind(".")
    extension = nom[point:].lower() if point >= 0 else ""
    for signature, extensions in _SIGNATURES:
        if entete.startswith(signature) and extension in extensions:
            return extensions[extension], extension
    raise RegleError(f"Format de fichier non accepté : formats acceptés {FORMATS_ACCEPTES}.")
