"""Every write of the conference: keyword-only, atomic, with the acting user; each one journaled.

A refused write raises ``rules.RegleError`` (or ``ValidationError`` for a field) with a French message and writes
nothing: a vote with more ballots than members present or represented, a proxy over the limit, a vote below
quorum are refused and say why.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cil.models import Epci

from . import rules, selectors
from .models import (
    Deliberation,
    DocumentSeance,
    Instance,
    JournalConference,
    Membre,
    PointOrdreDuJour,
    PresenceSeance,
    RegleInstance,
    Seance,
)
from .rules import RegleError

TAILLE_MAX_DOCUMENT_DEFAUT = 20 * 1024 * 1024
PIECES_JOINTES_MAX_DEFAUT = 15 * 1024 * 1024

SOURCE_REGLE_DEFAUT = (
    "Règles par défaut de la plateforme, à remplacer par le règlement intérieur de l'instance : le code de la "
    "construction (L. 441-1-5) ne fixe ni quorum ni majorité ; reprises des assemblées délibérantes (CGCT, "
    "art. L. 2121-17 : quorum de plus de la moitié des membres en exercice, seconde convocation sans quorum ; "
    "art. L. 2121-20 : un pouvoir par membre, majorité des suffrages exprimés)."
)


def _aujourd_hui() -> dt.date:
    return timezone.localdate()


def _journal(*, epci, acteur, action, libelle, instance=None, seance=None, detail=None) -> JournalConference:
    return JournalConference.objects.create(
        acteur=acteur,
        identifiant=getattr(acteur, "username", "") or "",
        epci=epci,
        action=action,
        instance_ref=instance.pk if instance is not None else (seance.instance_id if seance is not None else None),
        seance_ref=seance.pk if seance is not None else None,
        libelle=libelle[:400],
        detail=detail or {},
    )


def _valider(obj) -> None:
    obj.full_clean(validate_unique=True)


# --- Instances, rules and members ---------------------------------------------------------------------------------


@transaction.atomic
def creer_instance(
    *,
    epci: Epci,
    type: str,
    nom: str,
    acteur,
    description: str = "",
    ouverte_aux_membres: bool | None = None,
    date_regle: dt.date | None = None,
    source_regle: str = SOURCE_REGLE_DEFAUT,
) -> Instance:
    """A new instance and its first rule (the platform's defaults, to be replaced by the règlement intérieur)."""
    if type == Instance.Type.PLENIERE and Instance.objects.filter(epci=epci, type=type).exists():
        raise RegleError("Le territoire a déjà sa conférence plénière : une seule par EPCI.")
    if ouverte_aux_membres is None:
        ouverte_aux_membres = type not in (Instance.Type.CAS_SPECIFIQUES, Instance.Type.COORDINATION)
    instance = Instance(epci=epci, type=type, nom=nom, description=description, ouverte_aux_membres=ouverte_aux_membres)
    _valider(instance)
    instance.save()
    regle = RegleInstance(instance=instance, date_debut=date_regle or _aujourd_hui(), source=source_regle)
    _valider(regle)
    regle.save()
    _journal(
        epci=epci,
        acteur=acteur,
        action=JournalConference.Action.INSTANCE,
        instance=instance,
        libelle=f"Instance créée : {instance.nom} ({instance.get_type_display()})",
    )
    return instance


@transaction.atomic
def ajouter_regle(instance: Instance, *, acteur, date_debut: dt.date, source: str, **valeurs) -> RegleInstance:
    """A new rule from ``date_debut``; the rule in force until then ends the day before."""
    if not (source or "").strip():
        raise ValidationError({"source": "Indiquez la source de la règle (règlement intérieur, délibération…)."})
    if instance.regles.filter(date_debut__gte=date_debut).exists():
        raise RegleError("Une règle commence déjà à cette date ou après : ajoutez une règle plus récente.")
    regle = RegleInstance(instance=instance, date_debut=date_debut, source=source, **valeurs)
    _valider(regle)
    precedente = instance.regle_au(date_debut)
    if precedente is not None and precedente.date_fin is None:
        precedente.date_fin = date_debut - dt.timedelta(days=1)
        precedente.save(update_fields=["date_fin"])
    regle.save()
    _journal(
        epci=instance.epci,
        acteur=acteur,
        action=JournalConference.Action.REGLE,
        instance=instance,
        libelle=f"Règle de fonctionnement du {date_debut:%d/%m/%Y} : {regle.quorum_libelle}, "
        f"{regle.pouvoirs_max} pouvoir(s) par membre",
        detail={"regle_id": regle.pk, "source": source},
    )
    return regle


@transaction.atomic
def designer_membre(
    instance: Instance,
    *,
    acteur,
    nom: str,
    debut_mandat: dt.date,
    college: str = "",
    titulaire: bool = True,
    suppleant_de: Membre | None = None,
    qualite: str = "",
    organisation: str = "",
    bailleur=None,
    reservataire=None,
    copresidence: str = "",
    fin_mandat: dt.date | None = None,
    email: str = "",
) -> Membre:
    erreurs: dict[str, str] = {}
    if titulaire:
        suppleant_de = None
    elif suppleant_de is None:
        erreurs["suppleant_de"] = "Un(e) suppléant(e) supplée un membre titulaire : choisissez lequel."
    elif suppleant_de.instance_id != instance.pk or not suppleant_de.titulaire:
        erreurs["suppleant_de"] = "Le membre suppléé doit être un titulaire de la même instance."
    if instance.type == Instance.Type.PLENIERE and not college:
        erreurs["college"] = "En conférence plénière, chaque membre siège dans un collège."
    if suppleant_de is not None and college and suppleant_de.college and college != suppleant_de.college:
        erreurs["college"] = "Un(e) suppléant(e) siège dans le collège du titulaire qu'il ou elle supplée."
    if bailleur is not None and not bailleur.epcis.filter(pk=instance.epci_id).exists():
        erreurs["bailleur"] = "Ce bailleur n'intervient pas sur le territoire."
    if reservataire is not None and not reservataire.epcis.filter(pk=instance.epci_id).exists():
        erreurs["reservataire"] = "Ce réservataire n'intervient pas sur le territoire."
    if copresidence:
        if not titulaire:
            erreurs["copresidence"] = "Un coprésident est membre titulaire."
        elif instance.type != Instance.Type.PLENIERE:
            erreurs["copresidence"] = "La coprésidence est celle de la conférence plénière."
        else:
            deja = instance.membres.filter(copresidence=copresidence).en_exercice(debut_mandat).first()
            if deja is not None:
                erreurs["copresidence"] = (
                    f"{deja.nom} occupe déjà cette coprésidence à cette date : mettez d'abord fin à son mandat."
                )
    if erreurs:
        raise ValidationError(erreurs)
    membre = Membre(
        instance=instance,
        nom=nom,
        qualite=qualite,
        organisation=organisation,
        bailleur=bailleur,
        reservataire=reservataire,
        college=college,
        titulaire=titulaire,
        suppleant_de=suppleant_de,
        copresidence=copresidence,
        debut_mandat=debut_mandat,
        fin_mandat=fin_mandat,
        email=email,
    )
    _valider(membre)
    membre.save()
    role = "titulaire" if titulaire else f"suppléant(e) de {suppleant_de}"
    _journal(
        epci=instance.epci,
        acteur=acteur,
        action=JournalConference.Action.MEMBRE,
        instance=instance,
        libelle=f"Membre désigné : {membre.nom}, {role}, mandat du {debut_mandat:%d/%m/%Y}",
        detail={"membre_id": membre.pk, "college": college},
    )
    return membre


@transaction.atomic
def mettre_fin_au_mandat(membre: Membre, *, acteur, fin_mandat: dt.date) -> Membre:
    if fin_mandat < membre.debut_mandat:
        raise ValidationError({"fin_mandat": "La fin du mandat précède son début."})
    membre.fin_mandat = fin_mandat
    membre.save(update_fields=["fin_mandat"])
    _journal(
        epci=membre.instance.epci,
        acteur=acteur,
        action=JournalConference.Action.MEMBRE,
        instance=membre.instance,
        libelle=f"Fin du mandat de {membre.nom} le {fin_mandat:%d/%m/%Y}",
        detail={"membre_id": membre.pk},
    )
    return membre


# --- Meetings, agenda, documents ----------------------------------------------------------------------------------


def _modifiable(seance: Seance) -> None:
    if seance.statut in (Seance.Statut.CLOSE, Seance.Statut.ANNULEE):
        raise RegleError(f"La séance est {seance.get_statut_display().lower()} : elle ne se modifie plus.")


@transaction.atomic
def creer_seance(
    instance: Instance,
    *,
    acteur,
    date: dt.date,
    heure: dt.time,
    lieu: str = "",
    a_distance: bool = False,
    lien_visio: str = "",
    seconde_convocation_de: Seance | None = None,
) -> Seance:
    if not instance.active:
        raise RegleError("Cette instance n'est plus active.")
    if seconde_convocation_de is not None:
        if seconde_convocation_de.instance_id != instance.pk:
            raise RegleError("Une seconde convocation réunit la même instance.")
        if date <= seconde_convocation_de.date:
            raise RegleError("La seconde convocation suit la séance qui n'a pas atteint le quorum.")
    seance = Seance(
        instance=instance,
        date=date,
        heure=heure,
        lieu=lieu,
        a_distance=a_distance,
        lien_visio=lien_visio,
        seconde_convocation_de=seconde_convocation_de,
        creee_par=acteur,
    )
    if not lieu and not a_distance:
        raise ValidationError({"lieu": "Indiquez le lieu de la séance, ou qu'elle se tient à distance."})
    _valider(seance)
    seance.save()
    _journal(
        epci=instance.epci,
        acteur=acteur,
        action=JournalConference.Action.SEANCE,
        seance=seance,
        libelle=f"Séance créée : {seance}" + (" (seconde convocation)" if seconde_convocation_de else ""),
    )
    return seance


@transaction.atomic
def ajouter_point(
    seance: Seance,
    *,
    acteur,
    titre: str,
    type: str,
    expose: str = "",
    avec_vote: bool | None = None,
    projet_decision: str = "",
    annee_bilan: int | None = None,
    grille=None,
) -> PointOrdreDuJour:
    """An agenda item at the end of the agenda. Information is never voted; a deliberation, a scoring grid and a
    policy document always are (``avec_vote`` decides for a balance sheet and other items); a balance sheet names its
    year (the CIL's balance sheet of that year, if produced,
    is linked)."""
    _modifiable(seance)
    T = PointOrdreDuJour.Type
    erreurs: dict[str, str] = {}
    if type == T.INFORMATION and avec_vote:
        erreurs["avec_vote"] = "Un point d'information n'est pas soumis au vote."
    if type in PointOrdreDuJour.TYPES_VOTES:
        avec_vote = True  # whatever the box said: these kinds are always voted
    if type == T.BILAN and not annee_bilan:
        erreurs["annee_bilan"] = "Indiquez l'année du bilan présenté."
    if type != T.BILAN:
        annee_bilan = None
    if type == T.GRILLE:
        if grille is None:
            erreurs["grille"] = "Choisissez la grille de cotation soumise à l'adoption."
        elif grille.epci_id != seance.instance.epci_id:
            erreurs["grille"] = "Cette grille n'est pas celle du territoire."
        elif grille.statut != grille.Statut.BROUILLON:
            erreurs["grille"] = "Cette grille est déjà adoptée ou archivée : soumettez un projet de grille."
    else:
        grille = None
    if erreurs:
        raise ValidationError(erreurs)
    bilan = selectors.bilan_cil(seance.instance.epci, annee_bilan) if annee_bilan else None
    rang = (seance.points.aggregate(m=Max("rang"))["m"] or 0) + 1
    point = PointOrdreDuJour(
        seance=seance,
        rang=rang,
        titre=titre,
        type=type,
        expose=expose,
        avec_vote=bool(avec_vote),
        projet_decision=projet_decision,
        annee_bilan=annee_bilan,
        bilan=bilan,
        grille=grille,
    )
    _valider(point)
    point.save()
    _journal(
        epci=seance.instance.epci,
        acteur=acteur,
        action=JournalConference.Action.POINT,
        seance=seance,
        libelle=f"Point {rang} inscrit à l'ordre du jour : {titre} ({point.get_type_display()})",
        detail={"point_id": point.pk},
    )
    return point


@transaction.atomic
def deposer_document(seance: Seance, *, acteur, titre: str, fichier, point: PointOrdreDuJour | None = None):
    """Store a meeting document (recognised by its content) in the private storage; no orphan file on failure."""
    _modifiable(seance)
    if point is not None and point.seance_id != seance.pk:
        raise ValidationError({"point": "Ce point n'est pas à l'ordre du jour de cette séance."})
    taille_max = getattr(settings, "CONFERENCE_TAILLE_MAX_DOCUMENT", TAILLE_MAX_DOCUMENT_DEFAUT)
    nom_original = os.path.basename(getattr(fichier, "name", "") or "document")[:200]
    fichier.seek(0)
    entete = fichier.read(16)
    fichier.seek(0)
    mime, extension = rules.verifier_document(entete, fichier.size, nom_original, taille_max)
    document = DocumentSeance(
        seance=seance,
        point=point,
        titre=titre or nom_original,
        nom_original=nom_original,
        type_mime=mime,
        taille=fichier.size,
        depose_par=acteur,
    )
    document.fichier.save(f"{uuid.uuid4().hex}{extension}", fichier, save=False)
    try:
        document.save()
    except Exception:
        document.fichier.delete(save=False)
        raise
    _journal(
        epci=seance.instance.epci,
        acteur=acteur,
        action=JournalConference.Action.DOCUMENT,
        seance=seance,
        libelle=f"Document déposé : {document.titre} ({nom_original})",
        detail={"document_id": document.pk},
    )
    return document


def _texte_convocation(seance: Seance, *, lien: str, documents: list[DocumentSeance], jointes: bool) -> str:
    instance = seance.instance
    lignes = [
        "Madame, Monsieur,",
        "",
        f"Vous êtes convoqué(e) à la séance de l'instance « {instance.nom} » ({instance.epci.nom}) "
        f"le {seance.date:%d/%m/%Y} à {seance.heure:%H h %M}.",
    ]
    if seance.lieu:
        lignes.append(f"Lieu : {seance.lieu}.")
    if seance.a_distance:
        lignes.append(f"La séance se tient à distance{' : ' + seance.lien_visio if seance.lien_visio else '.'}")
    if seance.seconde_convocation:
        lignes.append(
            f"Seconde convocation, après la séance du {seance.seconde_convocation_de.date:%d/%m/%Y} qui n'a pas "
            "atteint le quorum."
        )
    lignes += ["", "Ordre du jour :"]
    for point in seance.points.all():
        vote = " (soumis au vote)" if point.avec_vote else ""
        lignes.append(f"  {point.rang}. {point.titre} – {point.get_type_display()}{vote}")
    if documents:
        lignes += ["", "Documents joints :" if jointes else "Documents à consulter sur la plateforme :"]
        lignes += [f"  - {d.titre}" for d in documents]
    lignes += [
        "",
        "Si vous ne pouvez pas assister à la séance, prévenez votre suppléant(e) ou donnez pouvoir par écrit à un "
        "membre de l'instance.",
    ]
    if lien:
        lignes += ["", f"La séance sur la plateforme : {lien}"]
    lignes += ["", f"Le secrétariat de la conférence – {instance.epci.nom}"]
    return "\n".join(lignes)


@transaction.atomic
def convoquer(seance: Seance, *, acteur, lien: str = "", connexion=None) -> dict:
    """Send the convocation with its agenda and documents to every member in office at the meeting's date who has
    an address (titulars and substitutes), through the configured e-mail backend; the meeting becomes convened.

    Sent inside the transaction: if the mail server refuses, nothing is recorded and the error says so. Returns
    the number of messages sent and the members without an address. ``connexion``: another e-mail backend
    (the demo records its past convocations without sending anything).
    """
    _modifiable(seance)
    if not seance.points.exists():
        raise RegleError("L'ordre du jour est vide : inscrivez au moins un point avant de convoquer.")
    membres = list(seance.instance.membres.en_exercice(seance.date).order_by("nom"))
    if not membres:
        raise RegleError("L'instance n'a aucun membre en exercice à la date de la séance.")
    avec_adresse = [m for m in membres if m.email]
    sans_adresse = [m.nom for m in membres if not m.email]
    if not avec_adresse:
        raise RegleError("Aucun membre en exercice n'a d'adresse électronique : complétez la composition.")
    documents = list(seance.documents.select_related("point"))
    limite = getattr(settings, "CONFERENCE_PIECES_JOINTES_MAX", PIECES_JOINTES_MAX_DEFAUT)
    jointes = sum(d.taille for d in documents) <= limite
    pieces = []
    if jointes:
        for d in documents:
            with d.fichier.open("rb") as f:
                pieces.append((d.nom_original, f.read(), d.type_mime))
    corps = _texte_convocation(seance, lien=lien, documents=documents, jointes=jointes)
    sujet = f"Convocation – {seance.instance.nom} – séance du {seance.date:%d/%m/%Y}"
    messages = []
    for membre in avec_adresse:
        message = EmailMessage(subject=sujet, body=corps, to=[membre.email])
        for nom, contenu, mime in pieces:
            message.attach(nom, contenu, mime)
        messages.append(message)
    premiere = seance.statut == Seance.Statut.PREPARATION
    seance.statut = Seance.Statut.CONVOQUEE
    seance.convoquee_le = timezone.now()
    seance.save(update_fields=["statut", "convoquee_le"])
    _journal(
        epci=seance.instance.epci,
        acteur=acteur,
        action=JournalConference.Action.CONVOCATION,
        seance=seance,
        libelle=f"Convocation {'envoyée' if premiere else 'envoyée de nouveau'} à {len(messages)} membre(s)"
        + (f" ; sans adresse : {', '.join(sans_adresse)}" if sans_adresse else ""),
        detail={"destinataires": len(messages), "sans_adresse": sans_adresse, "documents": len(documents)},
    )
    connexion = connexion or get_connection()
    envoyes = connexion.send_messages(messages) or 0
    if envoyes != len(messages):
        raise RegleError(
            f"Le serveur de messagerie n'a accepté que {envoyes} message(s) sur {len(messages)} : la convocation "
            "n'est pas enregistrée, réessayez."
        )
    return {"envoyes": envoyes, "sans_adresse": sans_adresse, "pieces_jointes": jointes}


# --- Attendance, votes, minutes -----------------------------------------------------------------------------------


def _seance_tenue(seance: Seance) -> None:
    _modifiable(seance)
    if seance.statut != Seance.Statut.CONVOQUEE:
        raise RegleError("La séance n'a pas été convoquée : elle ne peut pas délibérer.")
    if seance.date > _aujourd_hui():
        raise RegleError(f"La séance a lieu le {seance.date:%d/%m/%Y} : présences et votes s'enregistrent ce jour-là.")


def regle_de_la_seance(seance: Seance) -> RegleInstance:
    regle = seance.instance.regle_au(seance.date)
    if regle is None:
        raise RegleError(
            f"Aucune règle de fonctionnement de « {seance.instance.nom} » n'est en vigueur le "
            f"{seance.date:%d/%m/%Y} : ajoutez-la (règlement intérieur)."
        )
    return regle


@transaction.atomic
def enregistrer_presences(seance: Seance, *, acteur, presences: dict[int, tuple[str, int | None]]) -> rules.Comptage:
    """Replace the meeting's attendance: ``{membre_id: (presence, pouvoir_a_id)}`` for members in office at its date
    (a member left out is absent). Checked whole by ``rules.compter_presences`` under the rule in force."""
    _seance_tenue(seance)
    regle = regle_de_la_seance(seance)
    membres = {m.pk: m for m in seance.instance.membres.en_exercice(seance.date)}
    inconnus = set(presences) - set(membres)
    if inconnus:
        raise RegleError("Un membre indiqué n'est pas en exercice dans cette instance à la date de la séance.")
    sieges = []
    for pk, membre in membres.items():
        presence, pouvoir_a = presences.get(pk, (rules.Presence.ABSENT, None))
        try:
            presence = rules.Presence(presence)
        except ValueError:
            raise RegleError(f"Présence inconnue pour {membre.nom}.") from None
        if pouvoir_a is not None and pouvoir_a not in membres:
            raise RegleError(f"Le pouvoir de {membre.nom} va à une personne qui n'est pas membre en exercice.")
        sieges.append(
            rules.Siege(
                membre=pk,
                nom=membre.nom,
                titulaire=membre.titulaire,
                presence=presence,
                suppleant_de=membre.suppleant_de_id,
                pouvoir_a=pouvoir_a,
            )
        )
    comptage = rules.compter_presences(sieges, pouvoirs_max=regle.pouvoirs_max)
    seance.presences.all().delete()
    PresenceSeance.objects.bulk_create(
        PresenceSeance(seance=seance, membre_id=s.membre, presence=s.presence, pouvoir_a_id=s.pouvoir_a) for s in sieges
    )
    _journal(
        epci=seance.instance.epci,
        acteur=acteur,
        action=JournalConference.Action.PRESENCES,
        seance=seance,
        libelle=f"Présences : {comptage.presents} présent(s), {comptage.pouvoirs} pouvoir(s), "
        f"{comptage.en_exercice} membres en exercice",
        detail={
            "presences": {str(s.membre): [str(s.presence), s.pouvoir_a] for s in sieges},
        },
    )
    return comptage


def _numeroter(epci: Epci, annee: int) -> int:
    """The next rank of the territory's year; the EPCI row is locked so two votes never share a number."""
    Epci.objects.select_for_update().filter(pk=epci.pk).first()
    dernier = Deliberation.objects.filter(epci=epci, annee=annee).aggregate(m=Max("rang"))["m"] or 0
    return dernier + 1


@transaction.atomic
def enregistrer_vote(
    point: PointOrdreDuJour,
    *,
    acteur,
    votants: int,
    pour: int,
    contre: int,
    abstention: int,
    blanc: int = 0,
    voix_preponderante: str = "",
    texte: str = "",
) -> Deliberation:
    """Record the vote on an item as a numbered, dated deliberation with the counts it states; refused (nothing
    written) when the item is not voted or already is, the meeting cannot deliberate, the quorum is not reached or
    the ballots do not add up."""
    seance = point.seance
    _seance_tenue(seance)
    if not point.avec_vote:
        raise RegleError(f"Le point « {point.titre} » n'est pas soumis au vote.")
    if Deliberation.objects.filter(point=point).exists():
        raise RegleError(f"Le vote du point « {point.titre} » est déjà enregistré (délibération numérotée).")
    regle = regle_de_la_seance(seance)
    comptage = selectors.comptage(seance)
    if comptage.presents == 0:
        raise RegleError("Enregistrez d'abord les présences et les pouvoirs de la séance.")
    quorum = rules.quorum(comptage, regle.regle_quorum(), seconde_convocation=seance.seconde_convocation)
    if not quorum.atteint:
        raise RegleError(f"Vote refusé : {quorum.explication} La séance ne peut pas délibérer.")
    bulletins = rules.Bulletins(votants=votants, pour=pour, contre=contre, abstention=abstention, blanc=blanc)
    rules.valider_bulletins(bulletins, comptage)
    resultat = rules.resultat(
        bulletins,
        majorite=regle.majorite,
        voix_preponderante=regle.voix_preponderante,
        sens_preponderant=voix_preponderante or None,
    )
    partage = regle.voix_preponderante and pour == contre and bulletins.exprimes > 0
    annee = seance.date.year
    deliberation = Deliberation(
        epci=seance.instance.epci,
        point=point,
        annee=annee,
        rang=_numeroter(seance.instance.epci, annee),
        date=seance.date,
        regle=regle,
        membres_en_exercice=comptage.en_exercice,
        presents=comptage.presents,
        pouvoirs=comptage.pouvoirs,
        votants=votants,
        pour=pour,
        contre=contre,
        abstention=abstention,
        blanc=blanc,
        voix_preponderante=voix_preponderante if partage else "",
        resultat=resultat,
        quorum=quorum.explication,
        texte=(texte or point.projet_decision or point.titre).strip(),
        enregistree_par=acteur,
    )
    deliberation.save()
    _journal(
        epci=seance.instance.epci,
        acteur=acteur,
        action=JournalConference.Action.VOTE,
        seance=seance,
        libelle=f"Délibération n° {deliberation.numero} ({deliberation.get_resultat_display().lower()}) sur le "
        f"point {point.rang} : {deliberation.ligne}",
        detail={"deliberation_id": deliberation.pk, "point_id": point.pk},
    )
    return deliberation


@transaction.atomic
def enregistrer_compte_rendu(seance: Seance, *, acteur, compte_rendu: str, clore: bool = False) -> Seance:
    _modifiable(seance)
    if clore:
        if seance.statut != Seance.Statut.CONVOQUEE:
            raise RegleError("Seule une séance convoquée et tenue peut être close.")
        if seance.date > _aujourd_hui():
            raise RegleError("La séance n'a pas encore eu lieu : elle ne peut pas être close.")
        if not compte_rendu.strip():
            raise ValidationError({"compte_rendu": "Rédigez le compte rendu avant de clore la séance."})
    seance.compte_rendu = compte_rendu
    champs = ["compte_rendu"]
    if clore:
        seance.statut = Seance.Statut.CLOSE
        champs.append("statut")
    seance.save(update_fields=champs)
    _journal(
        epci=seance.instance.epci,
        acteur=acteur,
        action=JournalConference.Action.CLOTURE if clore else JournalConference.Action.COMPTE_RENDU,
        seance=seance,
        libelle="Séance close, compte rendu arrêté" if clore else "Compte rendu enregistré",
    )
    return seance


@transaction.atomic
def annuler_seance(seance: Seance, *, acteur, motif: str) -> Seance:
    _modifiable(seance)
    if Deliberation.objects.filter(point__seance=seance).exists():
        raise RegleError("La séance a déjà délibéré : elle ne peut plus être annulée.")
    if not motif.strip():
        raise ValidationError({"motif": "Indiquez pourquoi la séance est annulée."})
    seance.statut = Seance.Statut.ANNULEE
    seance.save(update_fields=["statut"])
    _journal(
        epci=seance.instance.epci,
        acteur=acteur,
        action=JournalConference.Action.ANNULATION,
        seance=seance,
        libelle=f"Séance annulée : {motif}",
    )
    return seance
