"""Every write on the policy documents and local targets: atomic, keyword-only, ``acteur=`` explicit, logged.

The life cycle of a version follows ``rules.transition``; the text of a version changes only while it is a
draft, its follow-up (statuses of actions, milestones done, values entered) only while it applies. Each
change writes one line of ``JournalPolitique`` (who, when, what, the fields before and after).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone

from cil.models import CibleLocale

from . import indicateurs, rules
from .models import (
    Action,
    DocumentPolitique,
    Indicateur,
    Jalon,
    JournalPolitique,
    ObjectifStrategique,
    Orientation,
    VersionDocument,
)
from .rules import RegleError, Transition


def _texte(valeur) -> str | None:
    if valeur is None:
        return None
    if isinstance(valeur, models.Model):
        return f"{valeur} (#{valeur.pk})"
    if isinstance(valeur, dt.date | Decimal):
        return str(valeur)
    return valeur if isinstance(valeur, bool | int | float | str) else str(valeur)


def _journal(epci, *, acteur, objet: models.Model, operation: str, libelle: str, document=None, detail=None) -> None:
    JournalPolitique.objects.create(
        epci=epci,
        document=document,
        objet=objet._meta.model_name,
        objet_id=objet.pk,
        operation=operation,
        libelle=libelle[:400],
        detail=detail or {},
        acteur=acteur,
    )


def _appliquer(obj: models.Model, champs: dict) -> dict:
    """Set ``champs`` on ``obj``; return what changed as {field: [before, after]} (for the log)."""
    changes = {}
    for nom, valeur in champs.items():
        avant = getattr(obj, nom)
        if avant != valeur:
            changes[nom] = [_texte(avant), _texte(valeur)]
            setattr(obj, nom, valeur)
    return changes


def _enregistrer(obj: models.Model) -> None:
    """Validate (fields, constraints with their French messages) and save."""
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:  # a concurrent write got there first: the same rule, said in French
        raise RegleError("L'enregistrement contredit une règle du document (numéro déjà pris ou version déjà "
                         "en vigueur) ; rechargez la page.") from exc  # fmt: skip


def _contenu(version: VersionDocument) -> None:
    if not rules.contenu_modifiable(version.statut):
        raise RegleError(
            f"Le texte d'une version « {rules.LIBELLES_STATUTS[rules.Statut(version.statut)]} » ne se modifie plus : "
            "créez un avenant ou une révision."
        )


def _suivi(version: VersionDocument) -> None:
    if not rules.suivi_modifiable(version.statut):
        raise RegleError("Le suivi s'enregistre sur une version adoptée qui s'applique encore.")


def _version_verrouillee(version: VersionDocument) -> VersionDocument:
    return VersionDocument.objects.select_for_update().select_related("document").get(pk=version.pk)


# --- Documents and versions ------------------------------------------------------------------------------


@transaction.atomic
def creer_document(*, epci, acteur, type: str, titre: str, description: str = "") -> DocumentPolitique:
    """A new document of the territory, with its first version as a draft."""
    document = DocumentPolitique(epci=epci, type=type, titre=titre, description=description)
    _enregistrer(document)
    _journal(epci, acteur=acteur, objet=document, document=document, operation="création",
             libelle=f"Document créé : {titre}")  # fmt: skip
    version = VersionDocument(
        document=document, numero=1, nature=VersionDocument.Nature.INITIALE, intitule="Version initiale"
    )
    _enregistrer(version)
    return document


@transaction.atomic
def modifier_document(document: DocumentPolitique, *, acteur, **champs) -> DocumentPolitique:
    changes = _appliquer(document, {k: v for k, v in champs.items() if k in ("titre", "description")})
    if changes:
        _enregistrer(document)
        _journal(document.epci, acteur=acteur, objet=document, document=document, operation="modification",
                 libelle=f"Document modifié : {document.titre}", detail=changes)  # fmt: skip
    return document


def _copier_contenu(source: VersionDocument, cible: VersionDocument) -> None:
    """The orientations, objectives, actions, milestones and indicators of ``source`` copied into ``cible``."""
    for orientation in source.orientations.prefetch_related(
        "objectifs__actions__jalons", "objectifs__actions__indicateurs"
    ):
        nouvelle = Orientation.objects.create(
            version=cible, numero=orientation.numero, intitule=orientation.intitule, description=orientation.description
        )
        for objectif in orientation.objectifs.all():
            nouvel_objectif = ObjectifStrategique.objects.create(
                orientation=nouvelle, numero=objectif.numero, intitule=objectif.intitule,
                description=objectif.description,
            )  # fmt: skip
            for action in objectif.actions.all():
                jalons, mesures = list(action.jalons.all()), list(action.indicateurs.all())
                action.pk, action.version, action.objectif = None, cible, nouvel_objectif
                action.save()
                for jalon in jalons:
                    jalon.pk, jalon.action = None, action
                    jalon.save()
                for indicateur in mesures:
                    indicateur.pk, indicateur.action = None, action
                    indicateur.save()


@transaction.atomic
def nouvelle_version(
    document: DocumentPolitique, *, acteur, nature: str, intitule: str, resume: str = "", depuis=None
) -> VersionDocument:
    """A draft amendment or revision: a copy of ``depuis`` (by default the version in force, else the last one)."""
    DocumentPolitique.objects.select_for_update().get(pk=document.pk)
    versions = document.versions.all()
    if versions.filter(statut__in=[rules.Statut.BROUILLON, rules.Statut.SOUMIS]).exists():
        raise RegleError("Une version de ce document est déjà en préparation : adoptez-la ou reprenez-la.")
    if depuis is None:
        depuis = versions.en_vigueur().first() or versions.order_by("-numero").first()
    elif depuis.document_id != document.pk:
        raise RegleError("La version de départ appartient à un autre document.")
    numero = (versions.aggregate(m=Max("numero"))["m"] or 0) + 1
    version = VersionDocument(document=document, numero=numero, nature=nature, intitule=intitule, resume=resume)
    _enregistrer(version)
    if depuis is not None:
        _copier_contenu(depuis, version)
    _journal(document.epci, acteur=acteur, objet=version, document=document, operation="création",
             libelle=f"{intitule} : nouvelle version n° {numero} en brouillon",
             detail={"depuis": depuis.numero if depuis else None})  # fmt: skip
    return version


CHAMPS_VERSION = ("intitule", "resume", "nature", "date_echeance", "date_signature")


@transaction.atomic
def modifier_version(version: VersionDocument, *, acteur, **champs) -> VersionDocument:
    """The description of a version; its title and summary only while a draft, its dates until it is replaced."""
    version = _version_verrouillee(version)
    inconnus = set(champs) - set(CHAMPS_VERSION)
    if inconnus:
        raise RegleError(f"Champs non modifiables ici : {', '.join(sorted(inconnus))}.")
    texte = {k: v for k, v in champs.items() if k in ("intitule", "resume", "nature")}
    if any(getattr(version, k) != v for k, v in texte.items()):
        _contenu(version)
    if version.statut == rules.Statut.REMPLACE:
        raise RegleError("Une version remplacée ne se modifie plus.")
    changes = _appliquer(version, champs)
    if changes:
        _enregistrer(version)
        _journal(version.document.epci, acteur=acteur, objet=version, document=version.document,
                 operation="modification", libelle=f"{version} : modifiée", detail=changes)  # fmt: skip
    return version


@transaction.atomic
def changer_statut(
    version: VersionDocument,
    *,
    acteur,
    action: str,
    date: dt.date | None = None,
    deliberation_reference: str = "",
    deliberation_date: dt.date | None = None,
    deliberation=None,
    aujourd_hui: dt.date | None = None,
) -> VersionDocument:
    """Move a version along its life cycle (``rules.TRANSITIONS``); entering into force replaces the version in
    force before it, the day before. ``date``: the date of the adoption, approval or entry into force."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    if deliberation is not None:
        # adopted by a vote recorded on the platform: same territory, adopted, and its number and date are the
        # ones the version cites
        if Transition(action) != Transition.ADOPTER:
            raise RegleError("Une délibération se rattache à l'adoption d'une version.")
        if deliberation.epci_id != version.document.epci_id:
            raise RegleError("Cette délibération est celle d'un autre territoire.")
        if deliberation.resultat != deliberation.Resultat.ADOPTE:
            raise RegleError(f"La délibération n° {deliberation.numero} a été rejetée : elle n'adopte rien.")
        deliberation_reference = f"Délibération n° {deliberation.numero}"
        deliberation_date = deliberation.date
        date = date or deliberation.date
    DocumentPolitique.objects.select_for_update().get(pk=version.document_id)
    version = _version_verrouillee(version)
    document = version.document
    action = Transition(action)
    if action == Transition.REMPLACER:
        raise RegleError("Une version est remplacée quand une autre version du document entre en vigueur.")
    avant = version.statut
    version.statut = rules.transition(avant, action, type_document=document.type)
    dates = rules.Dates(
        adoption=date if action == Transition.ADOPTER else version.date_adoption,
        approbation=date if action == Transition.APPROUVER else version.date_approbation_prefet,
        entree_en_vigueur=date if action == Transition.METTRE_EN_VIGUEUR else None,
    )
    rules.verifie_dates(action, dates, aujourd_hui=aujourd_hui, deliberation=deliberation_reference)
    detail: dict = {"de": avant, "vers": version.statut}
    if action == Transition.SOUMETTRE:
        version.date_soumission = date or aujourd_hui
    elif action == Transition.RETIRER:
        version.date_soumission = None
    elif action == Transition.ADOPTER:
        version.date_adoption = date
        version.deliberation_reference = deliberation_reference.strip()
        version.deliberation_date = deliberation_date or date
        version.deliberation = deliberation
        detail["deliberation"] = version.deliberation_reference
    elif action == Transition.APPROUVER:
        version.date_approbation_prefet = date
    elif action == Transition.METTRE_EN_VIGUEUR:
        precedente = document.versions.select_for_update().en_vigueur().exclude(pk=version.pk).first()
        if precedente is not None:
            if date <= precedente.date_entree_vigueur:
                raise RegleError(
                    f"La version en vigueur s'applique depuis le {precedente.date_entree_vigueur:%d/%m/%Y} : la "
                    "nouvelle version entre en vigueur après cette date."
                )
            precedente.statut = rules.transition(precedente.statut, Transition.REMPLACER, type_document=document.type)
            precedente.date_fin_vigueur = date - dt.timedelta(days=1)
            _enregistrer(precedente)
            _journal(document.epci, acteur=acteur, objet=precedente, document=document, operation="remplacement",
                     libelle=f"{precedente} : remplacée par la version n° {version.numero}",
                     detail={"de": rules.Statut.EN_VIGUEUR, "vers": precedente.statut,
                             "jusqu_au": str(precedente.date_fin_vigueur)})  # fmt: skip
            detail["remplace"] = precedente.numero
        version.date_entree_vigueur = date
        version.date_fin_vigueur = None
    if date is not None:
        detail["date"] = str(date)
    _enregistrer(version)
    _journal(document.epci, acteur=acteur, objet=version, document=document, operation="statut",
             libelle=f"{version} : {rules.LIBELLES_TRANSITIONS[action].lower()}", detail=detail)  # fmt: skip
    return version


@transaction.atomic
def publier(version: VersionDocument, *, acteur, publie: bool = True) -> VersionDocument:
    """Flag an adopted version for the public pages (or withdraw it from them)."""
    version = _version_verrouillee(version)
    if publie and not rules.publiable(version.statut):
        raise RegleError("Seule une version adoptée peut être publiée.")
    if version.publie == publie:
        return version
    version.publie = publie
    version.publie_le = timezone.now() if publie else None
    _enregistrer(version)
    _journal(version.document.epci, acteur=acteur, objet=version, document=version.document, operation="publication",
             libelle=f"{version} : {'publiée' if publie else 'retirée des pages publiques'}")  # fmt: skip
    return version


# --- The text of a version: orientations, objectives, actions, milestones, indicators --------------------


def _version_de(obj) -> VersionDocument:
    if isinstance(obj, VersionDocument):
        return obj
    if isinstance(obj, Orientation):
        return obj.version
    if isinstance(obj, ObjectifStrategique):
        return obj.orientation.version
    if isinstance(obj, Action):
        return obj.version
    if isinstance(obj, Jalon | Indicateur):
        return obj.action.version
    raise TypeError(obj)


def _ecrire(obj, *, acteur, operation: str, libelle: str, changes=None, verifie=_contenu):
    version = _version_de(obj)
    version = _version_verrouillee(version)
    verifie(version)
    if operation == "suppression":
        _journal(version.document.epci, acteur=acteur, objet=obj, document=version.document, operation=operation,
                 libelle=libelle, detail={"texte": str(obj)})  # fmt: skip
        obj.delete()
        return None
    _enregistrer(obj)
    _journal(version.document.epci, acteur=acteur, objet=obj, document=version.document, operation=operation,
             libelle=libelle, detail=changes or {})  # fmt: skip
    return obj


@transaction.atomic
def ajouter_orientation(version: VersionDocument, *, acteur, numero: int, intitule: str, description: str = ""):
    orientation = Orientation(version=version, numero=numero, intitule=intitule, description=description)
    return _ecrire(orientation, acteur=acteur, operation="création", libelle=f"{orientation} ajoutée")


@transaction.atomic
def ajouter_objectif(orientation: Orientation, *, acteur, numero: int, intitule: str, description: str = ""):
    objectif = ObjectifStrategique(orientation=orientation, numero=numero, intitule=intitule, description=description)
    return _ecrire(objectif, acteur=acteur, operation="création", libelle=f"{objectif} ajouté")


@transaction.atomic
def ajouter_action(objectif: ObjectifStrategique, *, acteur, numero: int | None = None, **champs) -> Action:
    version = objectif.orientation.version
    if numero is None:
        numero = (version.actions.aggregate(m=Max("numero"))["m"] or 0) + 1
    action = Action(version=version, objectif=objectif, numero=numero, **champs)
    return _ecrire(action, acteur=acteur, operation="création", libelle=f"{action} ajoutée")


CHAMPS_TEXTE = {
    Orientation: ("numero", "intitule", "description"),
    ObjectifStrategique: ("numero", "intitule", "description"),
    Action: ("numero", "objectif", "intitule", "description", "pilote", "partenaires"),
    Jalon: ("libelle", "echeance"),
    Indicateur: ("libelle", "nature", "annee", "bailleur", "reservataire", "commune", "secteur", "valeur_cible"),
}


@transaction.atomic
def modifier(obj, *, acteur, **champs):
    """Change the text of an orientation, objective, action, milestone or indicator of a draft version."""
    autorises = CHAMPS_TEXTE[type(obj)]
    inconnus = set(champs) - set(autorises)
    if inconnus:
        raise RegleError(f"Champs non modifiables ici : {', '.join(sorted(inconnus))}.")
    if isinstance(obj, Action) and "objectif" in champs and champs["objectif"].orientation.version_id != obj.version_id:
        raise RegleError("L'objectif choisi appartient à une autre version.")
    changes = _appliquer(obj, champs)
    if isinstance(obj, Indicateur):
        indicateurs.verifie(obj)
    if not changes:
        return obj
    return _ecrire(obj, acteur=acteur, operation="modification", libelle=f"{obj} modifié", changes=changes)


@transaction.atomic
def supprimer(obj, *, acteur) -> None:
    """Remove an orientation (with its objectives and actions), an objective, an action, a milestone or an
    indicator from a draft version."""
    _ecrire(obj, acteur=acteur, operation="suppression", libelle=f"{obj} supprimé")


@transaction.atomic
def ajouter_jalon(action: Action, *, acteur, libelle: str, echeance: dt.date) -> Jalon:
    jalon = Jalon(action=action, libelle=libelle, echeance=echeance)
    return _ecrire(jalon, acteur=acteur, operation="création", libelle=f"Action {action.numero} : jalon {jalon} ajouté")


@transaction.atomic
def ajouter_indicateur(action: Action, *, acteur, libelle: str, nature: str, **champs) -> Indicateur:
    indicateur = Indicateur(action=action, libelle=libelle, nature=nature, **champs)
    indicateurs.verifie(indicateur)
    return _ecrire(indicateur, acteur=acteur, operation="création",
                   libelle=f"Action {action.numero} : indicateur « {libelle} » ajouté")  # fmt: skip


# --- Follow-up of an adopted version -----------------------------------------------------------------------


@transaction.atomic
def enregistrer_avancement(action: Action, *, acteur, statut: str, commentaire: str) -> Action:
    """The status of an action and where it stands, on a version that applies."""
    changes = _appliquer(action, {"statut": statut, "commentaire_suivi": commentaire})
    if not changes:
        return action
    action.suivi_modifie_le = timezone.now()
    action.suivi_modifie_par = acteur
    return _ecrire(action, acteur=acteur, operation="suivi", libelle=f"Action {action.numero} : avancement",
                   changes=changes, verifie=_suivi)  # fmt: skip


@transaction.atomic
def marquer_jalon(jalon: Jalon, *, acteur, date_realisation: dt.date | None, aujourd_hui: dt.date | None = None):
    """A milestone done on a date (never in the future), or done no more (None)."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    if date_realisation is not None and date_realisation > aujourd_hui:
        raise RegleError("Un jalon est réalisé à une date passée ou aujourd'hui, pas dans le futur.")
    changes = _appliquer(jalon, {"date_realisation": date_realisation})
    if not changes:
        return jalon
    libelle = f"Action {jalon.action.numero} : jalon {jalon.libelle}"
    return _ecrire(jalon, acteur=acteur, operation="suivi", libelle=libelle,
                   changes=changes, verifie=_suivi)  # fmt: skip


@transaction.atomic
def saisir_valeur(indicateur: Indicateur, *, acteur, valeur: Decimal, date: dt.date, source: str) -> Indicateur:
    """The value of an indicator entered by hand (not a figure the platform computes), with its date and source."""
    if indicateur.nature != indicateurs.SAISIE:
        raise RegleError("Cet indicateur est calculé par la plateforme : sa valeur ne se saisit pas.")
    if not source.strip():
        raise RegleError("Indiquez d'où vient la valeur (bilan, enquête, tableau de bord).")
    changes = _appliquer(indicateur, {"valeur_saisie": valeur, "date_valeur": date, "source_valeur": source.strip()})
    if not changes:
        return indicateur
    libelle = f"Indicateur « {indicateur.libelle} » : valeur"
    return _ecrire(indicateur, acteur=acteur, operation="suivi", libelle=libelle,
                   changes=changes, verifie=_suivi)  # fmt: skip


# --- Local targets (cil.CibleLocale) -----------------------------------------------------------------------


def journaliser_cible(cible: CibleLocale, *, acteur, operation: str, champs=(), detail=None) -> None:
    """One line of the log for a local target written here or in the administration."""
    detail = dict(detail or {})
    if champs:
        detail.setdefault("champs", list(champs))
    detail.setdefault("taux", cible.taux_texte)
    _journal(cible.epci, acteur=acteur, objet=cible, operation=operation,
             document=cible.version.document if cible.version_id else None,
             libelle=f"Cible locale {operation} : {cible}", detail=detail)  # fmt: skip


CHAMPS_CIBLE = ("objectif", "taux", "bailleur", "reservataire", "secteur", "commune", "date_debut", "date_fin",
                "version", "article", "source")  # fmt: skip


@transaction.atomic
def creer_cible(*, epci, acteur, **champs) -> CibleLocale:
    inconnus = set(champs) - set(CHAMPS_CIBLE)
    if inconnus:
        raise RegleError(f"Champs inconnus : {', '.join(sorted(inconnus))}.")
    cible = CibleLocale(epci=epci, **champs)
    cible.full_clean()
    cible.save()
    journaliser_cible(cible, acteur=acteur, operation="création")
    return cible


@transaction.atomic
def modifier_cible(cible: CibleLocale, *, acteur, **champs) -> CibleLocale:
    cible = CibleLocale.objects.select_for_update().get(pk=cible.pk)
    inconnus = set(champs) - set(CHAMPS_CIBLE)
    if inconnus:
        raise RegleError(f"Champs inconnus : {', '.join(sorted(inconnus))}.")
    changes = _appliquer(cible, champs)
    if changes:
        cible.full_clean()
        cible.save()
        journaliser_cible(cible, acteur=acteur, operation="modification", detail={"modifications": changes})
    return cible


@transaction.atomic
def supprimer_cible(cible: CibleLocale, *, acteur) -> None:
    journaliser_cible(cible, acteur=acteur, operation="suppression")
    cible.delete()
