"""The SNE's code lists (``ressources/Constantes_libsne.py``) and what each code means on the platform.

One table, documented in docs/formats.md (« Format national SNE : listes de codes ») and tested
(sne/tests/test_codes.py): every code of every national list has a line here. A line says where the code goes
on the platform (``vers_plateforme``: national code -> platform value) and, for export, which national code a
platform value becomes (``vers_national``). ``None`` as a platform value: the platform has no such notion;
the code is kept verbatim in the demand's national record (``sne.DossierSne.donnees``) and exported again as
received. A code absent from its list is an error of the file (``code_inconnu``), never dropped.

Pure module: no Django.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

RESSOURCES = Path(__file__).resolve().parent / "ressources"


@cache
def listes_nationales() -> dict[str, dict[str, str]]:
    """``LISTE_CODES`` of the national constants, read as data (never executed)."""
    source = (RESSOURCES / "Constantes_libsne.py").read_text(encoding="utf-8")
    arbre = ast.parse(source)
    for noeud in arbre.body:
        if isinstance(noeud, ast.Assign) and any(getattr(c, "id", "") == "LISTE_CODES" for c in noeud.targets):
            return ast.literal_eval(noeud.value)
    raise LookupError("LISTE_CODES introuvable dans Constantes_libsne.py")


@dataclass(frozen=True)
class Correspondance:
    liste: str
    champ: str  # where it goes on the platform (for the documentation and messages)
    vers_plateforme: dict[str, str | None]
    vers_national: dict[str, str] = field(default_factory=dict)

    def plateforme(self, code: str) -> str | None:
        return self.vers_plateforme[code]

    def national(self, valeur: str, recu: str | None = None) -> str:
        """The national code of a platform value; the code received is kept when it still means that value
        (a many-to-one line: « APP » apprentice stays « APP », not « CDD »)."""
        if recu is not None and recu in self.vers_plateforme and self.vers_plateforme[recu] == valeur:
            return recu
        return self.vers_national[valeur]


def _c(liste: str, champ: str, vers_plateforme: dict, vers_national: dict | None = None) -> Correspondance:
    return Correspondance(liste, champ, vers_plateforme, vers_national or {})


CORRESPONDANCES: dict[str, Correspondance] = {
    c.liste: c
    for c in [
        _c("ListeCivilite", "Demande.sexe", {"1": "M", "2": "F", "3": "F"}, {"M": "1", "F": "2"}),
        _c(
            "ListeNationalite",
            "Demande.nationalite",
            {"1": "FR", "2": "UE", "3": "HORS_UE"},
            {"FR": "1", "UE": "2", "HORS_UE": "3"},
        ),
        _c(
            "ListeSituationFamiliale",
            "Demande.situation_familiale",
            {
                "C": "CELIBATAIRE",
                "M": "MARIE",
                "D": "DIVORCE",
                "S": "SEPARE",
                "P": "PACSE",
                "U": "CONCUBINAGE",
                "V": "VEUF",
            },
            {
                "CELIBATAIRE": "C",
                "MARIE": "M",
                "DIVORCE": "D",
                "SEPARE": "S",
                "PACSE": "P",
                "CONCUBINAGE": "U",
                "VEUF": "V",
            },
        ),
        _c(
            "ListeLienDemandeur",
            "MembreMenage.lien = CO_TITULAIRE (le code reçu est conservé)",
            {"M": "CO_TITULAIRE", "P": "CO_TITULAIRE", "C": "CO_TITULAIRE", "L": "CO_TITULAIRE"},
            {"CO_TITULAIRE": "M"},
        ),
        _c("ListeCategorieLogementRecherche", "conservé tel quel", {"A": None, "M": None, "I": None}),
        _c("ListeCategorieLogement", "conservé tel quel", {"A": None, "M": None}),
        _c(
            "ListeTypeLogement",
            "Demande.typologies",
            {"C": "T1", "T1": "T1", "T2": "T2", "T3": "T3", "T4": "T4", "T5": "T5", "T6P": "T6"},
            {"T1": "T1", "T2": "T2", "T3": "T3", "T4": "T4", "T5": "T5", "T6": "T6P"},
        ),
        _c("ListeSexe", "conservé tel quel (personnes à charge et en garde)", {"M": None, "F": None}),
        _c(
            "ListeLienParente",
            "MembreMenage.lien",
            {"P": "ASCENDANT", "E": "ENFANT", "A": "AUTRE"},
            {"ASCENDANT": "P", "ENFANT": "E", "AUTRE": "A"},
        ),
        _c(
            "ListeCoparentalite",
            "MembreMenage.garde (enfant compté dans le ménage)",
            {"G": "ALTERNEE", "D": "VISITE"},
            {"ALTERNEE": "G", "VISITE": "D"},
        ),
        _c(
            "ListeTypeContratTravail",
            "Demande.situation_professionnelle, MembreMenage.situation_professionnelle",
            {
                "CDI": "CDI",
                "CDD": "CDD",
                "ART": "INDEPENDANT",
                "CHO": "DEMANDEUR_EMPLOI",
                "APP": "CDD",
                "ETU": "ETUDIANT",
                "RET": "RETRAITE",
                "AUT": "AUTRE",
            },
            {
                "CDI": "CDI",
                "CDD": "CDD",
                "INDEPENDANT": "ART",
                "DEMANDEUR_EMPLOI": "CHO",
                "ETUDIANT": "ETU",
                "RETRAITE": "RET",
                "AUTRE": "AUT",
                "SANS_ACTIVITE": "AUT",
                "": "AUT",
            },
        ),
        _c(
            "ListeRessourceRecue",
            "Ressource.nature (montant mensuel)",
            {
                "SAL": "SALAIRE",
                "RET": "RETRAITE",
                "CHO": "CHOMAGE",
                "PAR": "PENSION_ALIMENTAIRE",
                "PINV": "AUTRE",
                "AF": "PRESTATIONS_FAMILIALES",
                "AAH": "AAH",
                "AEEH": "PRESTATIONS_FAMILIALES",
                "AJPP": "PRESTATIONS_FAMILIALES",
                "RSA": "RSA",
                "AMV": "AUTRE",
                "PAJE": "PRESTATIONS_FAMILIALES",
                "BE": "BOURSE",
                "AUT": "AUTRE",
            },
            {
                "SALAIRE": "SAL",
                "RETRAITE": "RET",
                "CHOMAGE": "CHO",
                "PENSION_ALIMENTAIRE": "PAR",
                "PRESTATIONS_FAMILIALES": "AF",
                "AAH": "AAH",
                "RSA": "RSA",
                "BOURSE": "BE",
                "AUTRE": "AUT",
                "PRIME_ACTIVITE": "AUT",
            },
        ),
        _c("ListeRessourceVersee", "conservé tel quel (pension versée)", {"PAV": None}),
        _c(
            "ListeModeleLogement",
            "Demande.logement_actuel (le premier modèle ; tous sont conservés)",
            {
                "HLM": "LOCATAIRE_HLM",
                "LP": "LOCATAIRE_PRIVE",
                "RS": "STRUCTURE",
                "RHVS": "STRUCTURE",
                "RE": "STRUCTURE",
                "SLHT": "STRUCTURE",
                "SH": "STRUCTURE",
                "CDEFCM": "STRUCTURE",
                "CPE": "HEBERGE_FAMILLE",
                "CP": "HEBERGE_TIERS",
                "LTG": "AUTRE",
                "FONC": "AUTRE",
                "POCC": "PROPRIETAIRE",
                "CAMCAR": "SANS_ABRI",
                "HOT": "HOTEL",
                "SD": "SANS_ABRI",
                "SQUAT": "SANS_ABRI",
            },
            {
                "LOCATAIRE_HLM": "HLM",
                "LOCATAIRE_PRIVE": "LP",
                "STRUCTURE": "SH",
                "HEBERGE_FAMILLE": "CPE",
                "HEBERGE_TIERS": "CP",
                "AUTRE": "LTG",
                "PROPRIETAIRE": "POCC",
                "HOTEL": "HOT",
                "SANS_ABRI": "SD",
            },
        ),
        _c(
            "ListeMotifDemande",
            "Demande.motifs",
            {
                "01": "SANS_LOGEMENT",
                "02": "DEMOLITION",
                "03": "INDECENT",
                "04": "AUTRE",
                "05": "EXPULSION",
                "06": "VIOLENCES",
                "07": "HANDICAP",
                "08": "AUTRE",
                "09": "TROP_CHER",
                "10": "TROP_GRAND",
                "11": "SEPARATION",
                "12": "DECOHABITATION",
                "13": "TROP_PETIT",
                "14": "DECOHABITATION",
                "15": "RAPPROCHEMENT_FAMILLE",
                "16": "AUTRE",
                "17": "AUTRE",
                "18": "RAPPROCHEMENT_TRAVAIL",
                "19": "RAPPROCHEMENT_TRAVAIL",
                "20": "AUTRE",
                "21": "RAPPROCHEMENT_FAMILLE",
                "22": "AUTRE",
                "23": "AUTRE",
            },
            {
                "SANS_LOGEMENT": "01",
                "DEMOLITION": "02",
                "INDECENT": "03",
                "EXPULSION": "05",
                "VIOLENCES": "06",
                "HANDICAP": "07",
                "TROP_CHER": "09",
                "TROP_GRAND": "10",
                "SEPARATION": "11",
                "DECOHABITATION": "12",
                "TROP_PETIT": "13",
                "RAPPROCHEMENT_TRAVAIL": "19",
                "RAPPROCHEMENT_FAMILLE": "21",
                "AUTRE": "23",
            },
        ),
        _c("ListeEtatHandicap", "conservé tel quel", {"STA": None, "EVO": None}),
        _c("ListeCapaciteMarcheHandicap", "conservé tel quel", {"1": None, "2": None, "3": None, "4": None}),
        _c("ListeNatureHandicapMoteur", "conservé tel quel", {"MS": None, "MI": None}),
        _c("ListeNatureHandicapSensoriel", "conservé tel quel", {"DA": None, "DV": None}),
        _c(
            "ListeAideTechniqueHandicap",
            "Demande.accessibilite_pmr (fauteuil roulant : 4, 5) ; les autres conservés tels quels",
            {"1": None, "2": None, "3": None, "4": "PMR", "5": "PMR", "6": None, "7": None},
            {"PMR": "4"},
        ),
        _c(
            "ListeEquipementHandicap",
            "Demande.ascenseur_requis (ascenseur : 4) ; les autres conservés tels quels",
            {"1": None, "2": None, "3": None, "4": "ASCENSEUR", "5": None, "6": None},
            {"ASCENSEUR": "4"},
        ),
        _c(
            "ListeMotifsRadiation",
            "Demande.motif_radiation (vide : déradiation, la demande est réactivée)",
            {
                "RADABA": "RENONCIATION",
                "RADATT": "ATTRIBUTION",
                "RADIRR": "IRRECEVABILITE",
                "RADCON": "SANS_REPONSE",
                "RADREN": "NON_RENOUVELLEMENT",
                "": "REACTIVATION",
            },
            {
                "RENONCIATION": "RADABA",
                "ATTRIBUTION": "RADATT",
                "IRRECEVABILITE": "RADIRR",
                "SANS_REPONSE": "RADCON",
                "NON_RENOUVELLEMENT": "RADREN",
            },
        ),
        _c(
            "ListeSousMotifRadiationIrrecevabilite",
            "commentaire de la radiation (conservé tel quel)",
            {"IRRSEJ": None, "IRRRES": None},
        ),
        _c(
            "ListeTypeReservataire",
            "DecisionCaleol.reservataire (COLTER, AUTRES : réservataire à qualifier)",
            {
                "COLTER": "A_QUALIFIER",
                "COLACT": "ACTION_LOGEMENT",
                "PPRIOR": "ETAT",
                "PFONCT": "ETAT_AGENTS",
                "AUTRES": "A_QUALIFIER",
                "AUCUN": "BAILLEUR",
            },
            {
                "ACTION_LOGEMENT": "COLACT",
                "ETAT": "PPRIOR",
                "ETAT_AGENTS": "PFONCT",
                "BAILLEUR": "AUCUN",
                "COMMUNE": "COLTER",
                "EPCI": "COLTER",
                "DEPARTEMENT": "COLTER",
                "AUTRE": "AUTRES",
            },
        ),
        _c(
            "ListeZUS",
            "non repris : la plateforme situe le logement sur la carte des QPV en vigueur",
            {"ZUSOUI": None, "ZUSNON": None, "ZUSNSP": None},
        ),
        _c(
            "ListeTypeFichier",
            "traitement du fichier (docs/sne.md)",
            {
                "CRE": "CREATION",
                "CRS": "CREATION",
                "MOD": "MISE_A_JOUR",
                "RAD": "RADIATION",
                "REN": "RENOUVELLEMENT",
                "SUP": "SUPPRESSION",
                "DIS": "MISE_A_JOUR",
                "RET": "MISE_A_JOUR",
                "COP": "MISE_A_JOUR",
            },
        ),
        _c(
            "ListeStatutDalo",
            "DecisionDalo (ACTIF, ACTREL avec leur date) ; NON et CADUC conservés tels quels",
            {"NON": None, "ACTIF": "DALO", "CADUC": None, "ACTREL": "DALO"},
            {"DALO": "ACTIF"},
        ),
        _c(
            "ListeTypologieLogementDalo",
            "conservé tel quel",
            dict.fromkeys(
                [
                    "01",
                    "02",
                    "03",
                    "04",
                    "05",
                    "06",
                    "08",
                    "09",
                    "21",
                    "22",
                    "23",
                    "24",
                    "25",
                    "26",
                    "28",
                    "30",
                    "31",
                    "99",
                    "40",
                    "41",
                    "42",
                    "43",
                    "44",
                    "45",
                    "46",
                    "47",
                    "48",
                    "49",
                    "50",
                ]
            ),  # fmt: skip
        ),
        _c(
            "ListeTypeLogementRPLS",
            "Logement.typologie (T6 et plus : T6)",
            {
                "T1": "T1",
                "T2": "T2",
                "T3": "T3",
                "T4": "T4",
                "T5": "T5",
                "T6": "T6",
                "T7": "T6",
                "T8": "T6",
                "T9P": "T6",
            },  # fmt: skip
            {"T1": "T1", "T2": "T2", "T3": "T3", "T4": "T4", "T5": "T5", "T6": "T6"},
        ),
        _c(
            "ListeBooleen",
            "DecisionCaleol.mutation (dejaLogeParcBailleur = OUI)",
            {"OUI": "OUI", "NON": "NON", "NONDOC": None},
            {"OUI": "OUI", "NON": "NON"},
        ),
        _c(
            "ListeAccordCollectif",
            "DecisionCaleol.prioritaire (ACD, ACI : public d'un accord collectif, L. 441-1-1 et -2)",
            {"ACD": "PRIORITAIRE", "ACI": "PRIORITAIRE", "AUCUN": None, "NONDOC": None},
        ),
    ]
}

# Which list the ``code`` attribute of an element belongs to: by element name, or (parent, element) when the
# same name reads two lists.
LISTE_DE_L_ELEMENT: dict[str, str] = {
    "civilite": "ListeCivilite",
    "nationalite": "ListeNationalite",
    "situationFamiliale": "ListeSituationFamiliale",
    "lienDemandeur": "ListeLienDemandeur",
    "categorieLogementRecherche": "ListeCategorieLogementRecherche",
    "categorieLogement": "ListeCategorieLogement",
    "typeLogement": "ListeTypeLogement",
    "typeLogementActuel": "ListeTypeLogement",
    "typeLogementPossede": "ListeTypeLogement",
    "sexe": "ListeSexe",
    "lienParente": "ListeLienParente",
    "coParentalite": "ListeCoparentalite",
    "typeContratTravail": "ListeTypeContratTravail",
    "ressource": "ListeRessourceRecue",
    "modeleLogement": "ListeModeleLogement",
    "motifDemande": "ListeMotifDemande",
    "etatHandicap": "ListeEtatHandicap",
    "capaciteMarcheHandicap": "ListeCapaciteMarcheHandicap",
    "natureHandicapMoteur": "ListeNatureHandicapMoteur",
    "natureHandicapSensoriel": "ListeNatureHandicapSensoriel",
    "aideTechniqueHandicap": "ListeAideTechniqueHandicap",
    "equipementHandicap": "ListeEquipementHandicap",
    "motifRadiation": "ListeMotifsRadiation",
    "sousMotifIrrecevabilite": "ListeSousMotifRadiationIrrecevabilite",
    "typeReservataire": "ListeTypeReservataire",
    "zus": "ListeZUS",
    "statutDalo": "ListeStatutDalo",
    "typologieLogementDalo": "ListeTypologieLogementDalo",
    "dejaLogeParcBailleur": "ListeBooleen",
    "accordCollectif": "ListeAccordCollectif",
}
LISTE_SELON_LE_PARENT: dict[tuple[str, str], str] = {
    ("attributionLogement", "typeLogement"): "ListeTypeLogementRPLS",
    ("listeRessourceVersee", "ressource"): "ListeRessourceVersee",
    ("listeRessourceVerseePersACharge", "ressource"): "ListeRessourceVersee",
}


def liste_de(chemin: list[str]) -> str | None:
    """The code list of the element at ``chemin`` (local names from the root), or None (a commune code...)."""
    nom = chemin[-1]
    for ancetre in reversed(chemin[:-1]):
        if (ancetre, nom) in LISTE_SELON_LE_PARENT:
            return LISTE_SELON_LE_PARENT[(ancetre, nom)]
    return LISTE_DE_L_ELEMENT.get(nom)


def code_inconnu(liste: str, code: str) -> bool:
    return code not in listes_nationales()[liste]


def plateforme(liste: str, code: str) -> str | None:
    return CORRESPONDANCES[liste].plateforme(code)


def national(liste: str, valeur: str, recu: str | None = None) -> str:
    return CORRESPONDANCES[liste].national(valeur, recu)
