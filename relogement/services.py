"""Every write of the relocation app: keyword-only, atomic, ``acteur`` passed explicitly (None for jobs).

This is the only module that changes a household's status (with its transition log), writes to a linked
demand's shared event log (``demandes.services.record_event``) and enqueues tasks.

Objective A link (docs/droit/regles.md, platform decision 1 and §9): a definitive relocation into a social dwelling
with a signed lease marks the commission decision of that household for that dwelling (``DecisionCaleol.relogement``:
"ANRU" for NPNRU, "ORCOD", "LHI"); when the allocation is not in the platform, a decision is created from the
household's values (source PLATEFORME). Those decisions are written by attributions.services only
(``creer_decision_relogement``, ``marquer_decision_relogement``, ``supprimer_decision_relogement``): this module
never writes DecisionCaleol. The objectives snapshot is recomputed after the commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from attributions import services as aservices
from attributions.models import DecisionCaleol, Logement
from attributions.selectors import attributions_du_menage
from attributions.vacances import flux as aflux
from cil.models import SeuilQuartile
from core import transitions
from core.erreurs import ErreurMetier

from . import rules
from .models import (
    Batiment,
    ConsultationSensible,
    DecisionCommission,
    DiagnosticSocial,
    EnqueteSociale,
    MenageAReloger,
    Operation,
    PropositionRelogement,
    QuestionEnquete,
    Questionnaire,
    Relogement,
    Saisine,
    SeanceCommission,
    Souhait,
    SuiviSaisine,
    SuiviSixMois,
    TransitionMenage,
)
from .rules import Action, RegleError

logger = logging.getLogger(__name__)


def _today():
    return timezone.localdate()


def _transition(menage: MenageAReloger, action: Action, *, acteur, motif: str = "") -> None:
    en_attente = 0
    if action == Action.REFUS:
        en_attente = menage.propositions.filter(resultat=PropositionRelogement.Resultat.EN_ATTENTE).count()
    regle = partial(rules.transition, propositions_en_attente=en_attente)
    transitions.appliquer(menage, action, regle=regle, journal=TransitionMenage, acteur=acteur, motif=motif)
    menage.save(update_fields=["statut", "date_enquete", "modifie_le"])


def _evenement_demande(menage: MenageAReloger, type_: str, *, acteur, libelle: str, detail: dict | None = None):
    """Write to the linked demand's shared event log (R. 441-2-15) when the household has a demand."""
    demande = menage.demande
    if demande is None:
        return
    from demandes.services import record_event

    record_event(demande, type_, acteur=acteur, libelle=libelle, detail=detail or {})


def _verrouiller(menage: MenageAReloger) -> MenageAReloger:
    """Lock the household's row: two officers recording at once never lose a transition."""
    return MenageAReloger.objects.select_for_update().select_related("operation").get(pk=menage.pk)


def tracer_consultation(*, acteur, objet: str, menage: MenageAReloger | None = None, saisine=None) -> None:
    """Audit trail of who read or changed sensitive data (survey answers, social diagnosis).

    The one write a GET makes: the reading itself is what is recorded.
    """
    ConsultationSensible.objects.create(menage=menage, saisine=saisine, utilisateur=acteur, objet=objet[:60])


# --- Operations ------------------------------------------------------------------------------------


@transaction.atomic
def creer_operation(*, epci, acteur, bailleurs=(), reservataires=(), **champs) -> Operation:
    """A new operation of the territory, with its partners (landlords and reservation holders)."""
    operation = Operation(epci=epci, **champs)
    if operation.qpv is not None and operation.qpv.epci_id not in (None, epci.pk):
        raise RegleError("Ce QPV n'est pas sur le territoire.")
    operation.full_clean()
    operation.save()
    operation.bailleurs.set(bailleurs)
    operation.reservataires.set(reservataires)
    return operation


@transaction.atomic
def ajouter_batiment(*, operation: Operation, acteur, nom: str, **champs) -> Batiment:
    batiment = Batiment(operation=operation, nom=nom, **champs)
    batiment.full_clean()
    batiment.save()
    return batiment


# --- Households ------------------------------------------------------------------------------------


@transaction.atomic
def creer_menage(*, operation: Operation, acteur, referent, reference: str, nom: str, **champs) -> MenageAReloger:
    menage = MenageAReloger(operation=operation, referent=referent, reference=reference, nom=nom, **champs)
    if menage.batiment is not None and menage.batiment.operation_id != operation.pk:
        raise RegleError("Ce bâtiment n'appartient pas à l'opération.")
    menage.full_clean()
    menage.save()
    transitions.journaliser(
        menage,
        TransitionMenage,
        de=menage.statut,
        vers=menage.statut,
        action="CREER",
        motif=f"Ménage inscrit, référent : {referent.get_full_name() or referent.username}",
        acteur=acteur,
    )
    return menage


@transaction.atomic
def changer_referent(menage: MenageAReloger, *, referent, acteur, motif: str = "") -> MenageAReloger:
    """One and only one relocation officer: the new one replaces the old one, and the change is logged."""
    menage = _verrouiller(menage)
    ancien = menage.referent
    menage.referent = referent
    menage.save(update_fields=["referent", "modifie_le"])
    transitions.journaliser(
        menage,
        TransitionMenage,
        de=menage.statut,
        vers=menage.statut,
        action="REFERENT",
        motif=(f"Référent : {ancien.username} → {referent.username}. {motif}").strip(),
        acteur=acteur,
    )
    return menage


@transaction.atomic
def lier_demande(menage: MenageAReloger, *, demande, acteur) -> MenageAReloger:
    menage = _verrouiller(menage)
    if demande is not None and demande.epci_id != menage.operation.epci_id:
        raise RegleError("La demande n'est pas enregistrée sur le territoire de l'opération.")
    menage.demande = demande
    menage.save(update_fields=["demande", "modifie_le"])
    return menage


# --- Social survey ---------------------------------------------------------------------------------


def questionnaire_actif(nom: str | None = None) -> Questionnaire | None:
    qs = Questionnaire.objects.filter(actif=True)
    if nom:
        qs = qs.filter(nom=nom)
    return qs.order_by("nom", "-version").first()


def valider_reponses(questionnaire: Questionnaire, reponses: dict) -> dict:
    """Keep the answers to this version's questions only, typed; raise RegleError on a missing required one."""
    propres: dict = {}
    manquantes = []
    for question in questionnaire.questions.all():
        valeur = reponses.get(question.code)
        if valeur in (None, "", []):
            if question.obligatoire:
                manquantes.append(question.libelle)
            continue
        T = QuestionEnquete.Type
        if question.type == T.OUI_NON:
            valeur = bool(valeur) if isinstance(valeur, bool) else str(valeur).lower() in ("oui", "true", "1", "on")
        elif question.type == T.NOMBRE:
            try:
                valeur = str(Decimal(str(valeur).replace(",", ".")))
            except ArithmeticError as exc:
                raise RegleError(f"« {question.libelle} » : un nombre est attendu.") from exc
        elif question.type == T.CHOIX:
            if valeur not in question.choix:
                raise RegleError(f"« {question.libelle} » : choix inconnu.")
        else:
            valeur = str(valeur)[:5000]
        propres[question.code] = valeur
    if manquantes:
        raise RegleError("Réponses obligatoires manquantes : " + " ; ".join(manquantes) + ".")
    return propres


@transaction.atomic
def enregistrer_enquete(
    menage: MenageAReloger, *, reponses: dict, date_enquete: dt.date, acteur, questionnaire: Questionnaire | None = None
) -> EnqueteSociale:
    """Record (or correct) the social survey. The first one moves the household to "survey done"."""
    menage = _verrouiller(menage)
    existante = EnqueteSociale.objects.filter(menage=menage).first()
    questionnaire = questionnaire or (existante.questionnaire if existante else questionnaire_actif())
    if questionnaire is None:
        raise RegleError("Aucun questionnaire d'enquête sociale n'est en usage.")
    propres = valider_reponses(questionnaire, reponses)
    if date_enquete > _today():
        raise RegleError("La date de l'enquête ne peut pas être dans le futur.")
    enquete, _ = EnqueteSociale.objects.update_or_create(
        menage=menage,
        defaults={
            "questionnaire": questionnaire,
            "reponses": propres,
            "date_enquete": date_enquete,
            "enqueteur": acteur,
        },
    )
    menage.date_enquete = date_enquete
    if menage.statut == rules.Statut.A_ENQUETER:
        _transition(menage, Action.ENQUETER, acteur=acteur, motif="Enquête sociale enregistrée")
    else:
        menage.save(update_fields=["date_enquete", "modifie_le"])
    return enquete


@transaction.atomic
def nouvelle_version_questionnaire(
    questionnaire: Questionnaire, *, questions: Iterable[dict], acteur=None
) -> Questionnaire:
    """Edit the questionnaire: a new version replaces the active one; answers keep their own version."""
    derniere = Questionnaire.objects.filter(nom=questionnaire.nom).order_by("-version").first()
    Questionnaire.objects.filter(nom=questionnaire.nom, actif=True).update(actif=False)
    version = derniere.version + 1 if derniere is not None else 1
    nouveau = Questionnaire.objects.create(nom=questionnaire.nom, version=version, actif=True)
    for ordre, q in enumerate(questions, start=1):
        QuestionEnquete.objects.create(questionnaire=nouveau, ordre=ordre, **q)
    return nouveau


# --- Wishes, offers, answers ---------------------------------------------------------------------


@transaction.atomic
def enregistrer_souhaits(menage: MenageAReloger, *, acteur, communes=(), **champs) -> Souhait:
    menage = _verrouiller(menage)
    souhait, _ = Souhait.objects.update_or_create(menage=menage, defaults=champs)
    souhait.communes.set(communes)
    if menage.statut == rules.Statut.ENQUETE:
        _transition(menage, Action.CHERCHER, acteur=acteur, motif="Souhaits recueillis")
    return souhait


@transaction.atomic
def proposer(
    menage: MenageAReloger,
    *,
    acteur,
    date_proposition: dt.date,
    logement: Logement | None = None,
    description: str = "",
    loyer: Decimal | None = None,
    charges: Decimal | None = None,
) -> PropositionRelogement:
    menage = _verrouiller(menage)
    if logement is None and not description.strip():
        raise RegleError("Indiquez le logement proposé.")
    if menage.date_enquete and date_proposition < menage.date_enquete:
        raise RegleError("La proposition ne peut pas précéder l'enquête sociale.")
    proposition = PropositionRelogement.objects.create(
        menage=menage,
        logement=logement,
        description=description,
        date_proposition=date_proposition,
        loyer=loyer if loyer is not None else (logement.loyer if logement else None),
        charges=charges,
        acteur=acteur,
    )
    numero = menage.propositions.count()
    _transition(
        menage, Action.PROPOSER, acteur=acteur, motif=f"Proposition n° {numero} : {proposition.libelle_logement}"
    )
    _evenement_demande(
        menage,
        "PROPOSITION",
        acteur=acteur,
        libelle=f"Proposition de relogement ({menage.operation.nom}) : {proposition.libelle_logement}",
        detail={"operation": menage.operation_id, "proposition": proposition.pk},
    )
    return proposition


@transaction.atomic
def repondre(
    proposition: PropositionRelogement,
    *,
    acteur,
    resultat: str,
    date_reponse: dt.date,
    motif_refus: str = "",
    commentaire: str = "",
) -> PropositionRelogement:
    """The household accepts or refuses an offer; a refusal needs its reason (charte de relogement)."""
    menage = _verrouiller(proposition.menage)
    proposition = PropositionRelogement.objects.select_for_update().get(pk=proposition.pk)
    R = PropositionRelogement.Resultat
    if proposition.resultat != R.EN_ATTENTE:
        raise RegleError("Cette proposition a déjà reçu une réponse.")
    if resultat not in (R.ACCEPTEE, R.REFUSEE):
        raise RegleError("Réponse inconnue.")
    if resultat == R.REFUSEE and motif_refus not in PropositionRelogement.MotifRefus.values:
        raise RegleError("Un refus doit être motivé.")
    if date_reponse < proposition.date_proposition:
        raise RegleError("La réponse ne peut pas précéder la proposition.")
    proposition.resultat = resultat
    proposition.date_reponse = date_reponse
    proposition.motif_refus = motif_refus if resultat == R.REFUSEE else ""
    proposition.commentaire = commentaire
    proposition.save(update_fields=["resultat", "date_reponse", "motif_refus", "commentaire"])
    if resultat == R.REFUSEE:
        libelle = PropositionRelogement.MotifRefus(motif_refus).label
        _transition(menage, Action.REFUS, acteur=acteur, motif=f"Refus : {libelle}")
        _evenement_demande(menage, "REFUS", acteur=acteur, libelle=f"Refus d'une proposition de relogement : {libelle}")
    else:
        transitions.journaliser(
            menage,
            TransitionMenage,
            de=menage.statut,
            vers=menage.statut,
            action="ACCEPTATION",
            motif=f"Proposition acceptée : {proposition.libelle_logement}",
            acteur=acteur,
        )
    return proposition


# --- Relocation, objective A, follow-up ------------------------------------------------------------


def _situation_logement(logement: Logement, date_bail: dt.date) -> tuple[bool, bool]:
    en_qpv = aflux.qpv_au(logement, date_bail) is not None  # the map in force at the lease (decision 6)
    neuf = rules.neuf_ou_recent(date_bail, logement.date_premiere_location, logement.date_conventionnement)
    return en_qpv, neuf


@transaction.atomic
def enregistrer_relogement(
    menage: MenageAReloger,
    *,
    acteur,
    type: str,
    date_bail: dt.date,
    loyer: Decimal,
    charges: Decimal,
    apl: Decimal = Decimal(0),
    logement: Logement | None = None,
    description: str = "",
    parc: str = Relogement.Parc.SOCIAL,
    date_emmenagement: dt.date | None = None,
    proposition: PropositionRelogement | None = None,
    recalculer: bool = True,
) -> Relogement:
    """Record a temporary or definitive relocation (the lease and the amounts after the move).

    A definitive one schedules the 6-month follow-up and, for a social dwelling of the platform, counts the
    household in objective A (ANRU/ORCOD) through its commission decision.
    """
    menage = _verrouiller(menage)
    if proposition is not None:
        if proposition.menage_id != menage.pk:
            raise RegleError("Cette proposition concerne un autre ménage.")
        if proposition.resultat == PropositionRelogement.Resultat.REFUSEE:
            raise RegleError("Cette proposition a été refusée.")
        if proposition.resultat == PropositionRelogement.Resultat.EN_ATTENTE:
            proposition.resultat = PropositionRelogement.Resultat.ACCEPTEE
            proposition.date_reponse = min(date_bail, _today())
            proposition.save(update_fields=["resultat", "date_reponse"])
        logement = logement or proposition.logement
        description = description or proposition.description
    if logement is None and not description.strip():
        raise RegleError("Indiquez le logement de relogement.")
    rules.reste_a_charge(loyer, charges, apl)  # validates the amounts
    if menage.date_enquete:
        rules.delai_jours(menage.date_enquete, date_bail)  # the lease cannot precede the survey
    if date_emmenagement and date_emmenagement < date_bail:
        raise RegleError("L'emménagement ne peut pas précéder la signature du bail.")
    en_qpv = neuf = None
    if logement is not None:
        en_qpv, neuf = _situation_logement(logement, date_bail)
    relogement = Relogement.objects.create(
        menage=menage,
        type=type,
        parc=parc,
        proposition=proposition,
        logement=logement,
        description=description,
        date_bail=date_bail,
        date_emmenagement=date_emmenagement,
        loyer=loyer,
        charges=charges,
        apl=apl,
        en_qpv=en_qpv,
        neuf_ou_recent=neuf,
        acteur=acteur,
    )
    if type == Relogement.Type.TEMPORAIRE:
        _transition(
            menage,
            Action.RELOGER_TEMPORAIREMENT,
            acteur=acteur,
            motif=f"Relogement temporaire : {relogement.libelle_logement}",
        )
        return relogement
    _transition(
        menage,
        Action.RELOGER_DEFINITIVEMENT,
        acteur=acteur,
        motif=f"Relogement définitif : {relogement.libelle_logement}",
    )
    SuiviSixMois.objects.update_or_create(
        menage=menage, defaults={"date_echeance": rules.echeance_suivi(date_emmenagement or date_bail)}
    )
    # pending offers are closed: the household is relocated
    menage.propositions.filter(resultat=PropositionRelogement.Resultat.EN_ATTENTE).update(
        resultat=PropositionRelogement.Resultat.REFUSEE,
        motif_refus=PropositionRelogement.MotifRefus.AUTRE,
        commentaire="Ménage relogé par ailleurs",
        date_reponse=date_bail,
    )
    if logement is not None and parc == Relogement.Parc.SOCIAL:
        lier_objectif_a(relogement, acteur=acteur, recalculer=recalculer)
    _evenement_demande(
        menage,
        "BAIL_SIGNE",
        acteur=acteur,
        libelle=f"Bail signé (relogement {menage.operation.get_type_display()}) : {relogement.libelle_logement}",
        detail={"date_bail": date_bail.isoformat(), "operation": menage.operation_id},
    )
    if menage.demande is not None and menage.demande.est_active:
        from demandes.services import radier

        radier(
            menage.demande,
            "ATTRIBUTION",
            acteur=acteur,
            jour=date_bail,
            commentaire=f"Relogement définitif ({menage.operation.nom})",
        )
    return relogement


def _numero_unique(menage: MenageAReloger) -> str:
    """The demand's national number, or a number of the relocation case when the household has no demand."""
    if menage.demande is not None:
        return menage.demande.numero_unique
    return f"RELOG-{menage.operation_id}-{menage.pk}"


def recalculer_objectifs(epci_id: int, annees: set[int], acteur) -> None:
    """Recompute the objectives snapshot of the years touched, after the commit (Celery)."""
    if not SeuilQuartile.objects.filter(epci_id=epci_id).exists():
        return  # the objectives cannot be computed on this territory yet
    from attributions.services import planifier_instantanes

    planifier_instantanes(epci_id=epci_id, annees=annees, acteur=acteur)


def _annees(decision: DecisionCaleol) -> set[int]:
    return {decision.date_decision.year} | ({decision.date_bail.year} if decision.date_bail else set())


def _creer_decision(relogement: Relogement, code: str, numero: str, *, acteur) -> DecisionCaleol:
    """The allocation is not in the platform: a decision from the household's values as examined."""
    menage = relogement.menage
    logement = relogement.logement
    assert logement is not None
    proposition = relogement.proposition
    date_decision = (proposition.date_reponse or proposition.date_proposition) if proposition else relogement.date_bail
    date_decision = min(date_decision, relogement.date_bail)
    return aservices.creer_decision_relogement(
        logement=logement,
        numero_unique=numero,
        date_depot=menage.demande.date_depot if menage.demande is not None else (menage.date_enquete or date_decision),
        date_decision=date_decision,
        date_bail=relogement.date_bail,
        ressources_mensuelles=menage.ressources_mensuelles,
        nb_personnes_14_plus=menage.nb_personnes_14_plus,
        nb_enfants_moins_14=menage.nb_enfants_moins_14,
        relogement=code,
        mutation=menage.locataire_social,
        acteur=acteur,
    )


def _cle(relogement: Relogement) -> tuple[str, str]:
    menage = relogement.menage
    return rules.RELOGEMENT_DECISION[rules.TypeOperation(menage.operation.type)].value, _numero_unique(menage)


def _decisions_du_menage(relogement: Relogement, numero: str):
    return attributions_du_menage(numero, relogement.logement)


@transaction.atomic
def lier_objectif_a(relogement: Relogement, *, acteur=None, recalculer: bool = True) -> DecisionCaleol | None:
    """Mark (or create) the commission decision of a definitive relocation, so that it counts in objective A.

    The decision is the household's (number of its demand, or of the relocation case) for this dwelling, whether it
    came from an extract (F1) or from the platform's CALEOL. If there is none, one is created (source PLATEFORME,
    ``Relogement.decision_creee``) from the household's values; when the real decision arrives later, that stand-in
    is deleted so that the allocation is counted once.
    """
    logement = relogement.logement
    if relogement.type != Relogement.Type.DEFINITIF or logement is None or relogement.parc != Relogement.Parc.SOCIAL:
        return None
    code, numero = _cle(relogement)
    decisions = list(_decisions_du_menage(relogement, numero).select_for_update().order_by("date_decision", "pk"))
    propre = relogement.decision if relogement.decision_creee else None
    autres = [d for d in decisions if propre is None or d.pk != propre.pk]
    annees = {relogement.date_bail.year}
    if autres:
        if propre is not None:
            annees |= _annees(propre)
            relogement.decision = None
            relogement.decision_creee = False
            relogement.save(update_fields=["decision", "decision_creee"])
            aservices.supprimer_decision_relogement(decision=propre, acteur=acteur)
        avec_bail = [d for d in autres if d.date_bail is not None]
        choisie = (avec_bail or autres)[-1]
        for decision in autres:
            aservices.marquer_decision_relogement(
                decision=decision,
                relogement=code,
                date_bail=relogement.date_bail if decision.pk == choisie.pk else None,
                acteur=acteur,
            )
            annees |= _annees(decision)
    elif propre is not None:
        choisie = propre
        aservices.marquer_decision_relogement(decision=choisie, relogement=code, acteur=acteur)
    else:
        choisie = _creer_decision(relogement, code, numero, acteur=acteur)
        relogement.decision_creee = True
        annees |= _annees(choisie)
    if relogement.decision_id != choisie.pk:
        relogement.decision = choisie
        relogement.save(update_fields=["decision", "decision_creee"])
    if recalculer:
        recalculer_objectifs(logement.epci_id, annees, acteur)
    return choisie


def _a_jour(relogement: Relogement) -> bool:
    code, numero = _cle(relogement)
    decision = relogement.decision
    if decision is None or decision.relogement != code:
        return False
    autres = _decisions_du_menage(relogement, numero).exclude(pk=decision.pk)
    if relogement.decision_creee:
        return not autres.exists()
    return not autres.exclude(relogement=code).exists()


def synchroniser_objectif_a(*, epci_id: int | None = None, acteur=None) -> int:
    """Apply the objective A link again to every definitive relocation: after an F1 import rewrote a decision,
    or when the real decision of an allocation arrived after a stand-in was created. Idempotent; returns the
    number of relocations whose decision was (re)marked.
    """
    qs = Relogement.objects.filter(
        type=Relogement.Type.DEFINITIF, logement__isnull=False, parc=Relogement.Parc.SOCIAL
    ).select_related("menage__operation", "menage__demande", "logement__commune", "decision", "proposition")
    if epci_id is not None:
        qs = qs.filter(menage__operation__epci_id=epci_id)
    faits = 0
    for relogement in qs:
        if not _a_jour(relogement):
            try:
                lier_objectif_a(relogement, acteur=acteur)  # atomic: a refusal rolls back this household only
            except ErreurMetier as exc:
                # e.g. a stand-in decision the commission has since reused: left as it is, said in the log, and
                # the other households are still linked (the nightly run must not stop on one of them)
                logger.warning("Relogement %s : lien avec l'objectif A laissé tel quel (%s)", relogement.pk, exc)
                continue
            faits += 1
    return faits


@transaction.atomic
def enregistrer_suivi(
    menage: MenageAReloger,
    *,
    acteur,
    date_realisation: dt.date,
    satisfaction: str,
    impayes: bool = False,
    commentaire: str = "",
) -> SuiviSixMois:
    menage = _verrouiller(menage)
    suivi = SuiviSixMois.objects.filter(menage=menage).first()
    if suivi is None:
        raise RegleError("Le suivi n'est possible qu'après un relogement définitif.")
    definitif = menage.relogements.filter(type=Relogement.Type.DEFINITIF).first()
    if definitif and date_realisation < definitif.date_bail:
        raise RegleError("Le suivi ne peut pas précéder le relogement.")
    suivi.date_realisation = date_realisation
    suivi.satisfaction = satisfaction
    suivi.impayes = impayes
    suivi.commentaire = commentaire
    suivi.acteur = acteur
    suivi.save()
    _transition(menage, Action.SUIVRE, acteur=acteur, motif="Enquête de suivi réalisée")
    return suivi


@transaction.atomic
def sortir(menage: MenageAReloger, *, acteur, motif: str) -> MenageAReloger:
    """The household left by its own means (private stock, home-ownership, elsewhere)."""
    if not motif.strip():
        raise RegleError("Précisez comment le ménage a quitté le dispositif.")
    menage = _verrouiller(menage)
    _transition(menage, Action.SORTIR, acteur=acteur, motif=motif)
    menage.propositions.filter(resultat=PropositionRelogement.Resultat.EN_ATTENTE).update(
        resultat=PropositionRelogement.Resultat.REFUSEE,
        motif_refus=PropositionRelogement.MotifRefus.AUTRE,
        commentaire="Ménage sorti du dispositif",
        date_reponse=_today(),
    )
    return menage


# --- Retention of sensitive data (GDPR) ------------------------------------------------------------


@transaction.atomic
def purger_donnees_sensibles(*, today: dt.date | None = None, acteur=None) -> int:
    """Erase the survey answers and social diagnoses of closed files whose retention period ran out.

    The figures stay (statuses, dates, amounts); the answers are emptied and the erasure is dated and traced.
    Idempotent; returns the number of households whose data was erased.
    """
    from .selectors import conservation_mois

    today = today or _today()
    clos = (
        MenageAReloger.objects.filter(statut__in=[s.value for s in rules.STATUTS_CLOS])
        .filter(
            Q(enquete__purgee_le__isnull=True, enquete__isnull=False)
            | Q(saisines__diagnostic__purge_le__isnull=True, saisines__diagnostic__isnull=False)
        )
        .annotate(
            cloture=Max("transitions__date", filter=Q(transitions__vers__in=[s.value for s in rules.STATUTS_CLOS]))
        )
        .select_related("operation")
        .distinct()
    )
    faits = 0
    durees: dict[int, int] = {}
    for menage in clos:
        epci_id = menage.operation.epci_id
        if epci_id not in durees:
            durees[epci_id] = conservation_mois(epci_id, today)
        cloture = timezone.localdate(menage.cloture) if menage.cloture else None
        if not rules.a_purger(menage.statut, cloture, today, conservation_mois=durees[epci_id]):
            continue
        EnqueteSociale.objects.filter(menage=menage, purgee_le__isnull=True).update(reponses={}, purgee_le=today)
        DiagnosticSocial.objects.filter(saisine__menage=menage, purge_le__isnull=True).update(
            contenu="", preconisations="", purge_le=today
        )
        tracer_consultation(acteur=acteur, menage=menage, objet="effacement (durée de conservation écoulée)")
        faits += 1
    return faits


# --- Commission for specific or blocked cases ------------------------------------------------------


@transaction.atomic
def saisir_commission(
    *,
    epci,
    acteur,
    organisation: str,
    motif: str,
    expose: str,
    menage: MenageAReloger | None = None,
    demande=None,
    date_saisine: dt.date | None = None,
) -> Saisine:
    """Refer a case: a household to relocate, or any demand of the territory (a blocked situation flagged by a
    reception point, a landlord or a reservation holder). Written to the demand's event log."""
    if menage is None and demande is None:
        raise RegleError("Une saisine concerne un ménage à reloger ou une demande.")
    if menage is not None and menage.operation.epci_id != epci.pk:
        raise RegleError("Ce ménage relève d'un autre territoire.")
    if demande is not None:
        if demande.epci_id != epci.pk:
            raise RegleError(
                f"La demande {demande.numero_unique} relève d'un autre territoire : "
                "seule la commission de son territoire peut être saisie."
            )
        if not demande.est_active:
            raise RegleError(
                f"La demande {demande.numero_unique} est radiée : une situation bloquée ne peut être signalée "
                "que pour une demande active."
            )
    if not expose.strip():
        raise RegleError("Exposé de la situation : décrivez ce qui bloque.")
    saisine = Saisine.objects.create(
        epci=epci,
        menage=menage,
        demande=demande or (menage.demande if menage else None),
        saisi_par=acteur,
        organisation=organisation[:200],
        motif=motif,
        expose=expose,
        date_saisine=date_saisine or _today(),
    )
    if saisine.demande is not None:
        from demandes.services import record_event

        record_event(
            saisine.demande,
            "AVIS_COMMISSION",
            acteur=acteur,
            libelle=f"Saisine de la commission des cas spécifiques : {saisine.get_motif_display()}",
            detail={"saisine_id": saisine.pk, "motif": saisine.motif, "organisation": saisine.organisation},
        )
    return saisine


@transaction.atomic
def creer_seance(*, epci, acteur, date: dt.date, lieu: str = "", ordre_du_jour: str = "") -> SeanceCommission:
    return SeanceCommission.objects.create(epci=epci, date=date, lieu=lieu, ordre_du_jour=ordre_du_jour)


@transaction.atomic
def inscrire(saisine: Saisine, *, seance: SeanceCommission, acteur) -> Saisine:
    """Put a referral on a session's agenda (the agenda lists the referrals in order)."""
    if seance.epci_id != saisine.epci_id:
        raise RegleError("La séance relève d'un autre territoire.")
    if saisine.statut == Saisine.Statut.CLOSE:
        raise RegleError("Cette saisine est close.")
    saisine.seance = seance
    saisine.statut = Saisine.Statut.INSCRITE
    saisine.save(update_fields=["seance", "statut"])
    if saisine.demande is not None:
        from demandes.services import record_event

        record_event(
            saisine.demande,
            "AVIS_COMMISSION",
            acteur=acteur,
            libelle=f"Inscrite à l'ordre du jour de la commission des cas spécifiques du {seance.date:%d/%m/%Y}",
            detail={"saisine_id": saisine.pk, "seance": seance.date.isoformat()},
        )
    return saisine


@transaction.atomic
def enregistrer_diagnostic(
    saisine: Saisine, *, acteur, date: dt.date, contenu: str, preconisations: str = ""
) -> DiagnosticSocial:
    diagnostic, _ = DiagnosticSocial.objects.update_or_create(
        saisine=saisine,
        defaults={"date": date, "auteur": acteur, "contenu": contenu, "preconisations": preconisations},
    )
    return diagnostic


@transaction.atomic
def decider(
    saisine: Saisine,
    *,
    acteur,
    seance: SeanceCommission,
    type: str,
    texte: str,
    responsable_suivi: str = "",
    echeance: dt.date | None = None,
) -> DecisionCommission:
    if seance.epci_id != saisine.epci_id:
        raise RegleError("La séance relève d'un autre territoire.")
    decision = DecisionCommission.objects.create(
        saisine=saisine,
        seance=seance,
        type=type,
        texte=texte,
        responsable_suivi=responsable_suivi,
        echeance=echeance,
    )
    saisine.seance = seance
    saisine.statut = Saisine.Statut.CLOSE if type == DecisionCommission.Type.CLASSEMENT else Saisine.Statut.EXAMINEE
    saisine.save(update_fields=["seance", "statut"])
    if saisine.demande is not None:
        from demandes.services import record_event

        record_event(
            saisine.demande,
            "AVIS_COMMISSION",
            acteur=acteur,
            libelle=(
                f"Commission des cas spécifiques du {seance.date:%d/%m/%Y} : {decision.get_type_display()}. {texte}"
            ),
            detail={
                "saisine_id": saisine.pk,
                "decision": decision.type,
                "seance": seance.date.isoformat(),
                "texte": texte,
                "responsable_suivi": responsable_suivi,
                "echeance": echeance.isoformat() if echeance else None,
            },
        )
    return decision


@transaction.atomic
def ajouter_suivi_saisine(saisine: Saisine, *, acteur, date: dt.date, texte: str, clore: bool = False) -> SuiviSaisine:
    suivi = SuiviSaisine.objects.create(saisine=saisine, date=date, texte=texte, auteur=acteur)
    if clore:
        saisine.statut = Saisine.Statut.CLOSE
        saisine.save(update_fields=["statut"])
    return suivi


@transaction.atomic
def tenir_seance(
    seance: SeanceCommission, *, acteur, membres_presents: str, compte_rendu: str, ordre_du_jour: str | None = None
) -> SeanceCommission:
    """Record who attended and the minutes; the session is then held."""
    seance.membres_presents = membres_presents
    seance.compte_rendu = compte_rendu
    if ordre_du_jour is not None:
        seance.ordre_du_jour = ordre_du_jour
    seance.statut = SeanceCommission.Statut.TENUE
    seance.save()
    return seance
