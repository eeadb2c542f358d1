"""Shared-management events in the SNE's formats: event types (``InterfaceNuuGPTypeEvenement``) as data with
their national flags, and a demand's events (``InterfaceNuuGPEvenement``) exported and imported, validated.

A national type stands for a platform event type (``TypeEvenementSne.type_plateforme``); without a mapping, the
platform's own type is written with its derived code (``code_plateforme``: upper-case letters, 10 at most). An
imported event whose type the platform cannot map refuses the file (it is never dropped).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.erreurs import ErreurMetier
from demandes.models import Demande, ElementSensible, Evenement
from demandes.services import record_event

from .models import TypeEvenementSne
from .schemas import SCHEMAS_EVENEMENT, Constat, en_dict, verifier, vers_xml

SCHEMAS_TYPES = {"02.00": "InterfaceNuuGPTypeEvenement_v0200.xsd"}


class EvenementsRefuses(ErreurMetier):
    def __init__(self, constats: list[Constat]):
        self.constats = constats
        super().__init__(f"Fichier d'événements refusé ({len(constats)} erreur(s)) : rien n'a été enregistré.")


def code_plateforme(type_: str) -> str:
    """The platform's event type as a national code (``t_code10``: letters and digits, 10 at most)."""
    return type_.replace("_", "")[:10]


CODES_PLATEFORME = {code_plateforme(t): t for t in Evenement.Type.values}


def _types_valables(jour: dt.date, code_territoire: str = ""):
    return TypeEvenementSne.objects.filter(
        Q(date_debut__isnull=True) | Q(date_debut__lte=jour),
        Q(date_fin__isnull=True) | Q(date_fin__gte=jour),
        Q(code_territoire="") | Q(code_territoire=code_territoire),
    )


@transaction.atomic
def importer_types(*, contenu: bytes) -> int:
    """Create or update the event types of an ``InterfaceNuuGPTypeEvenement`` file; returns how many."""
    verification = verifier(contenu, schemas=SCHEMAS_TYPES)
    if not verification.valide:
        raise EvenementsRefuses(verification.constats)
    document = en_dict(verification.racine, verification.version, SCHEMAS_TYPES)
    types = (document.get("listeTypesEvenements") or {}).get("typeEvenement") or []
    for t in types:
        TypeEvenementSne.objects.update_or_create(
            code=t["codeTypeEvenement"],
            code_territoire=t.get("codeTerritoire") or "",
            defaults={
                "libelle": ((t.get("libelleTypeEvenement") or {}).get("libelle") or "")[:100],
                "texte_sne": t["texteDescriptifSNE"],
                "texte_pgp": t["texteDescriptifPGP"],
                "a_publier": t["aPublierSurPGP"],
                "reglementaire": t["reglementaire"],
                "multiples_attributions": t["utilisableMultiplesAttributionsSousConditions"],
                "recherche_instruction": t["utilisableRechercheInstruction"],
                "date_debut": t.get("dateDebutValidite"),
                "date_fin": t.get("dateFinValidite"),
                "type_plateforme": CODES_PLATEFORME.get(t["codeTypeEvenement"], ""),
            },
        )
    return len(types)


def exporter_evenements(demande: Demande) -> bytes:
    """The demand's shared event log as ``InterfaceNuuGPEvenement`` 02.00, validated. Sensitive events (their type
    is an ``ElementSensible``) go without their wording."""
    if not demande.numero_national:
        raise ErreurMetier("Cette demande n'a pas de numéro national : ses événements ne peuvent pas être partagés.")
    sensibles = set(
        ElementSensible.objects.filter(nature=ElementSensible.Nature.EVENEMENT)
        .filter(Q(epci__isnull=True) | Q(epci=demande.epci_id))
        .values_list("code", flat=True)
    )
    nationaux = {t.type_plateforme: t for t in TypeEvenementSne.objects.exclude(type_plateforme="")}
    evenements = []
    for e in demande.evenements.order_by("date", "pk"):
        national = nationaux.get(e.type)
        bloc = {"idEvenement": int(e.detail["sne_id"])} if str(e.detail.get("sne_id", "")).isdigit() else {}
        bloc |= {
            "codeTypeEvenement": national.code if national else code_plateforme(e.type),
            "libelleTypeEvenement": (national.libelle if national and national.libelle else e.get_type_display())[:100],
            "auteurCreation": (e.organisation or "")[:255],
            "dateCreation": e.date.isoformat(),
            "dateSurvenance": timezone.localtime(e.date).date().isoformat(),
        }
        if e.libelle and e.type not in sensibles:
            bloc["commentaire"] = e.libelle[:500]
        bloc["reglementaire"] = national.reglementaire if national else False
        evenements.append(bloc)
    document = {
        "@versionInterface": "02.00",
        "entete": {
            "typeFichier": "EVT",
            "dateFichier": timezone.now().isoformat(timespec="seconds"),
            "codeGuichet": f"P{demande.guichet_id}"[:5],
        },
        "operation": {"numUnique": demande.numero_national},
    }
    if evenements:
        document["listeEvenements"] = {"evenement": evenements}
    return vers_xml(document, "02.00", SCHEMAS_EVENEMENT)


@transaction.atomic
def importer_evenements(*, contenu: bytes, acteur=None, permis: frozenset[int] | None = None) -> int:
    """Add the events of an ``InterfaceNuuGPEvenement`` file to the demand it names (by its national number),
    all or nothing; an event already received (same ``idEvenement``) is not added twice. Returns how many added."""
    verification = verifier(contenu, schemas=SCHEMAS_EVENEMENT)
    if not verification.valide:
        raise EvenementsRefuses(verification.constats)
    document = en_dict(verification.racine, verification.version, SCHEMAS_EVENEMENT)
    numero = document["operation"]["numUnique"]
    demande = Demande.objects.filter(numero_national=numero).first()
    if demande is None or (permis is not None and demande.epci_id not in permis):
        raise EvenementsRefuses(
            [Constat("/interfaceNuu/operation/numUnique", f"demande {numero} inconnue sur vos territoires.")]
        )
    nationaux = {t.code: t for t in TypeEvenementSne.objects.exclude(type_plateforme="")}
    recus = demande.evenements.filter(detail__has_key="sne_id").values_list("detail__sne_id", flat=True)
    deja = {str(v) for v in recus}
    existants = set(demande.evenements.values_list("type", "date"))
    a_ajouter, constats = [], []
    for i, e in enumerate((document.get("listeEvenements") or {}).get("evenement") or [], start=1):
        code = e.get("codeTypeEvenement") or ""
        type_ = nationaux[code].type_plateforme if code in nationaux else CODES_PLATEFORME.get(code)
        if type_ is None:
            constats.append(
                Constat(
                    f"/interfaceNuu/listeEvenements/evenement[{i}]/codeTypeEvenement",
                    f"type d'événement national « {code} » sans équivalent sur la plateforme "
                    "(chargez les types nationaux et rattachez-le à un type de la plateforme).",
                )
            )
            continue
        identifiant = str(e.get("idEvenement") or hashlib.sha256(repr(sorted(e.items())).encode()).hexdigest()[:16])
        quand = e.get("dateCreation") or e.get("dateSurvenance")
        date = dt.datetime.fromisoformat(str(quand)) if quand else timezone.now()
        if timezone.is_naive(date):
            date = timezone.make_aware(date)
        if identifiant in deja or (type_, date) in existants:
            continue  # received before, or the platform's own event coming back
        a_ajouter.append((type_, date, e, identifiant, code))
    if constats:
        raise EvenementsRefuses(constats)
    for type_, date, e, identifiant, code in a_ajouter:
        record_event(
            demande,
            type_,
            acteur=acteur,
            date=date,
            organisation=(e.get("auteurCreation") or "Système national d'enregistrement")[:200],
            libelle=(e.get("commentaire") or e.get("libelleTypeEvenement") or "")[:300],
            detail={"sne_id": identifiant, "code_national": code, "source": "SNE"},
        )
    return len(a_ajouter)
