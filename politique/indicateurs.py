"""The kinds of indicator an action may carry: each one a live figure of the platform, computed when read by
the selectors that already compute it (objectives engine, observatory), never a stored copy; or a value
entered by hand with its date and source (``SAISIE``).

``NATURES`` is the registry: code -> ``Nature`` (label, unit, which direction is better, the scopes it
accepts, the function that measures it). ``mesure(indicateur, contexte)`` returns a ``Mesure``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from attributions import rules as arules
from cil.secret import sous_le_seuil
from cil.selectors import Regle, regle_secret
from core.pourcentages import texte_pourcentage

from . import rules
from .rules import RegleError

SAISIE = "SAISIE"
PORTEES = ("bailleur", "reservataire", "commune", "secteur")


@dataclass
class Mesure:
    """A figure read now: ``valeur`` (a fraction for a rate, months for a delay), its text and its verdict."""

    valeur: Decimal | None
    texte: str
    atteint: bool | None = None
    base: int | None = None
    numerateur: int | None = None
    periode: str = ""
    date: dt.date | dt.datetime | None = None  # when it was computed (live) or observed (entered)
    source: str = ""
    lien: str = ""
    remarque: str = ""
    provisoire: bool = False


@dataclass
class Contexte:
    """What the measures of one page or report share: the territory, the year read, a cache of the objectives
    engine's results (one computation per year for every indicator) and the secrecy rule in force."""

    epci: object
    annee: int
    maintenant: dt.datetime = field(default_factory=timezone.now)
    _objectifs: dict = field(default_factory=dict)
    _regle: Regle | None = None

    def regle_secret(self) -> Regle:
        """The platform's secrecy rule in force for the territory on the day the figures are read (one query)."""
        if self._regle is None:
            self._regle = regle_secret(self.epci, timezone.localdate(self.maintenant))
        return self._regle

    def objectifs(self, annee: int) -> dict | None:
        from attributions.selectors import ObjectifsIndisponibles
        from attributions.services import objectifs_du_territoire

        if annee not in self._objectifs:
            try:
                # from the year's fresh snapshot (counted once and stored when a decision changed since)
                self._objectifs[annee] = objectifs_du_territoire(self.epci, annee, details=True)[0]
            except ObjectifsIndisponibles:
                self._objectifs[annee] = None
        return self._objectifs[annee]


@dataclass(frozen=True)
class Nature:
    code: str
    libelle: str
    unite: str  # taux | mois | nombre
    sens: str  # ">=" more is better, "<=" less is better
    portees: frozenset[str]
    fonction: Callable[[object, Contexte], Mesure] | None
    aide: str = ""


def _annee(indicateur, contexte: Contexte) -> int:
    return indicateur.annee or contexte.annee


def _portee(indicateur) -> tuple[str, int | None]:
    for champ in PORTEES:
        pk = getattr(indicateur, f"{champ}_id")
        if pk is not None:
            return champ, pk
    return "epci", None


# --- Objectives A, B, C and the share of transfers (attributions.selectors.calcule_objectifs_epci) -----------

LISTES = {"bailleur": "bailleurs", "commune": "communes", "secteur": "secteurs", "reservataire": "reservataires"}


def _objectif(code: str):
    def mesurer(indicateur, contexte: Contexte) -> Mesure:
        annee = _annee(indicateur, contexte)
        periode = f"année {annee}"
        resultat = contexte.objectifs(annee)
        if resultat is None:
            return Mesure(
                None, "–", periode=periode, remarque="Seuil du premier quartile non chargé pour ce territoire."
            )
        champ, pk = _portee(indicateur)
        if champ == "epci":
            ligne = resultat[code]
        else:
            lignes = [r for r in resultat[LISTES[champ]] if r["pk"] == pk]
            ligne = (lignes[0] if champ == "reservataire" else lignes[0][code]) if lignes else None
        base, num = (ligne["base"], ligne["numerateur"]) if ligne else (0, 0)
        cible = indicateur.valeur_cible
        regle = contexte.regle_secret() if champ in ("commune", "secteur") else None
        if regle is not None and any(sous_le_seuil(n, regle.seuil) for n in (base, num, base - num)):
            return Mesure(None, f"< {regle.seuil}", periode=periode, date=contexte.maintenant,
                          remarque=f"Secret statistique : {regle.texte}")  # fmt: skip
        params = {"epci": contexte.epci.siren, "annee": annee, "objectif": code, "part": "numerateur"}
        if pk is not None:
            params[champ] = pk
        return Mesure(
            valeur=arules.taux(num, base),
            texte=arules.taux_affiche(num, base, cible),
            atteint=arules.atteint(num, base, cible),
            base=base,
            numerateur=num,
            periode=periode,
            date=contexte.maintenant,
            source="Objectifs de la plateforme (attributions comptées)",
            lien=reverse("attributions:liste") + "?" + urlencode(params),
            remarque="" if base else "Aucune attribution comptée.",
            provisoire=resultat["provisoire"],
        )

    return mesurer


# --- Median waiting time (observatoire.selectors.delais_attente) ---------------------------------------------


def _delai_median(indicateur, contexte: Contexte) -> Mesure:
    from attributions.selectors import decisions_de_l_annee, q_decision_comptee
    from observatoire.selectors import delais_attente

    annee = _annee(indicateur, contexte)
    comptees = decisions_de_l_annee(contexte.epci, annee).filter(q_decision_comptee(annee))
    champ, pk = _portee(indicateur)
    if champ == "commune":
        comptees = comptees.filter(commune_id=pk)
    elif champ == "secteur":
        comptees = comptees.filter(commune__in=indicateur.secteur.communes.all())
    regle = contexte.regle_secret()
    tableau = delais_attente(comptees, "commune", secret=regle.seuil, titre="")
    n, _moyenne, mediane = (tableau.total[1], tableau.total[2], tableau.total[3]) if tableau.total else (0, None, None)
    periode = f"attributions de {annee}"
    if sous_le_seuil(n, regle.seuil):
        return Mesure(None, f"< {regle.seuil} attributions", base=n, periode=periode, date=contexte.maintenant,
                      remarque=f"Secret statistique : {regle.texte}")  # fmt: skip
    if mediane is None:
        return Mesure(None, "–", base=0, periode=periode, date=contexte.maintenant, remarque="Aucune attribution.")
    valeur = Decimal(str(round(mediane, 1)))
    return Mesure(
        valeur=valeur,
        texte=f"{valeur}".replace(".", ",") + "\u00a0mois",
        atteint=rules.atteint_valeur(valeur, indicateur.valeur_cible, sens="<="),
        base=n,
        periode=periode,
        date=contexte.maintenant,
        source="Délai entre le dépôt de la demande et le bail (à défaut, la décision de la commission)",
    )


def _saisie(indicateur, contexte: Contexte) -> Mesure:
    valeur = indicateur.valeur_saisie
    if valeur is None:
        return Mesure(None, "non renseigné", remarque="Valeur à saisir par le personnel de l'EPCI.")
    texte = f"{valeur.normalize():f}".replace(".", ",")
    return Mesure(
        valeur=valeur,
        texte=texte,
        atteint=rules.atteint_valeur(valeur, indicateur.valeur_cible, sens=">="),
        date=indicateur.date_valeur,
        source=indicateur.source_valeur,
    )


TOUTES = frozenset({"epci", "bailleur", "commune", "secteur"})
NATURES: dict[str, Nature] = {
    n.code: n
    for n in (
        Nature("OBJECTIF_A", "Objectif A : attributions hors QPV au 1er quartile ou à des ménages relogés", "taux",
               ">=", TOUTES, _objectif("hors_qpv")),
        Nature("OBJECTIF_B", "Objectif B : attributions en QPV aux quartiles 2 à 4", "taux", ">=", TOUTES,
               _objectif("qpv")),
        Nature("OBJECTIF_C", "Objectif C : attributions aux ménages DALO ou prioritaires", "taux", ">=",
               TOUTES | {"reservataire"}, _objectif("prioritaires")),
        Nature("MUTATIONS", "Part des mutations dans les attributions", "taux", ">=", TOUTES, _objectif("mutations")),
        Nature("DELAI_MEDIAN", "Délai médian d'attente (mois) des attributions", "mois", "<=",
               frozenset({"epci", "commune", "secteur"}), _delai_median,
               "Sur une commune ou un secteur : choisissez-le ; sinon tout le territoire."),
        Nature(SAISIE, "Valeur saisie (constatée hors de la plateforme)", "nombre", ">=", frozenset({"epci"}), _saisie,
               "Une valeur relevée par l'EPCI, avec sa date et sa source."),
    )
}  # fmt: skip

CHOIX = [(code, nature.libelle) for code, nature in NATURES.items()]


def verifie(indicateur) -> None:
    """The kind exists and accepts the chosen scope; ``RegleError`` in French otherwise."""
    nature = NATURES.get(indicateur.nature)
    if nature is None:
        raise RegleError(f"Nature d'indicateur inconnue : {indicateur.nature}.")
    portees = [champ for champ in PORTEES if getattr(indicateur, f"{champ}_id") is not None]
    if len(portees) > 1:
        raise RegleError("Un indicateur porte sur un seul périmètre.")
    if portees and portees[0] not in nature.portees:
        raise RegleError(f"« {nature.libelle} » ne se mesure pas par {portees[0]}.")
    if nature.unite == "taux" and indicateur.valeur_cible is not None and not 0 <= indicateur.valeur_cible <= 1:
        raise RegleError("La cible d'un taux est comprise entre 0 et 100 %.")


def cible_texte(indicateur) -> str:
    nature = NATURES.get(indicateur.nature)
    cible = indicateur.valeur_cible
    if cible is None or nature is None:
        return "–"
    if nature.unite == "taux":
        return texte_pourcentage(cible)
    texte = f"{cible.normalize():f}".replace(".", ",")
    return f"{texte}\u00a0mois" if nature.unite == "mois" else texte


def mesure(indicateur, contexte: Contexte) -> Mesure:
    nature = NATURES.get(indicateur.nature)
    if nature is None or nature.fonction is None:
        return Mesure(None, "–", remarque="Nature d'indicateur inconnue.")
    return nature.fonction(indicateur, contexte)
