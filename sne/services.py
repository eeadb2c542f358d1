"""Import of the national format (SNE ``interfaceNuu``): one file, all or nothing.

Order of work for each file (docs/sne.md):
1. the schema of its ``versionInterface`` and the national code lists (``schemas.verifier``): a file that does
   not validate is refused whole, with every finding in French, before anything is read or written;
2. reading (``lecture.lire``) into the platform's vocabulary;
3. the territory: the demand already known by its national number (NUD) stays on its territory; a new one goes
   to the territory of its wished communes; either must be one the importer may write into
   (``attributions.services.perimetre_import``, as for F1 files);
4. in one transaction, through the owners' services only: the demand (``demandes.services``), its renewal,
   radiation or *déradiation*, and for a radiation for allocation the counted decision
   (``attributions.services.enregistrer_attribution_nationale``). Any refusal undoes the whole file.

Idempotent: a file received twice changes nothing the second time (the NUD identifies the demand).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction

from attributions.models import Logement
from attributions.services import ActionRefusee, enregistrer_attribution_nationale, perimetre_import
from cil.models import Commune, Epci, Guichet
from core.erreurs import ErreurMetier
from demandes import services as demandes_services
from demandes.models import Demande, Statut
from demandes.rules import DomainError

from . import lecture as lecture_sne
from .models import DossierSne, FichierSne
from .schemas import Constat, en_dict, verifier

logger = logging.getLogger(__name__)
SOURCE = "SNE"


class FichierRefuse(ErreurMetier):
    """The file was refused whole; ``constats`` names every element at fault, in French."""

    def __init__(self, nom_fichier: str, constats: list[Constat]):
        self.nom_fichier = nom_fichier
        self.constats = constats
        super().__init__(
            f"{nom_fichier or 'Le fichier'} est refusé ({len(constats)} erreur(s)) : rien n'a été enregistré."
        )


@dataclass
class Rapport:
    fichier: FichierSne
    demande: Demande
    creee: bool
    changements: list[str] = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)

    @property
    def resume(self) -> str:
        if self.creee:
            return f"demande {self.demande.numero_national} créée (n° {self.demande.numero_unique})"
        if not self.changements:
            return f"demande {self.demande.numero_national} : déjà à jour, rien à changer"
        return f"demande {self.demande.numero_national} : " + ", ".join(self.changements)


def _refuser(nom_fichier, empreinte, acteur, constats, *, version="", type_fichier="", numero="") -> FichierRefuse:
    FichierSne.objects.create(
        nom_fichier=nom_fichier[:255],
        empreinte=empreinte,
        importe_par=acteur if getattr(acteur, "pk", None) else None,
        statut=FichierSne.Statut.REFUSE,
        version_interface=version,
        type_fichier=type_fichier,
        numero_national=numero,
        constats=[{"chemin": c.chemin, "message": c.message} for c in constats],
        resume=f"{len(constats)} erreur(s)",
    )
    logger.info("Fichier SNE %s refusé : %s erreur(s)", nom_fichier, len(constats))
    return FichierRefuse(nom_fichier, constats)


def _territoire(lu: lecture_sne.Lecture, existante: Demande | None, permis: frozenset[int] | None) -> Epci:
    if existante is not None:
        if permis is not None and existante.epci_id not in permis:
            raise ErreurMetier(
                f"la demande {lu.numero_national} est enregistrée sur le territoire {existante.epci.nom}, "
                "qui n'est pas le vôtre : elle ne peut pas être modifiée."
            )
        return existante.epci
    communes = dict(Commune.objects.filter(code_insee__in=lu.communes).values_list("code_insee", "epci_id"))
    epcis = [communes[c] for c in lu.communes if communes.get(c)]
    if epcis:
        retenus = [e for e in epcis if permis is None or e in permis]
        if not retenus:
            noms = ", ".join(sorted(set(Epci.objects.filter(pk__in=epcis).values_list("nom", flat=True))))
            raise ErreurMetier(
                f"la demande {lu.numero_national} porte sur le territoire {noms}, qui n'est pas le vôtre : "
                "elle est refusée."
            )
        return Epci.objects.get(pk=retenus[0])
    if permis is not None and len(permis) == 1:
        return Epci.objects.get(pk=next(iter(permis)))
    raise ErreurMetier(
        f"la demande {lu.numero_national} ne souhaite aucune commune d'un territoire de la plateforme : "
        "désignez le territoire de l'import (--epci) pour la recevoir."
    )


def _guichet(epci: Epci, guichet: Guichet | None) -> Guichet:
    if guichet is not None:
        if guichet.epci_id != epci.pk or not guichet.enregistreur:
            raise ErreurMetier(f"le guichet « {guichet.nom} » n'est pas un guichet enregistreur de {epci.nom}.")
        return guichet
    premier = Guichet.objects.filter(epci=epci, enregistreur=True).order_by("pk").first()
    if premier is None:
        raise ErreurMetier(f"{epci.nom} n'a aucun guichet enregistreur : créez-en un pour recevoir les demandes.")
    return premier


def _menage_actuel(demande: Demande) -> tuple[list, list]:
    membres = list(demande.membres.order_by("pk"))
    index = {m.pk: i for i, m in enumerate(membres)}
    projection_membres = [
        {
            "lien": m.lien,
            "nom": m.nom,
            "prenom": m.prenom,
            "date_naissance": m.date_naissance,
            "situation_professionnelle": m.situation_professionnelle,
            "enfant_a_naitre": m.enfant_a_naitre,
            "garde": m.garde,
        }
        for m in membres
    ]
    ressources = sorted(
        ((index.get(r.membre_id), r.nature, r.montant_mensuel) for r in demande.ressources.order_by("pk")),
        key=_cle_ressource,
    )
    return projection_membres, ressources


def _menage_lu(lu: lecture_sne.Lecture) -> tuple[list, list]:
    defaut = {"situation_professionnelle": "", "enfant_a_naitre": False, "garde": ""}
    membres = [{**defaut, **m} for m in lu.membres]
    ressources = sorted(
        ((r["membre_index"], r["nature"], Decimal(r["montant_mensuel"])) for r in lu.ressources), key=_cle_ressource
    )
    return membres, ressources


def _cle_ressource(item):
    return (-1 if item[0] is None else item[0], item[1], item[2])


def _appliquer(lu, document, *, epci, guichet, acteur, existante, permis) -> tuple[Demande, bool, list, list]:
    changements: list[str] = []
    avertissements: list[str] = []
    donnees = dict(lu.donnees)
    ville = Commune.objects.filter(code_insee=lu.commune_adresse).values_list("nom", flat=True).first()
    donnees["ville"] = ville or lu.commune_adresse
    if not ville:
        avertissements.append(f"commune de l'adresse {lu.commune_adresse} absente du référentiel : code gardé.")
    communes = list(Commune.objects.filter(code_insee__in=lu.communes))
    inconnues = sorted(set(lu.communes) - {c.code_insee for c in communes})
    if inconnues:
        avertissements.append("communes souhaitées absentes du référentiel : " + ", ".join(inconnues) + ".")
    creee = existante is None
    if creee:
        demande = demandes_services.enregistrer_demande(
            guichet=guichet,
            donnees=donnees,
            membres=lu.membres,
            ressources=lu.ressources,
            communes=communes,
            acteur=acteur,
            date_depot=lu.date_depot,
        )
    else:
        demande = Demande.objects.select_for_update().get(pk=existante.pk)
        if demande.date_depot != lu.date_depot:
            raise ErreurMetier(
                f"la date de création {lu.date_depot:%d/%m/%Y} diffère de celle de la demande "
                f"({demande.date_depot:%d/%m/%Y}) : ce n'est pas la même demande."
            )
        reactivation = lu.radiation is not None and lu.radiation.motif == "REACTIVATION"
        if demande.statut == Statut.RADIEE and reactivation:
            demandes_services.reactiver(demande, acteur=acteur, jour=lu.radiation.date, source=SOURCE)
            changements.append("déradiation")
            demande.refresh_from_db()
        if demande.statut != Statut.RADIEE:
            modifiables = {k: v for k, v in donnees.items() if k != "numero_national"}
            differents = {k: v for k, v in modifiables.items() if getattr(demande, k) != v}
            avant_communes = set(demande.communes_souhaitees.values_list("pk", flat=True))
            if differents or avant_communes != {c.pk for c in communes}:
                demandes_services.modifier_demande(
                    demande, version=demande.version, donnees=differents, communes=communes, acteur=acteur
                )
                demande.refresh_from_db()
                changements.append("données de la demande")
            membres_actuels, ressources_actuelles = _menage_actuel(demande)
            membres_lus, ressources_lues = _menage_lu(lu)
            if membres_actuels != membres_lus or ressources_actuelles != ressources_lues:
                demandes_services.remplacer_menage(
                    demande, membres=lu.membres, ressources=lu.ressources, acteur=acteur, origine="fichier national"
                )
                demande.refresh_from_db()
                changements.append("ménage et ressources")
        elif lu.radiation is None or lu.radiation.motif != demande.motif_radiation:
            raise ErreurMetier(
                f"la demande {lu.numero_national} est radiée sur la plateforme : seule une déradiation "
                "(motif de radiation vide) peut la faire revivre."
            )
    if lu.dalo and not demande.decisions_dalo.filter(date_decision=lu.dalo).exists():
        demandes_services.enregistrer_dalo(
            demande, date_decision=lu.dalo, commission="Commission de médiation (système national)", acteur=acteur
        )
        changements.append("décision DALO")
    if (
        lu.renouvellement
        and demande.statut != Statut.RADIEE
        and lu.renouvellement > (demande.date_dernier_renouvellement or demande.date_depot)
    ):
        demandes_services.renouveler(demande, acteur=acteur, jour=lu.renouvellement, source=SOURCE)
        demande.refresh_from_db()
        changements.append(f"renouvellement du {lu.renouvellement:%d/%m/%Y}")
    radiation = lu.radiation
    if radiation is not None and radiation.motif != "REACTIVATION":
        if demande.statut != Statut.RADIEE:
            demandes_services.radier(
                demande,
                radiation.motif,
                acteur=acteur,
                jour=radiation.date,
                commentaire=radiation.commentaire,
                source=SOURCE,
            )
            demande.refresh_from_db()
            changements.append(f"radiation ({demande.get_motif_radiation_display().lower()})")
        if radiation.motif == "ATTRIBUTION" and radiation.attribution:
            changement = _attribution(demande, radiation.attribution, acteur=acteur, permis=permis)
            if changement.startswith("!"):
                avertissements.append(changement[1:])
            elif changement:
                changements.append(changement)
    return demande, creee, changements, avertissements


def _attribution(demande: Demande, bloc: dict, *, acteur, permis) -> str:
    """The counted decision of a RADATT; '!'-prefixed text: a warning (the allocation is not counted yet)."""
    if not bloc["numero_rpls"]:
        return "!attribution non comptée : le fichier ne donne pas le numéro RPLS du logement."
    logement = Logement.objects.select_related("bailleur", "epci").filter(identifiant=bloc["numero_rpls"]).first()
    if logement is None:
        return (
            f"!attribution non comptée : le logement RPLS {bloc['numero_rpls']} est inconnu de la plateforme "
            "(importez le patrimoine du bailleur, puis ce fichier à nouveau)."
        )
    if bloc["siren_bailleur"] and logement.bailleur.siren != bloc["siren_bailleur"]:
        raise ErreurMetier(
            f"le logement RPLS {bloc['numero_rpls']} appartient au bailleur {logement.bailleur.siren}, "
            f"pas au bailleur {bloc['siren_bailleur']} du fichier."
        )
    if permis is not None and logement.epci_id not in permis:
        raise ErreurMetier(
            f"le logement RPLS {bloc['numero_rpls']} est sur le territoire {logement.epci.nom}, qui n'est pas le vôtre."
        )
    decision, creee = enregistrer_attribution_nationale(
        demande=demande,
        logement=logement,
        date_bail=bloc["date_bail"],
        type_reservataire=bloc["type_reservataire"],
        dalo=bloc["dalo"],
        prioritaire=bloc["prioritaire"],
        mutation=bloc["mutation"],
        acteur=acteur,
    )
    if decision.reservataire_a_qualifier and creee:
        return f"attribution comptée (logement {logement.identifiant}), réservataire à qualifier"
    return f"attribution comptée (logement {logement.identifiant})" if creee else ""


def importer_fichier(
    *,
    contenu: bytes,
    nom_fichier: str,
    acteur=None,
    epcis=None,
    guichet: Guichet | None = None,
) -> Rapport:
    """Import one national file whole or not at all; raises ``FichierRefuse`` with every finding in French."""
    empreinte = hashlib.sha256(contenu).hexdigest()
    verification = verifier(contenu)
    if not verification.valide:
        raise _refuser(nom_fichier, empreinte, acteur, verification.constats, version=verification.version)
    document = en_dict(verification.racine, verification.version)
    lu = lecture_sne.lire(document)
    if lu.constats:
        raise _refuser(
            nom_fichier,
            empreinte,
            acteur,
            lu.constats,
            version=verification.version,
            type_fichier=lu.type_fichier,
            numero=lu.numero_national,
        )
    infos = {"version": verification.version, "type_fichier": lu.type_fichier, "numero": lu.numero_national}
    if lu.type_fichier == "SUP":
        constat = Constat(
            "/interfaceNuu/entete/typeFichier",
            "une suppression (SUP) n'est pas appliquée : la plateforme ne détruit pas une demande reçue ; "
            "si elle a été créée par erreur, radiez-la ou laissez sa durée de conservation s'écouler.",
        )
        raise _refuser(nom_fichier, empreinte, acteur, [constat], **infos)
    permis = perimetre_import(acteur=acteur, epcis=epcis)
    try:
        with transaction.atomic():
            existante = Demande.objects.select_related("epci").filter(numero_national=lu.numero_national).first()
            epci = _territoire(lu, existante, permis)
            guichet_retenu = _guichet(epci, guichet) if existante is None else existante.guichet
            demande, creee, changements, avertissements = _appliquer(
                lu, document, epci=epci, guichet=guichet_retenu, acteur=acteur, existante=existante, permis=permis
            )
            avertissements = verification.avertissements + avertissements
            donnees = copy.deepcopy(document["demande"])
            DossierSne.objects.update_or_create(
                demande=demande,
                defaults={
                    "numero_guichet": lu.numero_guichet,
                    "version_interface": verification.version,
                    "type_fichier": lu.type_fichier,
                    "date_fichier": lu.date_fichier,
                    "donnees": _json(donnees),
                },
            )
            rapport = Rapport(
                fichier=FichierSne(),
                demande=demande,
                creee=creee,
                changements=changements,
                avertissements=avertissements,
            )
            rapport.fichier = FichierSne.objects.create(
                nom_fichier=nom_fichier[:255],
                empreinte=empreinte,
                importe_par=acteur if getattr(acteur, "pk", None) else None,
                statut=FichierSne.Statut.IMPORTE if creee or changements else FichierSne.Statut.INCHANGE,
                version_interface=verification.version,
                type_fichier=lu.type_fichier,
                numero_national=lu.numero_national,
                epci=epci,
                demande=demande,
                avertissements=avertissements,
                resume=rapport.resume[:300],
            )
    except (ErreurMetier, ActionRefusee, DomainError) as exc:
        raise _refuser(nom_fichier, empreinte, acteur, [Constat("", str(exc))], **infos) from None
    except IntegrityError:
        constat = Constat(
            "",
            f"la demande {lu.numero_national} a été enregistrée au même moment par un autre import : "
            "importez le fichier à nouveau.",
        )
        raise _refuser(nom_fichier, empreinte, acteur, [constat], **infos) from None
    except Exception as exc:
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            constats = [
                Constat(f"champ « {champ} »", " ".join(messages)) for champ, messages in exc.message_dict.items()
            ]
            raise _refuser(nom_fichier, empreinte, acteur, constats, **infos) from None
        raise
    logger.info("Fichier SNE %s : %s", nom_fichier, rapport.resume)
    return rapport


def _json(valeur):
    """The validated dict as plain JSON values (dates and decimals as text)."""
    if isinstance(valeur, dict):
        return {k: _json(v) for k, v in valeur.items()}
    if isinstance(valeur, list):
        return [_json(v) for v in valeur]
    if isinstance(valeur, dt.date | Decimal):
        return str(valeur)
    return valeur
