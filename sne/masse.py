"""Import of many national files at once: the fast path, with the guarantees of ``services.importer_fichier``.

For each group of files (``TAILLE_GROUPE``, in the order given):
1. reading (``preparer`` then ``completer``, pure, in a pool of worker processes for large imports): libxml2's
   schema validation, the conversion to the validated dict, the code lists, ``lecture.lire``; then, for a file
   that only registers a demand, the address commune's name and the warnings against the communes' referential
   (read once before the fork), the new demand checked (``demandes.services.verifier_nouvelle_demande``), the
   national record encoded and the file's fingerprint: the writing process is left with the territory, the
   desk and the writes;
2. the files the fast path can write: read without finding, the first file of a national number (NUD) that the
   platform does not know yet, that only registers the demand (no renewal, radiation, DALO decision; not SUP),
   on a territory the importer may write into, at a registering desk: they are written set-based in one
   transaction (``demandes.services.enregistrer_demandes_en_masse``, then the national records and the journal
   of files). A demand the demands' service refuses (its checks of ``enregistrer_demande``) is not written;
3. every other file, in the order given, goes the careful way, one at a time (``importer_fichier``): a file
   libxml2 refuses (its French findings come from xmlschema, as before), a known NUD (update, renewal,
   radiation, RADATT through ``attributions.services``, idempotence), a refused territory, a refused demand.
   If the set-based write fails as a whole (a NUD registered meanwhile by another import...), it is undone and
   its files go the careful way too.

So a file is written whole or not at all, and a bad file never blocks the others. The result, file by file, is
the careful path's: the same rows, the same events, the same journal (``sne/tests/test_masse.py``).
"""

from __future__ import annotations

import collections
import functools
import hashlib
import logging
import multiprocessing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from attributions.services import perimetre_import
from cil.models import Commune, Guichet
from core.db import plans_generiques_permis
from core.erreurs import ErreurMetier
from core.masse import (
    JsonTexte,
    colonnes_apres,
    copier,
    copier_lignes,
    encoder_json_simple,
    encodeur_de_lignes,
    references_en_bloc,
    tas_gele,
    verifier_references,
)
from demandes import services as demandes_services
from demandes.models import Demande

from . import lecture as lecture_sne
from . import rapide
from .models import DossierSne, FichierSne
from .services import FichierRefuse, Rapport, _guichet, importer_fichier

logger = logging.getLogger(__name__)
TAILLE_GROUPE = 2_000
SEUIL_PROCESSUS = 2_000  # below, the files are read in this process
PROCESSUS = 2
AVANCE = 2  # groups the workers may read ahead of the one being written
TYPES_CREATION = {"CRE", "CRS", "MOD", "COP", "DIS", "RET"}


# INSEE code -> (commune id, EPCI id, name): the referential the files' communes are resolved against
Communes = dict[str, tuple[int, int | None, str]]


@dataclass
class _Complete:
    """What the writing process needs of a file the fast path may take, prepared where it was read."""

    version: str
    lu: lecture_sne.Lecture  # its ``donnees`` are in ``verifiee`` (and its household in ``preparee``)
    avertissements: list[str]
    # None: read, but the careful path must take it (a renewal, a radiation, a demand the checks refuse...): only
    # its national number counts, so that no later file of that number overtakes it
    verifiee: demandes_services.DemandeVerifiee | None
    dossier: JsonTexte | None = None  # the national record (the ``demande`` block), encoded
    empreinte: str = ""
    # PostgreSQL: the demand encoded for COPY with its household (instead of ``verifiee``) and the national
    # record's row after its demand and time (instead of ``dossier``)
    preparee: demandes_services.DemandePreparee | None = None
    ligne_dossier: str = ""


def preparer(contenu: bytes):
    """Pure (worker processes): the fast reading, or None (the careful path decides)."""
    lecture_rapide = rapide.lire_rapide(contenu)
    if lecture_rapide is None:
        return None
    try:
        lu = lecture_sne.lire(lecture_rapide.document)
    except (KeyError, TypeError, ValueError):
        return None
    if lu.constats:
        return None
    return lecture_rapide.version, lecture_rapide.document, lecture_rapide.avertissements, lu


COLONNES_DOSSIER_ECRITES = ("demande_id", "modifie_le")


def completer(contenu: bytes, lecture, communes: Communes, *, en_copy: bool = False) -> _Complete | None:
    """Pure (worker processes): a file read by ``preparer`` made ready to write: its address commune's name and
    the warnings of ``importer_fichier``, the new demand checked as the demands' service checks it, the national
    record encoded, the file's fingerprint. None for a file the fast reading could not read; ``verifiee`` None
    for a file read that the careful path must take. ``en_copy`` (PostgreSQL): the demand and the national
    record's row encoded for COPY as well (``preparee``, ``ligne_dossier``), so that the writing process only
    puts the ids in front."""
    if lecture is None:
        return None
    version, document, avertissements, lu = lecture
    if not _cree_seulement(lu):
        return _Complete(version, replace(lu, donnees={}), avertissements, None)
    donnees = dict(lu.donnees)
    adresse = communes.get(lu.commune_adresse)
    donnees["ville"] = adresse[2] if adresse else lu.commune_adresse
    avertissements = list(avertissements)
    if not adresse:
        avertissements.append(f"commune de l'adresse {lu.commune_adresse} absente du référentiel : code gardé.")
    inconnues = sorted(set(lu.communes) - set(communes))
    if inconnues:
        avertissements.append("communes souhaitées absentes du référentiel : " + ", ".join(inconnues) + ".")
    try:
        verifiee = demandes_services.verifier_nouvelle_demande(donnees, date_depot=lu.date_depot)
    except ValidationError:
        return _Complete(version, replace(lu, donnees={}), avertissements, None)  # the careful path words it
    dossier = encoder_json_simple(document["demande"])  # plain JSON values (rapide: no date nor decimal)
    empreinte = hashlib.sha256(contenu).hexdigest()
    if not en_copy:
        return _Complete(
            version=version,
            lu=replace(lu, donnees={}),  # its data travel in ``verifiee``, once
            avertissements=avertissements,
            verifiee=verifiee,
            dossier=dossier,
            empreinte=empreinte,
        )
    preparee = demandes_services.preparer_nouvelle_demande(verifiee, membres=lu.membres, ressources=lu.ressources)
    ligne_dossier = _encodeur_dossier()(
        {
            "numero_guichet": lu.numero_guichet,
            "version_interface": version,
            "type_fichier": lu.type_fichier,
            "date_fichier": lu.date_fichier,
            "donnees": dossier,
        }
    )
    return _Complete(
        version=version,
        lu=replace(lu, donnees={}, membres=[], ressources=[]),  # they travel in ``preparee``, encoded
        avertissements=avertissements,
        verifiee=None,
        empreinte=empreinte,
        preparee=preparee,
        ligne_dossier=ligne_dossier,
    )


@functools.cache
def _encodeur_dossier():
    return encodeur_de_lignes(DossierSne, colonnes_apres(DossierSne, COLONNES_DOSSIER_ECRITES))


def _prete(complete: _Complete) -> bool:
    """Whether the fast path may write this file (read, only registering, checked)."""
    return complete.verifiee is not None or complete.preparee is not None


def _cree_seulement(lu) -> bool:
    """A file that only registers a demand (no renewal, radiation, DALO decision): the fast path may take it."""
    return lu.type_fichier in TYPES_CREATION and lu.radiation is None and lu.renouvellement is None and lu.dalo is None


_du_processus: dict = {"communes": {}, "fichiers": (), "en_copy": False}


def _initialiser(communes: Communes, fichiers: Sequence[tuple[str, bytes]] = (), en_copy: bool = False) -> None:
    """A worker process's start: the referential and the files, inherited from the writing process at the fork
    (nothing is copied through the pipe: the workers are given the files' ranks)."""
    _du_processus.update(communes=communes, fichiers=fichiers, en_copy=en_copy)


def _preparer_et_completer(rang: int) -> _Complete | None:
    """In a worker process: ``preparer`` then ``completer`` of the file of rank ``rang``."""
    contenu = _du_processus["fichiers"][rang][1]
    return completer(contenu, preparer(contenu), _du_processus["communes"], en_copy=_du_processus["en_copy"])


def _referentiel(codes=None) -> Communes:
    """The communes of ``codes`` (all of them when None) as ``completer`` needs them."""
    requete = Commune.objects.all()
    communes: Communes = {}
    if codes is None:
        return {code: (pk, epci_id, nom) for code, pk, epci_id, nom in
                requete.values_list("code_insee", "pk", "epci_id", "nom").iterator(chunk_size=10_000)}  # fmt: skip
    liste = sorted(codes)
    for debut in range(0, len(liste), 10_000):
        communes.update(
            (code, (pk, epci_id, nom))
            for code, pk, epci_id, nom in requete.filter(code_insee__in=liste[debut : debut + 10_000])
            .values_list("code_insee", "pk", "epci_id", "nom")
        )  # fmt: skip
    return communes


def _completer_ici(groupe) -> tuple[list[_Complete | None], Communes]:
    """In this process: read the group, then resolve its communes in one query and complete its files."""
    lectures = [preparer(c) for _r, _n, c in groupe]
    codes = {c for lu in (x[3] for x in lectures if x is not None) for c in (*lu.communes, lu.commune_adresse)}
    communes = _referentiel(codes)
    en_copy = connection.vendor == "postgresql"
    completes = [
        completer(c, lecture, communes, en_copy=en_copy) for (_r, _n, c), lecture in zip(groupe, lectures, strict=True)
    ]
    return completes, communes


@dataclass
class _Pret:
    rang: int
    nom: str
    complete: _Complete


def _groupes(fichiers: Sequence[tuple[str, bytes]]) -> Iterable[list[tuple[int, str, bytes]]]:
    for debut in range(0, len(fichiers), TAILLE_GROUPE):
        yield [(debut + i, nom, contenu) for i, (nom, contenu) in enumerate(fichiers[debut : debut + TAILLE_GROUPE])]


def importer_lot(
    fichiers: Sequence[tuple[str, bytes]],
    *,
    acteur=None,
    epcis=None,
    guichet: Guichet | None = None,
    processus: int | None = None,
) -> list[Rapport | FichierRefuse]:
    """Import ``fichiers`` (name, content), each whole or not at all; one result per file, in order: its
    ``Rapport``, or the ``FichierRefuse`` with its findings in French (journaled as refused)."""
    permis = perimetre_import(acteur=acteur, epcis=epcis)
    if processus is None:
        processus = PROCESSUS if len(fichiers) >= SEUIL_PROCESSUS else 1
    if connection.in_atomic_block:
        processus = 1  # the connection cannot be closed inside the caller's transaction
    with tas_gele() as geler:
        return _importer_lot(
            fichiers, acteur=acteur, epcis=epcis, guichet=guichet, processus=processus, permis=permis, geler=geler
        )


def _importer_lot(fichiers, *, acteur, epcis, guichet, processus: int, permis, geler) -> list:
    resultats: dict[int, Rapport | FichierRefuse] = {}
    pool = None
    communes: Communes | None = None
    if processus > 1:
        rapide.precharger()  # the schemas compiled once, before the fork: the workers inherit them
        communes = _referentiel()  # read once; the workers inherit it
        connection.close()  # the workers are forked: none inherits the database connection
        en_copy = connection.vendor == "postgresql"
        pool = multiprocessing.get_context("fork").Pool(
            processus, initializer=_initialiser, initargs=(communes, fichiers, en_copy)
        )  # fork: the arguments are inherited, not sent
    try:
        groupes = list(_groupes(fichiers))
        en_cours: collections.deque = collections.deque()
        for numero, groupe in enumerate(groupes):
            if pool is not None:
                # the workers read up to AVANCE groups ahead while this one is written (neither side waits for
                # the other's slower group)
                while len(en_cours) < AVANCE and numero + len(en_cours) < len(groupes):
                    rangs = [r for r, _n, _c in groupes[numero + len(en_cours)]]
                    en_cours.append(pool.map_async(_preparer_et_completer, rangs, chunksize=100))
                completes = en_cours.popleft().get()
            else:
                completes, communes = _completer_ici(groupe)
            _importer_groupe(
                groupe, completes, resultats, acteur=acteur, epcis=epcis, permis=permis, guichet=guichet,
                communes=communes,
            )  # fmt: skip
            geler()  # what the group left (its results) is not walked again by the collector
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return [resultats[i] for i in range(len(fichiers))]


def _importer_groupe(groupe, completes, resultats, *, acteur, epcis, permis, guichet, communes: Communes) -> None:
    prets: list[_Pret] = []
    numeros = set()  # of the files read so far, in the order given: only the first file of a number may go fast
    for (rang, nom, _contenu), complete in zip(groupe, completes, strict=True):
        if complete is None or complete.lu.numero_national in numeros:
            continue
        numeros.add(complete.lu.numero_national)
        if _prete(complete):
            prets.append(_Pret(rang, nom, complete))
    connus = set()
    liste = sorted(numeros)
    for debut in range(0, len(liste), 10_000):
        connus.update(
            Demande.objects.filter(numero_national__in=liste[debut : debut + 10_000]).values_list(
                "numero_national", flat=True
            )
        )
    prets = [p for p in prets if p.complete.lu.numero_national not in connus]
    if prets:
        try:
            ecrites = [*demandes_services.modeles_ecrits_en_masse(), DossierSne, FichierSne]
            with transaction.atomic(), references_en_bloc(ecrites):
                plans_generiques_permis()  # the same statements for every group: planned once (core.db)
                ecrits = _ecrire(prets, acteur=acteur, permis=permis, guichet=guichet, communes=communes)
        except DatabaseError:
            logger.warning("Import SNE en masse annulé : les fichiers passent un à un.", exc_info=True)
            ecrits = {}
        resultats.update(ecrits)
    for rang, nom, contenu in groupe:  # the careful way, in the order given
        if rang not in resultats:
            try:
                resultats[rang] = importer_fichier(
                    contenu=contenu, nom_fichier=nom, acteur=acteur, epcis=epcis, guichet=guichet
                )
            except FichierRefuse as refus:
                resultats[rang] = refus


def _ecrire(prets: list[_Pret], *, acteur, permis, guichet, communes: Communes) -> dict[int, Rapport]:
    """Write the new demands set-based; the files it cannot take are left to the careful path."""
    from cil.models import Epci

    guichets: dict[int, Guichet | None] = {}
    nouvelles, retenus = [], []
    for pret in prets:
        lu = pret.complete.lu
        epcis_souhaites = [communes[c][1] for c in lu.communes if c in communes and communes[c][1]]
        if epcis_souhaites:
            retenus_epci = [e for e in epcis_souhaites if permis is None or e in permis]
            if not retenus_epci:
                continue  # another territory: refused the careful way, with its message
            epci_id = retenus_epci[0]
        elif permis is not None and len(permis) == 1:
            epci_id = next(iter(permis))
        else:
            continue
        if epci_id not in guichets:
            try:
                guichets[epci_id] = _guichet(Epci.objects.get(pk=epci_id), guichet)
            except ErreurMetier:
                guichets[epci_id] = None
        guichet_retenu = guichets[epci_id]
        if guichet_retenu is None:
            continue
        nouvelles.append(
            {
                "guichet": guichet_retenu,
                "verifiee": pret.complete.verifiee,
                "preparee": pret.complete.preparee,
                "membres": lu.membres,
                "ressources": lu.ressources,
                "communes": [communes[c][0] for c in lu.communes if c in communes],
            }
        )
        retenus.append(pret)
    creees, _refusees = demandes_services.enregistrer_demandes_en_masse(nouvelles, acteur=acteur)
    dossiers, lignes_dossiers, journal, rapports = [], [], [], {}
    importe_par = acteur.pk if getattr(acteur, "pk", None) else None
    maintenant = timezone.now().isoformat()
    for i, demande in creees.items():
        pret = retenus[i]
        complete = pret.complete
        lu = complete.lu
        if complete.preparee is not None:
            lignes_dossiers.append(f"{demande.pk}\t{maintenant}\t{complete.ligne_dossier}")
        else:
            dossiers.append(
                {
                    "demande_id": demande.pk,
                    "numero_guichet": lu.numero_guichet,
                    "version_interface": complete.version,
                    "type_fichier": lu.type_fichier,
                    "date_fichier": lu.date_fichier,
                    "donnees": complete.dossier,
                }
            )
        journal.append(
            {
                "nom_fichier": pret.nom[:255],
                "empreinte": complete.empreinte,
                "importe_par_id": importe_par,
                "statut": FichierSne.Statut.IMPORTE,
                "version_interface": complete.version,
                "type_fichier": lu.type_fichier,
                "numero_national": lu.numero_national,
                "epci_id": demande.epci_id,
                "demande_id": demande.pk,
                "constats": [],
                "avertissements": complete.avertissements,
                "resume": f"demande {demande.numero_national} créée (n° {demande.numero_unique})"[:300],
            }
        )
        rapports[pret.rang] = demande
    copier(DossierSne, dossiers)
    if lignes_dossiers:
        copier_lignes(
            DossierSne,
            [*COLONNES_DOSSIER_ECRITES, *colonnes_apres(DossierSne, COLONNES_DOSSIER_ECRITES)],
            lignes_dossiers,
        )
    ids = copier(FichierSne, journal, avec_ids=True) or [None] * len(journal)
    nouvelles_ids = [d.pk for d in creees.values()]  # written by this block: checked, not locked
    verifier_references(DossierSne, "demande_id", nouvelles_ids, ecrites={Demande: nouvelles_ids})
    verifier_references(FichierSne, "id", ids, ecrites={Demande: nouvelles_ids})
    resultat = {}
    for (rang, demande), ligne, pk in zip(rapports.items(), journal, ids, strict=True):
        resultat[rang] = Rapport(
            fichier=FichierSne(pk=pk, **ligne),
            demande=demande,
            creee=True,
            changements=[],
            avertissements=ligne["avertissements"],
        )
    logger.info("Import SNE en masse : %s demande(s) créée(s)", len(resultat))
    return resultat
