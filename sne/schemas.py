"""The national schemas (``ressources/*.xsd``) and their findings in French.

A file is checked against the schema of its own ``versionInterface`` (02.00 or 02.01 for a demand; 02.00 for
shared-management events) before anything is read from it. ``verifier`` returns the findings as French
sentences that name the element (its path without namespace prefixes) and what the schema expected there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from xml.etree.ElementTree import ParseError

import xmlschema

from .codes import RESSOURCES, code_inconnu, liste_de, listes_nationales

NS = "http://nuu.application.i2/"
SCHEMAS_DEMANDE = {"02.00": "InterfaceNuu_v0200.xsd", "02.01": "InterfaceNuu_v0201.xsd"}
SCHEMAS_EVENEMENT = {"02.00": "InterfaceNuuGPEvenement_v0200.xsd"}
VERSION_EXPORT = "02.01"
MAX_CONSTATS = 50


@cache
def schema(fichier: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(RESSOURCES / fichier))


@dataclass(frozen=True)
class Constat:
    """One finding about a file: where (``chemin``, without namespace prefixes) and what, in French."""

    chemin: str
    message: str

    def __str__(self) -> str:
        return f"{self.chemin} : {self.message}" if self.chemin else self.message


def _chemin(path: str | None) -> str:
    """The element's path without namespace prefixes (``ns1:``) nor Clark names (``{http://…}``)."""
    return re.sub(r"[A-Za-z0-9_]+:", "", re.sub(r"\{[^}]*\}", "", path or ""))


def _nom(tag: str | None) -> str:
    return (tag or "").split("}")[-1].split(":")[-1]


def _traduire(erreur: xmlschema.XMLSchemaValidationError) -> Constat:
    chemin = _chemin(erreur.path)
    validateur = erreur.validator
    nom_validateur = type(validateur).__name__
    if isinstance(erreur, xmlschema.XMLSchemaChildrenValidationError):
        attendus = [f"« {_nom(e.name)} »" for e in (erreur.expected or []) if getattr(e, "name", None)]
        attendu = " ou ".join(attendus) if attendus else "aucun autre élément"
        if erreur.invalid_child is not None:
            trouve = _nom(erreur.invalid_tag)
            if attendus:
                message = f"l'élément obligatoire {attendu} manque (trouvé « {trouve} » à sa place)."
            else:
                message = f"l'élément « {trouve} » n'est pas attendu à cet endroit."
        else:
            message = f"contenu incomplet : l'élément obligatoire {attendu} manque."
        return Constat(chemin, message)
    valeur = erreur.obj if isinstance(erreur.obj, str | int | float) else ""
    facette = getattr(validateur, "value", None)
    if nom_validateur == "XsdMaxLengthFacet":
        message = f"la valeur « {valeur} » dépasse la longueur maximale de {facette} caractères."
    elif nom_validateur == "XsdMinLengthFacet":
        message = f"la valeur « {valeur} » est plus courte que le minimum de {facette} caractères."
    elif nom_validateur == "XsdMaxInclusiveFacet":
        message = f"la valeur « {valeur} » dépasse le maximum autorisé ({facette})."
    elif nom_validateur == "XsdMinInclusiveFacet":
        message = f"la valeur « {valeur} » est inférieure au minimum autorisé ({facette})."
    elif nom_validateur in ("XsdPatternFacets", "XsdEnumerationFacets"):
        attendu = ", ".join(getattr(validateur, "regexps", None) or [str(v) for v in (validateur or [])])
        message = f"la valeur « {valeur} » n'a pas la forme attendue ({attendu})."
    elif nom_validateur == "XsdAtomicBuiltin":
        types = {
            "date": "une date AAAA-MM-JJ",
            "dateTime": "une date et heure AAAA-MM-JJThh:mm:ss",
            "int": "un nombre entier",
            "boolean": "true ou false",
        }
        attendu = types.get(getattr(validateur, "local_name", ""), f"une valeur de type {validateur.local_name}")
        message = f"la valeur « {valeur} » n'est pas {attendu}."
    elif "attribute" in str(erreur.reason or ""):
        message = f"attribut manquant ou non prévu ({erreur.reason})."
    else:
        message = f"non conforme au schéma ({erreur.reason})."
    return Constat(chemin, message)


def _codes_inconnus(racine) -> list[Constat]:
    """Every ``code`` attribute absent from its national list (a code is never dropped silently)."""
    listes = listes_nationales()
    constats = []

    def parcourir(element, chemin):
        noms = [*chemin, _nom(element.tag)]
        code = element.get("code")
        if code is not None:
            liste = liste_de(noms)
            if liste is not None and code_inconnu(liste, code):
                connus = ", ".join(c or "(vide)" for c in listes[liste])
                constats.append(
                    Constat(
                        "/" + "/".join(noms),
                        f"code « {code} » inconnu de la liste nationale {liste} (codes connus : {connus}).",
                    )
                )
        for enfant in element:
            parcourir(enfant, noms)

    parcourir(racine, [])
    return constats


@dataclass
class Verification:
    version: str
    racine: object | None  # the parsed ElementTree root when valid
    constats: list[Constat]
    avertissements: list[str] = field(default_factory=list)

    @property
    def valide(self) -> bool:
        return not self.constats


def verifier(contenu: bytes, *, schemas: dict[str, str] = SCHEMAS_DEMANDE, racine_attendue="interfaceNuu"):
    """Parse ``contenu`` safely (no entities, no external resource) and check it against the schema of its
    ``versionInterface``, then its codes against the national lists."""
    try:
        ressource = xmlschema.XMLResource(contenu, defuse="always", allow="none")
    except (ParseError, xmlschema.XMLResourceError) as exc:
        position = getattr(exc, "position", None)
        ou = f" (ligne {position[0]}, colonne {position[1]})" if position else ""
        return Verification("", None, [Constat("", f"le fichier n'est pas un document XML bien formé{ou}.")])
    except Exception as exc:  # defused constructs (entities, DTD) are refused here
        return Verification("", None, [Constat("", f"le fichier XML est refusé ({type(exc).__name__}).")])
    racine = ressource.root
    if racine.tag != f"{{{NS}}}{racine_attendue}":
        return Verification(
            "",
            None,
            [Constat("/", f"l'élément racine doit être « {racine_attendue} » de l'espace de noms {NS}.")],
        )
    version = racine.get("versionInterface", "")
    if version not in schemas:
        versions = " et ".join(sorted(schemas))
        return Verification(
            version,
            None,
            [Constat(f"/{racine_attendue}/@versionInterface", f"version « {version} » inconnue : {versions} lues.")],
        )
    avertissements = []
    if racine_attendue == "interfaceNuu" and _completer_precision(racine):
        ressource = xmlschema.XMLResource(racine)
        avertissements.append(PRECISION_ABSENTE)
    constats = [_traduire(e) for e in schema(schemas[version]).iter_errors(ressource)]
    constats = constats[:MAX_CONSTATS]
    if not constats:
        constats = _codes_inconnus(racine)[:MAX_CONSTATS]
    return Verification(version, racine if not constats else None, constats, avertissements)


PRECISION_ABSENTE = (
    "l'élément « precision » (texte libre de la demande) manquait : il est lu vide, comme le fait l'exemple public "
    "du format publié par le SNE."
)
# the elements of t_demandeLogement that come before ``precision`` (schema 02.00 and 02.01)
AVANT_PRECISION = (
    "numGuichet", "numUnique", "numUniqueAssocie", "refInterne", "dateCreationDemande", "forcerDoublon",
    "renouvellementElec",
)  # fmt: skip


def _completer_precision(racine) -> bool:
    """The one tolerance of the reading: ``demandeLogement/precision`` holds only the demand's free comment; the
    schema makes it mandatory, yet the national system's own published sample omits it. When it is missing it is
    added empty at its place (the sequence's order), and the reader is warned; any other missing element is a
    refusal. Returns whether it was added."""
    demande = racine.find(f"{{{NS}}}demande")
    logement = demande.find(f"{{{NS}}}demandeLogement") if demande is not None else None
    if logement is None or logement.find(f"{{{NS}}}precision") is not None:
        return False
    if logement.find(f"{{{NS}}}dateCreationDemande") is None:
        return False  # the missing creation date is reported by the schema, nothing is guessed around it
    position = 0
    for index, enfant in enumerate(list(logement)):
        if _nom(enfant.tag) in AVANT_PRECISION:
            position = index + 1
    precision = logement.makeelement(f"{{{NS}}}precision", {})
    logement.insert(position, precision)
    return True


def en_dict(racine, version: str, schemas: dict[str, str] = SCHEMAS_DEMANDE) -> dict:
    """The validated document as a dict (xmlschema's default converter, no prefixes), for reading and keeping."""
    donnees = schema(schemas[version]).to_dict(racine, namespaces={"": NS}, decimal_type=str, datetime_types=False)
    return {k: v for k, v in donnees.items() if not k.startswith("@xmlns")}


def ordonner(donnees, element) -> object:
    """``donnees`` with the keys of each complex element in the schema's order (encoding needs it)."""
    if isinstance(donnees, list):
        return [ordonner(d, element) for d in donnees]
    if not isinstance(donnees, dict) or not element.type.is_complex() or element.type.has_simple_content():
        return donnees
    ordre = {}
    for cle, valeur in donnees.items():
        if cle.startswith("@") or cle == "$":
            ordre[cle] = valeur
    for enfant in element.type.content.iter_elements():
        nom = enfant.local_name
        if nom in donnees:
            ordre[nom] = ordonner(donnees[nom], enfant)
    return ordre


def vers_xml(donnees: dict, version: str = VERSION_EXPORT, schemas: dict[str, str] = SCHEMAS_DEMANDE, racine=None):
    """Encode a dict of the root element into XML bytes, validated strictly against the schema (raises otherwise)."""
    s = schema(schemas[version])
    nom = racine or next(iter(s.elements))
    ordonne = ordonner(donnees, s.elements[nom])
    element = s.encode(ordonne, path=nom, namespaces={"": NS}, validation="strict")
    texte = xmlschema.etree_tostring(element, namespaces={"": NS}, xml_declaration=True, encoding="UTF-8")
    return texte if isinstance(texte, bytes) else texte.encode("utf-8")
