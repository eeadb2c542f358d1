"""Write use cases of the attributions app. Keyword-only, atomic, ``acteur`` passed explicitly."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from cil.models import Bailleur, Commune, Epci, PerimetreEpci, Qpv, Reservataire

from . import f1, rules
from .models import DecisionCaleol, InstantaneObjectifs, Logement, LotImport

logger = logging.getLogger(__name__)


class ImportRejete(Exception):
    """The file was refused whole; ``erreurs`` names every bad line and column."""

    def __init__(self, resultat: f1.Resultat, nom_fichier: str = ""):
        self.resultat = resultat
        self.nom_fichier = nom_fichier
        super().__init__(f"{resultat.nb_erreurs} erreur(s) dans {nom_fichier or 'le fichier'}")

    @property
    def erreurs(self) -> list[f1.Erreur]:
        return self.resultat.erreurs

    @property
    def nb_erreurs(self) -> int:
        return self.resultat.nb_erreurs


@dataclass
class RapportImport:
    lot: LotImport
    nb_lignes: int
    nb_creees: int
    nb_modifiees: int
    nb_inchangees: int
    avertissements: list[f1.Erreur] = field(default_factory=list)
    annees: dict[int, set[int]] = field(default_factory=dict)  # epci id -> years touched
    nouveaux_bailleurs: int = 0
    nouveaux_reservataires: int = 0
    nouveaux_logements: int = 0


def charger_referentiel() -> f1.Referentiel:
    communes = {code: (pk, dep) for pk, code, dep in Commune.objects.values_list("pk", "code_insee", "departement")}
    epcis = dict(Epci.objects.values_list("siren", "pk"))
    qpv = {code: (pk, carte) for pk, code, carte in Qpv.objects.values_list("pk", "code", "carte")}
    perimetres = set(PerimetreEpci.objects.values_list("epci_id", "commune_id").distinct())
    perimetres.update(Commune.objects.filter(epci__isnull=False).values_list("epci_id", "pk"))
    return f1.Referentiel(communes=communes, epcis=epcis, qpv=qpv, perimetres=frozenset(perimetres))


NOMS_RESERVATAIRES = {
    "ETAT": "État (contingent préfectoral)",
    "ETAT_AGENTS": "État (agents de l'État)",
    "ACTION_LOGEMENT": "Action Logement Services",
}


def _nom_reservataire(type_: str, code: str, communes_noms: dict[str, str], bailleurs_noms: dict[str, str]) -> str:
    if type_ in NOMS_RESERVATAIRES:
        return NOMS_RESERVATAIRES[type_]
    if type_ == "COMMUNE":
        return f"Commune de {communes_noms[code]}" if code in communes_noms else f"Commune {code}"
    if type_ == "EPCI":
        return f"EPCI {code}"
    if type_ == "DEPARTEMENT":
        return f"Département {code}"
    if type_ == "BAILLEUR":
        return f"{bailleurs_noms.get(code, 'Bailleur ' + code)} (stock non réservé)"
    return f"Réservataire {code}"


def _outre_mer(departement: str) -> bool:
    return departement.startswith("97")


def _carte(jour: dt.date, departement: str) -> str:
    return rules.carte_qpv_en_vigueur(jour, outre_mer=_outre_mer(departement))


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _upsert_bailleurs(lignes: list[f1.Ligne]) -> tuple[dict[str, int], int]:
    sirens = {ligne.bailleur_siren for ligne in lignes}
    existing = dict(Bailleur.objects.filter(siren__in=sirens).values_list("siren", "pk"))
    nouveaux = [Bailleur(siren=s, nom=f"Bailleur {s}") for s in sorted(sirens - existing.keys())]
    if nouveaux:
        Bailleur.objects.bulk_create(nouveaux, ignore_conflicts=True)
        existing = dict(Bailleur.objects.filter(siren__in=sirens).values_list("siren", "pk"))
    liens = {(existing[ligne.bailleur_siren], ligne.epci_id) for ligne in lignes}
    Through = Bailleur.epcis.through
    Through.objects.bulk_create(
        [Through(bailleur_id=b, epci_id=e) for b, e in liens], ignore_conflicts=True, batch_size=2000
    )
    return existing, len(nouveaux)


def _upsert_reservataires(lignes: list[f1.Ligne], bailleurs: dict[str, int]) -> tuple[dict[tuple[str, str], int], int]:
    cles = {(ligne.reservataire_type, ligne.reservataire_code) for ligne in lignes}
    existing = {(t, c): pk for pk, t, c in Reservataire.objects.values_list("pk", "type", "code")}
    manquants = sorted(cles - existing.keys())
    if manquants:
        communes_noms = dict(
            Commune.objects.filter(code_insee__in=[c for t, c in manquants if t == "COMMUNE"]).values_list(
                "code_insee", "nom"
            )
        )
        bailleurs_noms = dict(
            Bailleur.objects.filter(siren__in=[c for t, c in manquants if t == "BAILLEUR"]).values_list("siren", "nom")
        )
        communes_ids = dict(Commune.objects.filter(code_insee__in=communes_noms).values_list("code_insee", "pk"))
        Reservataire.objects.bulk_create(
            [
                Reservataire(
                    type=t,
                    code=c,
                    nom=_nom_reservataire(t, c, communes_noms, bailleurs_noms),
                    bailleur_id=bailleurs.get(c) if t == "BAILLEUR" else None,
                    commune_id=communes_ids.get(c) if t == "COMMUNE" else None,
                )
                for t, c in manquants
            ],
            ignore_conflicts=True,
        )
        existing = {(t, c): pk for pk, t, c in Reservataire.objects.values_list("pk", "type", "code")}
    liens = {(existing[(ligne.reservataire_type, ligne.reservataire_code)], ligne.epci_id) for ligne in lignes}
    Through = Reservataire.epcis.through
    Through.objects.bulk_create(
        [Through(reservataire_id=r, epci_id=e) for r, e in liens], ignore_conflicts=True, batch_size=2000
    )
    return existing, len(manquants)


LOGEMENT_CHAMPS = (
    "bailleur_id",
    "commune_id",
    "epci_id",
    "typologie",
    "qpv_id",
    "qpv_2015_id",
    "carte_2024_connue",
    "carte_2015_connue",
)


def _upsert_logements(lignes: list[f1.Ligne], bailleurs: dict[str, int]) -> tuple[dict[str, dict], int]:
    """Create unknown dwellings and bring known ones up to date with the most recent decision.

    Returns, per dwelling identifier, its state (ids and what is known of it on each QPV map).
    """
    identifiants = list({ligne.logement_id for ligne in lignes})
    etats: dict[str, dict] = {}
    for chunk in _chunks(identifiants, 5000):
        for row in Logement.objects.filter(identifiant__in=chunk).values("pk", "identifiant", *LOGEMENT_CHAMPS):
            etats[row["identifiant"]] = row
    avant = {ident: dict(etat) for ident, etat in etats.items()}
    for ligne in sorted(lignes, key=lambda x: x.date_decision):
        etat = etats.setdefault(
            ligne.logement_id,
            {
                "pk": None,
                "identifiant": ligne.logement_id,
                "qpv_id": None,
                "qpv_2015_id": None,
                "carte_2024_connue": False,
                "carte_2015_connue": False,
            },
        )
        etat.update(
            bailleur_id=bailleurs[ligne.bailleur_siren],
            commune_id=ligne.commune_id,
            epci_id=ligne.epci_id,
            typologie=ligne.typologie,
        )
        carte = ligne.carte_qpv or _carte(ligne.date_decision, ligne.departement)
        if carte == "2015":
            etat["qpv_2015_id"] = ligne.qpv_id
            etat["carte_2015_connue"] = True
        else:
            etat["qpv_id"] = ligne.qpv_id
            etat["carte_2024_connue"] = True
    nouveaux = [
        Logement(identifiant=ident, **{k: etat[k] for k in LOGEMENT_CHAMPS})
        for ident, etat in etats.items()
        if etat["pk"] is None
    ]
    modifies = []
    for ident, etat in avant.items():
        nouvel_etat = etats[ident]
        if any(etat[k] != nouvel_etat[k] for k in LOGEMENT_CHAMPS):
            modifies.append(Logement(pk=etat["pk"], identifiant=ident, **{k: nouvel_etat[k] for k in LOGEMENT_CHAMPS}))
    if nouveaux:
        Logement.objects.bulk_create(nouveaux, batch_size=2000)
        for chunk in _chunks([n.identifiant for n in nouveaux], 5000):
            for pk, ident in Logement.objects.filter(identifiant__in=chunk).values_list("pk", "identifiant"):
                etats[ident]["pk"] = pk
    if modifies:
        Logement.objects.bulk_update(modifies, list(LOGEMENT_CHAMPS), batch_size=2000)
    return etats, len(nouveaux)


def _en_qpv_au_bail(ligne: f1.Ligne, etat_logement: dict) -> bool | None:
    if ligne.date_bail is None:
        return None
    carte_decision = ligne.carte_qpv or _carte(ligne.date_decision, ligne.departement)
    carte_bail = _carte(ligne.date_bail, ligne.departement)
    if carte_bail == carte_decision:
        return ligne.qpv_id is not None
    if carte_bail == "2015" and etat_logement["carte_2015_connue"]:
        return etat_logement["qpv_2015_id"] is not None
    if carte_bail == "2024" and etat_logement["carte_2024_connue"]:
        return etat_logement["qpv_id"] is not None
    return ligne.qpv_id is not None


DECISION_CHAMPS = (
    "date_depot",
    "type_decision",
    "rang",
    "date_bail",
    "bailleur_id",
    "commune_id",
    "epci_id",
    "qpv_id",
    "en_qpv_au_bail",
    "typologie",
    "reservataire_id",
    "ressources_mensuelles",
    "ressources_annuelles_e4",
    "nb_personnes_14_plus",
    "nb_enfants_moins_14",
    "uc_dixiemes",
    "dalo",
    "prioritaire",
    "relogement",
    "mutation",
)


def _valeurs_decision(ligne, logements, bailleurs, reservataires) -> dict:
    etat = logements[ligne.logement_id]
    return {
        "date_depot": ligne.date_depot,
        "type_decision": ligne.type_decision,
        "rang": ligne.rang,
        "date_bail": ligne.date_bail,
        "bailleur_id": bailleurs[ligne.bailleur_siren],
        "commune_id": ligne.commune_id,
        "epci_id": ligne.epci_id,
        "qpv_id": ligne.qpv_id,
        "en_qpv_au_bail": _en_qpv_au_bail(ligne, etat),
        "typologie": ligne.typologie,
        "reservataire_id": reservataires[(ligne.reservataire_type, ligne.reservataire_code)],
        "ressources_mensuelles": ligne.ressources_mensuelles,
        "ressources_annuelles_e4": ligne.ressources_annuelles_e4,
        "nb_personnes_14_plus": ligne.nb_personnes_14_plus,
        "nb_enfants_moins_14": ligne.nb_enfants_moins_14,
        "uc_dixiemes": ligne.uc_dixiemes,
        "dalo": ligne.dalo,
        "prioritaire": ligne.prioritaire,
        "relogement": ligne.relogement,
        "mutation": ligne.mutation,
    }


def _copy_decisions(rows: list[dict], lot_id: int) -> None:
    """PostgreSQL's COPY for new decisions: an order of magnitude faster than INSERTs."""
    now = timezone.now()
    colonnes = [
        "numero_unique",
        "logement_id",
        "date_decision",
        *DECISION_CHAMPS,
        "source",
        "lot_id",
        "cree_le",
        "modifie_le",
    ]
    table = DecisionCaleol._meta.db_table
    sql = f"COPY {table} ({', '.join(colonnes)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(
                [row["numero_unique"], row["logement_id"], row["date_decision"]]
                + [row[c] for c in DECISION_CHAMPS]
                + [DecisionCaleol.Source.IMPORT, lot_id, now, now]
            )


def _upsert_decisions(lignes, logements, bailleurs, reservataires, lot) -> tuple[int, int, int]:
    existantes: dict[tuple[str, int, dt.date], dict] = {}
    numeros = list({ligne.numero_unique for ligne in lignes})
    for chunk in _chunks(numeros, 5000):
        for row in DecisionCaleol.objects.filter(numero_unique__in=chunk).values(
            "pk", "numero_unique", "logement_id", "date_decision", *DECISION_CHAMPS
        ):
            existantes[(row["numero_unique"], row["logement_id"], row["date_decision"])] = row
    nouvelles: list[dict] = []
    modifiees: list[DecisionCaleol] = []
    inchangees = 0
    for ligne in lignes:
        logement_pk = logements[ligne.logement_id]["pk"]
        valeurs = _valeurs_decision(ligne, logements, bailleurs, reservataires)
        existante = existantes.get((ligne.numero_unique, logement_pk, ligne.date_decision))
        if existante is None:
            nouvelles.append(
                {
                    "numero_unique": ligne.numero_unique,
                    "logement_id": logement_pk,
                    "date_decision": ligne.date_decision,
                    **valeurs,
                }
            )
        elif any(existante[k] != v for k, v in valeurs.items()):
            modifiees.append(DecisionCaleol(pk=existante["pk"], lot=lot, **valeurs))
        else:
            inchangees += 1
    if nouvelles:
        if connection.vendor == "postgresql":
            _copy_decisions(nouvelles, lot.pk)
        else:
            DecisionCaleol.objects.bulk_create(
                [DecisionCaleol(source=DecisionCaleol.Source.IMPORT, lot=lot, **row) for row in nouvelles],
                batch_size=1000,
            )
    if modifiees:
        now = timezone.now()
        for decision in modifiees:
            decision.modifie_le = now
        DecisionCaleol.objects.bulk_update(modifiees, [*DECISION_CHAMPS, "lot", "modifie_le"], batch_size=1000)
    return len(nouvelles), len(modifiees), inchangees


def import_attributions(*, contenu: bytes, nom_fichier: str, acteur=None, recalculer: bool = True) -> RapportImport:
    """Import an F1 file whole or not at all (FORMATS.md F1). Raises ``ImportRejete`` with every error.

    Idempotent: a decision is identified by (numero_unique, logement_id, date_decision); importing
    the same file again creates and changes nothing.
    """
    debut = time.monotonic()
    resultat = f1.lire(contenu, charger_referentiel())
    if not resultat.valide:
        raise ImportRejete(resultat, nom_fichier)
    with transaction.atomic():
        lot = LotImport.objects.create(
            nom_fichier=nom_fichier[:255],
            empreinte=hashlib.sha256(contenu).hexdigest(),
            importe_par=acteur if getattr(acteur, "pk", None) else None,
            statut=LotImport.Statut.IMPORTE,
            nb_lignes=resultat.nb_lignes,
            avertissements=[a.as_dict() for a in resultat.avertissements[: f1.MAX_ERREURS]],
        )
        bailleurs, nb_bailleurs = _upsert_bailleurs(resultat.lignes)
        reservataires, nb_reservataires = _upsert_reservataires(resultat.lignes, bailleurs)
        logements, nb_logements = _upsert_logements(resultat.lignes, bailleurs)
        creees, modifiees, inchangees = _upsert_decisions(resultat.lignes, logements, bailleurs, reservataires, lot)
        lot.nb_creees, lot.nb_modifiees, lot.nb_inchangees = creees, modifiees, inchangees
        lot.duree_ms = int((time.monotonic() - debut) * 1000)
        lot.save(update_fields=["nb_creees", "nb_modifiees", "nb_inchangees", "duree_ms"])
        annees: dict[int, set[int]] = {}
        for ligne in resultat.lignes:
            years = annees.setdefault(ligne.epci_id, set())
            years.add(ligne.date_decision.year)
            if ligne.date_bail:
                years.add(ligne.date_bail.year)
        if recalculer and (creees or modifiees):
            from .tasks import compute_snapshot

            for epci_id, years in annees.items():
                for annee in sorted(years):
                    transaction.on_commit(lambda e=epci_id, a=annee: compute_snapshot.delay(e, a, declencheur="IMPORT"))
    logger.info("Import %s : %s créées, %s modifiées, %s inchangées", nom_fichier, creees, modifiees, inchangees)
    return RapportImport(
        lot=lot,
        nb_lignes=resultat.nb_lignes,
        nb_creees=creees,
        nb_modifiees=modifiees,
        nb_inchangees=inchangees,
        avertissements=resultat.avertissements,
        annees=annees,
        nouveaux_bailleurs=nb_bailleurs,
        nouveaux_reservataires=nb_reservataires,
        nouveaux_logements=nb_logements,
    )


def enregistrer_instantane(*, epci: Epci, annee: int, declencheur: str, acteur=None, jour=None) -> InstantaneObjectifs:
    """Compute and store the day's snapshot of one EPCI-year. Idempotent: a retry the same day replaces it."""
    from .selectors import calcule_objectifs_epci

    debut = time.monotonic()
    resultat = calcule_objectifs_epci(epci, annee)
    duree = int((time.monotonic() - debut) * 1000)
    maintenant = timezone.now()
    jour = jour or timezone.localdate(maintenant)
    instantane, _ = InstantaneObjectifs.objects.update_or_create(
        epci=epci,
        annee=annee,
        jour=jour,
        defaults={
            "calcule_le": maintenant,
            "declencheur": declencheur,
            "demande_par": acteur if getattr(acteur, "pk", None) else None,
            "provisoire": resultat["provisoire"],
            "resultat": resultat,
            "duree_ms": duree,
        },
    )
    return instantane
