"""Read side of the adapted dwellings' exchange (bourse au logement adapté), docs/logements_adaptes.md.

Two ways: for each adapted dwelling freed, the applicants who need it, in the territory's order (the candidate
search ``flux.candidats_possibles`` restricted to the households that need an adapted dwelling: never a second
ordering rule); for each such applicant, the adapted dwellings freed whose candidate search lists them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import IntegerField, QuerySet, Value

from .. import rules
from ..models import Candidature, Vacance
from . import flux

# freed and not yet allocated: the vacancies an applicant can still be proposed for
STATUTS_OUVERTS = (
    Vacance.Statut.DECLAREE,
    Vacance.Statut.ORIENTEE,
    Vacance.Statut.REMISE_POUR_UN_TOUR,
    Vacance.Statut.CANDIDATS_DESIGNES,
    Vacance.Statut.EN_COMMISSION,
)
# the candidate searches of this many vacancies go in one SQL statement (UNION ALL)
PAR_REQUETE = 100


def vacances_adaptees(vacances: QuerySet) -> QuerySet:
    """Open vacancies of adapted dwellings (of an already scoped queryset)."""
    return vacances.filter(statut__in=STATUTS_OUVERTS, logement__niveau_accessibilite__in=rules.NIVEAUX_ADAPTES)


def demandeurs_qui_en_ont_besoin(
    vacance: Vacance, *, jour: dt.date, parametres: dict[str, Decimal] | None = None
) -> QuerySet:
    """Active demands of the territory that need an adapted dwelling and whose needs this one meets (strictly
    or partly), in the territory's order: the candidate search, restricted to those households."""
    from demandes.models import q_besoin_logement_adapte

    return flux.candidats_possibles(vacance, jour=jour, parametres=parametres).filter(q_besoin_logement_adapte())


def _parametres_par_epci(vacances: list[Vacance], jour: dt.date) -> dict[int, dict[str, Decimal]]:
    return {epci_id: flux.parametres_en_vigueur(jour, epci_id) for epci_id in {v.epci_id for v in vacances}}


def correspondances(vacances: list[Vacance], *, jour: dt.date) -> dict[int, set[int]]:
    """For each vacancy (id), the ids of the demands that need it: each vacancy's candidate search, many in one
    statement (UNION ALL of the searches), so a list page costs a fixed number of queries."""
    parametres = _parametres_par_epci(vacances, jour)
    resultat: dict[int, set[int]] = {v.pk: set() for v in vacances}
    for debut in range(0, len(vacances), PAR_REQUETE):
        requetes = [
            demandeurs_qui_en_ont_besoin(v, jour=jour, parametres=parametres[v.epci_id])
            .order_by()
            .values_list(Value(v.pk, output_field=IntegerField()), "pk")
            for v in vacances[debut : debut + PAR_REQUETE]
        ]
        if not requetes:
            continue
        union = requetes[0].union(*requetes[1:], all=True) if len(requetes) > 1 else requetes[0]
        for vacance_id, demande_id in union:
            resultat[vacance_id].add(demande_id)
    return resultat


@dataclass
class LigneDemandeur:
    demande: object
    vacances: list[Vacance] = field(default_factory=list)


@dataclass
class Bourse:
    vacances: list[Vacance]
    nb_par_vacance: dict[int, int]
    demandeurs: list[LigneDemandeur]


def bourse(vacances_visibles: QuerySet, *, jour: dt.date) -> Bourse:
    """Both ways at once, for the vacancies the user may see: the open adapted vacancies with the number of
    applicants who need each, and those applicants (territory's order) with the vacancies that fit them."""
    from demandes.models import Demande

    vacances = list(
        vacances_adaptees(vacances_visibles)
        .select_related("logement__commune", "bailleur", "reservataire", "epci")
        .order_by("date_liberation", "pk")
    )
    if not vacances:
        return Bourse([], {}, [])
    par_vacance = correspondances(vacances, jour=jour)
    par_demande: dict[int, list[Vacance]] = defaultdict(list)
    for v in vacances:
        for demande_id in par_vacance[v.pk]:
            par_demande[demande_id].append(v)
    demandes = Demande.objects.filter(pk__in=list(par_demande)).order_by(*flux.ordre_des_candidats())
    return Bourse(
        vacances=vacances,
        nb_par_vacance={pk: len(ids) for pk, ids in par_vacance.items()},
        demandeurs=[LigneDemandeur(d, par_demande[d.pk]) for d in demandes],
    )


def candidatures_sans_besoin(vacance: Vacance) -> int:
    """Candidates of the vacancy still in the running (no negative decision, not refused) whose household needs
    no adapted dwelling."""
    from demandes.models import Demande

    return (
        Candidature.objects.filter(vacance=vacance)
        .exclude(reponse=Candidature.Reponse.REFUS)
        .exclude(type_decision__in=(rules.TypeDecision.NON_ATTRIBUTION, rules.TypeDecision.IRRECEVABILITE))
        .exclude(demande__in=Demande.objects.besoin_logement_adapte().values("pk"))
        .count()
    )


def alerte(vacance: Vacance, *, jour: dt.date, nb_sans_besoin: int | None = None) -> str | None:
    """The warning of ``rules.alerte_logement_adapte`` for a vacancy: its candidates without the need against
    the households that need it and wait (not candidates of it). None for a dwelling that is not adapted."""
    if not vacance.logement.est_adapte:
        return None
    if nb_sans_besoin is None:
        nb_sans_besoin = candidatures_sans_besoin(vacance)
    if nb_sans_besoin == 0:
        return None
    en_attente = demandeurs_qui_en_ont_besoin(vacance, jour=jour).count()
    return rules.alerte_logement_adapte(logement_adapte=True, nb_sans_besoin=nb_sans_besoin, nb_en_attente=en_attente)
