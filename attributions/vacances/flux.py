"""Read side of the flows and vacancies: parameters, the household as examined, candidate search, flow report.

Public to the rest of the app (views, API, services). Pure computations live in ``rules.py``; this
module only gathers rows and hands them to the rules, so a figure on a page and a test on a table of
cases go through the same functions.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from cil.models import Bailleur, Epci, Objectif, Reservataire
from cil.selectors import cibles_locales_pour_annee, seuil_applicable
from core.db import nombre_de
from core.erreurs import ErreurMetier

from .. import rules
from ..models import Candidature, ConventionReservation, DecisionCaleol, Logement, ParametreAttribution, Vacance

Code = ParametreAttribution.Code


class ParametreManquant(ErreurMetier):
    """A parameter of allocations is missing for the date (load it in the admin, with its source)."""


def parametres_en_vigueur(jour: dt.date, epci_id: int | None = None) -> dict[str, Decimal]:
    """Each parameter in force on ``jour``: the territory's row if any, else the national one (latest start)."""
    rows = (
        ParametreAttribution.objects.filter(date_debut__lte=jour)
        .exclude(date_fin__lt=jour)
        .filter(Q(epci__isnull=True) | Q(epci_id=epci_id))
        .values_list("code", "valeur", "epci_id", "date_debut")
    )
    valeurs: dict[str, tuple] = {}
    for code, valeur, epci, debut in rows:
        rang = (epci is not None, debut)
        if code not in valeurs or rang > valeurs[code][0]:
            valeurs[code] = (rang, valeur)
    return {code: v for code, (_, v) in valeurs.items()}


def parametre(parametres: dict[str, Decimal], code: str) -> Decimal:
    if code not in parametres:
        raise ParametreManquant(
            f"Paramètre manquant : « {Code(code).label} ». Saisissez-le, avec sa source, dans l'administration."
        )
    return parametres[code]


def normes_occupation(parametres: dict[str, Decimal]) -> rules.NormesOccupation:
    return rules.NormesOccupation(
        pieces_en_sus_max=int(parametre(parametres, Code.PIECES_EN_SUS_MAX)),
        surface_une_personne=parametre(parametres, Code.SURFACE_UNE_PERSONNE),
        surface_deux_personnes=parametre(parametres, Code.SURFACE_DEUX_PERSONNES),
        surface_personne_sup=parametre(parametres, Code.SURFACE_PERSONNE_SUP),
    )


# --- The dwelling on the QPV map in force -------------------------------------------------------


def situations_qpv(logement: Logement) -> dict[str, int | None]:
    """What is known of the dwelling on each QPV map (rules.situations_qpv), QPV ids."""
    return rules.situations_qpv(
        qpv_2024=logement.qpv_id,
        qpv_2015=logement.qpv_2015_id,
        carte_2024_connue=logement.carte_2024_connue,
        carte_2015_connue=logement.carte_2015_connue,
    )


def qpv_au(logement: Logement, jour: dt.date) -> int | None:
    """The QPV (id) the dwelling is in on ``jour``, per the map in force that day (rules.qpv_au, decision 6)."""
    return rules.qpv_au(jour, situations_qpv(logement), outre_mer=logement.commune.outre_mer)


# --- The household as examined at a date ---------------------------------------------------------


@dataclass(frozen=True)
class SituationMenage:
    """A demand's household on a date, with the same rules as the F1 import and the engine."""

    jour: dt.date
    nb_personnes: int
    nb_personnes_14_plus: int
    nb_enfants_moins_14: int
    ressources_mensuelles: Decimal  # housing benefits excluded
    dalo: bool
    prioritaire: bool
    mutation: bool

    @property
    def uc_dixiemes(self) -> int:
        return rules.unites_consommation_dixiemes(self.nb_personnes_14_plus, self.nb_enfants_moins_14)

    @property
    def ressources_par_uc(self) -> Decimal:
        return rules.ressources_annuelles_par_uc(
            self.ressources_mensuelles, rules.unites_consommation(self.nb_personnes_14_plus, self.nb_enfants_moins_14)
        )

    def premier_quartile(self, seuil_q1: Decimal | None) -> bool | None:
        if seuil_q1 is None:
            return None
        return rules.est_premier_quartile(
            self.ressources_mensuelles, self.nb_personnes_14_plus, self.nb_enfants_moins_14, seuil_q1
        )


def situation_menage(demande, jour: dt.date) -> SituationMenage:
    """Composition on ``jour`` (rules.composition_au, Platform decision 9: a child not yet born has no
    consumption unit but counts in the household's size), monthly resources without housing benefits, DALO
    and recognised L. 441-1 priority on ``jour``.

    Reads ``membres``, ``ressources``, ``priorites`` and ``decisions_dalo`` through ``.all()``: prefetch them
    for a list.
    """
    from demandes.models import CriterePriorite, Ressource

    composition = rules.composition_au([m.date_naissance for m in demande.membres.all()], jour)
    ressources = sum(
        (r.montant_mensuel for r in demande.ressources.all() if r.nature not in Ressource.NATURES_EXCLUES),
        Decimal(0),
    )
    dalo = any(d.prioritaire_urgent and d.date_decision <= jour for d in demande.decisions_dalo.all())
    prioritaire = any(
        p.source != CriterePriorite.Source.DECLARE and p.reconnu_le <= jour and (p.fin_le is None or p.fin_le > jour)
        for p in demande.priorites.all()
    )
    return SituationMenage(
        jour=jour,
        nb_personnes=composition.nb_personnes,
        nb_personnes_14_plus=composition.nb_personnes_14_plus,
        nb_enfants_moins_14=composition.nb_enfants_moins_14,
        ressources_mensuelles=ressources,
        dalo=dalo,
        prioritaire=prioritaire,
        mutation=demande.est_mutation,
    )


def valeurs_decision(*, demande, vacance: Vacance, date_decision: dt.date) -> dict:
    """The fields of a ``DecisionCaleol`` exactly as the F1 import fills them, from a demand and a vacancy.

    One set of rules: a decision recorded in a session and the same decision imported from an F1 file
    give the same row, hence the same objectives.
    """
    logement = vacance.logement
    situation = situation_menage(demande, date_decision)
    return {
        "numero_unique": demande.numero_unique,
        "date_depot": demande.date_depot,
        "date_decision": date_decision,
        "logement_id": logement.pk,
        "bailleur_id": logement.bailleur_id,
        "commune_id": logement.commune_id,
        "epci_id": logement.epci_id,
        "qpv_id": qpv_au(logement, date_decision),
        "typologie": logement.typologie,
        "reservataire_id": vacance.reservataire_id,
        "ressources_mensuelles": situation.ressources_mensuelles,
        "ressources_annuelles_e4": rules.ressources_annuelles_e4(situation.ressources_mensuelles),
        "nb_personnes_14_plus": situation.nb_personnes_14_plus,
        "nb_enfants_moins_14": situation.nb_enfants_moins_14,
        "uc_dixiemes": situation.uc_dixiemes,
        "dalo": situation.dalo,
        "prioritaire": situation.prioritaire,
        "relogement": "",
        "mutation": situation.mutation,
        # leaving accommodation / homeless, from the demand's current housing (rules.situation_logement)
        **asdict(rules.situation_logement(demande.logement_actuel)),
    }


def en_qpv_au_bail(decision: DecisionCaleol, date_bail: dt.date | None) -> bool | None:
    """The allocated dwelling's situation at the lease (rules.qpv_au_bail), as the F1 import computes it for a
    row: the decision's QPV stands for the dwelling on the map it was recorded on."""
    if date_bail is None:
        return None
    logement = decision.logement
    outre_mer = logement.commune.outre_mer
    qpv = rules.qpv_au_bail(
        date_bail,
        situations_qpv(logement),
        carte_decision=rules.carte_de_la_decision(
            decision.date_decision, outre_mer=outre_mer, carte_du_qpv=decision.qpv.carte if decision.qpv_id else None
        ),
        qpv_decision=decision.qpv_id,
        outre_mer=outre_mer,
    )
    return qpv is not None


# --- Candidate search ---------------------------------------------------------------------------


def champ_score() -> str:
    """The demand's score column: ``demandes.Demande.score`` (cotation under the territory's adopted grid,
    NULL while no grid is adopted; those demands come after the scored ones, by seniority)."""
    return "score"


def _typologie_souhaitee(typologie: str) -> Q:
    from django.db import connection

    if connection.vendor == "postgresql":
        return Q(typologies=[]) | Q(typologies__contains=[typologie])
    return Q(typologies=[]) | Q(typologies__icontains=f'"{typologie}"')  # SQLite: no JSON containment


def candidats_possibles(vacance: Vacance, *, jour: dt.date, parametres: dict[str, Decimal] | None = None) -> QuerySet:
    """Active demands of the territory that fit the dwelling, filtered in SQL and ranked.

    Wishes include the dwelling's commune; the typology is wished (or no typology given); the household's
    size fits the dwelling (no under- or over-occupation, parameters in force); the maximum rent, when
    given, covers the rent; the household's disability needs do not rule the dwelling out
    (``rules.apparier``: a wheelchair-accessible or adaptable dwelling for a wheelchair, no stairs for who
    cannot climb them); not already allocated another dwelling (first rank, not refused, no lease yet).
    Ranked by ``ordre_des_candidats``, in SQL.
    """
    from demandes.models import Demande, MembreMenage

    logement = vacance.logement
    if parametres is None:
        parametres = parametres_en_vigueur(jour, vacance.epci_id)
    normes = normes_occupation(parametres)
    minimum, maximum = rules.taille_menage_admise(logement.typologie, logement.surface, normes)
    commune_souhaitee = Demande.communes_souhaitees.through.objects.filter(
        demande_id=OuterRef("pk"), commune_id=logement.commune_id
    )
    # a household already allocated another dwelling (not ranked behind someone), that has not refused it
    from ..selectors import q_compte_pour_b_c

    attributions_en_cours = Candidature.objects.filter(q_compte_pour_b_c(), date_bail=None).exclude(reponse="REFUS")
    qs = (
        Demande.objects.actives()
        .filter(epci_id=vacance.epci_id)
        .filter(Exists(commune_souhaitee))
        .filter(_typologie_souhaitee(logement.typologie))
        .annotate(nb_personnes=nombre_de(MembreMenage.objects.all(), "demande") + 1)
        .filter(nb_personnes__gte=minimum)
        .exclude(Exists(Candidature.objects.filter(vacance=vacance, demande=OuterRef("pk"))))
        .exclude(Exists(attributions_en_cours.filter(demande=OuterRef("pk"))))
    )
    if maximum is not None:
        qs = qs.filter(nb_personnes__lte=maximum)
    if logement.loyer is not None:
        qs = qs.filter(Q(loyer_max__isnull=True) | Q(loyer_max__gte=math.ceil(logement.loyer)))
    qs = qs.exclude(q_besoins_non_satisfaits(logement, largeur_min_fauteuil(parametres)))
    return qs.order_by(*ordre_des_candidats())


def ordre_des_candidats() -> tuple:
    """The territory's order of candidates: score (highest first; unscored demands last), then seniority
    (filing date). The one ordering rule: the candidate search and the adapted dwellings' lists use it."""
    return (F(champ_score()).desc(nulls_last=True), "date_depot", "pk")


# --- Adapted dwellings (docs/logements_adaptes.md) ------------------------------------------------


def largeur_min_fauteuil(parametres: dict[str, Decimal]) -> int:
    return int(parametre(parametres, Code.LARGEUR_PORTE_FAUTEUIL))


def besoins_de(demande) -> rules.Besoins:
    """The household's needs as the pure rule reads them (national codes)."""
    return rules.Besoins(
        fauteuil=demande.accessibilite_pmr,
        capacite_marche=demande.capacite_marche,
        equipements=frozenset(demande.equipements_handicap or []),
    )


def appariement(logement: Logement, demande, parametres: dict[str, Decimal]) -> rules.Appariement:
    return rules.apparier(
        logement.accessibilite, besoins_de(demande), largeur_min_fauteuil_cm=largeur_min_fauteuil(parametres)
    )


def q_besoins_non_satisfaits(logement: Logement, largeur_min_cm: int) -> Q:
    """The demands whose needs rule the dwelling out, in SQL: ``rules.apparier`` evaluated on every profile
    that can block (``rules.profils_decisifs``), each profile turned into a condition on the demand's columns."""
    from core.db import q_liste_contient
    from demandes.rules import Equipement

    accessibilite = logement.accessibilite
    q = Q(pk__in=[])
    for profil in rules.profils_decisifs():
        verdict = rules.apparier(accessibilite, profil, largeur_min_fauteuil_cm=largeur_min_cm)
        if verdict.adequation != rules.Adequation.NON_SATISFAITS:
            continue
        ascenseur = q_liste_contient("equipements_handicap", Equipement.ASCENSEUR)
        q |= Q(accessibilite_pmr=profil.fauteuil, capacite_marche=profil.capacite_marche) & (
            ascenseur if Equipement.ASCENSEUR in profil.equipements else ~ascenseur
        )
    return q


@dataclass
class Candidat:
    demande: object
    situation: SituationMenage
    premier_quartile: bool | None
    effets: list[str]
    taux_effort: Decimal | None  # rent / monthly resources
    alerte_qpv: str | None = None  # platform decision 14 (rules.alerte_dalo_precaire_qpv)
    appariement: rules.Appariement | None = None  # how well the dwelling meets the household's disability needs


def alerte_qpv_active(parametres: dict[str, Decimal]) -> bool:
    """The territory's setting of platform decision 14: the national row (on, with its source, migration 0009)
    or the territory's; with no row at all the warning stays on, as the decision says (on by default)."""
    return bool(parametres.get(Code.ALERTE_DALO_QPV, 1))


def alerte_qpv(demande, situation: SituationMenage, premier_quartile: bool | None, *, en_qpv: bool, active: bool):
    """The warning of platform decision 14 for this household and dwelling, or None."""
    precaire = rules.est_precaire(
        premier_quartile=premier_quartile,
        situation_professionnelle=demande.situation_professionnelle,
        logement_actuel=demande.logement_actuel,
    )
    alerte = rules.alerte_dalo_precaire_qpv(active=active, dalo=situation.dalo, en_qpv=en_qpv, precaire=precaire)
    return rules.ALERTE_DALO_QPV if alerte else None


def enrichir(
    demandes, vacance: Vacance, *, jour: dt.date, parametres: dict[str, Decimal] | None = None
) -> list[Candidat]:
    """For a page of demands (prefetched): the household, its quartile, how it moves the objectives and how
    well the dwelling meets its disability needs."""
    logement = vacance.logement
    if parametres is None:
        parametres = parametres_en_vigueur(jour, vacance.epci_id)
    seuil = seuil_applicable(vacance.epci, jour.year).seuil_q1
    en_qpv = qpv_au(logement, jour) is not None
    active = alerte_qpv_active(parametres)
    reservataire = vacance.reservataire
    resultat = []
    for demande in demandes:
        situation = situation_menage(demande, jour)
        q1 = situation.premier_quartile(seuil)
        effets = rules.effets_candidat(
            en_qpv=en_qpv,
            premier_quartile=q1,
            dalo=situation.dalo,
            prioritaire=situation.prioritaire,
            mutation=situation.mutation,
            type_reservataire=reservataire.type if reservataire else "BAILLEUR",
            nom_reservataire=reservataire.nom if reservataire else "du bailleur",
        )
        effort = None
        if logement.loyer is not None and situation.ressources_mensuelles > 0:
            effort = (Decimal(logement.loyer) / situation.ressources_mensuelles).quantize(Decimal("0.001"))
        alerte = alerte_qpv(demande, situation, q1, en_qpv=en_qpv, active=active)
        resultat.append(
            Candidat(
                demande,
                situation,
                q1,
                effets,
                effort,
                alerte_qpv=alerte,
                appariement=appariement(logement, demande, parametres),
            )
        )
    return resultat


PREFETCH_MENAGE = ("membres", "ressources", "priorites", "decisions_dalo")


# --- Flow report (docs/droit/regles.md, S.7) ----------------------------------------------------------


@dataclass
class BlocFlux:
    perimetre: str
    base: int
    mis_en_location: int
    deduits: int
    lignes: list[dict] = field(default_factory=list)
    alertes: list[str] = field(default_factory=list)


def conventions_de_l_annee(annee: int) -> QuerySet:
    debut, fin = dt.date(annee, 1, 1), dt.date(annee, 12, 31)
    return ConventionReservation.objects.filter(date_debut__lte=fin).exclude(date_fin__lt=debut)


def _vacances_perimetre(bailleur: Bailleur, annee: int, departement: str, epci_id: int | None) -> QuerySet:
    qs = Vacance.objects.filter(
        bailleur=bailleur,
        statut=Vacance.Statut.BAIL_SIGNE,
        date_bail__gte=dt.date(annee, 1, 1),
        date_bail__lt=dt.date(annee + 1, 1, 1),
    )
    return qs.filter(epci_id=epci_id) if epci_id else qs.filter(logement__commune__departement=departement)


def rapport_flux(bailleur: Bailleur, annee: int, *, reservataires: set[int] | None = None) -> list[BlocFlux]:
    """Per perimeter of the landlord's agreements (département, or an EPCI's territory): the flow base,
    and per holder the share, the flow owed, delivered (leases signed in the year charged to it) and the gap.

    ``reservataires`` restricts the holder lines shown (a holder's staff see only their own lines); the
    base and the State checks are the landlord's whatever the viewer.
    """
    conventions = list(
        conventions_de_l_annee(annee)
        .filter(bailleur=bailleur)
        .select_related("reservataire", "epci")
        .order_by("departement", "epci__nom", "reservataire__type", "reservataire__code", "-date_debut")
    )
    parametres = parametres_en_vigueur(dt.date(annee, 12, 31))
    avec_convention = {c.reservataire_id for c in conventions}
    perimetres: dict[tuple[str, int | None], list[ConventionReservation]] = {}
    for c in conventions:
        perimetres.setdefault((c.departement if not c.epci_id else "", c.epci_id), []).append(c)
    blocs = []
    for (departement, epci_id), convs in perimetres.items():
        vacances = _vacances_perimetre(bailleur, annee, departement, epci_id)
        totaux = vacances.aggregate(loues=Count("pk"), deduits=Count("pk", filter=~Q(deduction="")))
        base = rules.base_flux(totaux["loues"], totaux["deduits"])
        livres_par_id = dict(
            vacances.filter(deduction="")
            .values("reservataire_id")
            .annotate(n=Count("pk"))
            .values_list("reservataire_id", "n")
        )
        # one agreement per holder and perimeter: the latest in force in the year
        par_reservataire: dict[int, ConventionReservation] = {}
        for c in convs:
            par_reservataire.setdefault(c.reservataire_id, c)
        noms = {r_id: c.reservataire for r_id, c in par_reservataire.items()}
        parts = {(str(r_id), ""): c.part_flux for r_id, c in par_reservataire.items()}
        livres = {(str(r_id), ""): livres_par_id.get(r_id, 0) for r_id in par_reservataire}
        if not epci_id:  # holders delivered without any agreement (e.g. the landlord's non-reserved stock)
            for r_id, n in livres_par_id.items():
                if r_id not in avec_convention:
                    noms[r_id] = None
                    livres[(str(r_id), "")] = n
        manquants = [r_id for r_id, r in noms.items() if r is None]
        for r in Reservataire.objects.filter(pk__in=manquants):
            noms[r.pk] = r
        bloc = BlocFlux(
            perimetre=f"Département {departement}" if not epci_id else f"Territoire de {convs[0].epci.nom}",
            base=base,
            mis_en_location=totaux["loues"],
            deduits=totaux["deduits"],
        )
        for ligne in rules.bilan_flux(base, parts, livres):
            r_id = int(ligne.cle[0])
            if reservataires is not None and r_id not in reservataires:
                continue
            convention = par_reservataire.get(r_id)
            bloc.lignes.append(
                {
                    "reservataire": noms[r_id],
                    "convention": convention,
                    "part": ligne.part,
                    "du": ligne.du,
                    "livre": ligne.livre,
                    "ecart": ligne.ecart,
                }
            )
        if not epci_id:
            etat = sum((c.part_flux for c in par_reservataire.values() if c.reservataire.type == "ETAT"), Decimal(0))
            agents = sum(
                (c.part_flux for c in par_reservataire.values() if c.reservataire.type == "ETAT_AGENTS"), Decimal(0)
            )
            plafond_etat = parametre(parametres, Code.PART_MAX_ETAT)
            plafond_agents = parametre(parametres, Code.PART_MAX_ETAT_AGENTS)
            bloc.alertes += [
                f"Conventions : {a}" for a in rules.controle_parts_etat(etat, agents, plafond_etat, plafond_agents)
            ]
            if base:
                livres_etat = sum(
                    n for r_id, n in livres_par_id.items() if noms.get(r_id) and noms[r_id].type == "ETAT"
                )
                livres_agents = sum(
                    n for r_id, n in livres_par_id.items() if noms.get(r_id) and noms[r_id].type == "ETAT_AGENTS"
                )
                bloc.alertes += [
                    f"Baux signés : {a}"
                    for a in rules.controle_parts_etat(
                        Decimal(livres_etat) / base, Decimal(livres_agents) / base, plafond_etat, plafond_agents
                    )
                ]
        blocs.append(bloc)
    return blocs


def mutations_et_refus(annee: int, *, decisions: QuerySet, candidatures: QuerySet, epci: Epci | None) -> dict:
    """Transfers' share of the counted allocations (against the local target) and refusals by reason."""
    from ..selectors import q_decision_comptee

    comptees = decisions.filter(q_decision_comptee(annee))
    totaux = comptees.aggregate(base=Count("pk"), mutations=Count("pk", filter=Q(mutation=True)))
    cible = None
    if epci is not None:
        cibles = [c.taux for c in cibles_locales_pour_annee(epci, annee) if c.objectif == Objectif.MUTATIONS]
        cible = max(cibles) if cibles else None
    refus = (
        candidatures.filter(reponse=Candidature.Reponse.REFUS, date_reponse__year=annee)
        .values("motif_refus")
        .annotate(n=Count("pk"))
        .order_by("-n", "motif_refus")
    )
    libelles = dict(Candidature.MotifRefus.choices)
    return {
        "base": totaux["base"],
        "mutations": totaux["mutations"],
        "taux": rules.taux(totaux["mutations"], totaux["base"]),
        "cible": cible,
        "refus": [{"motif": libelles.get(r["motif_refus"], r["motif_refus"]), "n": r["n"]} for r in refus],
        "nb_refus": sum(r["n"] for r in refus),
    }
