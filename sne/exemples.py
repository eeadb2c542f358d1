"""The public sample of the national format and the ways to complete or change it (tests, demo)."""

from __future__ import annotations

from sne.codes import RESSOURCES

EXEMPLE = RESSOURCES / "exemple_demande_betagouv_JDD_OPENFISCA.xml"
NUD = "1110318016982G1104"


def exemple_brut() -> bytes:
    return EXEMPLE.read_bytes()


def exemple_complete(type_fichier: str = "CRE", version: str = "02.00", apres_date_creation: str = "") -> bytes:
    """The sample with its two missing mandatory elements (``typeFichier``, ``numGuichet``) and the empty
    ``precision`` the schema also requires; ``apres_date_creation``: elements inserted after the creation date."""
    texte = exemple_brut().decode("utf-8")
    texte = texte.replace("<ns1:dateFichier>", f"<ns1:typeFichier>{type_fichier}</ns1:typeFichier><ns1:dateFichier>")
    texte = texte.replace("<ns1:numUnique>", "<ns1:numGuichet>G1104</ns1:numGuichet><ns1:numUnique>")
    texte = texte.replace(
        "</ns1:dateCreationDemande>", "</ns1:dateCreationDemande><ns1:precision/>" + apres_date_creation
    )
    texte = texte.replace('versionInterface="02.00"', f'versionInterface="{version}"')
    return texte.encode("utf-8")


def avec_radiation(contenu: bytes, radiation: str, type_fichier: str = "RAD") -> bytes:
    """``contenu`` with a ``radiation`` block (after personnePhysique) and the file type ``type_fichier``."""
    texte = contenu.decode("utf-8")
    texte = texte.replace("</ns1:personnePhysique>", "</ns1:personnePhysique>" + radiation)
    texte = texte.replace(
        "<ns1:typeFichier>CRE</ns1:typeFichier>", f"<ns1:typeFichier>{type_fichier}</ns1:typeFichier>"
    )
    return texte.encode("utf-8")


def bloc_radatt(*, rpls: str, siren: str, type_reservataire: str, date_bail: str = "2026-03-02") -> str:
    return (
        "<ns1:radiation>"
        f"<ns1:dateRadiation>{date_bail}</ns1:dateRadiation>"
        '<ns1:motifRadiation code="RADATT"/>'
        "<ns1:attributionLogement>"
        f"<ns1:dateSignatureBail>{date_bail}</ns1:dateSignatureBail>"
        '<ns1:dejaLogeParcBailleur code="NON"/>'
        f"<ns1:numeroRpls>{rpls}</ns1:numeroRpls>"
        '<ns1:accordCollectif code="AUCUN"/>'
        f'<ns1:typeReservataire code="{type_reservataire}"/>'
        f"<ns1:codeSirenBailleur>{siren}</ns1:codeSirenBailleur>"
        "</ns1:attributionLogement>"
        "</ns1:radiation>"
    )
