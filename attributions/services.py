"""Write use cases of the attributions app. Keyword-only, atomic, ``acteur`` passed explicitly."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from cil.models import Bailleur, Commune, Epci, PerimetreEpci, Qpv, Reservataire
from core import transitions
from core.erreurs import ErreurMetier

from . import f1, rules
from .models import DecisionCaleol, InstantaneObjectifs, Logement, LotImport

logger = logging.getLogger(__name__)


class ImportRejete(ErreurMetier):
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
    chemin: str = "python"  # "sql": validated and written by the PostgreSQL fast path (f1_pg)


def perimetre_import(*, acteur=None, epcis: Iterable[int] | None = None) -> frozenset[int] | None:
    """The territories an import may write into: the acting user's (attributions.permissions.epcis_importables),
    narrowed to ``epcis`` when given; None (every territory) only for a call without a user nor ``epcis``, which
    is the platform's own code (demo, benchmarks) or an operator who asked for it explicitly."""
    from .permissions import epcis_importables

    permis = epcis_importables(acteur) if getattr(acteur, "pk", None) else None
    if epcis is not None:
        permis = frozenset(epcis) if permis is None else permis & frozenset(epcis)
    return permis


def charger_referentiel(permis: frozenset[int] | None = None) -> f1.Referentiel:
    communes = {code: (pk, dep) for pk, code, dep in Commune.objects.values_list("pk", "code_insee", "departement")}
    epcis = dict(Epci.objects.values_list("siren", "pk"))
    qpv = {code: (pk, carte) for pk, code, carte in Qpv.objects.values_list("pk", "code", "carte")}
    perimetres = set(PerimetreEpci.objects.values_list("epci_id", "commune_id").distinct())
    perimetres.update(Commune.objects.filter(epci__isnull=False).values_list("epci_id", "pk"))
    noms = dict(Epci.objects.values_list("pk", "nom")) if permis is not None else {}
    return f1.Referentiel(
        communes=communes, epcis=epcis, qpv=qpv, perimetres=frozenset(perimetres), permis=permis, noms_epci=noms
    )


def _existants_hors_perimetre(resultat: f1.Resultat, permis: frozenset[int]) -> None:
    """Add an error for every valid line that would rewrite a dwelling or a decision of a territory outside
    ``permis`` (matched by its key: the dwelling's identifier; numero_unique, dwelling and decision date)."""
    lignes = resultat.lignes
    logements: dict[str, tuple[int, str, str]] = {}
    for chunk in _chunks(list({ligne.logement_id for ligne in lignes}), 5000):
        for ident, epci_id, siren, nom in Logement.objects.filter(identifiant__in=chunk).values_list(
            "identifiant", "epci_id", "epci__siren", "epci__nom"
        ):
            logements[ident] = (epci_id, siren, nom)
    decisions: dict[tuple[str, str, dt.date], tuple[int, str, str]] = {}
    for chunk in _chunks(list({ligne.numero_unique for ligne in lignes}), 5000):
        etrangeres = DecisionCaleol.objects.filter(numero_unique__in=chunk).exclude(epci_id__in=permis)
        for numero, ident, jour, epci_id, siren, nom in etrangeres.values_list(
            "numero_unique", "logement__identifiant", "date_decision", "epci_id", "epci__siren", "epci__nom"
        ):
            decisions[(numero, ident, jour)] = (epci_id, siren, nom)
    for ligne in lignes:
        logement = logements.get(ligne.logement_id)
        decision = decisions.get(ligne.cle)
        if logement is not None and logement[0] not in permis:
            resultat.erreur(
                ligne.numero_ligne,
                "logement_id",
                f"le logement {ligne.logement_id} appartient au territoire {logement[1]} ({logement[2]}), "
                "qui n'est pas le vôtre : il ne peut pas être modifié.",
            )
        elif decision is not None:
            resultat.erreur(
                ligne.numero_ligne,
                "",
                f"la décision existante ({ligne.numero_unique}, logement {ligne.logement_id}, "
                f"{ligne.date_decision:%d/%m/%Y}) appartient au territoire {decision[1]} ({decision[2]}), "
                "qui n'est pas le vôtre : elle ne peut pas être modifiée.",
            )
    resultat.erreurs.sort(key=lambda erreur: erreur.ligne)


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


def _carte_de_la_ligne(ligne: f1.Ligne) -> str:
    """rules.carte_de_la_decision for an F1 row (the map its QPV code names, else the one in force)."""
    return rules.carte_de_la_decision(
        ligne.date_decision, outre_mer=rules.est_outre_mer(ligne.departement), carte_du_qpv=ligne.carte_qpv
    )


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


def creer_reservataires(
    cles: set[tuple[str, str]], liens: set[tuple[str, str, int]]
) -> tuple[dict[tuple[str, str], int], int]:
    """Create the reservation holders named by (type, code) that do not exist yet, link them to the EPCI of
    ``liens`` (type, code, epci id); returns every holder's id by (type, code) and how many were created."""
    existing = {(t, c): pk for pk, t, c in Reservataire.objects.values_list("pk", "type", "code")}
    manquants = sorted(cles - existing.keys())
    if manquants:
        communes_noms = dict(
            Commune.objects.filter(code_insee__in=[c for t, c in manquants if t == "COMMUNE"]).values_list(
                "code_insee", "nom"
            )
        )
        bailleurs = dict(
            Bailleur.objects.filter(siren__in=[c for t, c in manquants if t == "BAILLEUR"]).values_list("siren", "pk")
        )
        bailleurs_noms = dict(Bailleur.objects.filter(pk__in=bailleurs.values()).values_list("siren", "nom"))
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
    Through = Reservataire.epcis.through
    Through.objects.bulk_create(
        [Through(reservataire_id=existing[(t, c)], epci_id=e) for t, c, e in liens],
        ignore_conflicts=True,
        batch_size=2000,
    )
    return existing, len(manquants)


def _upsert_reservataires(lignes: list[f1.Ligne], bailleurs: dict[str, int]) -> tuple[dict[tuple[str, str], int], int]:
    return creer_reservataires(
        {(ligne.reservataire_type, ligne.reservataire_code) for ligne in lignes},
        {(ligne.reservataire_type, ligne.reservataire_code, ligne.epci_id) for ligne in lignes},
    )


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
    for chunk in _chunks(identifiants, 500):
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
        carte = _carte_de_la_ligne(ligne)
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
    """rules.qpv_au_bail: the row's QPV on its map, the dwelling's (as imported) on the others."""
    if ligne.date_bail is None:
        return None
    qpv = rules.qpv_au_bail(
        ligne.date_bail,
        rules.situations_qpv(
            qpv_2024=etat_logement["qpv_id"],
            qpv_2015=etat_logement["qpv_2015_id"],
            carte_2024_connue=etat_logement["carte_2024_connue"],
            carte_2015_connue=etat_logement["carte_2015_connue"],
        ),
        carte_decision=_carte_de_la_ligne(ligne),
        qpv_decision=ligne.qpv_id,
        outre_mer=rules.est_outre_mer(ligne.departement),
    )
    return qpv is not None


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
    "sortant_hebergement",
    "sans_abri",
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
        "sortant_hebergement": ligne.sortant_hebergement,
        "sans_abri": ligne.sans_abri,
    }


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


def _nouveau_lot(contenu: bytes, nom_fichier: str, acteur) -> LotImport:
    return LotImport.objects.create(
        nom_fichier=nom_fichier[:255],
        empreinte=hashlib.sha256(contenu).hexdigest(),
        importe_par=acteur if getattr(acteur, "pk", None) else None,
        statut=LotImport.Statut.IMPORTE,
    )


@transaction.atomic
def rattacher_logements_aux_quartiers(*, epci_ids: Iterable[int] | None = None) -> int:
    """Give each dwelling in a QPV that has no neighbourhood the territory's neighbourhood of that QPV (the
    2024-map QPV; cil.Quartier of type QPV). A neighbourhood chosen by hand is never replaced. One UPDATE per
    neighbourhood of a QPV; returns the number of dwellings attached."""
    from cil.models import Quartier

    quartiers = Quartier.objects.filter(qpv__isnull=False).order_by("pk")
    if epci_ids is not None:
        quartiers = quartiers.filter(epci__in=list(epci_ids))
    total = 0
    vus: set[tuple[int, int]] = set()
    for quartier_id, epci_id, qpv_id in quartiers.values_list("pk", "epci_id", "qpv_id"):
        if (epci_id, qpv_id) in vus:  # two neighbourhoods for one QPV: the first one created
            continue
        vus.add((epci_id, qpv_id))
        total += Logement.objects.filter(epci_id=epci_id, qpv_id=qpv_id, quartier__isnull=True).update(
            quartier_id=quartier_id
        )
    return total


def _apres_ecriture(lot, *, epci_ids, annees, creees, modifiees, recalculer) -> None:
    """Inside the import's transaction: let other apps correct the decisions, then recompute on commit."""
    from .signals import decisions_importees

    rattacher_logements_aux_quartiers(epci_ids=epci_ids)
    decisions_importees.send(sender=DecisionCaleol, epci_ids=set(epci_ids), lot=lot)
    if creees or modifiees:
        cles = {(epci_id, annee) for epci_id, years in annees.items() for annee in years}
        if modifiees:
            # a changed decision may leave a year (its former lease date's): every year of these territories
            # that has a snapshot or a marker is marked too
            from .models import VersionDecisions

            for modele in (InstantaneObjectifs, VersionDecisions):
                cles |= set(modele.objects.filter(epci_id__in=list(epci_ids)).values_list("epci_id", "annee"))
        marquer_decisions_modifiees(cles)
    if recalculer and (creees or modifiees):
        from .tasks import recalculer_instantane

        for epci_id, years in annees.items():
            for annee in sorted(years):
                transaction.on_commit(
                    lambda e=epci_id, a=annee: recalculer_instantane.delay(e, a, declencheur="IMPORT")
                )


def _import_rapide(
    *, contenu: bytes, nom_fichier: str, acteur, recalculer: bool, permis: frozenset[int] | None
) -> RapportImport | None:
    """PostgreSQL: validation and writes in SQL (f1_pg); None when the file must go through the Python path."""
    from . import f1_pg

    debut = time.monotonic()
    with transaction.atomic():
        lot = _nouveau_lot(contenu, nom_fichier, acteur)
        ecriture = f1_pg.ecrire(contenu, lot_id=lot.pk, permis=permis)
        if ecriture is None:
            transaction.set_rollback(True)
            return None
        lot.nb_lignes = ecriture.nb_lignes
        lot.nb_creees, lot.nb_modifiees, lot.nb_inchangees = ecriture.creees, ecriture.modifiees, ecriture.inchangees
        lot.avertissements = [a.as_dict() for a in ecriture.avertissements[: f1.MAX_ERREURS]]
        lot.duree_ms = int((time.monotonic() - debut) * 1000)
        lot.save()
        _apres_ecriture(
            lot,
            epci_ids=ecriture.annees.keys(),
            annees=ecriture.annees,
            creees=ecriture.creees,
            modifiees=ecriture.modifiees,
            recalculer=recalculer,
        )
    logger.info(
        "Import %s : %s créées, %s modifiées, %s inchangées", nom_fichier, ecriture.creees, ecriture.modifiees,
        ecriture.inchangees,
    )  # fmt: skip
    return RapportImport(
        lot=lot,
        nb_lignes=ecriture.nb_lignes,
        nb_creees=ecriture.creees,
        nb_modifiees=ecriture.modifiees,
        nb_inchangees=ecriture.inchangees,
        avertissements=ecriture.avertissements,
        annees=ecriture.annees,
        nouveaux_bailleurs=ecriture.nouveaux_bailleurs,
        nouveaux_reservataires=ecriture.nouveaux_reservataires,
        nouveaux_logements=ecriture.nouveaux_logements,
        chemin="sql",
    )


def import_attributions(
    *,
    contenu: bytes,
    nom_fichier: str,
    acteur=None,
    epcis: Iterable[int] | None = None,
    recalculer: bool = True,
    rapide: bool = True,
) -> RapportImport:
    """Import an F1 file whole or not at all (docs/formats.md, F1). Raises ``ImportRejete`` with every error.

    Only rows of the territories of ``perimetre_import(acteur=..., epcis=...)`` are accepted: a row of another
    territory, or a row that would rewrite a dwelling or a decision recorded on another territory, refuses the
    whole file before anything is written, with the line named.

    Idempotent: a decision is identified by (numero_unique, logement_id, date_decision); importing
    the same file again creates and changes nothing. On PostgreSQL a valid file goes through the SQL
    fast path (``rapide``); any file it cannot prove valid goes through the Python path, which names
    every bad line and column.
    """
    debut = time.monotonic()
    permis = perimetre_import(acteur=acteur, epcis=epcis)
    if rapide and connection.vendor == "postgresql":
        rapport = _import_rapide(
            contenu=contenu, nom_fichier=nom_fichier, acteur=acteur, recalculer=recalculer, permis=permis
        )
        if rapport is not None:
            return rapport
    resultat = f1.lire(contenu, charger_referentiel(permis))
    with transaction.atomic():
        if permis is not None and resultat.lignes:
            _existants_hors_perimetre(resultat, permis)
        if not resultat.valide:
            raise ImportRejete(resultat, nom_fichier)
        lot = _nouveau_lot(contenu, nom_fichier, acteur)
        bailleurs, nb_bailleurs = _upsert_bailleurs(resultat.lignes)
        reservataires, nb_reservataires = _upsert_reservataires(resultat.lignes, bailleurs)
        logements, nb_logements = _upsert_logements(resultat.lignes, bailleurs)
        creees, modifiees, inchangees = _upsert_decisions(resultat.lignes, logements, bailleurs, reservataires, lot)
        lot.nb_lignes = resultat.nb_lignes
        lot.nb_creees, lot.nb_modifiees, lot.nb_inchangees = creees, modifiees, inchangees
        lot.avertissements = [a.as_dict() for a in resultat.avertissements[: f1.MAX_ERREURS]]
        lot.duree_ms = int((time.monotonic() - debut) * 1000)
        lot.save()
        annees: dict[int, set[int]] = {}
        for ligne in resultat.lignes:
            years = annees.setdefault(ligne.epci_id, set())
            years.add(ligne.date_decision.year)
            if ligne.date_bail:
                years.add(ligne.date_bail.year)
        _apres_ecriture(
            lot, epci_ids=annees.keys(), annees=annees, creees=creees, modifiees=modifiees, recalculer=recalculer
        )
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


# --- Objectives snapshots and their freshness (docs/ARCHITECTURE.md, "The objectives engine and its snapshots") ---


def annees_de_decision(epci_id, date_decision, date_bail) -> set[tuple[int, int]]:
    """The EPCI-years whose figures count a decision: its decision date's year and its lease date's year."""
    cles = set()
    for jour in (date_decision, date_bail):
        if epci_id is not None and jour is not None:
            cles.add((epci_id, dt.date.fromisoformat(jour).year if isinstance(jour, str) else jour.year))
    return cles


def avant_ecriture_decision(sender, instance, raw=False, **kwargs) -> None:
    """pre_save of DecisionCaleol: the years the decision counted in before the change (it may leave them)."""
    if instance.pk and not raw:
        avant = DecisionCaleol.objects.filter(pk=instance.pk).values_list("epci_id", "date_decision", "date_bail")
        instance._annees_avant = annees_de_decision(*avant[0]) if avant else set()


def apres_ecriture_decision(sender, instance, raw=False, **kwargs) -> None:
    """post_save and post_delete of DecisionCaleol: whoever saves or deletes one decision (the services of this
    app, the admin) marks its years. Bulk writes (the F1 import) mark theirs in ``_apres_ecriture``."""
    if raw:
        return
    cles = getattr(instance, "_annees_avant", set())
    instance._annees_avant = set()
    marquer_decisions_modifiees(cles | annees_de_decision(instance.epci_id, instance.date_decision, instance.date_bail))


def marquer_decisions_modifiees(cles: Iterable[tuple[int, int]]) -> None:
    """Raise the freshness marker of each (epci_id, year), in the caller's transaction: every snapshot of these years
    becomes stale once the write commits. The marker's row stays locked until then, so a snapshot counted meanwhile
    read the previous version and is never taken for fresh. Keys in order, so two writers lock in the same order."""
    from django.db.models import F

    from .models import VersionDecisions

    for epci_id, annee in sorted(set(cles)):
        if VersionDecisions.objects.filter(epci_id=epci_id, annee=annee).update(version=F("version") + 1):
            continue
        try:
            with transaction.atomic():
                VersionDecisions.objects.create(epci_id=epci_id, annee=annee, version=1)
        except IntegrityError:  # created meanwhile by another writer: raise it
            VersionDecisions.objects.filter(epci_id=epci_id, annee=annee).update(version=F("version") + 1)


def version_decisions(epci_id: int, annee: int) -> int:
    from .models import VersionDecisions

    return VersionDecisions.objects.filter(epci_id=epci_id, annee=annee).values_list("version", flat=True).first() or 0


def _verrou_instantane(epci_id: int, annee: int) -> None:
    """Serialise the snapshot writers of one EPCI-year until the end of the transaction (PostgreSQL advisory lock;
    SQLite serialises its writers anyway): concurrent readers of a stale page count once, the others then read it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [19_2026, epci_id * 10_000 + annee])


def _instantane_frais(epci_id: int, annee: int, seuil_e4: int):
    from .models import InstantaneObjectifs

    return (
        InstantaneObjectifs.objects.filter(
            epci_id=epci_id,
            annee=annee,
            comptes__isnull=False,
            seuil_e4=seuil_e4,
            version_decisions=version_decisions(epci_id, annee),
        )
        .defer("resultat")
        .order_by("-calcule_le", "-pk")
        .first()
    )


@transaction.atomic
def enregistrer_instantane(
    *, epci: Epci, annee: int, declencheur: str, acteur=None, jour=None, simulation: bool = True
) -> InstantaneObjectifs:
    """Compute and store the day's snapshot of one EPCI-year: the engine's result (F2 and details), the cube it
    was derived from, and the freshness marker it counted. Idempotent: a retry the same day replaces it.

    ``simulation``: also simulate next year's threshold from the demands (nightly, on request); a snapshot taken
    because a page found the figures stale skips it and keeps the day's last simulation."""
    from .selectors import compte_cube, objectifs_du_cube, seuil_e4, seuil_pour, simule_seuil

    _verrou_instantane(epci.pk, annee)
    debut = time.monotonic()
    version = version_decisions(epci.pk, annee)  # read BEFORE counting: a write committed later makes it stale
    seuil = seuil_pour(epci, annee)
    cube = compte_cube(epci, annee, seuil.seuil_q1)
    resultat = objectifs_du_cube(epci, annee, seuil, cube)
    duree = int((time.monotonic() - debut) * 1000)
    maintenant = timezone.now()
    jour = jour or timezone.localdate(maintenant)
    if simulation:
        sim = simule_seuil(epci, annee, jour=jour)
        if sim.nb_demandes:
            resultat["simulation_seuil"] = {
                "annee_cible": sim.annee_cible,
                "date_reference": sim.date_reference.isoformat(),
                "nb_demandes": sim.nb_demandes,
                "seuil_simule": float(sim.seuil_simule),
                "seuil_en_vigueur": float(sim.seuil_en_vigueur) if sim.seuil_en_vigueur else None,
                "calculee_le": maintenant.isoformat(),
            }
    else:
        precedent = (
            InstantaneObjectifs.objects.filter(epci=epci, annee=annee, resultat__has_key="simulation_seuil")
            .order_by("-calcule_le", "-pk")
            .values_list("resultat__simulation_seuil", "calcule_le")
            .first()
        )
        if precedent is not None:
            resultat["simulation_seuil"] = {"calculee_le": precedent[1].isoformat(), **precedent[0]}
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
            "comptes": cube.lignes,
            "version_decisions": version,
            "seuil_e4": seuil_e4(seuil.seuil_q1),
        },
    )
    return instantane


def cube_a_jour(epci: Epci, annee: int):
    """The cube of one EPCI-year for a page: the stored one when its snapshot is fresh (same marker, same threshold),
    else counted now and stored as a new snapshot, so that the next reader is served from the store.

    Returns (seuil, cube, calcule_le). Raises selectors.ObjectifsIndisponibles without a threshold."""
    from .selectors import Cube, seuil_e4, seuil_pour

    seuil = seuil_pour(epci, annee)
    e4 = seuil_e4(seuil.seuil_q1)
    instantane = _instantane_frais(epci.pk, annee, e4)
    if instantane is None:
        with transaction.atomic():
            _verrou_instantane(epci.pk, annee)
            instantane = _instantane_frais(epci.pk, annee, e4)  # a concurrent reader may have just stored it
            if instantane is None:
                instantane = enregistrer_instantane(
                    epci=epci, annee=annee, declencheur=InstantaneObjectifs.Declencheur.LECTURE, simulation=False
                )
    return seuil, Cube(instantane.comptes), instantane.calcule_le


def objectifs_du_territoire(epci: Epci, annee: int, *, details: bool = True) -> tuple[dict, dt.datetime]:
    """The whole territory's objectives from the year's fresh snapshot (``cube_a_jour``), for the pages and
    documents that show the territory's figures to readers allowed to see them (the observatory's map, the
    policy's follow-up). Returns (the engine's result, when its figures were counted)."""
    from .selectors import objectifs_du_cube

    seuil, cube, calcule_le = cube_a_jour(epci, annee)
    return objectifs_du_cube(epci, annee, seuil, cube, details=details), calcule_le


def _cube_servi(user, epci: Epci, annee: int):
    """The year's fresh cube (``cube_a_jour``) as ``user`` may read it: the whole territory or, on a partial view,
    only the rows of the user's landlords and holders (as ``permissions.decisions_for_user`` scopes the
    decisions). Returns (seuil, cube, organisations: None for the whole territory, calcule_le)."""
    from cil.permissions import scope_for

    from .permissions import can_view_whole_territory

    seuil, cube, calcule_le = cube_a_jour(epci, annee)
    organisations = None
    if not can_view_whole_territory(user, epci):
        scope = scope_for(user)
        cube = cube.restreint(bailleurs=scope.bailleurs, reservataires=scope.reservataires)
        organisations = {"bailleur": set(scope.bailleurs), "reservataire": set(scope.reservataires)}
    return seuil, cube, organisations, calcule_le


def objectifs_servis(user, epci: Epci, annee: int, *, details: bool = True) -> tuple[dict, dt.datetime]:
    """The objectives a page or the API shows to ``user``: from the year's fresh snapshot, restricted by
    ``_cube_servi``: the other organisations' rows never leave here.
    Returns (the engine's result, when its figures were counted)."""
    from .selectors import objectifs_du_cube

    seuil, cube, organisations, calcule_le = _cube_servi(user, epci, annee)
    resultat = objectifs_du_cube(epci, annee, seuil, cube, details=details, organisations=organisations)
    return resultat, calcule_le


def figures_servies(user, epci: Epci, annee: int) -> dict:
    """A year's four figures against the legal targets, as ``user`` may read them (``_cube_servi``), for the
    comparison of years: ``selectors.figures_de_l_annee``. Raises ObjectifsIndisponibles without a threshold."""
    from .selectors import figures_de_l_annee

    seuil, cube, _organisations, _calcule_le = _cube_servi(user, epci, annee)
    return figures_de_l_annee(annee, seuil, cube)


# --- Vacancies, candidates, commission sessions, leases ------------------------------------------------
# Each step is logged on the vacancy (TransitionVacance) and, for the candidates, on the demand's shared
# event log (demandes.services.record_event). A decision recorded here is a DecisionCaleol row built by
# flux.valeurs_decision: the objectives engine counts it exactly as an imported one.


class ActionRefusee(ErreurMetier):
    """A step of the allocation process that the rules forbid (message in French, shown to the user)."""


def _aujourd_hui() -> dt.date:
    return timezone.localdate()


def _transition_vacance(vacance, action, *, acteur, motif: str = "") -> None:
    """Move the vacancy along its life cycle and log it. The row is locked until the end of the transaction,
    so two agents acting at once cannot both move it: the second one sees the status has changed."""
    from .models import TransitionVacance, Vacance

    en_base = Vacance.objects.select_for_update().filter(pk=vacance.pk).values_list("statut", flat=True).get()
    if en_base != vacance.statut:
        raise ActionRefusee("Le logement a changé de statut entre-temps : rechargez la page.")
    try:
        transitions.appliquer(
            vacance, action, regle=rules.CYCLE_VACANCE, journal=TransitionVacance, acteur=acteur, motif=motif
        )
    except rules.RegleError as exc:
        raise ActionRefusee(str(exc)) from None


def _verrouiller_vacance(vacance) -> None:
    """Lock the vacancy row until the end of the transaction, refusing if its status moved since the page was
    read: every step that adds candidates or ranks to a vacancy takes this lock first, so two agents acting at
    the same moment are served one after the other (the second one sees what the first wrote)."""
    from .models import Vacance

    en_base = Vacance.objects.select_for_update().filter(pk=vacance.pk).values_list("statut", flat=True).get()
    if en_base != vacance.statut:
        raise ActionRefusee("Le logement a changé de statut entre-temps : rechargez la page.")


def _verrouiller_candidature(candidature):
    """Lock the candidate's vacancy, then read the candidate and its vacancy again: a form posted twice (double
    click, two tabs) is compared with what the first post already wrote, never with the page's stale copy."""
    from .models import Vacance

    vacance = Vacance.objects.select_for_update(of=("self",)).select_related("logement").get(pk=candidature.vacance_id)
    candidature.refresh_from_db()
    candidature.vacance = vacance
    return vacance


def _ecrire_ou_refuser(ecrire, message: str):
    """Run ``ecrire`` in a savepoint; a uniqueness constraint broken by a concurrent writer becomes ``message``."""
    try:
        with transaction.atomic():
            return ecrire()
    except IntegrityError:
        raise ActionRefusee(message) from None


def _recalculer_apres_commit(epci_id: int, *annees: int) -> None:
    from .tasks import recalculer_instantane

    for annee in sorted(set(annees)):
        transaction.on_commit(lambda a=annee: recalculer_instantane.delay(epci_id, a, declencheur="DEMANDE"))


def planifier_instantanes(*, epci_id: int, annees: Iterable[int], acteur=None, declencheur: str = "DEMANDE") -> None:
    """Recompute the objectives snapshot of each year once the current transaction commits (Celery).

    For the other apps, which never import this app's tasks; ``acteur`` is recorded as who asked.
    """
    from .tasks import recalculer_instantane

    acteur_id = getattr(acteur, "pk", None)
    for annee in sorted(set(annees)):
        transaction.on_commit(
            lambda a=annee: recalculer_instantane.delay(epci_id, a, declencheur=declencheur, acteur_id=acteur_id)
        )


def reservataire_du_bailleur(bailleur: Bailleur) -> Reservataire:
    """The landlord's non-reserved stock as a holder (type BAILLEUR, code = SIREN), as the F1 import names it."""
    reservataire, _ = Reservataire.objects.get_or_create(
        type=Reservataire.Type.BAILLEUR,
        code=bailleur.siren,
        defaults={"nom": f"{bailleur.nom} (stock non réservé)", "bailleur": bailleur},
    )
    return reservataire


CHAMPS_ACCESSIBILITE = (
    "niveau_accessibilite",
    "etage",
    "ascenseur",
    "salle_de_bain_adaptee",
    "wc_adapte",
    "largeur_portes_cm",
    "stationnement_adapte",
)


@transaction.atomic
def decrire_accessibilite(*, logement: Logement, donnees: dict, acteur) -> list[str]:
    """The landlord describes the dwelling's accessibility (docs/logements_adaptes.md); returns the fields
    changed. The change is noted in the log of the dwelling's open vacancy, if any (who, when, what)."""
    from .models import TransitionVacance, Vacance

    inconnus = set(donnees) - set(CHAMPS_ACCESSIBILITE)
    if inconnus:
        raise ActionRefusee(f"Champ non modifiable : {', '.join(sorted(inconnus))}.")
    logement = Logement.objects.select_for_update().get(pk=logement.pk)
    modifies = []
    for champ, valeur in donnees.items():
        if getattr(logement, champ) != valeur:
            setattr(logement, champ, valeur)
            modifies.append(str(Logement._meta.get_field(champ).verbose_name))
    if not modifies:
        return []
    try:
        logement.full_clean(exclude=["identifiant", "bailleur", "commune", "epci", "qpv", "qpv_2015"])
    except ValidationError as exc:
        raise ActionRefusee(" ".join(f"{k} : {' '.join(v)}" for k, v in exc.message_dict.items())) from None
    logement.save(update_fields=[c for c in CHAMPS_ACCESSIBILITE if c in donnees])
    ouverte = Vacance.objects.filter(logement=logement).exclude(statut=Vacance.Statut.BAIL_SIGNE).first()
    if ouverte is not None:
        transitions.journaliser(
            ouverte,
            TransitionVacance,
            de=ouverte.statut,
            vers=ouverte.statut,
            action="ACCESSIBILITE",
            acteur=acteur,
            motif="Accessibilité décrite : " + ", ".join(modifies),
        )
    return modifies


@transaction.atomic
def declarer_vacance(
    *,
    logement: Logement,
    date_liberation: dt.date,
    acteur,
    date_declaration: dt.date | None = None,
    deduction: str = "",
    commentaire: str = "",
):
    """The landlord declares a freed dwelling (one open vacancy per dwelling)."""
    from .models import TransitionVacance, Vacance

    if deduction not in Vacance.Deduction.values:
        raise ActionRefusee("Motif de déduction du flux inconnu.")
    # the dwelling's row is locked so that a declaration posted twice cannot open two vacancies
    Logement.objects.select_for_update().filter(pk=logement.pk).values_list("pk", flat=True).get()
    ouvertes = Vacance.objects.filter(logement=logement).exclude(statut=Vacance.Statut.BAIL_SIGNE)
    if ouvertes.exists():
        raise ActionRefusee(f"Le logement {logement.identifiant} a déjà une vacance en cours.")
    reservataire_du_bailleur(logement.bailleur)  # the landlord's own stock is always a possible holder
    vacance = Vacance.objects.create(
        logement=logement,
        bailleur_id=logement.bailleur_id,
        epci_id=logement.epci_id,
        date_declaration=date_declaration or _aujourd_hui(),
        date_liberation=date_liberation,
        deduction=deduction,
        commentaire=commentaire,
        declaree_par=acteur if getattr(acteur, "pk", None) else None,
    )
    transitions.journaliser(
        vacance, TransitionVacance, de="", vers=vacance.statut, action=rules.ActionVacance.DECLARER, acteur=acteur
    )
    return vacance


@transaction.atomic
def orienter_vacance(*, vacance, reservataire: Reservataire, acteur, jour: dt.date | None = None):
    """Route the vacancy to the holder whose flow it goes to (suggested by the flow gaps)."""
    if vacance.candidatures.exists():
        raise ActionRefusee("Des candidats sont déjà désignés : le logement ne peut plus être réorienté.")
    _transition_vacance(vacance, rules.ActionVacance.ORIENTER, acteur=acteur, motif=f"vers {reservataire.nom}")
    vacance.reservataire = reservataire
    vacance.date_orientation = jour or _aujourd_hui()
    vacance.save(update_fields=["statut", "reservataire", "date_orientation", "modifie_le"])
    return vacance


@transaction.atomic
def remettre_pour_un_tour(*, vacance, acteur, motif: str):
    """The holder had no suitable candidate: the landlord lets this dwelling once on its own stock."""
    if not motif.strip():
        raise ActionRefusee("Indiquez pourquoi le logement est remis au bailleur.")
    _transition_vacance(vacance, rules.ActionVacance.REMETTRE, acteur=acteur, motif=motif)
    vacance.reservataire_initial = vacance.reservataire
    vacance.reservataire = reservataire_du_bailleur(vacance.bailleur)
    vacance.save(update_fields=["statut", "reservataire", "reservataire_initial", "modifie_le"])
    return vacance


@transaction.atomic
def designer_candidats(*, vacance, demandes: list, acteur, exception: str = "", justification: str = ""):
    """Designate the candidates (at least three unless an R. 441-3 exception applies), each an event on the demand."""
    from demandes.models import Evenement
    from demandes.services import record_event

    from .models import Candidature, Vacance
    from .vacances.flux import parametre, parametres_en_vigueur

    if exception not in Vacance.Exception3.values:
        raise ActionRefusee("Exception inconnue.")
    if exception and not justification.strip():
        raise ActionRefusee("Justifiez l'exception à la règle des trois candidats.")
    _verrouiller_vacance(vacance)
    jour = _aujourd_hui()
    deja = {c.demande_id for c in vacance.candidatures.all()}
    nouvelles = [d for d in demandes if d.pk not in deja]
    for demande in nouvelles:
        if not demande.est_active or demande.epci_id != vacance.epci_id:
            raise ActionRefusee(f"La demande {demande.numero_unique} n'est pas active sur ce territoire.")
    en_lice = vacance.candidatures.filter(type_decision="").count() + len(nouvelles)
    nb_min = int(parametre(parametres_en_vigueur(jour, vacance.epci_id), "NB_CANDIDATS_MIN"))
    try:
        rules.verifie_nb_candidats(en_lice, exception, nb_min)
    except rules.RegleError as exc:
        raise ActionRefusee(str(exc)) from None
    _transition_vacance(
        vacance, rules.ActionVacance.DESIGNER, acteur=acteur, motif=f"{en_lice} candidat(s) {exception}".strip()
    )
    vacance.exception_trois_candidats = exception
    vacance.justification_exception = justification[:300]
    vacance.save(update_fields=["statut", "exception_trois_candidats", "justification_exception", "modifie_le"])
    # the next presentation order, read under the vacancy's lock (the constraint is the net)
    rang = vacance.candidatures.aggregate(dernier=Max("rang_propose"))["dernier"] or 0
    maintenant = timezone.now()
    logement = vacance.logement
    for demande in nouvelles:
        rang += 1
        candidature = _ecrire_ou_refuser(
            lambda demande=demande, rang=rang: Candidature.objects.create(
                vacance=vacance,
                demande=demande,
                reservataire=vacance.reservataire,
                rang_propose=rang,
                designee_par=acteur if getattr(acteur, "pk", None) else None,
                designee_le=maintenant,
            ),
            "Un autre agent vient de désigner des candidats pour ce logement : rechargez la page.",
        )
        record_event(
            demande,
            Evenement.Type.DESIGNATION,
            acteur=acteur,
            libelle=f"Désignée par {vacance.reservataire.nom} pour le logement {logement.identifiant} "
            f"({logement.typologie}, {logement.commune.nom})",
            detail={"vacance_id": vacance.pk, "candidature_id": candidature.pk, "logement": logement.identifiant},
        )
    return vacance


@transaction.atomic
def creer_seance(*, bailleur: Bailleur, epci: Epci, date: dt.date, acteur, lieu: str = ""):
    from .models import SeanceCaleol

    return SeanceCaleol.objects.create(
        bailleur=bailleur,
        epci=epci,
        date=date,
        lieu=lieu,
        creee_par=acteur if getattr(acteur, "pk", None) else None,
    )


@transaction.atomic
def inscrire_en_seance(*, seance, vacance, acteur):
    """Put a vacancy with its designated candidates on a session's agenda; each candidate gets an event."""
    from demandes.models import Evenement
    from demandes.services import record_event

    if vacance.bailleur_id != seance.bailleur_id:
        raise ActionRefusee("La séance est celle d'un autre bailleur.")
    if seance.statut == seance.Statut.TENUE:
        raise ActionRefusee(
            f"La séance du {seance.date:%d/%m/%Y} est tenue : inscrivez le logement à une autre séance."
        )
    _transition_vacance(vacance, rules.ActionVacance.INSCRIRE, acteur=acteur, motif=f"séance du {seance.date:%d/%m/%Y}")
    vacance.save(update_fields=["statut", "modifie_le"])
    seance.vacances.add(vacance)
    for candidature in vacance.candidatures.filter(type_decision="").select_related("demande"):
        candidature.seance = seance
        candidature.save(update_fields=["seance"])
        record_event(
            candidature.demande,
            Evenement.Type.EXAMEN_CAL,
            acteur=acteur,
            libelle=f"Inscrite à la CALEOL du {seance.date:%d/%m/%Y} pour le logement {vacance.logement.identifiant}",
            detail={"seance_id": seance.pk, "vacance_id": vacance.pk},
        )
    return seance


def _verrouiller_seance(seance):
    from .models import SeanceCaleol

    return SeanceCaleol.objects.select_for_update().get(pk=seance.pk)


def seance_close(seance) -> bool:
    """A held session is closed: its decisions and minutes change only once its landlord reopens it."""
    return seance.statut == seance.Statut.TENUE


@transaction.atomic
def tenir_seance(*, seance, membres_presents: str, compte_rendu: str, acteur):
    """Record who sat and the minutes; the session is then held and its decisions closed.

    Holding a reopened session closes the reopening (who and when are kept beside why it was reopened).
    """
    from .models import SeanceCaleol

    if not membres_presents.strip():
        raise ActionRefusee("Indiquez les membres présents.")
    verrouillee = _verrouiller_seance(seance)
    if seance_close(verrouillee):
        raise ActionRefusee(
            f"La séance du {verrouillee.date:%d/%m/%Y} est déjà tenue : rouvrez-la pour rectifier son procès-verbal."
        )
    if verrouillee.statut == SeanceCaleol.Statut.ROUVERTE:
        verrouillee.reouvertures.filter(refermee_le__isnull=True).update(
            refermee_le=timezone.now(), refermee_par=acteur if getattr(acteur, "pk", None) else None
        )
    seance.membres_presents = membres_presents
    seance.compte_rendu = compte_rendu
    seance.statut = SeanceCaleol.Statut.TENUE
    seance.save(update_fields=["membres_presents", "compte_rendu", "statut"])
    return seance


@transaction.atomic
def rouvrir_seance(*, seance, motif: str, acteur):
    """The landlord reopens a held session to correct a decision (a material error, a decision entered wrongly).

    Only the landlord's staff may (vacances.permissions.can_reopen_seance); the reason is required and kept with who
    and when; each decision changed afterwards is logged in the demand's history as any decision is.
    """
    from .models import ReouvertureSeance, SeanceCaleol

    verrouillee = _verrouiller_seance(seance)
    if not seance_close(verrouillee):
        raise ActionRefusee("Seule une séance tenue peut être rouverte.")
    if not motif.strip():
        raise ActionRefusee("Indiquez le motif de la réouverture (erreur matérielle, décision mal saisie…).")
    ReouvertureSeance.objects.create(
        seance=verrouillee, motif=motif.strip(), rouverte_par=acteur if getattr(acteur, "pk", None) else None
    )
    seance.statut = SeanceCaleol.Statut.ROUVERTE
    seance.save(update_fields=["statut"])
    return seance


LIBELLES_DECISIONS = {
    "ATTRIBUTION": "attribution",
    "ATTRIBUTION_RANG": "attribution (rang {rang})",
    "ATTRIBUTION_CONDITION": "attribution sous condition suspensive",
    "NON_ATTRIBUTION": "non-attribution",
    "IRRECEVABILITE": "irrecevabilité",
}


@transaction.atomic
def enregistrer_decision(
    *,
    candidature,
    type_decision: str,
    acteur,
    rang: int | None = None,
    condition: str = "",
    date_limite_condition: dt.date | None = None,
    motif: str = "",
):
    """The commission's decision about one candidate (R. 441-3 a-e), with its reasons.

    Creates or updates the DecisionCaleol (source PLATEFORME) the objectives engine counts.
    """
    from demandes.models import Evenement
    from demandes.services import record_event

    from .vacances.flux import valeurs_decision

    vacance = _verrouiller_candidature(candidature)
    if candidature.seance_id is None:
        raise ActionRefusee("Ce candidat n'est inscrit à aucune séance.")
    seance = _verrouiller_seance(candidature.seance)
    if seance_close(seance):
        raise ActionRefusee(
            f"La séance du {seance.date:%d/%m/%Y} est tenue : ses décisions ne se modifient plus. "
            "Le bailleur peut la rouvrir en indiquant le motif de la rectification."
        )
    if candidature.reponse:
        raise ActionRefusee("Le demandeur a déjà répondu : la décision ne peut plus être modifiée.")
    if type_decision not in DecisionCaleol.Type.values:
        raise ActionRefusee("Décision inconnue.")
    if vacance.statut not in (rules.StatutVacance.EN_COMMISSION, rules.StatutVacance.ATTRIBUEE):
        raise ActionRefusee("Le logement n'est pas en commission.")
    if type_decision == DecisionCaleol.Type.ATTRIBUTION_RANG:
        if not rang or rang < 1:
            raise ActionRefusee("Indiquez le rang du candidat (1, 2, 3...).")
    else:
        rang = None
    if type_decision == DecisionCaleol.Type.ATTRIBUTION_CONDITION and not (condition.strip() and date_limite_condition):
        raise ActionRefusee("Indiquez la pièce attendue et le délai pour la fournir.")
    if type_decision in (DecisionCaleol.Type.NON_ATTRIBUTION, DecisionCaleol.Type.IRRECEVABILITE) and not motif.strip():
        raise ActionRefusee("Motivez la décision de non-attribution ou d'irrecevabilité.")
    sous_condition = type_decision == DecisionCaleol.Type.ATTRIBUTION_CONDITION
    condition = condition if sous_condition else ""
    date_limite_condition = date_limite_condition if sous_condition else None
    if candidature.decision_id and (
        candidature.type_decision,
        candidature.rang,
        candidature.condition,
        candidature.date_limite_condition,
        candidature.motif_decision,
    ) == (type_decision, rang, condition, date_limite_condition, motif):
        return candidature  # the same decision posted again: already recorded, with its event
    autres = vacance.candidatures.filter(seance=candidature.seance).exclude(pk=candidature.pk)
    if rules.est_attribution(type_decision):
        attribuees = autres.filter(type_decision__in=rules.valeurs(rules.TYPES_ATTRIBUTION))
        non_classees = attribuees.exclude(type_decision=DecisionCaleol.Type.ATTRIBUTION_RANG)
        if attribuees.exists() and (type_decision != DecisionCaleol.Type.ATTRIBUTION_RANG or non_classees.exists()):
            raise ActionRefusee(
                "Le logement est déjà attribué à un autre candidat : pour plusieurs candidats, "
                "attribuez-le avec classement (rangs 1, 2, 3...)."
            )
        if rang and attribuees.filter(rang=rang).exists():
            raise ActionRefusee(f"Un autre candidat a déjà le rang {rang}.")
    valeurs = valeurs_decision(demande=candidature.demande, vacance=vacance, date_decision=seance.date)
    cle = {k: valeurs.pop(k) for k in ("numero_unique", "logement_id", "date_decision")}
    valeurs.update(type_decision=type_decision, rang=rang, date_bail=None, en_qpv_au_bail=None)

    def ecrire():
        if candidature.decision_id:
            decision = candidature.decision
            for champ, valeur in {**cle, **valeurs}.items():
                setattr(decision, champ, valeur)
            decision.source = DecisionCaleol.Source.PLATEFORME
            decision.save()
        else:
            decision, _ = DecisionCaleol.objects.update_or_create(
                **cle, defaults={**valeurs, "source": DecisionCaleol.Source.PLATEFORME, "lot": None}
            )
        candidature.decision = decision
        candidature.type_decision = type_decision
        candidature.rang = rang
        candidature.condition = condition
        candidature.date_limite_condition = date_limite_condition
        candidature.motif_decision = motif
        candidature.save()

    _ecrire_ou_refuser(ecrire, f"Un autre candidat a déjà le rang {rang} pour ce logement dans cette séance.")
    libelle = LIBELLES_DECISIONS[type_decision].format(rang=rang)
    record_event(
        candidature.demande,
        Evenement.Type.DECISION_CAL,
        acteur=acteur,
        libelle=f"CALEOL du {seance.date:%d/%m/%Y}, logement {vacance.logement.identifiant} : {libelle}",
        detail={
            "seance_id": seance.pk,
            "vacance_id": vacance.pk,
            "decision": type_decision,
            "rang": rang,
            "motif": motif,
            "condition": candidature.condition,
            "date_limite_condition": date_limite_condition.isoformat() if candidature.date_limite_condition else None,
        },
    )
    if rules.est_attribution(type_decision) and vacance.statut == rules.StatutVacance.EN_COMMISSION:
        _transition_vacance(vacance, rules.ActionVacance.ATTRIBUER, acteur=acteur, motif=libelle)
        vacance.save(update_fields=["statut", "modifie_le"])
    _recalculer_apres_commit(vacance.epci_id, seance.date.year)
    return candidature


@transaction.atomic
def lever_condition(*, candidature, jour: dt.date, acteur):
    """The missing document arrived in time and does not call eligibility into question (R. 441-3 c)."""
    _verrouiller_candidature(candidature)
    if candidature.condition_remplie_le == jour:
        return candidature  # posted twice
    if candidature.type_decision != DecisionCaleol.Type.ATTRIBUTION_CONDITION:
        raise ActionRefusee("Cette attribution n'est pas sous condition.")
    if candidature.date_limite_condition and jour > candidature.date_limite_condition:
        raise ActionRefusee("Le délai fixé par la commission pour fournir la pièce est dépassé.")
    candidature.condition_remplie_le = jour
    candidature.save(update_fields=["condition_remplie_le"])
    return candidature


@transaction.atomic
def enregistrer_reponse(*, candidature, reponse: str, acteur, date_reponse: dt.date, motif_refus: str = ""):
    """The household's answer to the offer: acceptance, or refusal with its reason (an event on the demand)."""
    from demandes.models import Evenement
    from demandes.services import record_event

    from .models import Candidature

    _verrouiller_candidature(candidature)
    motif_refus = motif_refus if reponse == Candidature.Reponse.REFUS else ""
    if (candidature.reponse, candidature.motif_refus, candidature.date_reponse) == (reponse, motif_refus, date_reponse):
        return candidature  # the same answer posted again: already recorded, with its event
    if not candidature.est_attribuee:
        raise ActionRefusee("Aucune proposition n'a été faite à ce candidat.")
    if candidature.date_bail:
        raise ActionRefusee("Le bail est déjà signé.")
    if reponse not in (Candidature.Reponse.ACCEPTATION, Candidature.Reponse.REFUS):
        raise ActionRefusee("Réponse inconnue.")
    if reponse == Candidature.Reponse.REFUS and motif_refus not in Candidature.MotifRefus.values:
        raise ActionRefusee("Indiquez le motif du refus.")
    candidature.reponse = reponse
    candidature.motif_refus = motif_refus
    candidature.date_reponse = date_reponse
    candidature.save(update_fields=["reponse", "motif_refus", "date_reponse"])
    logement = candidature.vacance.logement
    if reponse == Candidature.Reponse.REFUS:
        record_event(
            candidature.demande,
            Evenement.Type.REFUS,
            acteur=acteur,
            libelle=f"Refus du logement {logement.identifiant} : {Candidature.MotifRefus(motif_refus).label}",
            detail={"candidature_id": candidature.pk, "motif": motif_refus, "date": date_reponse.isoformat()},
        )
    else:
        record_event(
            candidature.demande,
            Evenement.Type.PROPOSITION,
            acteur=acteur,
            libelle=f"Proposition du logement {logement.identifiant} acceptée",
            detail={"candidature_id": candidature.pk, "reponse": reponse, "date": date_reponse.isoformat()},
        )
    return candidature


@transaction.atomic
def relancer_vacance(*, vacance, acteur, motif: str):
    """Nobody allocated, or every allocated candidate refused: designate again."""
    if not motif.strip():
        raise ActionRefusee("Indiquez pourquoi la désignation est relancée.")
    if vacance.candidatures.filter(
        type_decision__in=rules.valeurs(rules.TYPES_ATTRIBUTION), reponse__in=["", "ACCEPTATION"]
    ).exists():
        raise ActionRefusee("Un candidat attributaire n'a pas refusé : enregistrez d'abord sa réponse.")
    _transition_vacance(vacance, rules.ActionVacance.RELANCER, acteur=acteur, motif=motif)
    vacance.save(update_fields=["statut", "modifie_le"])
    return vacance


@transaction.atomic
def signer_bail(*, candidature, date_bail: dt.date, acteur):
    """The lease is signed: the decision gets its lease date, the vacancy closes, the demand is radiated for
    allocation (R. 441-2-8 a), and the objectives are recomputed after the commit."""
    from demandes.models import Evenement
    from demandes.services import radier, record_event

    from .vacances.flux import en_qpv_au_bail

    vacance = _verrouiller_candidature(candidature)
    if candidature.date_bail == date_bail:
        return candidature  # the same lease posted again: already recorded, with its event
    if candidature.date_bail:
        raise ActionRefusee(f"Le bail de ce candidat est déjà signé (le {candidature.date_bail:%d/%m/%Y}).")
    mieux_classes = vacance.candidatures.filter(
        seance=candidature.seance, type_decision=DecisionCaleol.Type.ATTRIBUTION_RANG, rang__lt=candidature.rang or 0
    )
    motif = rules.motif_bail_impossible(
        type_decision=candidature.type_decision,
        rang=candidature.rang,
        reponse=candidature.reponse,
        condition_remplie=candidature.condition_remplie_le is not None,
        rangs_mieux_classes_refuses=not mieux_classes.exclude(reponse="REFUS").exists(),
    )
    if motif:
        raise ActionRefusee(motif)
    if candidature.decision_id is None:
        raise ActionRefusee("La décision de la commission est introuvable : enregistrez-la à nouveau.")
    if candidature.seance and date_bail < candidature.seance.date:
        raise ActionRefusee("Le bail ne peut pas précéder la décision de la commission.")
    _transition_vacance(vacance, rules.ActionVacance.SIGNER_BAIL, acteur=acteur, motif=f"bail du {date_bail:%d/%m/%Y}")
    vacance.date_bail = date_bail
    vacance.save(update_fields=["statut", "date_bail", "modifie_le"])
    candidature.date_bail = date_bail
    candidature.save(update_fields=["date_bail"])
    decision = candidature.decision
    decision.date_bail = date_bail
    decision.en_qpv_au_bail = en_qpv_au_bail(decision, date_bail)
    decision.save(update_fields=["date_bail", "en_qpv_au_bail", "modifie_le"])
    demande = candidature.demande
    record_event(
        demande,
        Evenement.Type.BAIL_SIGNE,
        acteur=acteur,
        libelle=f"Bail signé le {date_bail:%d/%m/%Y} pour le logement {vacance.logement.identifiant}",
        detail={"candidature_id": candidature.pk, "vacance_id": vacance.pk, "date_bail": date_bail.isoformat()},
    )
    demande.refresh_from_db()
    if demande.est_active:
        radier(
            demande,
            "ATTRIBUTION",
            acteur=acteur,
            jour=date_bail,
            commentaire=f"Bail signé pour le logement {vacance.logement.identifiant}",
            detail={"vacance_id": vacance.pk},
        )
    _recalculer_apres_commit(vacance.epci_id, decision.date_decision.year, date_bail.year)
    return candidature


# --- Decisions of relocated households (relogement app) -------------------------------------------------
# The relocation app counts a definitive relocation in objective A through a commission decision
# (docs/droit/regles.md, "Platform decisions" 1, §9). It never writes DecisionCaleol itself: it calls these
# three functions, which apply the same rules as the commission and the F1 import (QPV map in force,
# consumption units, resources).


@transaction.atomic
def creer_decision_relogement(
    *,
    logement: Logement,
    numero_unique: str,
    date_depot: dt.date,
    date_decision: dt.date,
    date_bail: dt.date,
    ressources_mensuelles,
    nb_personnes_14_plus: int,
    nb_enfants_moins_14: int,
    relogement: str,
    mutation: bool,
    acteur=None,
) -> DecisionCaleol:
    """A relocated household's allocation that is not in the platform: an allocation decision (source
    PLATEFORME) from the household's values, followed by its lease, on the landlord's own stock (relocations
    are out of the flow base, R. 441-5). Its QPV is the dwelling's on the map in force at the decision, and at
    the lease as ``signer_bail`` computes it."""
    from .vacances.flux import en_qpv_au_bail, qpv_au

    if relogement not in DecisionCaleol.Relogement.values:
        raise ActionRefusee("Type de relogement inconnu.")
    reservataire = reservataire_du_bailleur(logement.bailleur)
    reservataire.epcis.add(logement.epci_id)
    decision = DecisionCaleol(
        numero_unique=numero_unique,
        date_depot=date_depot,
        date_decision=date_decision,
        type_decision=rules.TypeDecision.ATTRIBUTION.value,
        date_bail=date_bail,
        logement=logement,
        bailleur_id=logement.bailleur_id,
        commune_id=logement.commune_id,
        epci_id=logement.epci_id,
        qpv_id=qpv_au(logement, date_decision),
        typologie=logement.typologie,
        reservataire=reservataire,
        ressources_mensuelles=ressources_mensuelles,
        ressources_annuelles_e4=rules.ressources_annuelles_e4(ressources_mensuelles),
        nb_personnes_14_plus=nb_personnes_14_plus,
        nb_enfants_moins_14=nb_enfants_moins_14,
        uc_dixiemes=rules.unites_consommation_dixiemes(nb_personnes_14_plus, nb_enfants_moins_14),
        relogement=relogement,
        mutation=mutation,
        # a relocated household lives in the building the operation empties: neither homeless nor accommodated
        sortant_hebergement=False,
        sans_abri=False,
        source=DecisionCaleol.Source.PLATEFORME,
    )
    decision.en_qpv_au_bail = en_qpv_au_bail(decision, date_bail)
    decision.save()
    return decision


@transaction.atomic
def marquer_decision_relogement(
    *, decision: DecisionCaleol, relogement: str, date_bail: dt.date | None = None, acteur=None
) -> list[str]:
    """Mark an existing allocation decision as a relocation (``relogement``: ANRU, ORCOD, LHI) and, when it has
    no lease yet and ``date_bail`` is given, record the relocation's lease on it (its QPV at the lease computed
    as ``signer_bail`` does). Returns the fields changed (none: nothing written)."""
    from .vacances.flux import en_qpv_au_bail

    if relogement not in DecisionCaleol.Relogement.values:
        raise ActionRefusee("Type de relogement inconnu.")
    if not rules.est_attribution(decision.type_decision):
        raise ActionRefusee("Cette décision n'attribue pas le logement : elle ne peut pas porter un relogement.")
    champs = []
    if decision.relogement != relogement:
        decision.relogement = relogement
        champs.append("relogement")
    if date_bail is not None and decision.date_bail is None:
        decision.date_bail = date_bail
        decision.en_qpv_au_bail = en_qpv_au_bail(decision, date_bail)
        champs += ["date_bail", "en_qpv_au_bail"]
    if champs:
        decision.save(update_fields=[*champs, "modifie_le"])
    return champs


@transaction.atomic
def supprimer_decision_relogement(*, decision: DecisionCaleol, acteur=None) -> None:
    """Delete a stand-in decision created by ``creer_decision_relogement`` once the real decision of the
    allocation is known, so that the allocation is counted once. An imported decision, or one of the platform's
    commission (linked to a candidate), is never deleted."""
    from .models import Candidature

    if decision.source != DecisionCaleol.Source.PLATEFORME:
        raise ActionRefusee("Une décision importée d'un extrait ne peut pas être supprimée.")
    if Candidature.objects.filter(decision=decision).exists():
        raise ActionRefusee("Cette décision est celle de la commission : elle ne peut pas être supprimée.")
    decision.delete()


# --- Allocations received from the national registration system (sne app) -----------------------------
# The sne app reads a radiation for allocation (RADATT with attributionLogement) and calls these two functions:
# the decision is written here, with the same household rules as a session's decision (vacances.flux).

RESERVATAIRES_NATIONAUX_A_QUALIFIER = {
    # national code -> (placeholder's code, name): the SNE cannot tell which holder it is
    "COLTER": ("SNE-COLTER", "Collectivité territoriale ou EPCI (réservataire à qualifier)"),
    "AUTRES": ("SNE-AUTRES", "Autre réservataire (réservataire à qualifier)"),
}
TYPES_QUALIFICATION = {
    "COLTER": {Reservataire.Type.COMMUNE, Reservataire.Type.EPCI, Reservataire.Type.DEPARTEMENT},
    "AUTRES": {Reservataire.Type.AUTRE, Reservataire.Type.COMMUNE, Reservataire.Type.EPCI},
}
RESERVATAIRES_NATIONAUX_ETAT = {
    "PPRIOR": (Reservataire.Type.ETAT, NOMS_RESERVATAIRES["ETAT"]),
    "PFONCT": (Reservataire.Type.ETAT_AGENTS, NOMS_RESERVATAIRES["ETAT_AGENTS"]),
    "COLACT": (Reservataire.Type.ACTION_LOGEMENT, NOMS_RESERVATAIRES["ACTION_LOGEMENT"]),
}


def _reservataire_national(type_national: str, logement: Logement) -> tuple[Reservataire, bool]:
    """The holder named by the SNE's ``typeReservataire`` and whether it is still to be qualified."""
    if type_national in RESERVATAIRES_NATIONAUX_ETAT:
        type_, nom = RESERVATAIRES_NATIONAUX_ETAT[type_national]
        reservataire, _ = Reservataire.objects.get_or_create(type=type_, code="", defaults={"nom": nom})
        a_qualifier = False
    elif type_national == "AUCUN":
        reservataire, a_qualifier = reservataire_du_bailleur(logement.bailleur), False
    elif type_national in RESERVATAIRES_NATIONAUX_A_QUALIFIER:
        code, nom = RESERVATAIRES_NATIONAUX_A_QUALIFIER[type_national]
        reservataire, _ = Reservataire.objects.get_or_create(
            type=Reservataire.Type.AUTRE, code=code, defaults={"nom": nom}
        )
        a_qualifier = True
    else:
        raise ActionRefusee(f"Type de réservataire national inconnu : « {type_national} ».")
    reservataire.epcis.add(logement.epci_id)
    return reservataire, a_qualifier


@transaction.atomic
def enregistrer_attribution_nationale(
    *,
    demande,
    logement: Logement,
    date_bail: dt.date,
    type_reservataire: str,
    dalo: bool = False,
    prioritaire: bool = False,
    mutation: bool = False,
    acteur=None,
) -> tuple[DecisionCaleol, bool]:
    """The counted allocation decision of a demand radiated for allocation in the SNE (RADATT), created or updated.

    The SNE carries the lease date, not the commission's: the lease date stands for the decision date. The
    household is the demand's on that date (vacances.flux.situation_menage, Platform decision 9); DALO, priority
    and transfer are those of the demand or of the national block. Identity as in F1: (numero_unique, dwelling,
    date), so a file received twice changes nothing. Returns (decision, created)."""
    from demandes.models import Evenement
    from demandes.services import record_event

    from .vacances.flux import en_qpv_au_bail, qpv_au, situation_menage

    reservataire, a_qualifier = _reservataire_national(type_reservataire, logement)
    situation = situation_menage(demande, date_bail)
    valeurs = {
        "date_depot": demande.date_depot,
        "type_decision": rules.TypeDecision.ATTRIBUTION.value,
        "rang": None,
        "date_bail": date_bail,
        "bailleur_id": logement.bailleur_id,
        "commune_id": logement.commune_id,
        "epci_id": logement.epci_id,
        "qpv_id": qpv_au(logement, date_bail),
        "typologie": logement.typologie,
        "ressources_mensuelles": situation.ressources_mensuelles,
        "ressources_annuelles_e4": rules.ressources_annuelles_e4(situation.ressources_mensuelles),
        "nb_personnes_14_plus": situation.nb_personnes_14_plus,
        "nb_enfants_moins_14": situation.nb_enfants_moins_14,
        "uc_dixiemes": situation.uc_dixiemes,
        "dalo": dalo or situation.dalo,
        "prioritaire": prioritaire or situation.prioritaire,
        "mutation": mutation or situation.mutation,
    }
    decision = (
        DecisionCaleol.objects.select_for_update()
        .filter(numero_unique=demande.numero_unique, logement=logement, date_decision=date_bail)
        .first()
    )
    creee = decision is None
    if creee:
        decision = DecisionCaleol(
            numero_unique=demande.numero_unique,
            logement=logement,
            date_decision=date_bail,
            reservataire=reservataire,
            reservataire_a_qualifier=a_qualifier,
            **valeurs,
        )
        changes = ["décision"]
    else:
        changes = [cle for cle, valeur in valeurs.items() if getattr(decision, cle) != valeur]
        # a holder named on the platform is kept when the SNE sends its generic code again
        actuel = (decision.reservataire_id, decision.reservataire_a_qualifier)
        if not a_qualifier and actuel != (reservataire.pk, False):
            decision.reservataire, decision.reservataire_a_qualifier = reservataire, False
            changes.append("reservataire")
        for cle in changes:
            if cle in valeurs:
                setattr(decision, cle, valeurs[cle])
    if not changes:
        return decision, False
    decision.en_qpv_au_bail = en_qpv_au_bail(decision, date_bail)
    decision.save()
    record_event(
        demande,
        Evenement.Type.BAIL_SIGNE,
        acteur=acteur,
        libelle=(
            f"Attribution reçue du système national : logement {logement.identifiant}, bail du {date_bail:%d/%m/%Y}"
            + (" (réservataire à qualifier)" if decision.reservataire_a_qualifier else "")
        ),
        detail={"decision_id": decision.pk, "source": "SNE", "champs": changes, "reservataire": type_reservataire},
    )
    planifier_instantanes(epci_id=logement.epci_id, annees={date_bail.year}, acteur=acteur, declencheur="DEMANDE")
    return decision, creee


@transaction.atomic
def qualifier_reservataire(*, decision: DecisionCaleol, reservataire: Reservataire, acteur) -> DecisionCaleol:
    """Name the holder of an allocation received with a generic national code (COLTER, AUTRES): from then on it
    counts in that holder's objective C. Logged on the demand's file (who, when, which holder)."""
    from demandes.models import Demande, Evenement
    from demandes.services import record_event

    decision = DecisionCaleol.objects.select_for_update().select_related("reservataire").get(pk=decision.pk)
    if not decision.reservataire_a_qualifier:
        raise ActionRefusee("Le réservataire de cette attribution est déjà qualifié.")
    code_national = next(
        (c for c, (code, _) in RESERVATAIRES_NATIONAUX_A_QUALIFIER.items() if code == decision.reservataire.code), ""
    )
    permis = TYPES_QUALIFICATION.get(code_national, set())
    if reservataire.type not in permis:
        raise ActionRefusee(
            f"Le réservataire « {reservataire.nom} » ne peut pas porter une réservation du contingent "
            f"{code_national or 'national'} : choisissez "
            + ", ".join(sorted(str(Reservataire.Type(t).label).lower() for t in permis))
            + "."
        )
    if reservataire.pk and not reservataire.epcis.filter(pk=decision.epci_id).exists():
        reservataire.epcis.add(decision.epci_id)
    ancien = decision.reservataire.nom
    decision.reservataire = reservataire
    decision.reservataire_a_qualifier = False
    decision.save(update_fields=["reservataire", "reservataire_a_qualifier", "modifie_le"])
    demande = Demande.objects.filter(numero_unique=decision.numero_unique).first()
    if demande is not None:
        record_event(
            demande,
            Evenement.Type.RECTIFICATION,
            acteur=acteur,
            libelle=f"Réservataire de l'attribution qualifié : {reservataire.nom} (au lieu de « {ancien} »)",
            detail={"decision_id": decision.pk, "reservataire_id": reservataire.pk},
        )
    logger.info("Décision %s : réservataire qualifié %s par %s", decision.pk, reservataire.pk, acteur)
    annees = {decision.date_decision.year} | ({decision.date_bail.year} if decision.date_bail else set())
    planifier_instantanes(epci_id=decision.epci_id, annees=annees, acteur=acteur)
    return decision
