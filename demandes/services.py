"""Every write on a demand: keyword-only, atomic, ``acteur`` passed explicitly (None for scheduled jobs).

This is the only module that writes ``Evenement`` rows, sends mail or enqueues tasks.
Public to other apps: ``record_event`` (e.g. CAL decisions, leases) and ``radier``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core import transitions

from . import cotation, rules
from .models import (
    ActiviteGuichet,
    Contact,
    CriterePriorite,
    DecisionDalo,
    DelaiDepasse,
    Demande,
    Evenement,
    MembreMenage,
    PieceJustificative,
    RendezVous,
    Ressource,
    SequenceNumero,
    Statut,
    TransitionStatut,
)
from .rules import ConflitDeVersion, DomainError

TAILLE_MAX_PIECE_DEFAUT = 10 * 1024 * 1024


def _now():
    return timezone.now()


def _today():
    return timezone.localdate()


def organisation_de(acteur, epci_id: int | None = None) -> str:
    """The organisation on whose behalf ``acteur`` acts on a territory (for the shared event log)."""
    if acteur is None:
        return "Traitement automatique de la plateforme"
    from cil.models import Membership

    memberships = Membership.objects.filter(user=acteur).select_related("guichet", "bailleur", "reservataire", "epci")
    if epci_id is not None:
        memberships = memberships.filter(epci_id=epci_id)
    membership = memberships.order_by("role").first()
    if membership is None:
        return "Administration de la plateforme" if acteur.is_superuser else ""
    return str(membership.organisation)[:200]


def record_event(
    demande: Demande,
    type: str,
    *,
    acteur,
    date: dt.datetime | None = None,
    organisation: str | None = None,
    libelle: str = "",
    detail: dict | None = None,
) -> Evenement:
    """Append an event to the demand's shared log (R. 441-2-15). Other apps call this too.

    Whether a reader sees an event's detail is decided at reading (``sensibles.py``) from its type and from
    the criterion (``critere``), document type (``type_piece``) or reasons (``motifs``) its detail names:
    an event about such an item must name it in its detail."""
    if type not in Evenement.Type.values:
        raise DomainError(f"Type d'événement inconnu : {type}.")
    evenement = Evenement.objects.create(
        demande=demande,
        type=type,
        date=date or _now(),
        acteur=acteur,
        organisation=organisation if organisation is not None else organisation_de(acteur, demande.epci_id),
        libelle=libelle[:300],
        detail=detail or {},
    )
    if type == Evenement.Type.REFUS:  # a refusal may carry a malus in the grid
        recalculer_demande(demande, acteur=acteur)
    return evenement


# --- Registration number ----------------------------------------------------------------------


def prochain_numero(departement: str, annee: int) -> str:
    """Increment the department's yearly sequence under a row lock: numbers are never reused."""
    departement = rules.code_departement(departement)
    with transaction.atomic():
        SequenceNumero.objects.get_or_create(departement=departement, annee=annee)
        sequence = SequenceNumero.objects.select_for_update().get(departement=departement, annee=annee)
        sequence.dernier += 1
        sequence.save(update_fields=["dernier"])
        return rules.format_numero(departement, annee, sequence.dernier)


# --- Life cycle -------------------------------------------------------------------------------


def _transition(demande: Demande, action: rules.Action, *, acteur, motif: str = "", raison: str = "") -> str:
    """Move the demand along its life cycle (rules.CYCLE) and log it; returns the former status."""
    ligne = transitions.appliquer(
        demande, action, regle=rules.CYCLE, journal=TransitionStatut, acteur=acteur, motif=motif, raison=raison
    )
    return ligne.de


def _verrouiller(demande: Demande, version: int | None) -> None:
    """Optimistic lock: bump the version if it is still the one the user read, else fail."""
    attendue = demande.version if version is None else version
    updated = Demande.objects.filter(pk=demande.pk, version=attendue).update(version=F("version") + 1)
    if not updated:
        raise ConflitDeVersion(
            "Cette demande a été modifiée par quelqu'un d'autre depuis que vous l'avez ouverte. "
            "Vos saisies n'ont pas été enregistrées : elles sont conservées ci-dessous. "
            "Comparez-les avec la version à jour avant d'enregistrer à nouveau."
        )
    demande.version = attendue + 1


def _membres_et_ressources(demande: Demande, membres: Iterable[dict], ressources: Iterable[dict]) -> None:
    index: dict[int, MembreMenage] = {}
    for i, donnees in enumerate(membres):
        index[i] = MembreMenage.objects.create(demande=demande, **donnees)
    for donnees in ressources:
        donnees = dict(donnees)
        rang = donnees.pop("membre_index", None)
        Ressource.objects.create(demande=demande, membre=index.get(rang) if rang is not None else None, **donnees)


@transaction.atomic
def enregistrer_demande(
    *,
    guichet,
    donnees: dict,
    membres: Iterable[dict] = (),
    ressources: Iterable[dict] = (),
    communes: Iterable = (),
    acteur,
    date_depot: dt.date | None = None,
) -> Demande:
    """Register a demand at a reception point: number, filing date, household, resources, wishes, event.

    ``ressources`` items carry ``membre_index`` (position in ``membres``) or None for the applicant.
    """
    if not guichet.enregistreur:
        raise DomainError(f"Le guichet « {guichet.nom} » n'est pas un guichet enregistreur.")
    date_depot = date_depot or _today()
    departement = guichet.commune.departement
    demande = Demande(
        guichet=guichet,
        epci_id=guichet.epci_id,
        date_depot=date_depot,
        numero_unique=prochain_numero(departement, date_depot.year),
        **donnees,
    )
    demande.full_clean(exclude=["numero_unique", "epci", "guichet", "communes_souhaitees"])
    demande.save()
    demande.communes_souhaitees.set(communes)
    _membres_et_ressources(demande, membres, ressources)
    record_event(
        demande,
        Evenement.Type.ENREGISTREMENT,
        acteur=acteur,
        organisation=guichet.nom,
        libelle=f"Demande enregistrée sous le numéro {demande.numero_unique}",
        detail={"guichet_id": guichet.pk, "date_depot": date_depot.isoformat()},
    )
    recalculer_demande(demande, acteur=acteur)
    return demande


CHAMPS_MODIFIABLES = [
    f.name
    for f in Demande._meta.get_fields()
    if getattr(f, "editable", False)
    and f.concrete
    and not f.many_to_many
    and f.name
    not in {
        "id",
        "numero_unique",
        "epci",
        "guichet",
        "statut",
        "motif_radiation",
        "date_depot",
        "date_dernier_renouvellement",
        "date_radiation",
        "version",
        "cree_le",
        "modifie_le",
    }
]


@transaction.atomic
def modifier_demande(
    demande: Demande,
    *,
    version: int,
    donnees: dict,
    communes: Iterable | None = None,
    membres: list[dict] | None = None,
    ressources: list[dict] | None = None,
    acteur,
    evenement: str = Evenement.Type.RECTIFICATION,
) -> Demande:
    """Update a demand if nobody saved it since ``version`` was read (else ConflitDeVersion).

    ``membres`` / ``ressources``: full lists; items with ``id`` update, without create, with
    ``supprimer`` delete. Ressource items name their person with ``membre_id`` (None: applicant).
    """
    if demande.statut == Statut.RADIEE:
        raise DomainError("Une demande radiée ne peut pas être modifiée ; réactivez-la d'abord si c'est possible.")
    _verrouiller(demande, version)
    modifies = []
    for champ, valeur in donnees.items():
        if champ not in CHAMPS_MODIFIABLES:
            raise DomainError(f"Champ non modifiable : {champ}.")
        if getattr(demande, champ) != valeur:
            modifies.append(str(Demande._meta.get_field(champ).verbose_name))
            setattr(demande, champ, valeur)
    demande.full_clean(exclude=["numero_unique", "communes_souhaitees"])
    demande.save()
    if communes is not None:
        avant = set(demande.communes_souhaitees.values_list("pk", flat=True))
        apres = {c.pk for c in communes}
        if avant != apres:
            demande.communes_souhaitees.set(communes)
            modifies.append("communes souhaitées")
    if membres is not None:
        for item in membres:
            item = dict(item)
            pk, supprimer = item.pop("id", None), item.pop("supprimer", False)
            if pk and supprimer:
                MembreMenage.objects.filter(demande=demande, pk=pk).delete()
            elif pk:
                MembreMenage.objects.filter(demande=demande, pk=pk).update(**item)
            elif not supprimer:
                MembreMenage.objects.create(demande=demande, **item)
            else:
                continue
            if "composition du ménage" not in modifies:
                modifies.append("composition du ménage")
    if ressources is not None:
        membres_ids = set(demande.membres.values_list("pk", flat=True))
        for item in ressources:
            item = dict(item)
            pk, supprimer = item.pop("id", None), item.pop("supprimer", False)
            if item.get("membre_id") not in (None, *membres_ids):
                raise DomainError("Une ressource doit appartenir à une personne du ménage.")
            if pk and supprimer:
                Ressource.objects.filter(demande=demande, pk=pk).delete()
            elif pk:
                Ressource.objects.filter(demande=demande, pk=pk).update(**item)
            elif not supprimer:
                Ressource.objects.create(demande=demande, **item)
            else:
                continue
            if "ressources" not in modifies:
                modifies.append("ressources")
    if modifies:
        record_event(
            demande,
            evenement,
            acteur=acteur,
            libelle="Mise à jour : " + ", ".join(modifies),
            detail={"champs": modifies, "version": demande.version},
        )
        recalculer_demande(demande, acteur=acteur)
    return demande


@transaction.atomic
def remplacer_menage(
    demande: Demande, *, membres: Iterable[dict], ressources: Iterable[dict], acteur, origine: str = ""
) -> Demande:
    """Replace the whole household and resources of a demand with those of a record received whole (the national
    file of the SNE, sne app): the other persons and every resource are deleted and created again, in one logged
    change. ``ressources`` items carry ``membre_index`` (position in ``membres``) or None for the applicant."""
    if demande.statut == Statut.RADIEE:
        raise DomainError("Une demande radiée ne peut pas être modifiée ; réactivez-la d'abord si c'est possible.")
    _verrouiller(demande, None)
    Ressource.objects.filter(demande=demande).delete()
    MembreMenage.objects.filter(demande=demande).delete()
    _membres_et_ressources(demande, membres, ressources)
    record_event(
        demande,
        Evenement.Type.RECTIFICATION,
        acteur=acteur,
        libelle="Mise à jour : composition du ménage, ressources" + (f" ({origine})" if origine else ""),
        detail={"champs": ["composition du ménage", "ressources"], "version": demande.version, "origine": origine},
    )
    recalculer_demande(demande, acteur=acteur)
    return demande


@transaction.atomic
def renouveler(
    demande: Demande,
    *,
    acteur,
    jour: dt.date | None = None,
    version: int | None = None,
    organisation: str | None = None,
    source: str = "",
) -> Demande:
    """Yearly renewal: same number, same filing date (seniority kept), new renewal date (R. 441-2-7).
    ``organisation``: who renewed when there is no account (the applicant online). ``source``: the system
    where the renewal was already made ("SNE": the national registration system's file, sne app); its
    date is recorded as received, without the platform's opening window."""
    from .selectors import delais_pour

    jour = jour or _today()
    _verrouiller(demande, version)
    delais = delais_pour(demande.epci_id, jour)
    if (
        not source
        and demande.statut == rules.Statut.ACTIVE
        and not rules.renouvellement_ouvert(
            demande.statut, demande.date_depot, demande.date_dernier_renouvellement, delais, jour
        )
    ):
        ouverture = rules.ouverture_renouvellement(demande.date_depot, demande.date_dernier_renouvellement, delais)
        echeance = rules.date_expiration(demande.date_depot, demande.date_dernier_renouvellement, delais)
        raise DomainError(
            f"La demande est valable jusqu'au {echeance:%d/%m/%Y} : son renouvellement sera possible "
            f"à partir du {ouverture:%d/%m/%Y}."
        )
    _transition(demande, rules.Action.RENOUVELER, acteur=acteur)
    demande.date_dernier_renouvellement = jour
    demande.save(update_fields=["statut", "date_dernier_renouvellement", "modifie_le"])
    expiration = rules.date_expiration(demande.date_depot, jour, delais)
    record_event(
        demande,
        Evenement.Type.RENOUVELLEMENT,
        acteur=acteur,
        organisation=organisation,
        libelle=f"Demande renouvelée, valable jusqu'au {expiration:%d/%m/%Y}",
        detail={
            "date_renouvellement": jour.isoformat(),
            "expiration": expiration.isoformat(),
            **({"source": source} if source else {}),
        },
    )
    return demande


@transaction.atomic
def radier(
    demande: Demande,
    motif: str,
    *,
    acteur,
    jour: dt.date | None = None,
    commentaire: str = "",
    detail: dict | None = None,
    version: int | None = None,
    source: str = "",
) -> Demande:
    """Radiate a demand with one of the grounds of R. 441-2-8 (the allocations app calls it at lease signing).

    ``source``: the system where the radiation was already pronounced ("SNE": a national file, sne app),
    after its own warning letter; the platform records it as received, without asking for its own warning."""
    if motif not in rules.MotifRadiation.__members__:
        raise DomainError(f"Motif de radiation inconnu : {motif}.")
    jour = jour or _today()
    if motif in rules.MOTIFS_AVEC_AVERTISSEMENT and not source:
        from .selectors import date_avertissement, delais_pour

        debut = rules.radiation_apres_avertissement(
            date_avertissement(demande, motif), delais_pour(demande.epci_id, jour)
        )
        if debut is None:
            raise DomainError(
                "Pour ce motif, envoyez d'abord un courrier d'avertissement (R. 441-2-8 CCH) ; "
                "la radiation sera possible un mois après."
            )
        if jour < debut:
            raise DomainError(f"Radiation possible à partir du {debut:%d/%m/%Y}, un mois après l'avertissement.")
    _verrouiller(demande, version)
    _transition(demande, rules.Action.RADIER, acteur=acteur, motif=motif, raison=commentaire)
    demande.motif_radiation = motif
    demande.date_radiation = jour
    demande.save(update_fields=["statut", "motif_radiation", "date_radiation", "modifie_le"])
    from .models import MotifRadiation

    record_event(
        demande,
        Evenement.Type.RADIATION,
        acteur=acteur,
        libelle=f"Radiation : {MotifRadiation(motif).label}",
        detail={
            "motif": motif,
            "date": jour.isoformat(),
            "commentaire": commentaire,
            **({"source": source} if source else {}),
            **(detail or {}),
        },
    )
    if motif == rules.MotifRadiation.ATTRIBUTION:
        # AU-2014-124, art. 4: appraisals of social difficulties go at the allocation (unless followed up)
        from .services_rgpd import effacer_appreciations_sociales

        effacer_appreciations_sociales(demande, acteur=acteur)
    return demande


@transaction.atomic
def avertir(demande: Demande, motif: str, *, acteur, jour: dt.date | None = None, commentaire: str = "") -> Evenement:
    """Record the warning letter that must precede a radiation for no reply or inadmissibility (R. 441-2-8)."""
    if motif not in rules.MOTIFS_AVEC_AVERTISSEMENT:
        raise DomainError("Un avertissement ne concerne que l'absence de réponse ou l'irrecevabilité.")
    if not demande.est_active:
        raise DomainError("La demande n'est pas active.")
    jour = jour or _today()
    from .models import MotifRadiation

    return record_event(
        demande,
        Evenement.Type.AVERTISSEMENT,
        acteur=acteur,
        libelle=f"Avertissement avant radiation : {MotifRadiation(motif).label.lower()}",
        detail={"motif": motif, "date": jour.isoformat(), "commentaire": commentaire},
    )


@transaction.atomic
def reactiver(
    demande: Demande, *, acteur, jour: dt.date | None = None, version: int | None = None, source: str = ""
) -> Demande:
    """Bring back a demand radiated for non-renewal or no reply, within the window of the territory.
    ``source``: the system that already cancelled the radiation ("SNE": a national file's *déradiation*)."""
    from .selectors import delais_pour

    jour = jour or _today()
    if demande.anonymisee_le is not None:
        raise DomainError(
            "Les données de cette demande ont été effacées (durée de conservation écoulée) : "
            "il faut déposer une nouvelle demande."
        )
    delais = delais_pour(demande.epci_id, jour)
    if not source and not rules.reactivation_possible(
        demande.motif_radiation,
        demande.date_depot,
        demande.date_dernier_renouvellement,
        demande.date_radiation,
        delais,
        jour,
    ):
        raise DomainError(
            "Cette demande ne peut plus être réactivée (motif ou délai) : il faut déposer une nouvelle demande."
        )
    _verrouiller(demande, version)
    ancien_motif = demande.motif_radiation
    _transition(demande, rules.Action.REACTIVER, acteur=acteur, motif=ancien_motif)
    demande.motif_radiation = ""
    demande.date_radiation = None
    demande.date_dernier_renouvellement = jour
    demande.save(
        update_fields=["statut", "motif_radiation", "date_radiation", "date_dernier_renouvellement", "modifie_le"]
    )
    record_event(
        demande,
        Evenement.Type.REACTIVATION,
        acteur=acteur,
        libelle="Demande réactivée (ancienneté conservée)",
        detail={"ancien_motif": ancien_motif, "date": jour.isoformat(), **({"source": source} if source else {})},
    )
    recalculer_demande(demande, acteur=acteur)
    return demande


# --- Scheduled jobs ---------------------------------------------------------------------------


@transaction.atomic
def envoyer_rappel_renouvellement(demande_id: int, *, acteur=None, today: dt.date | None = None) -> bool:
    """Send the renewal notice once per validity year; returns False when there was nothing to do."""
    from .selectors import delais_pour

    today = today or _today()
    demande = Demande.objects.select_for_update().select_related("guichet").get(pk=demande_id)
    delais = delais_pour(demande.epci_id, today)
    if not rules.rappel_du(demande.statut, demande.date_depot, demande.date_dernier_renouvellement, delais, today):
        return False
    expiration = rules.date_expiration(demande.date_depot, demande.date_dernier_renouvellement, delais)
    radiation = rules.date_radiation_non_renouvellement(demande.date_depot, demande.date_dernier_renouvellement, delais)
    canaux = []
    if demande.email:
        send_mail(
            subject=f"Votre demande de logement social {demande.numero_unique} est à renouveler",
            message=(
                f"Bonjour {demande.prenom} {demande.nom},\n\n"
                f"Votre demande de logement social n° {demande.numero_unique} expire le {expiration:%d/%m/%Y}. "
                "Pour la conserver avec son ancienneté, renouvelez-la avant cette date auprès d'un guichet "
                f"enregistreur (par exemple : {demande.guichet.nom}, {demande.guichet.adresse}) ou en ligne.\n"
                f"Sans renouvellement, elle sera radiée à partir du {radiation:%d/%m/%Y}.\n"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[demande.email],
        )
        canaux.append("EMAIL")
    if demande.courrier_postal or not demande.email:
        canaux.append("COURRIER")
    _transition(demande, rules.Action.RAPPELER, acteur=acteur)
    demande.save(update_fields=["statut", "modifie_le"])
    record_event(
        demande,
        Evenement.Type.RAPPEL_RENOUVELLEMENT,
        acteur=acteur,
        libelle=f"Avis de renouvellement ({', '.join(c.lower() for c in canaux)}) : "
        f"expiration le {expiration:%d/%m/%Y}",
        detail={
            "canaux": canaux,
            "expiration": expiration.isoformat(),
            "debut_validite": rules.debut_validite(demande.date_depot, demande.date_dernier_renouvellement).isoformat(),
        },
    )
    return True


@transaction.atomic
def radier_pour_non_renouvellement(demande_id: int, *, today: dt.date | None = None) -> bool:
    from .selectors import delais_pour

    today = today or _today()
    demande = Demande.objects.select_for_update().get(pk=demande_id)
    delais = delais_pour(demande.epci_id, today)
    if not rules.radiation_due(demande.statut, demande.date_depot, demande.date_dernier_renouvellement, delais, today):
        return False
    radier(
        demande,
        rules.MotifRadiation.NON_RENOUVELLEMENT,
        acteur=None,
        jour=today,
        commentaire="Radiation automatique après l'avis de renouvellement resté sans suite.",
    )
    return True


# --- Supporting documents ---------------------------------------------------------------------


@transaction.atomic
def ajouter_piece(demande: Demande, *, type_piece: str, fichier, acteur, valide_jusqu_au=None) -> PieceJustificative:
    """Store an uploaded file (PDF, JPEG, PNG recognised by their content) in the private storage."""
    from .models import TypePiece

    if type_piece not in TypePiece.values:
        raise DomainError("Type de pièce inconnu.")
    taille_max = getattr(settings, "DEMANDES_TAILLE_MAX_PIECE", TAILLE_MAX_PIECE_DEFAUT)
    fichier.seek(0)
    entete = fichier.read(16)
    fichier.seek(0)
    mime, extension = rules.verifier_fichier(entete, fichier.size, taille_max)
    nom_original = os.path.basename(getattr(fichier, "name", "") or "piece")[:200]
    fichier.name = f"{uuid.uuid4().hex}{extension}"
    piece = PieceJustificative(
        demande=demande,
        type_piece=type_piece,
        statut=PieceJustificative.StatutPiece.RECUE,
        nom_original=nom_original,
        type_mime=mime,
        taille=fichier.size,
        recue_le=_now(),
        recue_par=acteur,
        valide_jusqu_au=valide_jusqu_au,
    )
    piece.fichier.save(fichier.name, fichier, save=False)
    try:
        piece.save()
    except Exception:
        piece.fichier.delete(save=False)  # no orphan file when the row cannot be written
        raise
    record_event(
        demande,
        Evenement.Type.PIECE_RECUE,
        acteur=acteur,
        libelle=f"Pièce reçue : {TypePiece(type_piece).label}",
        detail={"piece_id": piece.pk, "type_piece": type_piece},
    )
    return piece


@transaction.atomic
def changer_statut_piece(piece: PieceJustificative, statut: str, *, acteur) -> PieceJustificative:
    if statut not in PieceJustificative.StatutPiece.values:
        raise DomainError("Statut de pièce inconnu.")
    piece.statut = statut
    piece.save(update_fields=["statut"])
    if statut == PieceJustificative.StatutPiece.VALIDE:
        record_event(
            piece.demande,
            Evenement.Type.PIECE_VALIDEE,
            acteur=acteur,
            libelle=f"Pièce vérifiée : {piece.get_type_piece_display()}",
            detail={"piece_id": piece.pk, "type_piece": piece.type_piece},
        )
    return piece


# --- Qualification ----------------------------------------------------------------------------


@transaction.atomic
def reconnaitre_priorite(
    demande: Demande,
    *,
    critere: str,
    source: str,
    reconnu_le: dt.date,
    acteur,
    piece: PieceJustificative | None = None,
    commentaire: str = "",
) -> CriterePriorite:
    if critere not in CriterePriorite.Critere.values:
        raise DomainError("Critère de priorité inconnu.")
    if piece is not None and piece.demande_id != demande.pk:
        raise DomainError("La pièce justificative doit appartenir à cette demande.")
    if reconnu_le > _today():
        raise DomainError("La date de reconnaissance ne peut pas être dans le futur.")
    if CriterePriorite.objects.filter(demande=demande, critere=critere, fin_le__isnull=True).exists():
        raise DomainError("Ce critère de priorité est déjà reconnu pour cette demande.")
    organisation = organisation_de(acteur, demande.epci_id)
    priorite = CriterePriorite.objects.create(
        demande=demande,
        critere=critere,
        source=source,
        reconnu_le=reconnu_le,
        reconnu_par=acteur,
        organisation=organisation,
        piece=piece,
        commentaire=commentaire,
    )
    record_event(
        demande,
        Evenement.Type.PRIORITE_RECONNUE,
        acteur=acteur,
        organisation=organisation,
        libelle=f"Priorité reconnue : {priorite.get_critere_display()} ({priorite.get_source_display().lower()})",
        detail={
            "priorite_id": priorite.pk,
            "critere": critere,
            "source": source,
            "piece_id": piece.pk if piece else None,
        },
    )
    recalculer_demande(demande, acteur=acteur)
    return priorite


@transaction.atomic
def lever_priorite(priorite: CriterePriorite, *, acteur, jour: dt.date | None = None) -> CriterePriorite:
    priorite.fin_le = jour or _today()
    priorite.save(update_fields=["fin_le"])
    record_event(
        priorite.demande,
        Evenement.Type.PRIORITE_LEVEE,
        acteur=acteur,
        libelle=f"Priorité levée : {priorite.get_critere_display()}",
        detail={"priorite_id": priorite.pk, "critere": priorite.critere},
    )
    recalculer_demande(priorite.demande, acteur=acteur)
    return priorite


@transaction.atomic
def enregistrer_dalo(
    demande: Demande,
    *,
    date_decision: dt.date,
    commission: str,
    acteur,
    prioritaire_urgent: bool = True,
    reference: str = "",
    piece: PieceJustificative | None = None,
) -> DecisionDalo:
    decision = DecisionDalo.objects.create(
        demande=demande,
        date_decision=date_decision,
        commission=commission,
        prioritaire_urgent=prioritaire_urgent,
        reference=reference,
        piece=piece,
        saisie_par=acteur,
    )
    record_event(
        demande,
        Evenement.Type.DALO,
        acteur=acteur,
        libelle=f"Décision DALO du {date_decision:%d/%m/%Y}"
        + (" : prioritaire et urgent" if prioritaire_urgent else " : défavorable"),
        detail={"dalo_id": decision.pk, "prioritaire_urgent": prioritaire_urgent},
    )
    recalculer_demande(demande, acteur=acteur)
    return decision


# --- Reception network ------------------------------------------------------------------------


@transaction.atomic
def prendre_rendez_vous(demande: Demande, *, guichet, debut: dt.datetime, objet: str, acteur) -> RendezVous:
    if guichet.epci_id != demande.epci_id:
        raise DomainError("Le guichet doit appartenir au territoire de la demande.")
    rdv = RendezVous.objects.create(demande=demande, guichet=guichet, debut=debut, objet=objet, agent=acteur)
    record_event(
        demande,
        Evenement.Type.RENDEZ_VOUS,
        acteur=acteur,
        organisation=guichet.nom,
        libelle=f"{rdv.get_objet_display()} fixé le {timezone.localtime(debut):%d/%m/%Y à %H:%M}",
        detail={"rdv_id": rdv.pk},
    )
    return rdv


@transaction.atomic
def cloturer_rendez_vous(rdv: RendezVous, *, statut: str, acteur, compte_rendu: str = "") -> RendezVous:
    if statut not in {RendezVous.Statut.HONORE, RendezVous.Statut.NON_HONORE, RendezVous.Statut.ANNULE}:
        raise DomainError("Statut de rendez-vous invalide.")
    if rdv.statut != RendezVous.Statut.PREVU:
        raise DomainError("Ce rendez-vous est déjà clos.")
    rdv.statut = statut
    rdv.compte_rendu = compte_rendu
    rdv.agent = acteur or rdv.agent
    rdv.save(update_fields=["statut", "compte_rendu", "agent"])
    if statut != RendezVous.Statut.ANNULE:
        record_event(
            rdv.demande,
            Evenement.Type.ENTRETIEN,
            acteur=acteur,
            organisation=rdv.guichet.nom,
            libelle=f"{rdv.get_objet_display()} du {timezone.localtime(rdv.debut):%d/%m/%Y} : "
            f"{rdv.get_statut_display().lower()}",
            detail={"rdv_id": rdv.pk, "statut": statut},
        )
    return rdv


def compter_contact(guichet, canal: str, *, acteur, date: dt.datetime | None = None) -> Contact:
    if canal not in Contact.Canal.values:
        raise DomainError("Canal inconnu.")
    return Contact.objects.create(guichet=guichet, canal=canal, date=date or _now(), agent=acteur)


def fiche_information_remise(demande: Demande, *, acteur) -> Evenement:
    return record_event(
        demande,
        Evenement.Type.FICHE_INFORMATION,
        acteur=acteur,
        libelle="Attestation d'enregistrement et fiche d'information éditées",
    )


# --- Scoring (cotation) -----------------------------------------------------------------------

ORGANISATION_COTATION = "Calcul automatique de la cotation"
TAILLE_LOT_COTATION = 20_000


def _grilles():
    from .models import CalculCotation, CritereCotation, GrilleCotation

    return GrilleCotation, CritereCotation, CalculCotation


@transaction.atomic
def creer_brouillon(*, epci, acteur, depuis=None, nom: str = ""):
    """A new draft grid of the territory: a copy of ``depuis`` (by default the adopted grid) or empty."""
    from django.db.models import Max

    GrilleCotation, CritereCotation, _ = _grilles()
    if depuis is None:
        depuis = GrilleCotation.objects.filter(epci=epci, statut=GrilleCotation.Statut.ADOPTEE).first()
    if depuis is not None and depuis.epci_id != epci.pk:
        raise DomainError("La grille copiée doit appartenir au même territoire.")
    GrilleCotation.objects.select_for_update().filter(epci=epci).exists()
    version = (GrilleCotation.objects.filter(epci=epci).aggregate(v=Max("version"))["v"] or 0) + 1
    grille = GrilleCotation.objects.create(
        epci=epci,
        nom=nom or (f"{depuis.nom} – projet v{version}" if depuis else f"Grille de cotation v{version}"),
        version=version,
        description=depuis.description if depuis else "",
        copie_de=depuis,
        creee_par=acteur,
    )
    if depuis is not None:
        CritereCotation.objects.bulk_create(
            CritereCotation(
                grille=grille,
                ordre=c.ordre,
                code=c.code,
                libelle=c.libelle,
                type=c.type,
                points=c.points,
                valeurs=list(c.valeurs),
                plafond=c.plafond,
                duree_mois=c.duree_mois,
                date_debut=c.date_debut,
                date_fin=c.date_fin,
            )
            for c in depuis.criteres.all()
        )
    return grille


def _verifier_brouillon(grille) -> None:
    if not grille.modifiable:
        raise DomainError("Une grille adoptée ne peut plus être modifiée : créez un nouveau brouillon.")


@transaction.atomic
def enregistrer_critere(*, grille, acteur, critere=None, donnees: dict):
    """Create or change a criterion of a draft grid."""
    _, CritereCotation, _ = _grilles()
    _verifier_brouillon(grille)
    critere = critere or CritereCotation(grille=grille)
    if critere.grille_id != grille.pk:
        raise DomainError("Ce critère n'appartient pas à cette grille.")
    for champ, valeur in donnees.items():
        setattr(critere, champ, valeur)
    if critere.type == rules.TypeCritere.REFUS and critere.points > 0:
        raise DomainError("Le refus d'une offre adaptée est un malus : ses points doivent être négatifs.")
    critere.full_clean(exclude=["grille"])
    critere.save()
    return critere


@transaction.atomic
def supprimer_critere(*, critere, acteur) -> None:
    _verifier_brouillon(critere.grille)
    critere.delete()


@transaction.atomic
def adopter_grille(grille, *, acteur, date_debut: dt.date | None = None, deliberation: str = ""):
    """Adopt a draft: it becomes immutable and in force; the previous adopted grid is archived the day
    before; the whole stock is rescored by a background task enqueued after commit. Returns the run."""
    GrilleCotation, _, CalculCotation = _grilles()
    verrou = list(GrilleCotation.objects.select_for_update().filter(epci_id=grille.epci_id).order_by("pk"))
    grille.refresh_from_db()  # the caller's object follows the adoption
    _verifier_brouillon(grille)
    criteres = list(grille.criteres.all())
    if not criteres:
        raise DomainError("La grille n'a aucun critère.")
    if not any(c.type in (rules.TypeCritere.PRIORITE, rules.TypeCritere.DALO) for c in criteres):
        raise DomainError(
            "La cotation doit mettre en œuvre les priorités de l'article L. 441-1 (R. 441-2-10) : "
            "ajoutez au moins un critère « priorité » ou « DALO »."
        )
    date_debut = date_debut or _today()
    maintenant = _now()
    for ancienne in verrou:
        if ancienne.statut == GrilleCotation.Statut.ADOPTEE and ancienne.pk != grille.pk:
            ancienne.statut = GrilleCotation.Statut.ARCHIVEE
            ancienne.date_fin = date_debut - dt.timedelta(days=1)
            ancienne.archivee_le = maintenant
            ancienne.save(update_fields=["statut", "date_fin", "archivee_le"])
    grille.statut = GrilleCotation.Statut.ADOPTEE
    grille.date_debut = date_debut
    grille.adoptee_le = maintenant
    grille.adoptee_par = acteur
    grille.deliberation = deliberation or grille.deliberation
    grille.save()
    return lancer_recalcul(grille=grille, acteur=acteur, declencheur=f"Adoption de la grille v{grille.version}")


@transaction.atomic
def lancer_recalcul(*, grille, acteur, declencheur: str, jour: dt.date | None = None):
    """Record a rescoring run of the adopted grid's territory and enqueue it after commit."""
    GrilleCotation, _, CalculCotation = _grilles()
    if grille.statut != GrilleCotation.Statut.ADOPTEE:
        raise DomainError("Seule la grille adoptée s'applique au stock des demandes.")
    calcul = CalculCotation.objects.create(
        grille=grille, epci_id=grille.epci_id, jour=jour or _today(), declencheur=declencheur[:100], acteur=acteur
    )
    from .tasks import recalculer_cotation_stock

    transaction.on_commit(lambda: recalculer_cotation_stock.delay(calcul.pk))
    return calcul


def libelle_cotation(ancien: int | None, nouveau: int | None, grille) -> str:
    """The COTATION event's wording (the stock's set-based SQL in ``_ecrire_scores`` words it the same way)."""
    avant = "" if ancien is None else f"{ancien} → "
    return f"Cotation : {avant}{nouveau} points (grille « {grille.nom} », v{grille.version})"


def _ecrire_scores(changements: list[tuple[int, int | None, int]], *, grille, jour: dt.date, acteur_id) -> None:
    """Write the scores (new value or new grid) and one COTATION event per demand whose score value changed,
    in set-based SQL on PostgreSQL."""
    from django.db import connection

    if not changements:
        return
    ids = [c[0] for c in changements]
    anciens = [c[1] for c in changements]
    nouveaux = [c[2] for c in changements]
    nom = f"grille « {grille.nom} », v{grille.version}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE demandes_demande AS d SET score = v.score, score_grille_id = %s, score_calcule_le = %s "
                "FROM unnest(%s::bigint[], %s::integer[]) AS v(id, score) WHERE d.id = v.id",
                [grille.pk, jour, ids, nouveaux],
            )
            cursor.execute(
                "INSERT INTO demandes_evenement (demande_id, type, date, acteur_id, organisation, libelle, detail) "
                "SELECT v.id, %s, %s, %s, %s, "
                "'Cotation : ' || coalesce(v.ancien::text || ' → ', '') || v.nouveau || ' points (' || %s || ')', "
                "jsonb_build_object('grille_id', %s::integer, 'ancien', v.ancien, 'nouveau', v.nouveau) "
                "FROM unnest(%s::bigint[], %s::integer[], %s::integer[]) AS v(id, ancien, nouveau) "
                "WHERE v.ancien IS DISTINCT FROM v.nouveau",
                [Evenement.Type.COTATION, _now(), acteur_id, ORGANISATION_COTATION, nom, grille.pk, ids, anciens,
                 nouveaux],
            )  # fmt: skip
        return
    objets = [Demande(pk=pk, score=n, score_grille_id=grille.pk, score_calcule_le=jour) for pk, _a, n in changements]
    Demande.objects.bulk_update(objets, ["score", "score_grille", "score_calcule_le"], batch_size=500)
    maintenant = _now()
    Evenement.objects.bulk_create(
        [
            Evenement(
                demande_id=pk,
                type=Evenement.Type.COTATION,
                date=maintenant,
                acteur_id=acteur_id,
                organisation=ORGANISATION_COTATION,
                libelle=libelle_cotation(a, n, grille)[:300],
                detail={"grille_id": grille.pk, "ancien": a, "nouveau": n},
            )
            for pk, a, n in changements
            if a != n
        ],
        batch_size=500,
    )


def recalculer_lot(calcul_id: int, *, taille_lot: int = TAILLE_LOT_COTATION) -> bool:
    """Rescore the next batch of the run (ids above its progress mark) in one transaction; True when done.

    Only the scores that change are written, each with one event: rescoring twice changes nothing. The
    progress mark moves with the batch's writes, so a run interrupted at any point resumes without loss.
    """
    from . import selectors

    GrilleCotation, _, CalculCotation = _grilles()
    with transaction.atomic():
        calcul = CalculCotation.objects.select_for_update().select_related("grille").get(pk=calcul_id)
        if calcul.statut == CalculCotation.Statut.TERMINE:
            return True
        grille = calcul.grille
        lignes = []
        if grille.statut == GrilleCotation.Statut.ADOPTEE:  # a grid archived meanwhile: the run stops
            lignes = list(
                Demande.objects.actives()
                .filter(epci_id=calcul.epci_id, pk__gt=calcul.dernier_id)
                .order_by("pk")
                .values(*selectors.COLONNES_COTATION)[:taille_lot]
            )
        if not lignes:
            calcul.statut = CalculCotation.Statut.TERMINE
            calcul.fin = _now()
            calcul.save(update_fields=["statut", "fin"])
            return True
        criteres = grille.criteres_purs()
        besoins = selectors.besoins_cotation(criteres)
        communes = selectors.noms_communes(calcul.epci_id) if "communes" in besoins else frozenset()
        instantanes = selectors.instantanes_cotation(lignes, today=calcul.jour, besoins=besoins, communes=communes)
        score_seul = cotation.score_seul
        jour = calcul.jour
        criteres = tuple(c for c in criteres if c.en_vigueur(jour))
        changements = []
        for ligne in lignes:
            score = score_seul(instantanes[ligne["id"]], criteres, jour)
            if score != ligne["score"] or ligne["score_grille_id"] != grille.pk:
                changements.append((ligne["id"], ligne["score"], score))
        _ecrire_scores(changements, grille=grille, jour=calcul.jour, acteur_id=calcul.acteur_id)
        calcul.dernier_id = lignes[-1]["id"]
        calcul.nb_traitees += len(lignes)
        calcul.nb_modifiees += sum(1 for _pk, ancien, nouveau in changements if ancien != nouveau)
        calcul.nb_lots += 1
        calcul.save(update_fields=["dernier_id", "nb_traitees", "nb_modifiees", "nb_lots"])
        return False


def recalculer_stock(calcul_id: int, *, taille_lot: int = TAILLE_LOT_COTATION, max_lots: int | None = None):
    """Run the batches until the run is done (or ``max_lots`` batches, to share a worker)."""
    _, _, CalculCotation = _grilles()
    lots = 0
    while not recalculer_lot(calcul_id, taille_lot=taille_lot):
        lots += 1
        if max_lots is not None and lots >= max_lots:
            break
    return CalculCotation.objects.get(pk=calcul_id)


def recalculer_demande(demande: Demande, *, acteur, today: dt.date | None = None) -> int | None:
    """Rescore one demand after a change (same transaction); one event when its score changes."""
    from . import selectors

    if demande.statut == Statut.RADIEE:
        return demande.score
    grille = selectors.grille_adoptee(demande.epci_id)
    if grille is None:
        return None
    today = today or _today()
    criteres = grille.criteres_purs()
    score = rules.coter(selectors.instantane_demande(demande, today, criteres), criteres, today).score
    ancien = Demande.objects.filter(pk=demande.pk).values_list("score", "score_grille_id").get()
    if ancien == (score, grille.pk):
        return score
    Demande.objects.filter(pk=demande.pk).update(score=score, score_grille=grille, score_calcule_le=today)
    demande.score, demande.score_grille_id, demande.score_calcule_le = score, grille.pk, today
    if ancien[0] == score:  # same points under a new grid: no event
        return score
    record_event(
        demande,
        Evenement.Type.COTATION,
        acteur=acteur,
        organisation=ORGANISATION_COTATION,
        libelle=libelle_cotation(ancien[0], score, grille),
        detail={"grille_id": grille.pk, "ancien": ancien[0], "nouveau": score},
    )
    return score


def recalculer_toutes_les_grilles(*, jour: dt.date | None = None) -> list[int]:
    """Nightly: seniority points grow with time; one run per adopted grid (only changed scores are written)."""
    GrilleCotation, _, _ = _grilles()
    return [
        lancer_recalcul(grille=g, acteur=None, declencheur="Recalcul quotidien", jour=jour).pk
        for g in GrilleCotation.objects.filter(statut=GrilleCotation.Statut.ADOPTEE)
    ]


# --- Abnormally long delay (délai anormalement long) ------------------------------------------------


@transaction.atomic
def detecter_delais_depasses(*, jour: dt.date | None = None) -> dict:
    """List the active demands past their abnormally long delay (nightly job; docs/droit/regles.md §6.4).

    Idempotent: one ``DelaiDepasse`` row per demand, updated by each run (the first detection date kept);
    rows of demands no longer past (radiated, housed, the order changed) are deleted. Safe to retry: a rerun,
    or two runs at once, write the same rows (the one-row-per-demand constraint, conflicts ignored).
    """
    from . import selectors

    jour = jour or _today()
    par_departement = selectors.regles_delai_par_departement(jour)
    depassees = Demande.objects.actives().filter(selectors.q_delai_depasse(jour, par_departement))
    retirees, _ = DelaiDepasse.objects.exclude(demande__in=depassees.values("pk")).delete()
    existantes = {d.demande_id: d for d in DelaiDepasse.objects.all()}
    nouvelles, modifiees = [], []
    lignes = depassees.values_list("pk", "date_depot", "typologies", "epci_id", selectors.CHAMP_DEPARTEMENT)
    for pk, date_depot, typologies, epci_id, departement in lignes.order_by().iterator(chunk_size=2000):
        mois = rules.delai_applicable(par_departement[departement], epci_id, typologies or [])
        echeance = rules.echeance_delai(date_depot, mois)
        ligne = existantes.get(pk)
        if ligne is None:
            nouvelles.append(
                DelaiDepasse(demande_id=pk, delai_mois=mois, echeance=echeance, detectee_le=jour, verifiee_le=jour)
            )
        else:
            ligne.delai_mois, ligne.echeance, ligne.verifiee_le = mois, echeance, jour
            modifiees.append(ligne)
    DelaiDepasse.objects.bulk_create(nouvelles, batch_size=1000, ignore_conflicts=True)
    DelaiDepasse.objects.bulk_update(modifiees, ["delai_mois", "echeance", "verifiee_le"], batch_size=1000)
    return {
        "date": jour.isoformat(),
        "depassees": len(nouvelles) + len(modifiees),
        "nouvelles": len(nouvelles),
        "retirees": retirees,
    }


@transaction.atomic
def calculer_activite_guichets(*, jour: dt.date | None = None) -> dict:
    """Count the closed months the network's page shows (``selectors.premier_mois_d_activite`` to the end of the
    month before ``jour``) for every reception point, and store them (``ActiviteGuichet``; nightly job).

    Idempotent: the rows of those months are replaced in one transaction, a row for every point and month, with
    zeros where nothing happened (it tells the page the night counted that point); older months are deleted."""
    from cil.models import Guichet

    from . import selectors

    jour = jour or _today()
    debut, fin = selectors.premier_mois_d_activite(jour), jour.replace(day=1) - dt.timedelta(days=1)
    mois = selectors.mois_entre(debut, fin)
    figures = selectors.activite_calculee(None, debut, fin) if mois else {}
    maintenant = timezone.now()
    lignes = []
    for guichet_id in Guichet.objects.order_by("pk").values_list("pk", flat=True):
        for premier in mois:
            f = figures.get((guichet_id, premier), {})
            lignes.append(
                ActiviteGuichet(
                    guichet_id=guichet_id, mois=premier, visites=f.get("visites", 0), appels=f.get("appels", 0),
                    enregistrements=f.get("enregistrements", 0), entretiens=f.get("entretiens", 0),
                    calcule_le=maintenant,
                )
            )  # fmt: skip
    ActiviteGuichet.objects.filter(mois__lte=fin).delete()
    ActiviteGuichet.objects.bulk_create(lignes, batch_size=2000)
    return {
        "date": jour.isoformat(),
        "mois": [m.isoformat() for m in mois],
        "lignes": len(lignes),
        "avec_activite": len(figures),
    }


# --- Bulk registration (national files, sne app) ---------------------------------------------------


def _reserver_numeros(departement: str, annee: int, nombre: int) -> list[str]:
    """``nombre`` consecutive registration numbers of the department's year, under the same row lock as
    ``prochain_numero``: never reused."""
    departement = rules.code_departement(departement)
    SequenceNumero.objects.get_or_create(departement=departement, annee=annee)
    sequence = SequenceNumero.objects.select_for_update().get(departement=departement, annee=annee)
    premier = sequence.dernier + 1
    sequence.dernier += nombre
    sequence.save(update_fields=["dernier"])
    return [rules.format_numero(departement, annee, n) for n in range(premier, premier + nombre)]


class DemandeVerifiee:
    """A new demand checked as ``enregistrer_demandes_en_masse`` checks it, made only by
    ``verifier_nouvelle_demande``: a bulk import may check its demands in worker processes (pure, no database)
    and hand them over (``nouvelles[i]["verifiee"]``) instead of their ``donnees``."""

    __slots__ = ("demande",)

    def __init__(self, demande: Demande) -> None:
        self.demande = demande


def verifier_nouvelle_demande(donnees: dict, *, date_depot: dt.date | None = None) -> DemandeVerifiee:
    """The checks of a new demand before its bulk registration (``full_clean`` without the database's
    uniqueness, which the database enforces), its derived columns set. Pure. Raises ``ValidationError``."""
    demande = Demande(date_depot=date_depot or _today(), **donnees)
    demande.full_clean(
        exclude=["numero_unique", "epci", "guichet", "communes_souhaitees"],
        validate_unique=False,
        validate_constraints=False,
    )
    demande.deriver()
    return DemandeVerifiee(demande)


# The columns the writing process of a bulk registration fills (ids, number, territory, desk, score, times);
# a prepared demand carries the others, encoded (``preparer_nouvelle_demande``).
COLONNES_DEMANDE_ECRITES = (
    "id", "numero_unique", "epci_id", "guichet_id", "score", "score_grille_id", "score_calcule_le", "cree_le",
    "modifie_le",
)  # fmt: skip
COLONNES_MEMBRE_ECRITES = ("id", "demande_id")
COLONNES_RESSOURCE_ECRITES = ("demande_id", "membre_id")


@dataclass
class DemandePreparee:
    """A new demand checked (``verifier_nouvelle_demande``) and encoded for the bulk registration's COPY by
    ``preparer_nouvelle_demande``, with its household and resources: a bulk import prepares its demands in
    worker processes and hands them over (``nouvelles[i]["preparee"]``, PostgreSQL), so that the writing
    process only adds what needs the database: ids, registration number, territory, desk, score."""

    numero_national: str
    date_depot: dt.date
    cotation: dict  # the demand's values of ``selectors.COLONNES_COTATION`` (not its id nor its score)
    menage: tuple  # (link, date of birth) of each member, for the score
    ligne: str  # COPY text of the demand's columns after ``COLONNES_DEMANDE_ECRITES``
    # the household's and the resources' rows, one ``str.format`` template each (one object to hand over, one
    # call to fill): ``{0}`` the demand's id, ``{k}`` the id of its k-th member (from 1); empty: no row
    membres: str
    ressources: str
    nombre_membres: int


@functools.cache
def _encodeurs_masse() -> tuple:
    from core.masse import colonnes_apres, encodeur_de_lignes

    return (
        encodeur_de_lignes(Demande, colonnes_apres(Demande, COLONNES_DEMANDE_ECRITES)),
        encodeur_de_lignes(MembreMenage, colonnes_apres(MembreMenage, COLONNES_MEMBRE_ECRITES)),
        encodeur_de_lignes(Ressource, colonnes_apres(Ressource, COLONNES_RESSOURCE_ECRITES)),
    )


@functools.cache
def _colonnes_cotation_nouvelle() -> tuple[str, ...]:
    from .selectors import COLONNES_COTATION

    return tuple(c for c in COLONNES_COTATION if c not in ("id", "score", "score_grille_id"))


def preparer_nouvelle_demande(verifiee: DemandeVerifiee, *, membres=(), ressources=()) -> DemandePreparee:
    """``verifiee`` with its household (dicts of ``MembreMenage`` fields) and resources (dicts of ``Ressource``
    fields, ``membre_index``: the member's index in ``membres``, None for the applicant) encoded for the bulk
    registration's COPY. Pure."""
    from core.masse import NUL

    demande = verifiee.demande
    encoder_demande, encoder_membre, encoder_ressource = _encodeurs_masse()

    def gabarit(texte: str) -> str:
        return texte.replace("{", "{{").replace("}", "}}")

    return DemandePreparee(
        numero_national=demande.numero_national,
        date_depot=demande.date_depot,
        cotation={c: getattr(demande, c) for c in _colonnes_cotation_nouvelle()},
        menage=tuple((m["lien"], m.get("date_naissance")) for m in membres),
        ligne=encoder_demande(demande),
        membres="\n".join(f"{{{k}}}\t{{0}}\t{gabarit(encoder_membre(m))}" for k, m in enumerate(membres, start=1)),
        ressources="\n".join(
            f"{{0}}\t{NUL if r.get('membre_index') is None else '{' + str(r['membre_index'] + 1) + '}'}\t"
            f"{gabarit(encoder_ressource(r))}"
            for r in ressources
        ),
        nombre_membres=len(membres),
    )


@transaction.atomic
def enregistrer_demandes_en_masse(nouvelles: list[dict], *, acteur) -> tuple[dict[int, Demande], dict[int, object]]:
    """Register many demands at once, set-based: what ``enregistrer_demande`` does for one, in one statement per
    table (the demands, their wished communes, household, resources, the ENREGISTREMENT event of each, and the
    score of the territory's adopted grid with its COTATION event).

    Each item of ``nouvelles`` holds the arguments of ``enregistrer_demande``: ``guichet``, ``donnees``,
    ``membres``, ``ressources``, ``communes`` (ids), ``date_depot``; or, instead of ``donnees`` and
    ``date_depot``, ``verifiee``: the demand as ``verifier_nouvelle_demande`` checked it; or, on PostgreSQL,
    instead of all but ``guichet`` and ``communes``, ``preparee``: the demand checked and encoded with its
    household and resources by ``preparer_nouvelle_demande``. Every demand is checked like the one-by-one
    service (``verifier_nouvelle_demande``: ``full_clean`` without the database's uniqueness, which the
    database enforces); an item that does not pass writes nothing and is returned in the second dict (its
    index -> the ``ValidationError`` or ``DomainError``), the others are written. Returns ({index: demand},
    {index: error}); on PostgreSQL, a demand returned holds only its ids, numbers, territory, desk, filing date
    and score (the rest is read from the database if asked)."""
    from django.core.exceptions import ValidationError
    from django.db import connection

    erreurs: dict[int, object] = {}
    retenues: dict[int, DemandeVerifiee | DemandePreparee] = {}
    en_copy = connection.vendor == "postgresql"
    for i, item in enumerate(nouvelles):
        guichet = item["guichet"]
        if not guichet.enregistreur:
            erreurs[i] = DomainError(f"Le guichet « {guichet.nom} » n'est pas un guichet enregistreur.")
            continue
        nouvelle = item.get("preparee") if en_copy else None
        if not isinstance(nouvelle, DemandePreparee):
            nouvelle = item.get("verifiee")
            if not isinstance(nouvelle, DemandeVerifiee):
                try:
                    nouvelle = verifier_nouvelle_demande(item["donnees"], date_depot=item.get("date_depot"))
                except ValidationError as exc:
                    erreurs[i] = exc
                    continue
            if en_copy:
                nouvelle = preparer_nouvelle_demande(
                    nouvelle, membres=item.get("membres", ()), ressources=item.get("ressources", ())
                )
        retenues[i] = nouvelle
    if not retenues:
        return {}, erreurs
    numeros: dict[int, str] = {}
    par_annee: dict[tuple[str, int], list[int]] = {}
    for i, nouvelle in retenues.items():
        date_depot = nouvelle.date_depot if en_copy else nouvelle.demande.date_depot  # type: ignore[union-attr]
        par_annee.setdefault((nouvelles[i]["guichet"].commune.departement, date_depot.year), []).append(i)
    for (departement, annee), indices in sorted(par_annee.items()):
        numeros.update(zip(indices, _reserver_numeros(departement, annee, len(indices)), strict=True))
    ecrire = _ecrire_preparees if en_copy else _ecrire_verifiees
    creees, scores, ids_membres = ecrire(retenues, nouvelles, numeros)  # type: ignore[operator]
    from core.masse import copier

    souhaits = [
        {"demande_id": creees[i].pk, "commune_id": c}
        for i in creees
        for c in dict.fromkeys(nouvelles[i].get("communes", ()))
    ]
    copier(Demande.communes_souhaitees.through, souhaits)
    maintenant = _now()
    acteur_id = acteur.pk if getattr(acteur, "pk", None) else None
    evenements = [
        {
            "demande_id": demande.pk,
            "type": Evenement.Type.ENREGISTREMENT,
            "date": maintenant,
            "acteur_id": acteur_id,
            "organisation": nouvelles[i]["guichet"].nom,
            "libelle": f"Demande enregistrée sous le numéro {demande.numero_unique}",
            "detail": {"guichet_id": demande.guichet_id, "date_depot": demande.date_depot.isoformat()},
        }
        for i, demande in creees.items()
    ]
    evenements += [
        {
            "demande_id": creees[i].pk,
            "type": Evenement.Type.COTATION,
            "date": maintenant,
            "acteur_id": acteur_id,
            "organisation": ORGANISATION_COTATION,
            "libelle": libelle_cotation(None, score, grille),
            "detail": {"grille_id": grille.pk, "ancien": None, "nouveau": score},
        }
        for i, (score, grille, _jour) in scores.items()
    ]
    copier(Evenement, evenements)
    from core.masse import verifier_references

    # when the row-by-row checks are off (core.masse.references_en_bloc): what this block wrote, checked
    ids = [d.pk for d in creees.values()]
    ecrites = {Demande: ids, MembreMenage: ids_membres}
    verifier_references(Demande, "id", ids, ecrites=ecrites)
    for modele in (MembreMenage, Ressource, Evenement, Demande.communes_souhaitees.through):
        verifier_references(modele, "demande_id", ids, ecrites=ecrites)
    return creees, erreurs


def modeles_ecrits_en_masse() -> tuple:
    """Every table ``enregistrer_demandes_en_masse`` writes (``core.masse.references_en_bloc``)."""
    return (Demande, Demande.communes_souhaitees.through, MembreMenage, Ressource, Evenement, SequenceNumero)


def _ecrire_verifiees(
    retenues: dict[int, DemandeVerifiee], nouvelles, numeros
) -> tuple[dict[int, Demande], dict, list[int]]:
    """The demands as model instances (``bulk_create`` outside PostgreSQL), their household and resources."""
    from core.masse import copier, inserer

    creees: dict[int, Demande] = {}
    for i, verifiee in retenues.items():
        demande = verifiee.demande
        demande.guichet = nouvelles[i]["guichet"]
        demande.epci_id = demande.guichet.epci_id
        demande.numero_unique = numeros[i]
        creees[i] = demande
    a_coter = {
        i: (
            d.epci_id,
            {c: getattr(d, c) for c in _colonnes_cotation_nouvelle()},
            [(m["lien"], m.get("date_naissance")) for m in nouvelles[i].get("membres", ())],
        )
        for i, d in creees.items()
    }
    scores = _coter_nouvelles(a_coter)
    for i, (score, grille, jour) in scores.items():
        creees[i].score, creees[i].score_grille_id, creees[i].score_calcule_le = score, grille.pk, jour
    inserer(Demande, list(creees.values()))
    membres = [{**m, "demande_id": creees[i].pk} for i in creees for m in nouvelles[i].get("membres", ())]
    ecrits_membres = copier(MembreMenage, membres, avec_ids=True)
    ids_membres = iter(ecrits_membres)
    ressources = []
    for i, demande in creees.items():
        rangs = [next(ids_membres) for _m in nouvelles[i].get("membres", ())]
        for donnees in nouvelles[i].get("ressources", ()):
            donnees = dict(donnees)
            rang = donnees.pop("membre_index", None)
            ressources.append(
                {**donnees, "demande_id": demande.pk, "membre_id": rangs[rang] if rang is not None else None}
            )
    copier(Ressource, ressources)
    return creees, scores, ecrits_membres


def _ecrire_preparees(
    retenues: dict[int, DemandePreparee], nouvelles, numeros
) -> tuple[dict[int, Demande], dict, list[int]]:
    """PostgreSQL: the prepared demands' rows, their ids, numbers, territory, desk and score put in front, by
    COPY; the demands returned hold those columns and their filing date (the others are deferred)."""
    from django.db import connection

    from core.masse import colonnes_apres, copier_lignes, reserver_ids, texte_copy

    a_coter = {i: (nouvelles[i]["guichet"].epci_id, p.cotation, p.menage) for i, p in retenues.items()}
    scores = _coter_nouvelles(a_coter)
    ids = reserver_ids(Demande, len(retenues))
    ecrits_membres = reserver_ids(MembreMenage, sum(p.nombre_membres for p in retenues.values()))
    ids_membres = iter(ecrits_membres)
    maintenant = _now().isoformat()
    demandes, membres, ressources = [], [], []
    creees: dict[int, Demande] = {}
    noms = ["id", "numero_unique", "numero_national", "epci_id", "guichet_id", "date_depot", "score",
            "score_grille_id", "score_calcule_le"]  # fmt: skip
    for (i, preparee), pk in zip(retenues.items(), ids, strict=True):
        guichet = nouvelles[i]["guichet"]
        score, grille, jour = scores.get(i, (None, None, None))
        grille_id = grille.pk if grille is not None else None
        demandes.append(
            f"{pk}\t{numeros[i]}\t{guichet.epci_id}\t{guichet.pk}\t{texte_copy(score)}\t{texte_copy(grille_id)}\t"
            f"{texte_copy(jour)}\t{maintenant}\t{maintenant}\t{preparee.ligne}"
        )
        rangs = [next(ids_membres) for _m in range(preparee.nombre_membres)]
        if preparee.membres:
            membres.append(preparee.membres.format(pk, *rangs))
        if preparee.ressources:
            ressources.append(preparee.ressources.format(pk, *rangs))
        demande = Demande.from_db(
            connection.alias,
            noms,
            (pk, numeros[i], preparee.numero_national, guichet.epci_id, guichet.pk, preparee.date_depot, score,
             grille_id, jour),
        )  # fmt: skip
        demande.guichet = guichet
        creees[i] = demande
    copier_lignes(Demande, [*COLONNES_DEMANDE_ECRITES, *colonnes_apres(Demande, COLONNES_DEMANDE_ECRITES)], demandes)
    copier_lignes(
        MembreMenage, [*COLONNES_MEMBRE_ECRITES, *colonnes_apres(MembreMenage, COLONNES_MEMBRE_ECRITES)], membres
    )
    copier_lignes(
        Ressource, [*COLONNES_RESSOURCE_ECRITES, *colonnes_apres(Ressource, COLONNES_RESSOURCE_ECRITES)], ressources
    )
    return creees, scores, ecrits_membres


def _coter_nouvelles(a_coter: dict[int, tuple[int, dict, Iterable]]) -> dict[int, tuple[int, object, dt.date]]:
    """The score of new demands under their territory's adopted grid, computed before they are written (what
    ``recalculer_demande`` gives a new demand: no priority criterion, DALO decision nor refusal yet; its
    household as given). ``a_coter``: index -> (territory id, the demand's values of the scoring columns,
    (link, date of birth) of each member); returns index -> (score, grid, day) for each demand scored."""
    from . import selectors

    today = _today()
    par_epci: dict[int, list[int]] = {}
    for i, (epci_id, _colonnes, _menage) in a_coter.items():
        par_epci.setdefault(epci_id, []).append(i)
    cotees = {}
    for epci_id, indices in par_epci.items():
        grille = selectors.grille_adoptee(epci_id)
        if grille is None:
            continue
        criteres = grille.criteres_purs()
        besoins = selectors.besoins_cotation(criteres)
        communes = selectors.noms_communes(epci_id) if "communes" in besoins else frozenset()
        criteres = tuple(c for c in criteres if c.en_vigueur(today))
        avec_membres = "membres" in besoins
        for i in indices:
            _epci, colonnes, menage = a_coter[i]
            membres = [cotation.Membre(lien, naissance) for lien, naissance in menage] if avec_membres else ()
            instantane = selectors.instantane_cotation(colonnes, membres=membres, communes=communes)
            cotees[i] = (cotation.score_seul(instantane, criteres, today), grille, today)
    return cotees
