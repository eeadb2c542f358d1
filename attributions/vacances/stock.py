"""Import of a landlord's stock file (dwellings as in the RPLS register), whole or not at all.

Format (also documented on the import page): CSV, UTF-8 (a BOM is tolerated),
``;`` separator, one header row, columns in any order, extra columns ignored, empty cell = no value.

| column | required | meaning (RPLS field, arrêté of 2010) |
|---|---|---|
| identifiant | yes | the dwelling's RPLS identifier, or the landlord's own (fields 1-2) |
| commune_insee | yes | INSEE code of the commune (field 4) |
| typologie | yes | T1 ... T6 (number of main rooms, field 24; T6 = 6 or more) |
| adresse | no | address (fields 5-10) |
| qpv_code | no | code of the 2024-map QPV the dwelling is in (QN...), empty if outside |
| qpv_2015_code | no | code of the 2015-map QPV (QP...), when known |
| surface | no | living area in m² (field 25) |
| financement | no | PLAI, PLUS, PLS, PLI or AUTRE (fields 32, 47) |
| loyer | no | monthly main rent in euros (field 44) |
| date_premiere_location | no | first letting in the social stock (field 27), YYYY-MM-DD, DD/MM/YYYY or YYYY |
| date_conventionnement | no | date the APL agreement took effect (field 36) |
| accessible_pmr | no | 1/oui: wheelchair-accessible level; 0/non: not that level (a lesser level known |
|                |    | stays); empty: level unchanged (docs/logements_adaptes.md) |
| niveau_accessibilite | no | FAUTEUIL, ADAPTABLE, MOBILITE_REDUITE or NON_ACCESSIBLE (wins; must agree with |
|                |    | accessible_pmr when both are given) |
| etage, largeur_portes_cm | no | floor (0: ground floor); narrowest door's nominal width in cm |
| ascenseur, salle_de_bain_adaptee, wc_adapte, stationnement_adapte | no | 1/oui or 0/non |

An empty accessibility cell keeps what is known of the dwelling.

Idempotent: a dwelling is identified by ``identifiant``; importing the same file again changes nothing.

Scope: every row is the chosen landlord's; a dwelling of another landlord is refused, and so is a row in a
commune of a territory outside ``permis`` (by default the territories the landlord is registered in,
``Bailleur.epcis``, which the EPCIs keep) or one that would move an existing dwelling out of such a territory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction

from cil.models import Bailleur, Commune, Epci, PerimetreEpci, Qpv
from core.erreurs import ErreurMetier

from ..f1 import territoire_etranger
from ..models import Logement, NiveauAccessibilite, Typologie

COLONNES_REQUISES = ("identifiant", "commune_insee", "typologie")
COLONNES = (
    "identifiant",
    "commune_insee",
    "typologie",
    "adresse",
    "qpv_code",
    "qpv_2015_code",
    "surface",
    "financement",
    "loyer",
    "date_premiere_location",
    "date_conventionnement",
    "accessible_pmr",
    "niveau_accessibilite",
    "etage",
    "ascenseur",
    "salle_de_bain_adaptee",
    "wc_adapte",
    "largeur_portes_cm",
    "stationnement_adapte",
)
MAX_ERREURS = 200
# the accessibility's details (the level has its own rule: niveau_selon_colonne_pmr)
CHAMPS_ACCESSIBILITE = (
    "etage",
    "ascenseur",
    "salle_de_bain_adaptee",
    "wc_adapte",
    "largeur_portes_cm",
    "stationnement_adapte",
)
CHAMPS = (
    "bailleur_id",
    "commune_id",
    "epci_id",
    "qpv_id",
    "qpv_2015_id",
    "carte_2024_connue",
    "carte_2015_connue",
    "typologie",
    "adresse",
    "surface",
    "financement",
    "loyer",
    "date_premiere_location",
    "date_conventionnement",
    "niveau_accessibilite",
    *CHAMPS_ACCESSIBILITE,
)


# an accessibility cell left empty: the value known stays (None for a new dwelling)
INCHANGE = object()


@dataclass(frozen=True)
class ErreurStock:
    ligne: int | None
    colonne: str
    message: str

    def __str__(self) -> str:
        where = f"ligne {self.ligne}" if self.ligne else "fichier"
        return f"{where}, colonne « {self.colonne} » : {self.message}" if self.colonne else f"{where} : {self.message}"


@dataclass
class RapportStock:
    nb_lignes: int = 0
    nb_crees: int = 0
    nb_modifies: int = 0
    nb_inchanges: int = 0
    erreurs: list[ErreurStock] = field(default_factory=list)


class StockRejete(ErreurMetier):
    def __init__(self, erreurs: list[ErreurStock]):
        self.erreurs = erreurs
        super().__init__(f"{len(erreurs)} erreur(s)")


def _date(valeur: str) -> dt.date:
    if re.fullmatch(r"\d{4}", valeur):
        return dt.date(int(valeur), 1, 1)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(valeur, fmt).date()
        except ValueError:
            continue
    raise ValueError("date invalide (AAAA-MM-JJ, JJ/MM/AAAA ou AAAA attendu)")


def _decimal(valeur: str, *, places: int) -> Decimal:
    try:
        nombre = Decimal(valeur.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        raise ValueError("nombre invalide") from None
    if not nombre.is_finite() or nombre < 0:
        raise ValueError("nombre positif attendu")
    if nombre != nombre.quantize(Decimal(1).scaleb(-places)):
        raise ValueError(f"au plus {places} décimales")
    return nombre


def _booleen(valeur: str) -> bool:
    v = valeur.strip().lower()
    if v in ("1", "oui", "o", "vrai", "true"):
        return True
    if v in ("0", "non", "n", "faux", "false"):
        return False
    raise ValueError("1/oui ou 0/non attendu")


def epcis_du_bailleur(bailleur: Bailleur) -> frozenset[int]:
    """The territories a landlord's stock file may write into when nobody widened them: those it is registered in."""
    return frozenset(bailleur.epcis.values_list("pk", flat=True))


def lire(
    contenu: bytes, bailleur: Bailleur, permis: frozenset[int] | None = None
) -> tuple[list[dict], list[ErreurStock], int]:
    """Parse and check every line against the reference data; returns (rows, errors, number of lines).

    ``permis``: the territories the rows may be in (None: any)."""
    erreurs: list[ErreurStock] = []
    try:
        texte = contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [ErreurStock(None, "", "le fichier n'est pas encodé en UTF-8.")], 0
    lecteur = csv.reader(io.StringIO(texte), delimiter=";")
    entete = next(lecteur, None)
    if not entete:
        return [], [ErreurStock(None, "", "le fichier est vide.")], 0
    entete = [c.strip().lower() for c in entete]
    manquantes = [c for c in COLONNES_REQUISES if c not in entete]
    if manquantes:
        return [], [ErreurStock(None, c, "colonne obligatoire absente de l'en-tête.") for c in manquantes], 0
    index = {c: entete.index(c) for c in COLONNES if c in entete}
    communes = {c.code_insee: c for c in Commune.objects.all().only("pk", "code_insee", "epci_id")}
    perimetres = dict(PerimetreEpci.objects.order_by("millesime").values_list("commune_id", "epci_id"))
    qpv = {code: (pk, carte) for pk, code, carte in Qpv.objects.values_list("pk", "code", "carte")}
    autres = dict(Logement.objects.exclude(bailleur=bailleur).values_list("identifiant", "bailleur__nom"))
    epcis = {pk: (siren, nom) for pk, siren, nom in Epci.objects.values_list("pk", "siren", "nom")}
    hors_perimetre = {}
    if permis is not None:
        hors_perimetre = dict(
            Logement.objects.filter(bailleur=bailleur).exclude(epci_id__in=permis).values_list("identifiant", "epci_id")
        )
    lignes: list[dict] = []
    vus: dict[str, int] = {}
    nb = 0
    for numero, cellules in enumerate(lecteur, start=2):
        if not any(c.strip() for c in cellules):
            continue
        nb += 1

        def cell(nom, cellules=cellules):
            i = index.get(nom)
            return cellules[i].strip() if i is not None and i < len(cellules) else ""

        def erreur(colonne, message, numero=numero):
            erreurs.append(ErreurStock(numero, colonne, message))

        row: dict = {"bailleur_id": bailleur.pk}
        identifiant = cell("identifiant")
        if not identifiant:
            erreur("identifiant", "valeur obligatoire.")
        elif len(identifiant) > 40:
            erreur("identifiant", "40 caractères au plus.")
        elif identifiant in vus:
            erreur("identifiant", f"logement déjà présent ligne {vus[identifiant]}.")
        elif identifiant in autres:
            erreur("identifiant", f"ce logement appartient à un autre bailleur ({autres[identifiant]}).")
        elif identifiant in hors_perimetre:
            siren, nom = epcis[hors_perimetre[identifiant]]
            erreur(
                "identifiant",
                f"ce logement est enregistré sur le territoire {siren} ({nom}), qui n'est pas le vôtre : "
                "il ne peut pas être modifié.",
            )
        else:
            vus[identifiant] = numero
        row["identifiant"] = identifiant
        code = cell("commune_insee")
        commune = communes.get(code)
        if not code:
            erreur("commune_insee", "valeur obligatoire.")
        elif commune is None:
            erreur("commune_insee", f"commune inconnue : {code}.")
        else:
            epci_id = commune.epci_id or perimetres.get(commune.pk)
            if epci_id is None:
                erreur("commune_insee", f"la commune {code} n'appartient à aucun EPCI connu.")
            elif permis is not None and epci_id not in permis:
                erreur("commune_insee", f"commune {code} : {territoire_etranger(*epcis[epci_id])}")
            row.update(commune_id=commune.pk, epci_id=epci_id)
        typologie = cell("typologie").upper()
        if typologie not in Typologie.values:
            erreur("typologie", f"« {cell('typologie')} » : T1 à T6 attendu.")
        row["typologie"] = typologie
        row["adresse"] = cell("adresse")[:300]
        for colonne, carte, champ, connue in (
            ("qpv_code", "2024", "qpv_id", "carte_2024_connue"),
            ("qpv_2015_code", "2015", "qpv_2015_id", "carte_2015_connue"),
        ):
            row[champ], row[connue] = None, colonne in index
            valeur = cell(colonne).upper()
            if valeur:
                trouve = qpv.get(valeur)
                if trouve is None:
                    erreur(colonne, f"QPV inconnu : {valeur}.")
                elif trouve[1] != carte:
                    erreur(colonne, f"{valeur} n'est pas un QPV de la géographie {carte}.")
                else:
                    row[champ] = trouve[0]
        financement = cell("financement").upper()
        if financement and financement not in Logement.Financement.values:
            erreur("financement", "PLAI, PLUS, PLS, PLI ou AUTRE attendu.")
        row["financement"] = financement
        for colonne, places, maximum in (("surface", 2, Decimal("9999")), ("loyer", 2, Decimal("999999"))):
            valeur = cell(colonne)
            row[colonne] = None
            if valeur:
                try:
                    row[colonne] = _decimal(valeur, places=places)
                    if row[colonne] > maximum:
                        raise ValueError("valeur trop grande")
                except ValueError as exc:
                    erreur(colonne, f"« {valeur} » : {exc}.")
        for colonne in ("date_premiere_location", "date_conventionnement"):
            valeur = cell(colonne)
            row[colonne] = None
            if valeur:
                try:
                    row[colonne] = _date(valeur)
                except ValueError as exc:
                    erreur(colonne, f"« {valeur} » : {exc}.")
        # accessibility (docs/logements_adaptes.md): an empty cell keeps what is known
        niveau = cell("niveau_accessibilite").upper()
        row["niveau_colonne"] = niveau or None
        if niveau and niveau not in NiveauAccessibilite.values:
            erreur("niveau_accessibilite", "FAUTEUIL, ADAPTABLE, MOBILITE_REDUITE ou NON_ACCESSIBLE attendu.")
        for colonne, minimum, maximum in (("etage", 0, 60), ("largeur_portes_cm", 50, 250)):
            valeur = cell(colonne)
            row[colonne] = INCHANGE
            if valeur:
                if valeur.isdigit() and minimum <= int(valeur) <= maximum:
                    row[colonne] = int(valeur)
                else:
                    erreur(colonne, f"« {valeur} » : nombre entier de {minimum} à {maximum} attendu.")
        for colonne in ("ascenseur", "salle_de_bain_adaptee", "wc_adapte", "stationnement_adapte"):
            valeur = cell(colonne)
            row[colonne] = INCHANGE
            if valeur:
                try:
                    row[colonne] = _booleen(valeur)
                except ValueError as exc:
                    erreur(colonne, f"« {valeur} » : {exc}.")
        valeur = cell("accessible_pmr")
        row["accessible_pmr"] = None  # empty: the level known stays
        if valeur:
            try:
                row["accessible_pmr"] = _booleen(valeur)
            except ValueError as exc:
                erreur("accessible_pmr", f"« {valeur} » : {exc}.")
            else:
                if niveau and row["accessible_pmr"] != (niveau == NiveauAccessibilite.FAUTEUIL):
                    erreur("accessible_pmr", f"contredit le niveau d'accessibilité « {niveau} ».")
        lignes.append(row)
    if nb == 0 and not erreurs:
        erreurs.append(ErreurStock(None, "", "aucune ligne de logement."))
    return lignes, erreurs, nb


def niveau_selon_colonne_pmr(accessible: bool | None, niveau_connu: str) -> str:
    """The ``accessible_pmr`` column (wheelchair-accessible or not) against the level known
    (docs/logements_adaptes.md): 1 gives the wheelchair level; 0 keeps a lesser level known (adaptable, reduced
    mobility, not accessible) and turns a wheelchair level into "not known"; empty keeps the level."""
    fauteuil = NiveauAccessibilite.FAUTEUIL
    if accessible is None:
        return niveau_connu
    if accessible:
        return fauteuil
    return "" if niveau_connu == fauteuil else niveau_connu


def perimetre_stock(*, bailleur: Bailleur, acteur=None, epcis=None) -> frozenset[int] | None:
    """The territories a stock file of ``bailleur`` may write into: for a user, the landlord's territories if the
    user is its staff (nothing otherwise; everything for a platform administrator); ``epcis`` when given (an
    operator's explicit choice, narrowing the user's); None (any) only for the platform's own code."""
    from cil.permissions import scope_for

    permis = None
    if getattr(acteur, "pk", None):
        scope = scope_for(acteur)
        if not scope.admin:
            permis = epcis_du_bailleur(bailleur) if bailleur.pk in scope.bailleurs else frozenset()
    if epcis is not None:
        permis = frozenset(epcis) if permis is None else permis & frozenset(epcis)
    return permis


@transaction.atomic
def importer_logements(*, contenu: bytes, bailleur: Bailleur, acteur=None, epcis=None) -> RapportStock:
    """Create or update the landlord's dwellings from a stock file; raises StockRejete with every error.

    Only rows in the territories of ``perimetre_stock(bailleur=..., acteur=..., epcis=...)`` are accepted."""
    lignes, erreurs, nb = lire(contenu, bailleur, perimetre_stock(bailleur=bailleur, acteur=acteur, epcis=epcis))
    if erreurs:
        raise StockRejete(erreurs[:MAX_ERREURS])
    rapport = RapportStock(nb_lignes=nb)
    existants = {
        row["identifiant"]: row
        for row in Logement.objects.filter(identifiant__in=[ligne["identifiant"] for ligne in lignes]).values(
            "pk", "identifiant", *CHAMPS
        )
    }
    nouveaux, modifies = [], []
    for ligne in lignes:
        avant = existants.get(ligne["identifiant"])
        ligne["niveau_accessibilite"] = ligne["niveau_colonne"] or niveau_selon_colonne_pmr(
            ligne["accessible_pmr"], avant["niveau_accessibilite"] if avant else ""
        )
        for champ in CHAMPS_ACCESSIBILITE:
            if ligne[champ] is INCHANGE:
                ligne[champ] = avant[champ] if avant else None
        valeurs = {k: ligne[k] for k in CHAMPS}
        if avant is None:
            nouveaux.append(Logement(identifiant=ligne["identifiant"], **valeurs))
        else:
            # a column absent from the file keeps what is known (the other map's QPV, typically)
            if not valeurs["carte_2015_connue"]:
                valeurs["qpv_2015_id"], valeurs["carte_2015_connue"] = avant["qpv_2015_id"], avant["carte_2015_connue"]
            if not valeurs["carte_2024_connue"]:
                valeurs["qpv_id"], valeurs["carte_2024_connue"] = avant["qpv_id"], avant["carte_2024_connue"]
            if any(avant[k] != v for k, v in valeurs.items()):
                modifies.append(Logement(pk=avant["pk"], identifiant=ligne["identifiant"], **valeurs))
            else:
                rapport.nb_inchanges += 1
    Logement.objects.bulk_create(nouveaux, batch_size=1000)
    Logement.objects.bulk_update(modifies, list(CHAMPS), batch_size=1000)
    epcis = {ligne["epci_id"] for ligne in lignes}
    Bailleur.epcis.through.objects.bulk_create(
        [Bailleur.epcis.through(bailleur_id=bailleur.pk, epci_id=e) for e in epcis], ignore_conflicts=True
    )
    from ..services import rattacher_logements_aux_quartiers

    rattacher_logements_aux_quartiers(epci_ids=epcis)
    rapport.nb_crees, rapport.nb_modifies = len(nouveaux), len(modifies)
    return rapport
