"""The fast reading of a national file: libxml2's schema validation (lxml) and a schema-driven conversion to the
same dict as ``schemas.en_dict`` (xmlschema's default converter), in one pass that also checks every ``code``
attribute against its national list.

``lire_rapide`` answers only for a file that passes everything: well formed, no DTD nor entity, the expected
root, a known ``versionInterface``, valid against that version's schema, every code known. For any other file
it answers ``None`` and the caller takes the careful path (``schemas.verifier``), which gives the findings in
French exactly as before: the fast path never words a refusal itself. libxml2 and xmlschema must agree on what
is valid; ``sne/tests/test_rapide.py`` checks it on the test files, and the conversion against ``en_dict``.

Pure: no Django (runs in a pool of worker processes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache

from lxml import etree
from xmlschema.validators import XsdAtomicBuiltin

from .codes import RESSOURCES, code_inconnu, liste_de
from .schemas import NS, PRECISION_ABSENTE, SCHEMAS_DEMANDE, _completer_precision, schema

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False, remove_pis=True
)
_PREFIXE = f"{{{NS}}}"


@cache
def schema_lxml(fichier: str) -> etree.XMLSchema:
    """libxml2's compiled schema (built once per process and version; its imports are read from ``ressources``)."""
    return etree.XMLSchema(etree.parse(str(RESSOURCES / fichier)))


class _Inconnu(Exception):
    """Something the conversion does not know how to read as xmlschema would: the careful path decides."""


def _decodeur(xsd_type):
    """The function giving xmlschema's value for a simple type's text (decimal_type=str, no datetime types)."""
    if xsd_type.is_list() or xsd_type.is_union():
        raise _Inconnu
    espaces = getattr(xsd_type, "white_space", None) or "collapse"
    builtin = xsd_type
    while not isinstance(builtin, XsdAtomicBuiltin):
        builtin = builtin.base_type
        if builtin is None:
            raise _Inconnu
    nom, python_type = builtin.local_name, builtin.python_type
    if python_type is int:
        return lambda texte: int(texte.strip())
    if python_type is Decimal:
        return lambda texte: str(Decimal(texte.strip()))
    if nom == "boolean":
        return lambda texte: texte.strip() in ("true", "1")
    if nom in ("double", "float"):
        return lambda texte: float(texte.strip())
    if nom in ("string", "anyURI", "date", "dateTime", "time", "gYear", "gYearMonth", "NOTATION", "QName"):
        if espaces == "collapse":
            return lambda texte: " ".join(texte.split())
        if espaces == "replace":
            return lambda texte: texte.replace("\t", " ").replace("\n", " ").replace("\r", " ")
        return lambda texte: texte
    raise _Inconnu


@dataclass
class _Element:
    """An element of the schema at one path of the document (children are made per path, so that the national
    list of a ``code`` attribute, which may depend on the ancestors, is looked up once per path)."""

    nom: str
    multiple: bool
    simple: object | None = None  # decoder of the text, when the content is simple
    attributs: dict = field(default_factory=dict)  # name -> decoder
    enfants: dict | None = None  # Clark tag -> _Element, when the content is complex (filled lazily)
    xsd: object = None
    chemin: tuple[str, ...] = ()  # local names from the root
    liste: str | None | bool = False  # the national list of its ``code`` attribute (False: not looked up yet)


def _element(xsd_element, parent: tuple[str, ...] = ()) -> _Element:
    xsd_type = xsd_element.type
    info = _Element(
        xsd_element.local_name, not xsd_element.is_single(), xsd=xsd_element, chemin=(*parent, xsd_element.local_name)
    )
    if xsd_type.is_simple():
        info.simple = _decodeur(xsd_type)
        return info
    for nom, attribut in (xsd_type.attributes or {}).items():
        if nom is None:
            raise _Inconnu
        info.attributs[nom.split("}")[-1]] = _decodeur(attribut.type)
    if xsd_type.has_simple_content():
        info.simple = _decodeur(xsd_type.content)
    elif xsd_type.mixed:
        raise _Inconnu
    return info


def _enfants(info: _Element) -> dict:
    if info.enfants is None:
        info.enfants = {
            f"{_PREFIXE}{e.local_name}": _element(e, info.chemin) for e in info.xsd.type.content.iter_elements()
        }
    return info.enfants


def _liste(info: _Element) -> str | None:
    if info.liste is False:
        info.liste = liste_de(list(info.chemin))
    return info.liste  # type: ignore[return-value]


@cache
def _racine(fichier: str) -> _Element:
    xsd = schema(fichier)
    return _element(xsd.elements["interfaceNuu"])


def _convertir(element, info: _Element):
    """xmlschema's default conversion of ``element`` (validated), checking national codes on the way; anything
    the schema does not declare here raises ``_Inconnu`` (the careful path decides)."""
    if element.attrib:
        resultat = {}
        attributs = info.attributs
        for nom, valeur in element.items():
            if nom[0] == "{":
                nom = nom.split("}")[-1]
            decodeur = attributs.get(nom)
            if decodeur is None:
                raise _Inconnu
            if nom == "code":
                liste = _liste(info)
                if liste is not None and code_inconnu(liste, valeur):
                    raise _Inconnu  # the careful path words the unknown code
            resultat["@" + nom] = decodeur(valeur)
        if info.simple is not None:
            texte = element.text
            valeur = info.simple(texte) if texte else None
            if valeur is not None:
                resultat["$"] = valeur
            return resultat
    elif info.simple is not None:
        texte = element.text
        return info.simple(texte) if texte else None
    else:
        resultat = {}
    enfants = info.enfants if info.enfants is not None else _enfants(info)
    for enfant in element.iterchildren(tag=etree.Element):  # comments are not data (as before)
        sous = enfants.get(enfant.tag)
        if sous is None:
            raise _Inconnu
        nom = sous.nom
        valeur = _convertir(enfant, sous)
        if sous.multiple:
            liste = resultat.get(nom)
            if liste is None:
                resultat[nom] = [valeur]
            else:
                liste.append(valeur)
        elif nom in resultat:
            raise _Inconnu
        else:
            resultat[nom] = valeur
    return resultat or None


def precharger() -> None:
    """Compile every version's schemas now (before forking worker processes)."""
    for fichier in SCHEMAS_DEMANDE.values():
        schema_lxml(fichier)
        _racine(fichier)


@dataclass
class LectureRapide:
    version: str
    document: dict
    avertissements: list[str]


def lire_rapide(contenu: bytes) -> LectureRapide | None:
    """The validated document as ``schemas.en_dict`` gives it, or None: let the careful path decide and word it."""
    if b"<!DOCTYPE" in contenu or b"<!ENTITY" in contenu:
        return None
    try:
        racine = etree.fromstring(contenu, _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if racine.tag != f"{_PREFIXE}interfaceNuu":
        return None
    version = racine.get("versionInterface", "")
    fichier = SCHEMAS_DEMANDE.get(version)
    if fichier is None:
        return None
    avertissements = [PRECISION_ABSENTE] if _completer_precision(racine) else []
    if not schema_lxml(fichier).validate(racine):
        return None
    try:
        document = _convertir(racine, _racine(fichier))
    except (_Inconnu, ValueError, InvalidOperation):
        return None
    if not isinstance(document, dict):
        return None
    return LectureRapide(version, document, avertissements)
