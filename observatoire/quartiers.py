"""The computed indicators of the neighbourhood index, in SQL (one grouped query per source), and the run.

For one territory and a period [debut, fin] (the ``nb_annees`` years of the version in force before the day of the
classification), per neighbourhood (a dwelling's ``quartier``, docs/quartiers.md):

- ``PART_Q1``: among the allocations counted as for objectives B and C (``attributions.selectors.q_compte_pour_b_c``:
  one allocation per dwelling and commission) decided in the period, the share of first-quartile households
  (``q_premier_quartile`` with the threshold of the decision's year; a year without any threshold is left out);
- ``PART_PRIORITAIRES``: among the same allocations, the share of DALO or priority households (objective C);
- ``TAUX_REFUS``: among the platform's proposals (candidates given an allocation decision who answered in the
  period), the share refused by the household (F1 extracts do not carry the household's answer);
- ``DUREE_VACANCE``: the mean number of days between the freeing of a dwelling and its lease, over the vacancies
  whose lease was signed in the period;
- ``ROTATION``: the counted allocations per year for 100 dwellings of the neighbourhood in the stock.

Rates are in points (0 to 100), one decimal, half up; a neighbourhood without any case has no value (None).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Avg, Count, F, Q

from attributions.models import Candidature, DecisionCaleol, Logement, Vacance
from attributions.selectors import q_attribution, q_compte_pour_b_c, q_premier_quartile
from attributions.services import rattacher_logements_aux_quartiers
from cil import services_quartiers
from cil.models import ClassementQuartiers, Epci
from cil.selectors import referentiel_en_vigueur, seuil_applicable
from core.db import DureeJours

UN_DIXIEME = Decimal("0.1")


class ReferentielAbsent(services_quartiers.QuartierRefuse):
    """No version of the neighbourhood index is in force for the territory on the day."""


def _arrondi(valeur: Decimal) -> Decimal:
    return valeur.quantize(UN_DIXIEME, rounding=ROUND_HALF_UP)


def _part(numerateur: int, base: int) -> dict:
    valeur = _arrondi(Decimal(numerateur * 100) / Decimal(base)) if base else None
    return {"valeur": valeur, "numerateur": numerateur, "base": base}


def debut_de_periode(jour: dt.date, nb_annees: int) -> dt.date:
    """The first day of the ``nb_annees`` years that end on ``jour`` (29 February falls back to the 28th)."""
    try:
        debut = jour.replace(year=jour.year - nb_annees)
    except ValueError:
        debut = jour.replace(year=jour.year - nb_annees, day=28)
    return debut + dt.timedelta(days=1)


def _conditions_q1(epci: Epci, debut: dt.date, fin: dt.date) -> tuple[Q, Q]:
    """(decisions of a year with a threshold, of which first-quartile households), the threshold of each year."""
    base, numerateur = Q(pk__in=[]), Q(pk__in=[])
    for annee in range(debut.year, fin.year + 1):
        seuil = seuil_applicable(epci, annee).seuil_q1
        if seuil is None:
            continue
        dans_annee = Q(date_decision__gte=dt.date(annee, 1, 1), date_decision__lt=dt.date(annee + 1, 1, 1))
        base |= dans_annee
        numerateur |= dans_annee & q_premier_quartile(seuil)
    return base, numerateur


def indicateurs_calcules(epci: Epci, debut: dt.date, fin: dt.date, *, nb_annees: int) -> dict[int, dict[str, dict]]:
    """neighbourhood id -> indicator code -> {"valeur": Decimal | None, and the counts behind it}. Four queries."""
    resultat: dict[int, dict[str, dict]] = {}
    base_q1, num_q1 = _conditions_q1(epci, debut, fin)
    attributions = (
        DecisionCaleol.objects.filter(
            epci=epci, logement__quartier__epci=epci, date_decision__gte=debut, date_decision__lte=fin
        )
        .filter(q_compte_pour_b_c())
        .values("logement__quartier")
        .annotate(
            nb=Count("pk"),
            base_q1=Count("pk", filter=base_q1),
            q1=Count("pk", filter=num_q1),
            prioritaires=Count("pk", filter=Q(dalo=True) | Q(prioritaire=True)),
        )
        .order_by()
    )
    nb_attributions: dict[int, int] = {}
    for ligne in attributions:
        quartier = ligne["logement__quartier"]
        nb_attributions[quartier] = ligne["nb"]
        resultat.setdefault(quartier, {}).update(
            PART_Q1=_part(ligne["q1"], ligne["base_q1"]),
            PART_PRIORITAIRES=_part(ligne["prioritaires"], ligne["nb"]),
        )
    propositions = (
        Candidature.objects.filter(
            vacance__epci=epci,
            vacance__logement__quartier__epci=epci,
            date_reponse__gte=debut,
            date_reponse__lte=fin,
            reponse__in=[Candidature.Reponse.ACCEPTATION, Candidature.Reponse.REFUS],
        )
        .filter(q_attribution())
        .values("vacance__logement__quartier")
        .annotate(nb=Count("pk"), refus=Count("pk", filter=Q(reponse=Candidature.Reponse.REFUS)))
        .order_by()
    )
    for ligne in propositions:
        resultat.setdefault(ligne["vacance__logement__quartier"], {})["TAUX_REFUS"] = _part(ligne["refus"], ligne["nb"])
    vacances = (
        Vacance.objects.filter(epci=epci, logement__quartier__epci=epci, date_bail__gte=debut, date_bail__lte=fin)
        .values("logement__quartier")
        .annotate(nb=Count("pk"), duree=Avg(DureeJours(F("date_bail"), F("date_liberation"))))
        .order_by()
    )
    for ligne in vacances:
        duree = _arrondi(Decimal(str(ligne["duree"]))) if ligne["duree"] is not None else None
        resultat.setdefault(ligne["logement__quartier"], {})["DUREE_VACANCE"] = {"valeur": duree, "base": ligne["nb"]}
    parc = (
        Logement.objects.filter(epci=epci, quartier__epci=epci).values("quartier").annotate(nb=Count("pk")).order_by()
    )
    for ligne in parc:
        nb = nb_attributions.get(ligne["quartier"], 0)
        valeur = _arrondi(Decimal(nb * 100) / Decimal(ligne["nb"] * nb_annees)) if ligne["nb"] else None
        resultat.setdefault(ligne["quartier"], {})["ROTATION"] = {
            "valeur": valeur,
            "numerateur": nb,
            "base": ligne["nb"],
        }
    return resultat


@transaction.atomic
def classer_quartiers(epci: Epci, *, declencheur: str, acteur=None, jour: dt.date | None = None) -> ClassementQuartiers:
    """Classify the territory's neighbourhoods now (data up to ``jour``, today by default) and keep the run."""
    jour = jour or dt.date.today()
    referentiel = referentiel_en_vigueur(epci, jour)
    if referentiel is None:
        raise ReferentielAbsent(
            f"Aucune version du référentiel des quartiers n'est en vigueur le {jour:%d/%m/%Y} pour {epci.nom} : "
            "créez-en une dans l'administration (Versions du référentiel des quartiers)."
        )
    rattacher_logements_aux_quartiers(epci_ids=[epci.pk])
    debut = debut_de_periode(jour, referentiel.nb_annees)
    calcules = indicateurs_calcules(epci, debut, jour, nb_annees=referentiel.nb_annees)
    return services_quartiers.enregistrer_classement(
        referentiel=referentiel,
        jour=jour,
        periode_debut=debut,
        calcules=calcules,
        declencheur=declencheur,
        acteur=acteur,
    )
