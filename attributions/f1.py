"""Reading and validating an F1 file (allocation decisions extract, docs/formats.md).

Pure: takes the file's bytes and the reference data as dictionaries, returns clean rows or the
list of every error with its line, column and reason in French. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from . import rules

SEPARATEUR = ";"

COLONNES_REQUISES = (
    "numero_unique",
    "date_depot",
    "date_decision",
    "type_decision",
    "rang",
    "date_bail",
    "logement_id",
    "bailleur_siren",
    "commune_insee",
    "epci_siren",
    "qpv_code",
    "typologie",
    "reservataire_type",
    "reservataire_id",
    "ressources_mensuelles",
    "nb_personnes_14_plus",
    "nb_enfants_moins_14",
    "dalo",
    "prioritaire",
)
# Optional columns: absent means "no value" for every row.
COLONNES_FACULTATIVES = ("relogement", "mutation", "sortant_hebergement", "sans_abri")
# Of the columns above, those a row may leave empty.
COLONNES_VIDES_PERMISES = {
    "rang",
    "date_bail",
    "qpv_code",
    "reservataire_id",
    "relogement",
    "mutation",
    "sortant_hebergement",
    "sans_abri",
}
# The household's situation before the allocation: 1, 0, or empty (and an absent column) for "unknown".
COLONNES_SITUATION = ("sortant_hebergement", "sans_abri")

TYPES_DECISION = {t.value for t in rules.TypeDecision}
TYPES_RESERVATAIRE = {"ETAT", "ETAT_AGENTS", "ACTION_LOGEMENT", "COMMUNE", "EPCI", "DEPARTEMENT", "AUTRE", "BAILLEUR"}
RESERVATAIRES_AVEC_ID = {"COMMUNE", "EPCI", "DEPARTEMENT", "AUTRE"}
TYPOLOGIES = {"T1", "T2", "T3", "T4", "T5", "T6"}
RELOGEMENTS = {"", "ANRU", "ORCOD", "LHI"}
BOOLEENS = {"1": True, "0": False}

MAX_ERREURS = 1000  # beyond this, the report says how many more there were


@dataclass(frozen=True)
class Referentiel:
    """Reference data the validation needs, loaded once per file."""

    communes: dict[str, tuple[int, str]]  # code INSEE -> (id, département)
    epcis: dict[str, int]  # SIREN -> id
    qpv: dict[str, tuple[int, str]]  # code -> (id, carte)
    perimetres: frozenset[tuple[int, int]]  # (epci_id, commune_id) for any vintage
    # the territories the file may write into (None: any, for an operator's explicit whole-platform import)
    permis: frozenset[int] | None = None
    noms_epci: dict[int, str] = field(default_factory=dict)  # id -> name, to name a refused territory


def territoire_etranger(siren: str, nom: str) -> str:
    """The refusal of a row (or an existing row) of a territory the importer may not write into."""
    return f"le territoire {siren} ({nom}) n'est pas le vôtre."


@dataclass(frozen=True)
class Erreur:
    ligne: int  # line number in the file, the header being line 1; 0 for the file itself
    colonne: str
    message: str

    def __str__(self) -> str:
        if self.ligne == 0:
            return self.message
        if self.colonne:
            return f"ligne {self.ligne}, colonne {self.colonne} : {self.message}"
        return f"ligne {self.ligne} : {self.message}"

    def as_dict(self) -> dict:
        return {"ligne": self.ligne, "colonne": self.colonne, "message": self.message}


@dataclass(slots=True)
class Ligne:
    numero_ligne: int
    numero_unique: str
    date_depot: dt.date
    date_decision: dt.date
    type_decision: str
    rang: int | None
    date_bail: dt.date | None
    logement_id: str
    bailleur_siren: str
    commune_id: int
    departement: str
    epci_id: int
    qpv_id: int | None
    carte_qpv: str | None
    typologie: str
    reservataire_type: str
    reservataire_code: str
    ressources_mensuelles: Decimal
    ressources_annuelles_e4: int
    nb_personnes_14_plus: int
    nb_enfants_moins_14: int
    uc_dixiemes: int
    dalo: bool
    prioritaire: bool
    relogement: str
    mutation: bool
    sortant_hebergement: bool | None = None  # None: unknown
    sans_abri: bool | None = None

    @property
    def cle(self) -> tuple[str, str, dt.date]:
        return (self.numero_unique, self.logement_id, self.date_decision)


@dataclass
class Resultat:
    lignes: list[Ligne] = field(default_factory=list)
    erreurs: list[Erreur] = field(default_factory=list)
    avertissements: list[Erreur] = field(default_factory=list)
    nb_erreurs: int = 0
    nb_lignes: int = 0

    @property
    def valide(self) -> bool:
        return self.nb_erreurs == 0

    def erreur(self, ligne: int, colonne: str, message: str) -> None:
        self.nb_erreurs += 1
        if len(self.erreurs) < MAX_ERREURS:
            self.erreurs.append(Erreur(ligne, colonne, message))


def _date(value: str) -> dt.date | None:
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        return None
    try:
        return dt.date(int(value[0:4]), int(value[5:7]), int(value[8:10]))
    except ValueError:
        return None


def _decimal(value: str) -> Decimal | None:
    try:
        number = Decimal(value.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return number


def _entier(value: str) -> int | None:
    if value.isdigit():
        return int(value)
    if value.startswith("+") and value[1:].isdigit():
        return int(value[1:])
    return None


def decode(contenu: bytes) -> str:
    """UTF-8 with or without a BOM, else a French error."""
    try:
        return contenu.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"Le fichier n'est pas encodé en UTF-8 (octet invalide en position {exc.start}). "
            "Enregistrez-le en « CSV UTF-8 » puis recommencez."
        ) from exc


def lire_entete(entete: list[str]) -> tuple[dict[str, int], list[Erreur]]:
    """The position of each column named in the header row (names trimmed, any case), and its errors:
    a known column given twice, a required column missing."""
    position: dict[str, int] = {}
    erreurs: list[Erreur] = []
    for index, nom in enumerate(nom.strip().lower() for nom in entete):
        if nom in position and nom in COLONNES_REQUISES + COLONNES_FACULTATIVES:
            erreurs.append(Erreur(1, nom, "colonne présente deux fois dans l'en-tête."))
        position.setdefault(nom, index)
    erreurs += [
        Erreur(1, nom, "colonne obligatoire absente de l'en-tête (séparateur attendu : « ; »).")
        for nom in COLONNES_REQUISES
        if nom not in position
    ]
    return position, erreurs


def lire(contenu: bytes, referentiel: Referentiel) -> Resultat:
    """Parse and validate a whole F1 file; the result holds either clean rows or every error."""
    resultat = Resultat()
    try:
        texte = decode(contenu)
    except ValueError as exc:
        resultat.erreur(0, "", str(exc))
        return resultat
    reader = csv.reader(io.StringIO(texte, newline=""), delimiter=SEPARATEUR)
    try:
        entete = next(reader)
    except StopIteration:
        resultat.erreur(0, "", "Le fichier est vide : il doit commencer par une ligne d'en-tête.")
        return resultat
    position, erreurs_entete = lire_entete(entete)
    for erreur_entete in erreurs_entete:
        resultat.erreur(erreur_entete.ligne, erreur_entete.colonne, erreur_entete.message)
    if not resultat.valide:
        return resultat

    idx = {nom: position.get(nom, -1) for nom in COLONNES_REQUISES + COLONNES_FACULTATIVES}
    largeur = max(i for i in idx.values()) + 1
    communes = referentiel.communes
    epcis = referentiel.epcis
    qpvs = referentiel.qpv
    perimetres = referentiel.perimetres
    permis = referentiel.permis
    deja_vues: dict[tuple[str, str, dt.date], int] = {}
    erreur = resultat.erreur
    lignes = resultat.lignes

    i_num, i_depot, i_decision = idx["numero_unique"], idx["date_depot"], idx["date_decision"]
    i_type, i_rang, i_bail, i_logement = idx["type_decision"], idx["rang"], idx["date_bail"], idx["logement_id"]
    i_bailleur, i_commune, i_epci, i_qpv = (
        idx["bailleur_siren"],
        idx["commune_insee"],
        idx["epci_siren"],
        idx["qpv_code"],
    )
    i_typo, i_rtype, i_rid = idx["typologie"], idx["reservataire_type"], idx["reservataire_id"]
    i_ress, i_n14, i_nm14 = idx["ressources_mensuelles"], idx["nb_personnes_14_plus"], idx["nb_enfants_moins_14"]
    i_dalo, i_prio, i_reloc, i_mut = idx["dalo"], idx["prioritaire"], idx["relogement"], idx["mutation"]
    i_sortant, i_sans_abri = idx["sortant_hebergement"], idx["sans_abri"]

    for numero_ligne, brute in enumerate(reader, start=2):
        if not brute or all(not cellule.strip() for cellule in brute):
            continue  # blank line
        resultat.nb_lignes += 1
        if len(brute) < largeur:
            brute = brute + [""] * (largeur - len(brute))
        row = [cellule.strip() for cellule in brute]
        avant = resultat.nb_erreurs

        def requis(i: int, nom: str, row=row, numero_ligne=numero_ligne) -> str:
            value = row[i]
            if not value:
                erreur(numero_ligne, nom, "valeur obligatoire manquante.")
            return value

        numero_unique = requis(i_num, "numero_unique")
        if len(numero_unique) > 40:
            erreur(numero_ligne, "numero_unique", "40 caractères au plus.")

        dates = {}
        for i, nom in ((i_depot, "date_depot"), (i_decision, "date_decision")):
            value = requis(i, nom)
            if value:
                parsed = _date(value)
                if parsed is None:
                    erreur(numero_ligne, nom, f"date invalide « {value} » (format attendu AAAA-MM-JJ).")
                dates[nom] = parsed
        date_bail = None
        if row[i_bail]:
            date_bail = _date(row[i_bail])
            if date_bail is None:
                erreur(numero_ligne, "date_bail", f"date invalide « {row[i_bail]} » (format attendu AAAA-MM-JJ).")

        type_decision = requis(i_type, "type_decision").upper()
        rang = None
        if type_decision and type_decision not in TYPES_DECISION:
            erreur(
                numero_ligne,
                "type_decision",
                f"valeur inconnue « {row[i_type]} » (attendu : {', '.join(sorted(TYPES_DECISION))}).",
            )
        elif type_decision == rules.TYPE_CLASSEMENT:
            rang = _entier(row[i_rang])
            if not row[i_rang]:
                erreur(numero_ligne, "rang", "le rang est obligatoire pour une attribution avec classement.")
            elif rang is None or rang < 1:
                erreur(numero_ligne, "rang", f"rang invalide « {row[i_rang]} » (entier à partir de 1).")

        logement_id = requis(i_logement, "logement_id")
        if len(logement_id) > 40:
            erreur(numero_ligne, "logement_id", "40 caractères au plus.")

        bailleur_siren = requis(i_bailleur, "bailleur_siren")
        if bailleur_siren and not (len(bailleur_siren) == 9 and bailleur_siren.isdigit()):
            erreur(numero_ligne, "bailleur_siren", f"SIREN invalide « {bailleur_siren} » (9 chiffres).")

        commune_insee = requis(i_commune, "commune_insee").upper()
        commune = None
        if commune_insee:
            commune = communes.get(commune_insee)
            if commune is None:
                erreur(numero_ligne, "commune_insee", f"commune « {commune_insee} » absente du référentiel (COG).")

        epci_siren = requis(i_epci, "epci_siren")
        epci_id = None
        if epci_siren:
            epci_id = epcis.get(epci_siren)
            if epci_id is None:
                erreur(numero_ligne, "epci_siren", f"EPCI « {epci_siren} » absent du référentiel.")
            elif permis is not None and epci_id not in permis:
                erreur(numero_ligne, "", territoire_etranger(epci_siren, referentiel.noms_epci.get(epci_id, "")))
        if commune is not None and epci_id is not None and (epci_id, commune[0]) not in perimetres:
            erreur(
                numero_ligne,
                "commune_insee",
                f"la commune {commune_insee} n'appartient pas à l'EPCI {epci_siren}.",
            )

        qpv_code = row[i_qpv].upper()
        qpv = None
        if qpv_code:
            qpv = qpvs.get(qpv_code)
            if qpv is None:
                erreur(numero_ligne, "qpv_code", f"QPV « {qpv_code} » absent du référentiel.")

        typologie = requis(i_typo, "typologie").upper().rstrip("+")
        if typologie and typologie not in TYPOLOGIES:
            erreur(numero_ligne, "typologie", f"typologie inconnue « {row[i_typo]} » (T1 à T6).")

        reservataire_type = requis(i_rtype, "reservataire_type").upper()
        reservataire_code = ""
        if reservataire_type and reservataire_type not in TYPES_RESERVATAIRE:
            erreur(
                numero_ligne,
                "reservataire_type",
                f"type inconnu « {row[i_rtype]} » (attendu : {', '.join(sorted(TYPES_RESERVATAIRE))}).",
            )
        elif reservataire_type in RESERVATAIRES_AVEC_ID:
            reservataire_code = row[i_rid]
            if not reservataire_code:
                erreur(
                    numero_ligne,
                    "reservataire_id",
                    f"identifiant obligatoire pour un réservataire {reservataire_type}.",
                )
            elif len(reservataire_code) > 40:
                erreur(numero_ligne, "reservataire_id", "40 caractères au plus.")
        elif reservataire_type == "BAILLEUR":
            reservataire_code = bailleur_siren

        ressources = None
        value = requis(i_ress, "ressources_mensuelles")
        if value:
            ressources = _decimal(value)
            if ressources is None:
                erreur(numero_ligne, "ressources_mensuelles", f"montant invalide « {value} » (ex. 1234.56).")
            elif ressources < 0:
                erreur(numero_ligne, "ressources_mensuelles", "le montant ne peut pas être négatif.")
            elif ressources.as_tuple().exponent < -4 and ressources != ressources.quantize(Decimal("0.0001")):
                erreur(numero_ligne, "ressources_mensuelles", "4 décimales au plus.")
            elif ressources >= Decimal("10000000"):
                erreur(numero_ligne, "ressources_mensuelles", "montant mensuel invraisemblable (10 millions ou plus).")

        effectifs = {}
        for i, nom, minimum in ((i_n14, "nb_personnes_14_plus", 1), (i_nm14, "nb_enfants_moins_14", 0)):
            value = requis(i, nom)
            if value:
                nombre = _entier(value)
                if nombre is None or nombre < minimum or nombre > 99:
                    erreur(numero_ligne, nom, f"nombre invalide « {value} » (entier de {minimum} à 99).")
                effectifs[nom] = nombre

        drapeaux = {}
        for i, nom, facultatif in ((i_dalo, "dalo", False), (i_prio, "prioritaire", False), (i_mut, "mutation", True)):
            value = row[i] if i >= 0 else ""
            if not value and facultatif:
                drapeaux[nom] = False
                continue
            if not value:
                erreur(numero_ligne, nom, "valeur obligatoire manquante (1 ou 0).")
                continue
            drapeau = BOOLEENS.get(value)
            if drapeau is None:
                erreur(numero_ligne, nom, f"valeur invalide « {value} » (1 ou 0).")
            drapeaux[nom] = drapeau

        situation: dict[str, bool | None] = {}
        for i, nom in ((i_sortant, "sortant_hebergement"), (i_sans_abri, "sans_abri")):
            value = row[i] if i >= 0 else ""
            situation[nom] = BOOLEENS.get(value) if value else None
            if value and value not in BOOLEENS:
                erreur(numero_ligne, nom, f"valeur invalide « {value} » (1, 0 ou vide si inconnu).")

        relogement = (row[i_reloc] if i_reloc >= 0 else "").upper()
        if relogement not in RELOGEMENTS:
            erreur(numero_ligne, "relogement", f"valeur inconnue « {relogement} » (ANRU, ORCOD, LHI ou vide).")

        if resultat.nb_erreurs != avant:
            continue
        date_decision = dates["date_decision"]
        cle = (numero_unique, logement_id, date_decision)
        premiere = deja_vues.get(cle)
        if premiere is not None:
            erreur(
                numero_ligne,
                "",
                f"même décision (numero_unique, logement_id, date_decision) que la ligne {premiere} : "
                "une décision ne peut figurer qu'une fois dans le fichier.",
            )
            continue
        deja_vues[cle] = numero_ligne
        if date_bail is not None and date_bail < date_decision:
            resultat.avertissements.append(
                Erreur(numero_ligne, "date_bail", "bail signé avant la décision de la commission.")
            )
        if date_bail is not None and not rules.est_attribution(type_decision):
            resultat.avertissements.append(
                Erreur(
                    numero_ligne,
                    "date_bail",
                    "bail renseigné pour une décision qui n'attribue pas le logement : il n'est pas compté.",
                )
            )
        if dates["date_depot"] > date_decision:
            resultat.avertissements.append(
                Erreur(numero_ligne, "date_depot", "demande déposée après la décision de la commission.")
            )
        n14 = effectifs["nb_personnes_14_plus"]
        nm14 = effectifs["nb_enfants_moins_14"]
        lignes.append(
            Ligne(
                numero_ligne=numero_ligne,
                numero_unique=numero_unique,
                date_depot=dates["date_depot"],
                date_decision=date_decision,
                type_decision=type_decision,
                rang=rang,
                date_bail=date_bail,
                logement_id=logement_id,
                bailleur_siren=bailleur_siren,
                commune_id=commune[0],
                departement=commune[1],
                epci_id=epci_id,
                qpv_id=qpv[0] if qpv else None,
                carte_qpv=qpv[1] if qpv else None,
                typologie=typologie,
                reservataire_type=reservataire_type,
                reservataire_code=reservataire_code,
                ressources_mensuelles=ressources,
                ressources_annuelles_e4=rules.ressources_annuelles_e4(ressources),
                nb_personnes_14_plus=n14,
                nb_enfants_moins_14=nm14,
                uc_dixiemes=rules.unites_consommation_dixiemes(n14, nm14),
                dalo=drapeaux["dalo"],
                prioritaire=drapeaux["prioritaire"],
                relogement=relogement,
                mutation=drapeaux["mutation"],
                sortant_hebergement=situation["sortant_hebergement"],
                sans_abri=situation["sans_abri"],
            )
        )
    if resultat.nb_lignes == 0 and resultat.valide:
        resultat.erreur(0, "", "Le fichier ne contient aucune ligne de décision après l'en-tête.")
    return resultat
