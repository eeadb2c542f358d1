"""Write use cases of the exchange bourse. Keyword-only, atomic, ``acteur`` passed explicitly.

The only writer of ``OffreEchange``, ``Echange``, ``ParticipationEchange`` and ``TransitionEchange``. Each step is
logged on the exchange (``TransitionEchange`` through ``core.transitions``) and on the demand of every tenant
involved (``demandes.services.record_event``, type ``ECHANGE``). Once every landlord accepted, the vacancies
and their candidate are created through ``attributions.services`` (the only writer of the vacancy tables): one
vacancy per dwelling, routed to its landlord's own stock, the tenant who moves in designated as the candidate;
the commission then examines them as any other.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from cil.models import Bailleur, Commune
from core import transitions
from demandes.models import Demande, Evenement
from demandes.services import record_event

from .. import services as attributions_services
from ..models import Echange, Logement, OffreEchange, ParticipationEchange, TransitionEchange, Typologie
from . import permissions, regles
from .regles import ActionEchange, EchangeRefuse
from .selectors import offre_pure

A = ActionEchange


def _verifier_demande(demande: Demande) -> None:
    """An exchange needs an active transfer demand of a social tenant: refuse anything else in French."""
    if not demande.est_active:
        raise EchangeRefuse(
            f"La demande {demande.numero_unique} est radiée : elle ne peut pas participer à un échange de logements."
        )
    if not demande.est_mutation or demande.logement_actuel != Demande.LogementActuel.LOCATAIRE_HLM:
        raise EchangeRefuse(
            f"La demande {demande.numero_unique} n'est pas une demande de mutation d'un locataire du parc social : "
            "seul un locataire HLM peut échanger son logement."
        )


def _libelle_logement(offre: OffreEchange) -> str:
    ident = offre.logement.identifiant if offre.logement_id else "non identifié"
    return f"{offre.typologie} à {offre.commune.nom}, {offre.bailleur.nom} (logement {ident})"


def _evenement(demande: Demande, acteur, libelle: str, **detail) -> None:
    record_event(demande, Evenement.Type.ECHANGE, acteur=acteur, libelle=libelle, detail=detail)


@transaction.atomic
def deposer_offre(
    *,
    demande: Demande,
    acteur,
    identifiant: str = "",
    bailleur: Bailleur | None = None,
    commune: Commune | None = None,
    typologie: str = "",
    loyer: Decimal | None = None,
    adresse: str = "",
    etage: int | None = None,
    ascenseur: bool = False,
    accessible_pmr: bool = False,
    commentaire: str = "",
) -> OffreEchange:
    """A social tenant offers their dwelling: identified in the stock by ``identifiant``, or described
    (``bailleur``, ``commune``, ``typologie``, ``loyer``). What they seek is their demand's wishes."""
    demande = Demande.objects.select_for_update().get(pk=demande.pk)
    _verifier_demande(demande)
    if not demande.communes_souhaitees.exists():
        raise EchangeRefuse(
            f"La demande {demande.numero_unique} ne précise aucune commune souhaitée : complétez ses souhaits avant "
            "de proposer un échange."
        )
    if OffreEchange.objects.filter(demande=demande).exclude(statut=OffreEchange.Statut.RETIREE).exists():
        raise EchangeRefuse(f"La demande {demande.numero_unique} a déjà une offre dans la bourse d'échange.")
    identifiant = identifiant.strip()
    logement = None
    if identifiant:
        logement = Logement.objects.select_related("bailleur", "commune").filter(identifiant=identifiant).first()
        if logement is None:
            raise EchangeRefuse(
                f"Identifiant du logement : « {identifiant} » est inconnu du patrimoine enregistré ; laissez-le vide "
                "et décrivez le logement (bailleur, commune, typologie, loyer)."
            )
        if logement.epci_id != demande.epci_id:
            raise EchangeRefuse(
                f"Identifiant du logement : le logement {identifiant} n'est pas sur le territoire de la demande."
            )
        bailleur, commune, typologie = logement.bailleur, logement.commune, logement.typologie
        loyer = logement.loyer if logement.loyer is not None else loyer
        adresse = logement.adresse or adresse
        accessible_pmr = accessible_pmr or logement.accessible_pmr
    else:
        if bailleur is None:
            raise EchangeRefuse("Bailleur : indiquez le bailleur du logement offert.")
        if commune is None:
            raise EchangeRefuse("Commune : indiquez la commune du logement offert.")
        if typologie not in Typologie.values:
            raise EchangeRefuse("Typologie : indiquez la typologie du logement offert (T1 à T6).")
        if commune.epci_id != demande.epci_id:
            raise EchangeRefuse(f"Commune : {commune.nom} n'est pas sur le territoire de la demande.")
        if not bailleur.epcis.filter(pk=demande.epci_id).exists():
            raise EchangeRefuse(f"Bailleur : {bailleur.nom} n'a pas de patrimoine enregistré sur ce territoire.")
    if acteur is not None and not permissions.can_offer(acteur, demande, bailleur):
        raise EchangeRefuse(
            f"Vous ne pouvez pas déposer d'offre pour la demande {demande.numero_unique} : seuls les guichets, "
            "l'EPCI et le bailleur du logement offert le peuvent."
        )
    if demande.bailleur_actuel_id and demande.bailleur_actuel_id != bailleur.pk:
        raise EchangeRefuse(
            f"Bailleur : le logement offert est celui de {bailleur.nom}, or la demande {demande.numero_unique} "
            "indique un autre bailleur actuel."
        )
    if loyer is not None and loyer < 0:
        raise EchangeRefuse("Loyer : le loyer ne peut pas être négatif.")
    try:
        with transaction.atomic():
            offre = OffreEchange.objects.create(
                demande=demande,
                epci_id=demande.epci_id,
                logement=logement,
                bailleur=bailleur,
                commune=commune,
                typologie=typologie,
                loyer=loyer,
                adresse=adresse[:300],
                etage=etage,
                ascenseur=ascenseur,
                accessible_pmr=accessible_pmr,
                commentaire=commentaire[:300],
                creee_par=acteur if getattr(acteur, "pk", None) else None,
            )
    except IntegrityError:
        raise EchangeRefuse(f"La demande {demande.numero_unique} a déjà une offre dans la bourse d'échange.") from None
    _evenement(
        demande,
        acteur,
        f"Logement offert dans la bourse d'échange : {_libelle_logement(offre)}",
        offre_id=offre.pk,
    )
    return offre


def _engagee(offre: OffreEchange) -> bool:
    return ParticipationEchange.objects.filter(offre=offre, echange__statut=Echange.Statut.PROPOSE).exists()


@transaction.atomic
def retirer_offre(*, offre: OffreEchange, acteur, motif: str = "") -> OffreEchange:
    offre = OffreEchange.objects.select_for_update().select_related("demande").get(pk=offre.pk)
    if offre.statut != OffreEchange.Statut.ACTIVE:
        raise EchangeRefuse("Cette offre n'est plus active.")
    if _engagee(offre):
        raise EchangeRefuse("Cette offre fait partie d'un échange proposé aux bailleurs : annulez d'abord l'échange.")
    offre.statut = OffreEchange.Statut.RETIREE
    offre.save(update_fields=["statut"])
    _evenement(offre.demande, acteur, f"Offre retirée de la bourse d'échange. {motif}".strip(), offre_id=offre.pk)
    return offre


@transaction.atomic
def proposer_echange(*, offres: list[OffreEchange], acteur) -> Echange:
    """Propose an exchange to the landlords of its dwellings; ``offres`` in cycle order (each tenant moves into
    the next one's dwelling, the last into the first's)."""
    ids = [o.pk for o in offres]
    if len(set(ids)) != len(ids):
        raise EchangeRefuse("Un même ménage ne peut pas figurer deux fois dans un échange.")
    verrouillees = {
        o.pk: o
        for o in OffreEchange.objects.select_for_update(of=("self",))
        .select_related("demande", "bailleur", "commune", "logement")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    if len(verrouillees) != len(ids):
        raise EchangeRefuse("Une des offres n'existe plus.")
    offres = [verrouillees[i] for i in ids]
    epcis = {o.epci_id for o in offres}
    if len(epcis) != 1:
        raise EchangeRefuse("Les offres d'un échange doivent être du même territoire.")
    epci_id = epcis.pop()
    if acteur is not None and not permissions.can_propose(acteur, epci_id, {o.bailleur_id for o in offres}):
        raise EchangeRefuse("Vous ne pouvez proposer qu'un échange qui concerne un logement de votre organisme.")
    for offre in offres:
        _verifier_demande(offre.demande)
        if offre.statut != OffreEchange.Statut.ACTIVE:
            raise EchangeRefuse(f"L'offre n° {offre.pk} n'est plus active.")
        if _engagee(offre):
            raise EchangeRefuse(f"L'offre n° {offre.pk} fait déjà partie d'un échange proposé aux bailleurs.")
    souhaits = Demande.communes_souhaitees.through
    communes: dict[int, set[int]] = {}
    for demande_id, commune_id in souhaits.objects.filter(demande_id__in=[o.demande_id for o in offres]).values_list(
        "demande_id", "commune_id"
    ):
        communes.setdefault(demande_id, set()).add(commune_id)
    regles.verifier_cycle([offre_pure(o, frozenset(communes.get(o.demande_id, ()))) for o in offres])
    echange = Echange.objects.create(
        epci_id=epci_id,
        proposee_par=acteur if getattr(acteur, "pk", None) else None,
    )
    n = len(offres)
    for rang, offre in enumerate(offres):
        ParticipationEchange.objects.create(echange=echange, offre=offre, recoit=offres[(rang + 1) % n], rang=rang + 1)
    transitions.journaliser(
        echange,
        TransitionEchange,
        de="",
        vers=echange.statut,
        action=A.PROPOSER,
        acteur=acteur,
        motif=f"{n} locataires",
    )
    for rang, offre in enumerate(offres):
        suivante = offres[(rang + 1) % n]
        _evenement(
            offre.demande,
            acteur,
            f"Échange n° {echange.pk} proposé aux bailleurs : emménagerait dans le logement "
            f"{_libelle_logement(suivante)}",
            echange_id=echange.pk,
        )
    return echange


def _verrouiller_echange(echange: Echange) -> Echange:
    return Echange.objects.select_for_update().get(pk=echange.pk)


def _participations(echange: Echange) -> list[ParticipationEchange]:
    return list(
        echange.participations.select_related(
            "offre__demande", "offre__bailleur", "offre__commune", "offre__logement", "recoit"
        ).order_by("rang")
    )


@transaction.atomic
def repondre(
    *,
    participation: ParticipationEchange,
    accepte: bool,
    acteur,
    motif: str = "",
    identifiant_logement: str = "",
    jour: dt.date | None = None,
) -> Echange:
    """The landlord of one dwelling accepts or declines the exchange. A refusal (with its reason) ends it; the
    last acceptance sends each allocation to the commission (one vacancy per dwelling, the other tenant as its
    candidate). A landlord answers for its own dwellings only."""
    echange = _verrouiller_echange(participation.echange)
    participations = _participations(echange)
    participation = next((p for p in participations if p.pk == participation.pk), None)
    if participation is None:
        raise EchangeRefuse("Ce logement ne fait pas partie de cet échange.")
    if acteur is not None and not permissions.can_answer(acteur, participation):
        raise EchangeRefuse(
            f"Seul le bailleur du logement ({participation.offre.bailleur.nom}) peut répondre pour ce logement."
        )
    if echange.statut != Echange.Statut.PROPOSE:
        raise EchangeRefuse(f"L'échange n° {echange.pk} n'attend plus de réponse ({echange.get_statut_display()}).")
    if participation.reponse:
        raise EchangeRefuse("Le bailleur a déjà répondu pour ce logement.")
    motif = motif.strip()
    maintenant = timezone.now()
    participation.repondu_par = acteur if getattr(acteur, "pk", None) else None
    participation.repondu_le = maintenant
    participation.motif = motif[:300]
    offre = participation.offre
    if not accepte:
        if not motif:
            raise EchangeRefuse("Motif : indiquez pourquoi le bailleur refuse l'échange.")
        participation.reponse = ParticipationEchange.Reponse.REFUSE
        participation.save(update_fields=["reponse", "motif", "repondu_par", "repondu_le"])
        transitions.appliquer(
            echange,
            A.REFUSER,
            regle=regles.CYCLE_ECHANGE,
            journal=TransitionEchange,
            acteur=acteur,
            motif=f"{offre.bailleur.nom} : {motif}",
        )
        echange.save(update_fields=["statut"])
        for p in participations:
            _evenement(
                p.offre.demande,
                acteur,
                f"Échange n° {echange.pk} refusé par {offre.bailleur.nom} : {motif}",
                echange_id=echange.pk,
            )
        return echange
    for p in participations:
        _verifier_demande(p.offre.demande)
    if offre.logement_id is None:
        _identifier_logement(offre, identifiant_logement)
    participation.reponse = ParticipationEchange.Reponse.ACCEPTE
    participation.save(update_fields=["reponse", "motif", "repondu_par", "repondu_le"])
    if all(p.reponse == ParticipationEchange.Reponse.ACCEPTE for p in participations):
        _transmettre(echange, participations, acteur=acteur, jour=jour or timezone.localdate())
    else:
        transitions.journaliser(
            echange,
            TransitionEchange,
            de=echange.statut,
            vers=echange.statut,
            action=A.ACCEPTER,
            acteur=acteur,
            motif=f"{offre.bailleur.nom} accepte pour le logement {offre.logement.identifiant}",
        )
        for p in participations:
            _evenement(
                p.offre.demande,
                acteur,
                f"Échange n° {echange.pk} accepté par {offre.bailleur.nom} (en attente des autres bailleurs)",
                echange_id=echange.pk,
            )
    return echange


def _identifier_logement(offre: OffreEchange, identifiant: str) -> None:
    """An offer described without identifier: its landlord names the dwelling in its stock when it accepts."""
    identifiant = identifiant.strip()
    if not identifiant:
        raise EchangeRefuse(
            "Identifiant du logement : le logement offert n'est pas identifié ; indiquez son identifiant dans votre "
            "patrimoine pour accepter l'échange."
        )
    logement = Logement.objects.filter(
        identifiant=identifiant, bailleur_id=offre.bailleur_id, epci_id=offre.epci_id
    ).first()
    if logement is None:
        raise EchangeRefuse(
            f"Identifiant du logement : « {identifiant} » n'est pas un logement de {offre.bailleur.nom} "
            "sur ce territoire."
        )
    offre.logement = logement
    offre.commune_id, offre.typologie = logement.commune_id, logement.typologie
    if logement.loyer is not None:
        offre.loyer = logement.loyer
    offre.save(update_fields=["logement", "commune", "typologie", "loyer"])


def _transmettre(echange: Echange, participations: list[ParticipationEchange], *, acteur, jour: dt.date) -> None:
    """Every landlord accepted: one vacancy per dwelling, routed to its landlord's own stock, with the tenant who
    moves in as its single candidate (the exception of R. 441-3 for too few candidates, justified by the
    exchange); the landlord then puts it on its commission's agenda as any other."""
    from ..models import Vacance

    par_offre = {p.offre_id: p for p in participations}
    transitions.appliquer(
        echange,
        A.TRANSMETTRE,
        regle=regles.CYCLE_ECHANGE,
        journal=TransitionEchange,
        acteur=acteur,
        motif="tous les bailleurs ont accepté",
    )
    echange.save(update_fields=["statut"])
    for p in participations:
        logement = p.offre.logement
        entrant = next(q for q in participations if q.recoit_id == p.offre_id)  # who moves into p's dwelling
        acteur_bailleur = p.repondu_par or acteur
        interne = entrant.offre.bailleur_id == logement.bailleur_id
        vacance = attributions_services.declarer_vacance(
            logement=logement,
            date_liberation=jour,
            acteur=acteur_bailleur,
            deduction=Vacance.Deduction.MUTATION if interne else "",
            commentaire=f"Échange de logements entre locataires n° {echange.pk}",
        )
        attributions_services.orienter_vacance(
            vacance=vacance,
            reservataire=attributions_services.reservataire_du_bailleur(logement.bailleur),
            acteur=acteur_bailleur,
            jour=jour,
        )
        attributions_services.designer_candidats(
            vacance=vacance,
            demandes=[entrant.offre.demande],
            acteur=acteur_bailleur,
            exception=Vacance.Exception3.INSUFFISANCE,
            justification=f"Échange de logements entre locataires n° {echange.pk} : le logement est proposé au "
            "locataire qui libère le logement échangé.",
        )
        p.vacance = vacance
        p.save(update_fields=["vacance"])
    OffreEchange.objects.filter(pk__in=par_offre).update(statut=OffreEchange.Statut.ECHANGEE)
    for p in participations:
        _evenement(
            p.offre.demande,
            acteur,
            f"Échange n° {echange.pk} accepté par tous les bailleurs : la demande est présentée en commission pour "
            f"le logement {par_offre[p.recoit_id].offre.logement.identifiant}",
            echange_id=echange.pk,
        )


@transaction.atomic
def annuler_echange(*, echange: Echange, acteur, motif: str) -> Echange:
    echange = _verrouiller_echange(echange)
    if not motif.strip():
        raise EchangeRefuse("Motif : indiquez pourquoi l'échange est annulé.")
    participations = _participations(echange)
    if acteur is not None and not permissions.can_cancel(
        acteur, echange, {p.offre.bailleur_id for p in participations}
    ):
        raise EchangeRefuse("Vous ne pouvez pas annuler cet échange.")
    transitions.appliquer(
        echange, A.ANNULER, regle=regles.CYCLE_ECHANGE, journal=TransitionEchange, acteur=acteur, motif=motif
    )
    echange.save(update_fields=["statut"])
    for p in participations:
        _evenement(p.offre.demande, acteur, f"Échange n° {echange.pk} annulé : {motif}", echange_id=echange.pk)
    return echange
