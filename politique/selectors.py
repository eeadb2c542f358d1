"""Read-only queries of the policy documents: the tree of a version, its follow-up (actions, milestones,
indicators measured now, local targets against their results), for the pages and the follow-up report."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cil.secret import sous_le_seuil
from cil.selectors import Regle
from core.pourcentages import texte_pourcentage

from . import indicateurs, rules
from .models import Action, DocumentPolitique, Indicateur, ObjectifStrategique, Orientation, VersionDocument


def annee_de_suivi(aujourd_hui: dt.date | None = None) -> int:
    """The year a follow-up reads by default: the last complete calendar year (the yearly review)."""
    return (aujourd_hui or timezone.localdate()).year - 1


def documents_visibles(user, epci=None) -> QuerySet:
    qs = DocumentPolitique.objects.for_user(user).select_related("epci")
    if epci is not None:
        qs = qs.filter(epci=epci)
    return qs.prefetch_related("versions")


def version_avec_contenu(pk: int) -> VersionDocument:
    actions = Action.objects.select_related("suivi_modifie_par").prefetch_related(
        "jalons",
        Prefetch(
            "indicateurs", queryset=Indicateur.objects.select_related("bailleur", "reservataire", "commune", "secteur")
        ),
    )
    return (
        VersionDocument.objects.select_related("document__epci")
        .prefetch_related(
            Prefetch(
                "orientations",
                queryset=Orientation.objects.prefetch_related(
                    Prefetch(
                        "objectifs",
                        queryset=ObjectifStrategique.objects.prefetch_related(Prefetch("actions", queryset=actions)),
                    )
                ),
            )
        )  # fmt: skip
        .get(pk=pk)
    )


@dataclass
class LigneIndicateur:
    indicateur: Indicateur
    nature: str
    perimetre: str
    cible_texte: str
    mesure: indicateurs.Mesure | None  # None: the reader may not see the figures


@dataclass
class LigneAction:
    action: Action
    en_retard: bool
    jalons: list[dict]
    indicateurs: list[LigneIndicateur]


@dataclass
class Suivi:
    version: VersionDocument
    annee: int
    avec_chiffres: bool
    aujourd_hui: dt.date
    orientations: list[dict] = field(default_factory=list)
    cibles: list[dict] = field(default_factory=list)
    cibles_indisponibles: str = ""
    regle_secret: str = ""  # the secrecy rule applied, when a local target's result is masked
    calcule_le: dt.datetime | None = None

    @property
    def actions(self) -> list[LigneAction]:
        return [a for o in self.orientations for obj in o["objectifs"] for a in obj["actions"]]

    @property
    def par_statut(self) -> list[tuple[str, int]]:
        compte = Counter(a.action.statut for a in self.actions)
        return [(label, compte[code]) for code, label in Action.Statut.choices if compte[code]]

    @property
    def nb_en_retard(self) -> int:
        return sum(a.en_retard for a in self.actions)


def _perimetre(indicateur: Indicateur) -> str:
    org = indicateur.bailleur or indicateur.reservataire or indicateur.commune or indicateur.secteur
    return str(org) if org else "Tout le territoire"


def suivi(version: VersionDocument, *, annee: int, avec_chiffres: bool, aujourd_hui: dt.date | None = None) -> Suivi:
    """Each action with its lateness, milestones and indicators (measured now when ``avec_chiffres``), and the
    local targets set by this document against their results of ``annee``."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    contexte = indicateurs.Contexte(epci=version.document.epci, annee=annee)
    resultat = Suivi(version=version, annee=annee, avec_chiffres=avec_chiffres, aujourd_hui=aujourd_hui)
    for orientation in version.orientations.all():
        objectifs = []
        for objectif in orientation.objectifs.all():
            lignes = []
            for action in objectif.actions.all():
                jalons = list(action.jalons.all())
                regles = [j.regle() for j in jalons]
                en_retard = rules.jalons_en_retard(regles, aujourd_hui)
                lignes.append(
                    LigneAction(
                        action=action,
                        en_retard=rules.action_en_retard(action.statut, regles, aujourd_hui),
                        jalons=[{"jalon": j, "en_retard": r in en_retard} for j, r in zip(jalons, regles, strict=True)],
                        indicateurs=[
                            LigneIndicateur(
                                indicateur=i,
                                nature=indicateurs.NATURES[i.nature].libelle
                                if i.nature in indicateurs.NATURES
                                else i.nature,
                                perimetre=_perimetre(i),
                                cible_texte=indicateurs.cible_texte(i),
                                mesure=indicateurs.mesure(i, contexte) if avec_chiffres else None,
                            )
                            for i in action.indicateurs.all()
                        ],
                    )
                )
            objectifs.append({"objectif": objectif, "actions": lignes})
        resultat.orientations.append({"orientation": orientation, "objectifs": objectifs})
    if avec_chiffres:
        resultat.calcule_le = contexte.maintenant
        objectifs_annee = contexte.objectifs(annee)
        if objectifs_annee is None:
            resultat.cibles_indisponibles = (
                "Les résultats ne peuvent pas être calculés : aucun seuil du premier quartile n'est chargé."
            )
        else:
            versions = set(version.document.versions.values_list("pk", flat=True))
            regle = contexte.regle_secret()
            resultat.cibles = [
                presente_cible(c, regle) for c in objectifs_annee["cibles_locales"] if c["version_id"] in versions
            ]
            if any(c["masque"] for c in resultat.cibles):
                resultat.regle_secret = regle.texte
    return resultat


def presente_cible(resultat: dict, regle: Regle) -> dict:
    """A local target's result for readers outside the EPCI staff: the legal target as text, and small counts of a
    commune or a sector masked by the platform's secrecy rule ``regle`` (docs/droit/regles.md, Platform decision 11,
    ``cil.selectors.regle_secret``)."""
    base, num = resultat["base"], resultat["numerateur"]
    petits = any(sous_le_seuil(n, regle.seuil) for n in (base, num, base - num))
    return {
        **resultat,
        "cible_legale_texte": texte_pourcentage(resultat["cible_legale"]),
        "masque": resultat["perimetre"]["type"] in ("COMMUNE", "SECTEUR") and petits,
        "secret": regle.seuil,
    }


def cibles_du_territoire(epci, *, annee: int):
    """Local targets of the territory in force during ``annee`` or later, most recent first."""
    from cil.models import CibleLocale

    return (
        CibleLocale.objects.filter(epci=epci)
        .exclude(date_fin__lt=dt.date(annee, 1, 1))
        .select_related("bailleur", "reservataire", "secteur", "commune", "version__document")
        .order_by("objectif", "-date_debut", "pk")
    )
