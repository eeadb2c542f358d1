"""Read-only queries on demands, public to other apps (allocations, observatory)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Round, TruncMonth
from django.db.models.lookups import LessThanOrEqual

from cil.secret import sous_le_seuil
from cil.selectors import regle_secret
from core.db import Percentile, jours_locaux, ordre_fr
from core.durees import en_mois

from . import rules
from .models import (
    ActiviteGuichet,
    ChecklistPiece,
    Contact,
    CriterePriorite,
    DecisionDalo,
    DelaiAnormalementLong,
    Demande,
    Evenement,
    MembreMenage,
    ParametresDemande,
    PieceJustificative,
    RendezVous,
    Ressource,
    Statut,
)

if TYPE_CHECKING:
    from cil.models import Commune

# --- Who a demand's household is, on a date (ORM conditions: counted in SQL) -----------------------------


def q_en_cours(jour: dt.date, prefixe: str = "") -> Q:
    """The demand is in force on ``jour``: filed on or before it and not radiated on it (a demand radiated on
    ``jour`` no longer counts)."""
    return Q(**{f"{prefixe}date_depot__lte": jour}) & (
        Q(**{f"{prefixe}date_radiation__isnull": True}) | Q(**{f"{prefixe}date_radiation__gt": jour})
    )


def _quatorze_ans_avant(jour: dt.date) -> dt.date:
    """The latest birth date of a person aged 14 on ``jour`` (born 29 February: one year older on 1 March)."""
    try:
        return jour.replace(year=jour.year - 14)
    except ValueError:
        return dt.date(jour.year - 14, 2, 28)


def _compte(qs: QuerySet) -> Subquery:
    compte = qs.order_by().values("demande").annotate(n=Count("pk")).values("n")[:1]
    return Subquery(compte, output_field=IntegerField())


def q_demande_premier_quartile(jour: dt.date, seuil_q1: Decimal, prefixe: str = "") -> Q:
    """The household of a demand is in the first quartile on ``jour`` (docs/droit/regles.md §2, Platform decisions
    4, 5, 9), in exact integers: 120 x monthly resources in cents <= threshold in cents x consumption units in tenths.

    Resources: the demand's monthly amounts without housing benefits. Consumption units: 1 for the applicant,
    0.5 per member aged 14 or more on ``jour``, 0.3 per child under 14 born on or before ``jour`` (an expected
    child does not count until its birth), as ``attributions.rules.composition_au``.
    """
    pk = OuterRef(f"{prefixe}pk") if prefixe else OuterRef("pk")
    limite = _quatorze_ans_avant(jour)
    membres = MembreMenage.objects.filter(demande=pk)
    plus_14 = _compte(membres.filter(date_naissance__lte=limite))
    moins_14 = _compte(membres.filter(date_naissance__gt=limite, date_naissance__lte=jour))
    centimes = Subquery(
        Ressource.objects.filter(demande=pk)
        .exclude(nature__in=Ressource.NATURES_EXCLUES)
        .order_by()
        .values("demande")
        .annotate(s=Sum(Round(F("montant_mensuel") * 100)))
        .values("s")[:1]
    )
    gauche = Cast(Coalesce(centimes, Value(0)), BigIntegerField()) * 120
    uc_dixiemes = Value(10) + Coalesce(plus_14, Value(0)) * 5 + Coalesce(moins_14, Value(0)) * 3
    droite = Cast(Value(int(Decimal(seuil_q1) * 100)), BigIntegerField()) * uc_dixiemes
    return Q(LessThanOrEqual(gauche, droite))


def q_demande_prioritaire(jour: dt.date, prefixe: str = "") -> Q:
    """The demand is a priority household on ``jour`` (as ``attributions.rules.est_prioritaire``: a favourable DALO
    decision, failing that an L. 441-1 priority): a DALO decision "prioritaire et urgent" taken on or before
    ``jour``, or an L. 441-1 criterion recognised on or before ``jour`` and not lifted on it (docs/droit/regles.md
    §3.1), as the scoring snapshot (``instantanes_cotation``) reads them."""
    pk = OuterRef(f"{prefixe}pk") if prefixe else OuterRef("pk")
    dalo = DecisionDalo.objects.filter(DecisionDalo.q_favorable(jour), demande=pk)
    priorite = CriterePriorite.objects.filter(CriterePriorite.q_en_vigueur(jour), demande=pk)
    return Q(Exists(dalo)) | Q(Exists(priorite))


# --- Parameters -------------------------------------------------------------------------------


def parametres_pour(epci_id: int | None, jour: dt.date) -> ParametresDemande:
    """The territory's row in force on ``jour``, else the national row (loaded with its sources by the
    migration demandes 0002); none in force is an error, never a silent fallback to values in the code."""
    qs = ParametresDemande.objects.filter(date_debut__lte=jour).exclude(date_fin__lt=jour)
    # one query: the territory's rows first (the latest start), then the national rows
    portee = Q(epci__isnull=True) | Q(epci_id=epci_id) if epci_id else Q(epci__isnull=True)
    row = qs.filter(portee).order_by(F("epci_id").asc(nulls_last=True), "-date_debut").first()
    if row is None:
        raise rules.ParametresManquants(
            f"Aucun paramètre des demandes (délais, conservation) n'est en vigueur le {jour:%d/%m/%Y}, ni pour ce "
            "territoire ni au niveau national : saisissez-les, avec leur source, dans l'administration "
            "(Paramètres des demandes)."
        )
    return row


def regles_delai_par_departement(jour: dt.date) -> dict[str, list[rules.RegleDelai]]:
    """The rows of the prefectoral orders in force on ``jour`` (délai anormalement long), by département."""
    par_departement: dict[str, list[rules.RegleDelai]] = {}
    for row in DelaiAnormalementLong.objects.filter(date_debut__lte=jour).exclude(date_fin__lt=jour):
        par_departement.setdefault(row.departement, []).append(row.regle())
    return par_departement


def q_typologie(typologie: str) -> Q:
    """Demands seeking ``typologie`` (JSON list containment; SQLite has none: the quoted code in the text)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return Q(typologies__contains=[typologie])
    return Q(typologies__icontains=f'"{typologie}"')


CHAMP_DEPARTEMENT = "guichet__commune__departement"  # the département of the demand (its numbering, too)


def q_delai_depasse(jour: dt.date, par_departement: dict[str, list[rules.RegleDelai]] | None = None) -> Q:
    """SQL condition: the active demand has reached its abnormally long delay on ``jour`` (rules.delai_applicable:
    reached for one of its typologies). One branch per territory and département present in the stock."""
    par_departement = regles_delai_par_departement(jour) if par_departement is None else par_departement
    groupes = (
        Demande.objects.actives()
        .filter(**{f"{CHAMP_DEPARTEMENT}__in": list(par_departement)})
        .values_list("epci_id", CHAMP_DEPARTEMENT)
        .distinct()
        .order_by()
    )
    condition = Q(pk__in=[])
    for epci_id, departement in groupes:
        regles = par_departement[departement]
        branches = Q(pk__in=[])
        sans = rules.delai_applicable(regles, epci_id, [])
        if sans is not None:
            branches |= Q(typologies=[], date_depot__lte=rules.depot_limite(jour, sans))
        for typologie in Demande.Typologie.values:
            mois = rules.delai_applicable(regles, epci_id, [typologie])
            if mois is not None:
                branches |= q_typologie(typologie) & Q(date_depot__lte=rules.depot_limite(jour, mois))
        condition |= Q(epci_id=epci_id, **{CHAMP_DEPARTEMENT: departement}) & branches
    return condition


def delais_pour(epci_id: int | None, jour: dt.date) -> rules.Delais:
    return parametres_pour(epci_id, jour).delais()


def date_avertissement(demande: Demande, motif: str) -> dt.date | None:
    """Date of the last warning for ``motif`` since the demand was last (re)activated."""
    qs = Evenement.objects.filter(demande=demande, type=Evenement.Type.AVERTISSEMENT, detail__motif=motif)
    reactivation = Evenement.objects.filter(demande=demande, type=Evenement.Type.REACTIVATION).order_by("-date").first()
    if reactivation is not None:
        qs = qs.filter(date__gt=reactivation.date)
    dernier = qs.order_by("-date").first()
    return dt.date.fromisoformat(dernier.detail["date"]) if dernier else None


# --- Search -----------------------------------------------------------------------------------

LIMITE_RECHERCHE = 50


def _prefixe(colonne: str, prefixe: str) -> Q:
    """An index range on a normalised column: ``col >= 'dup' AND col < 'duq'``."""
    return Q(**{f"{colonne}__gte": prefixe, f"{colonne}__lt": rules.borne_superieure_prefixe(prefixe)})


def _alternatives(norm: str) -> list[Q]:
    """Each way of reading the words typed, as a condition one index range can answer on its own.

    "dup" -> name of use or birth name starting with "dup"; "dupont jean" -> name of use or birth name
    "dupont jean…" (compound names such as "le gall", "lefèvre-audit"), or name "dupont…" and first name
    "jean…", or name "jean…" and first name "dupont…" ("jean dupont"); with more words, every split point
    ("le gall mae", "maelle le gall"). Four words at most.
    """
    mots = norm.split(" ")[:4]
    if len(mots) == 1:
        return [_prefixe("nom_norm", norm), _prefixe("nom_naissance_norm", norm)]
    alternatives = [_prefixe("nom_norm", " ".join(mots)), _prefixe("nom_naissance_norm", " ".join(mots))]
    for i in range(1, len(mots)):
        debut, fin = " ".join(mots[:i]), " ".join(mots[i:])
        alternatives.append(_prefixe("nom_norm", debut) & Q(prenom_norm__startswith=fin))
        alternatives.append(_prefixe("nom_norm", fin) & Q(prenom_norm__startswith=debut))
    return alternatives


def _base_recherche(qs: QuerySet, texte: str, date_naissance: dt.date | None, statut: str):
    """(numero, filtered queryset, name alternatives) or None when nothing was typed."""
    texte = (texte or "").strip()
    numero = rules.normaliser_numero(texte)
    if numero:
        return qs.filter(numero_unique=numero), []
    national = rules.normaliser_numero_national(texte)
    if national:
        return qs.filter(numero_national=national), []
    norm = rules.normaliser(texte)
    if not norm and date_naissance is None:
        return None
    if statut:
        qs = qs.filter(statut=statut)
    if date_naissance is not None:
        qs = qs.filter(date_naissance=date_naissance)
    return qs, _alternatives(norm) if norm else []


ORDRE_RECHERCHE = ("nom_norm", "prenom_norm", "id")


def rechercher(qs: QuerySet, texte: str = "", date_naissance: dt.date | None = None, statut: str = "") -> QuerySet:
    """Search by registration number (exact), else by name prefix (normalised) and/or birth date, as one
    queryset (API, export). The reception desk's page uses ``rechercher_page``, faster on large stocks."""
    base = _base_recherche(qs, texte, date_naissance, statut)
    if base is None:
        return qs.none()
    qs, alternatives = base
    if alternatives:
        condition = alternatives[0]
        for autre in alternatives[1:]:
            condition |= autre
        qs = qs.filter(condition)
    return qs.order_by(*ORDRE_RECHERCHE)


def rechercher_page(
    qs: QuerySet, texte: str = "", date_naissance: dt.date | None = None, statut: str = "", limite: int = 50
) -> list[Demande]:
    """The first ``limite`` results, one query per reading of the words typed.

    Each query is an ordered index range read until ``limite`` rows (an OR of ranges would make PostgreSQL
    read and sort every match: hundreds of milliseconds for a short prefix on 1,000,000 demands); the
    lists are merged in Python. See bench/demandes_search.py.
    """
    base = _base_recherche(qs, texte, date_naissance, statut)
    if base is None:
        return []
    qs, alternatives = base
    if not alternatives:
        return list(qs.order_by(*ORDRE_RECHERCHE)[:limite])
    vus: dict[int, Demande] = {}
    for condition in alternatives:
        for demande in qs.filter(condition).order_by(*ORDRE_RECHERCHE)[:limite]:
            vus.setdefault(demande.pk, demande)
    return sorted(vus.values(), key=lambda d: (d.nom_norm, d.prenom_norm, d.pk))[:limite]


def doublons(
    epci_id: int, nom: str, prenom: str, date_naissance: dt.date, exclure_id: int | None = None
) -> list[Demande]:
    """Active demands of the same person on the territory: same birth date, same first name and
    the same name of use or birth name (normalised)."""
    nom_n, prenom_n = rules.normaliser(nom), rules.normaliser(prenom)
    qs = (
        Demande.objects.actives()
        .filter(epci_id=epci_id, date_naissance=date_naissance, prenom_norm=prenom_n)
        .filter(Q(nom_norm=nom_n) | Q(nom_naissance_norm=nom_n))
        .select_related("guichet")
    )
    if exclure_id:
        qs = qs.exclude(pk=exclure_id)
    return list(qs[:5])


# --- Household and resources ----------------------------------------------------------------


@dataclass(frozen=True)
class SituationRessources:
    jour: dt.date
    nb_personnes: int
    nb_personnes_14_plus: int  # the applicant included
    nb_enfants_moins_14: int
    ressources_mensuelles: Decimal  # without housing benefits
    aides_logement: Decimal
    uc: Decimal
    ressources_annuelles_par_uc: Decimal
    seuil_q1: Decimal | None
    annee_seuil: int | None
    seuil_provisoire: bool
    quartile: int | None
    premier_quartile: bool | None


def situation_ressources(demande: Demande, jour: dt.date, membres=None, ressources=None) -> SituationRessources:
    """Resources per consumption unit and quartile (docs/droit/regles.md §2), with the lead's pure functions."""
    from attributions import rules as arules
    from cil.selectors import seuil_applicable

    membres = list(demande.membres.all()) if membres is None else membres
    ressources = list(demande.ressources.all()) if ressources is None else ressources
    composition = arules.composition_au([m.date_naissance for m in membres], jour)
    plus_14, moins_14 = composition.nb_personnes_14_plus, composition.nb_enfants_moins_14
    total = sum((r.montant_mensuel for r in ressources if r.nature not in Ressource.NATURES_EXCLUES), Decimal(0))
    aides = sum((r.montant_mensuel for r in ressources if r.nature in Ressource.NATURES_EXCLUES), Decimal(0))
    uc = composition.uc
    par_uc = arules.ressources_annuelles_par_uc(total, uc)
    seuil = seuil_applicable(demande.epci, jour.year)
    quartile = premier = None
    if seuil.seuil_q1 is not None:
        premier = arules.est_premier_quartile(total, plus_14, moins_14, seuil.seuil_q1)
        quartile = arules.quartile(total, plus_14, moins_14, seuil.seuil_q1)
    return SituationRessources(
        jour=jour,
        nb_personnes=composition.nb_personnes,
        nb_personnes_14_plus=plus_14,
        nb_enfants_moins_14=moins_14,
        ressources_mensuelles=total,
        aides_logement=aides,
        uc=uc,
        ressources_annuelles_par_uc=par_uc,
        seuil_q1=seuil.seuil_q1,
        annee_seuil=seuil.annee_seuil,
        seuil_provisoire=seuil.provisoire,
        quartile=quartile,
        premier_quartile=premier,
    )


# --- Supporting documents ---------------------------------------------------------------------


def situation_pieces(demande: Demande, membres: list[MembreMenage], priorites) -> rules.Situation:
    pro = {demande.situation_professionnelle} | {m.situation_professionnelle for m in membres}
    S = Demande.SituationProfessionnelle
    criteres = {p.critere for p in priorites if p.fin_le is None}
    return rules.Situation(
        salarie=bool(pro & {S.CDI, S.CDD, S.INDEPENDANT}),
        demandeur_emploi=S.DEMANDEUR_EMPLOI in pro,
        retraite=S.RETRAITE in pro,
        etudiant=S.ETUDIANT in pro,
        heberge=demande.logement_actuel
        in {
            Demande.LogementActuel.HEBERGE_FAMILLE,
            Demande.LogementActuel.HEBERGE_TIERS,
            Demande.LogementActuel.STRUCTURE,
        },
        locataire=demande.logement_actuel
        in {Demande.LogementActuel.LOCATAIRE_PRIVE, Demande.LogementActuel.LOCATAIRE_HLM},
        mutation=demande.est_mutation,
        handicap=demande.accessibilite_pmr or bool(demande.besoin_adaptation) or "HANDICAP" in criteres,
        violences="VIOLENCES_COUPLE" in criteres or Demande.Motif.VIOLENCES in demande.motifs,
        enfants=any(m.lien == MembreMenage.Lien.ENFANT for m in membres),
        hors_ue=demande.nationalite == Demande.Nationalite.HORS_UE,
        separation=Demande.Motif.SEPARATION in demande.motifs,
    )


@dataclass
class LignePiece:
    type_piece: str
    libelle: str
    attendue: bool
    pieces: list
    statut: str  # ATTENDUE, RECUE, VALIDE, EXPIREE (best of the pieces)
    masquee: bool = False  # a sensitive document type: masked label, no file names nor links


def statut_effectif(piece: PieceJustificative, jour: dt.date) -> str:
    """A received or checked document past its validity date counts as expired."""
    if piece.valide_jusqu_au and piece.valide_jusqu_au < jour and piece.statut in ("RECUE", "VALIDE"):
        return "EXPIREE"
    return piece.statut


def checklist(
    demande: Demande, membres, priorites, pieces, *, lecture, jour: dt.date | None = None
) -> list[LignePiece]:
    """The expected and received documents; ``lecture`` (sensibles.Lecture) masks the sensitive types."""
    from django.utils import timezone

    jour = jour or timezone.localdate()
    regles = ChecklistPiece.objects.filter(Q(epci__isnull=True) | Q(epci_id=demande.epci_id)).values_list(
        "condition", "type_piece"
    )
    attendues = rules.pieces_attendues(regles, situation_pieces(demande, membres, priorites))
    par_type: dict[str, list] = {}
    for piece in pieces:
        par_type.setdefault(piece.type_piece, []).append(piece)
    ordre = attendues + [t for t in par_type if t not in attendues]
    rang = {"VALIDE": 3, "RECUE": 2, "EXPIREE": 1, "ATTENDUE": 0}
    lignes = []
    for type_piece in ordre:
        recues = par_type.get(type_piece, [])
        statut = max((statut_effectif(p, jour) for p in recues), key=lambda s: rang[s], default="ATTENDUE")
        masquee = lecture.masque_piece(type_piece)
        lignes.append(
            LignePiece(
                "" if masquee else type_piece,
                lecture.piece(type_piece),
                type_piece in attendues,
                [] if masquee else recues,
                statut,
                masquee,
            )
        )
    return lignes


# --- Event log --------------------------------------------------------------------------------


def evenements_du_journal(demande: Demande) -> list[Evenement]:
    """The demand's whole event log with each event's author, newest first (what ``timeline`` shows)."""
    return list(demande.evenements.select_related("acteur").order_by("-date", "-id"))


def timeline(demande: Demande, *, lecture, evenements: list[Evenement] | None = None) -> list:
    """The event log as ``lecture`` (sensibles.Lecture) reads it: sensitive events masked, never dropped.
    ``evenements``: the log as ``evenements_du_journal`` has already read it."""
    if evenements is None:
        evenements = evenements_du_journal(demande)
    return [lecture.evenement(e) for e in evenements]


# The events the applicant sees on their own follow-up (R. 441-2-17; the national system's "aPublierSurPGP"
# flag): the steps of their demand, never the staff's working notes (interviews, designations, opinions of
# coordination commissions). The one list; the follow-up masks the sensitive ones as everyone else's pages do.
EVENEMENTS_VISIBLES_DEMANDEUR = frozenset(
    {
        Evenement.Type.ENREGISTREMENT,
        Evenement.Type.RECTIFICATION,
        Evenement.Type.PIECE_DEMANDEE,
        Evenement.Type.PIECE_RECUE,
        Evenement.Type.PIECE_VALIDEE,
        Evenement.Type.PRIORITE_RECONNUE,
        Evenement.Type.PRIORITE_LEVEE,
        Evenement.Type.DALO,
        Evenement.Type.RENDEZ_VOUS,
        Evenement.Type.RAPPEL_RENOUVELLEMENT,
        Evenement.Type.RENOUVELLEMENT,
        Evenement.Type.AVERTISSEMENT,
        Evenement.Type.EXAMEN_CAL,
        Evenement.Type.DECISION_CAL,
        Evenement.Type.PROPOSITION,
        Evenement.Type.REFUS,
        Evenement.Type.BAIL_SIGNE,
        Evenement.Type.RADIATION,
        Evenement.Type.REACTIVATION,
        Evenement.Type.FICHE_INFORMATION,
        Evenement.Type.COTATION,
    }
)


def timeline_demandeur(demande: Demande, *, lecture) -> list:
    """The events of ``EVENEMENTS_VISIBLES_DEMANDEUR``, newest first, as ``lecture`` reads them."""
    qs = demande.evenements.filter(type__in=EVENEMENTS_VISIBLES_DEMANDEUR).order_by("-date", "-id")
    return [lecture.evenement(e) for e in qs]


# --- Scheduled jobs: what the next run would do ------------------------------------------------


def delais_par_epci(epci_ids, jour: dt.date) -> dict[rules.Delais, list[int]]:
    """The territories grouped by the delays in force on ``jour`` (their own row, else the national one), in two
    queries whatever their number: the scheduled jobs and their pages filter each group in SQL."""
    national = parametres_pour(None, jour).delais()
    propres: dict[int, rules.Delais] = {}
    en_vigueur = ParametresDemande.objects.filter(date_debut__lte=jour, epci_id__in=epci_ids).exclude(date_fin__lt=jour)
    for row in en_vigueur.order_by("epci_id", "-date_debut"):
        propres.setdefault(row.epci_id, row.delais())
    groupes: dict[rules.Delais, list[int]] = {}
    for epci_id in epci_ids:
        groupes.setdefault(propres.get(epci_id, national), []).append(epci_id)
    return groupes


def _territoires(epci_ids) -> list[int]:
    if epci_ids is not None:
        return list(epci_ids)
    return list(Demande.objects.order_by().values_list("epci_id", flat=True).distinct())


def _echues(statut: str, echeance, today: dt.date, epci_ids) -> QuerySet:
    """Demands of ``statut`` whose ``echeance(date_depot, date_dernier_renouvellement, delais)`` is on or before
    ``today``, the delays of each territory applied: one SQL condition per group of delays on the start of
    validity (``Demande.debut_validite``, index ``demande_debut_validite_idx``)."""
    condition = Q(pk__in=[])
    for delais, ids in delais_par_epci(_territoires(epci_ids), today).items():
        limite = rules.debut_validite_limite(lambda debut, d=delais: echeance(debut, None, d), today)
        condition |= Q(epci_id__in=ids, debut_validite__lte=limite)
    return (
        Demande.objects.filter(statut=statut)
        .filter(condition)
        .select_related("epci", "guichet")
        .order_by("debut_validite", "pk")  # the longest overdue first, in the index's order
    )


def rappels_a_envoyer(today: dt.date, epci_ids=None) -> QuerySet:
    """Active demands whose renewal notice is due (``rules.rappel_du``): sending it moves the demand to
    ``A_RENOUVELER``, so a demand already noticed is no longer here."""
    return _echues(Statut.ACTIVE, rules.date_rappel, today, epci_ids)


def radiations_a_faire(today: dt.date, epci_ids=None) -> QuerySet:
    """Noticed demands whose deadline for renewal has passed (``rules.radiation_due``)."""
    return _echues(Statut.A_RENOUVELER, rules.date_radiation_non_renouvellement, today, epci_ids)


# --- Reception network ------------------------------------------------------------------------


# the columns the lists of demands to process show (demandes/_liste_traitement.html): a list of 200 rows reads
# these, not the sixty columns and JSON documents of each demand
COLONNES_LISTE_TRAITEMENT = (
    "numero_unique",
    "prenom",
    "nom",
    "date_depot",
    "date_dernier_renouvellement",
    "guichet",
    "guichet__nom",
)


def pour_liste_traitement(qs: QuerySet) -> QuerySet:
    """The demands of ``qs`` with only what a list of demands to process shows, and their reception point."""
    return qs.select_related(None).select_related("guichet").only(*COLONNES_LISTE_TRAITEMENT)


def entretiens_en_retard(today: dt.date, epci_ids, limite: int = 200) -> list[Demande]:
    """Active demands registered more than the PPGDID's delay ago (within the last year) without an interview
    held or booked, the oldest first: one query for all the territories of the same delay."""
    entretien = RendezVous.objects.filter(demande=OuterRef("pk")).exclude(
        statut__in=[RendezVous.Statut.ANNULE, RendezVous.Statut.NON_HONORE]
    )
    par_delai: dict[int, list[int]] = {}
    for delais, ids in delais_par_epci(list(epci_ids), today).items():
        par_delai.setdefault(delais.delai_max_entretien_jours, []).extend(ids)
    condition = Q(pk__in=[])
    for delai, ids in par_delai.items():
        condition |= Q(epci_id__in=ids, date_depot__lt=today - dt.timedelta(days=delai))
    qs = Demande.objects.actives().filter(condition, date_depot__gte=today - dt.timedelta(days=365))
    return list(pour_liste_traitement(qs.exclude(Exists(entretien))).order_by("date_depot", "pk")[:limite])


MOIS_D_ACTIVITE = 12  # the network's page: the current month and the eleven before it


def premier_mois_d_activite(aujourd_hui: dt.date) -> dt.date:
    """The first day of the oldest month the network's page shows (and the nightly figures count)."""
    return rules.add_months(aujourd_hui.replace(day=1), -(MOIS_D_ACTIVITE - 1))


def activite_calculee(guichet_ids, debut: dt.date, fin: dt.date) -> dict[tuple[int, dt.date], dict]:
    """Per reception point and month, counted from the rows (SQL aggregates, bounded on the timestamp columns):
    visits, calls, registrations, interviews held, from ``debut`` to ``fin`` included. ``guichet_ids`` None:
    every reception point (the nightly job). Only the (point, month) pairs with some activity."""
    figures: dict[tuple[int, dt.date], dict] = {}

    def ligne(guichet_id, mois):
        mois = mois.date() if isinstance(mois, dt.datetime) else mois
        return figures.setdefault(
            (guichet_id, mois),
            {"guichet_id": guichet_id, "mois": mois, "visites": 0, "appels": 0, "enregistrements": 0, "entretiens": 0},
        )

    def pour(cle: str) -> dict:
        return {} if guichet_ids is None else {f"{cle}__in": list(guichet_ids)}

    contacts = (
        Contact.objects.filter(jours_locaux("date", debut, fin), **pour("guichet_id"))
        .annotate(mois=TruncMonth("date"))
        .values("guichet_id", "mois")
        .annotate(
            visites=Count("id", filter=Q(canal=Contact.Canal.VISITE)),
            appels=Count("id", filter=Q(canal=Contact.Canal.APPEL)),
        )
    )
    for row in contacts:
        cell = ligne(row["guichet_id"], row["mois"])
        cell["visites"], cell["appels"] = row["visites"], row["appels"]
    for row in (
        Evenement.objects.filter(
            jours_locaux("date", debut, fin),
            type=Evenement.Type.ENREGISTREMENT,
            demande__guichet_id__isnull=False,
            **pour("demande__guichet_id"),
        )
        .annotate(mois=TruncMonth("date"))
        .values("demande__guichet_id", "mois")
        .annotate(n=Count("id"))
    ):
        ligne(row["demande__guichet_id"], row["mois"])["enregistrements"] = row["n"]
    for row in (
        RendezVous.objects.filter(
            jours_locaux("debut", debut, fin), statut=RendezVous.Statut.HONORE, **pour("guichet_id")
        )
        .annotate(mois=TruncMonth("debut"))
        .values("guichet_id", "mois")
        .annotate(n=Count("id"))
    ):
        ligne(row["guichet_id"], row["mois"])["entretiens"] = row["n"]
    return figures


def mois_entre(debut: dt.date, fin: dt.date) -> list[dt.date]:
    """The first days of the months from ``debut``'s to ``fin``'s, both included."""
    mois, premiers = debut.replace(day=1), []
    while mois <= fin:
        premiers.append(mois)
        mois = rules.add_months(mois, 1)
    return premiers


def activite_guichets(guichet_ids, debut: dt.date, fin: dt.date) -> list[dict]:
    """Per reception point and month, newest first: visits, calls, registrations, interviews held.

    A closed month whose nightly figures (``ActiviteGuichet``) cover every point asked is read from them; the
    current month, and a closed month the night has not counted for one of the points (a point opened since),
    are counted live over those months only (``activite_calculee``): with the night's figures, the request
    counts one month of rows, not a year of the territory's."""
    guichet_ids = list(guichet_ids)
    attendus = set(guichet_ids)
    mois_courant = fin.replace(day=1)
    stockes: dict[dt.date, list[ActiviteGuichet]] = {}
    for a in ActiviteGuichet.objects.filter(guichet_id__in=guichet_ids, mois__gte=debut, mois__lt=mois_courant):
        stockes.setdefault(a.mois, []).append(a)
    couverts = {mois for mois, lignes in stockes.items() if {a.guichet_id for a in lignes} == attendus}
    figures: dict[tuple[int, dt.date], dict] = {}
    for mois in couverts:
        for a in stockes[mois]:
            if a.visites or a.appels or a.enregistrements or a.entretiens:
                figures[(a.guichet_id, mois)] = {
                    "guichet_id": a.guichet_id, "mois": mois, "visites": a.visites, "appels": a.appels,
                    "enregistrements": a.enregistrements, "entretiens": a.entretiens,
                }  # fmt: skip
    manquants = [mois for mois in mois_entre(debut, fin) if mois not in couverts]
    if guichet_ids and manquants:
        de = max(debut, manquants[0])
        a = min(fin, rules.add_months(manquants[-1], 1) - dt.timedelta(days=1))
        for (guichet_id, mois), cell in activite_calculee(guichet_ids, de, a).items():
            if mois not in couverts:
                figures[(guichet_id, mois)] = cell
    return sorted(figures.values(), key=lambda r: (r["mois"], r["guichet_id"]), reverse=True)


def pieces_visibles(demande: Demande, *, lecture) -> QuerySet:
    """The documents whose type this reader may see (the others are counted as masked checklist lines)."""
    qs = PieceJustificative.objects.filter(demande=demande).select_related("recue_par")
    masques = [code for code in lecture.definition.pieces if lecture.masque_piece(code)]
    return qs.exclude(type_piece__in=masques) if masques else qs


def libelles_criteres_mutation(demande) -> list[str]:
    """The labels of the common transfer criteria a demand meets (no query when it meets none)."""
    from .models import CritereMutation

    codes = list(demande.criteres_mutation or ())
    if not codes:
        return []
    libelles = dict(CritereMutation.objects.pour_territoire(demande.epci_id).values_list("code", "libelle"))
    return [libelles.get(code, code) for code in codes]


# --- Scoring (cotation) -----------------------------------------------------------------------

# the columns of a demand that scoring reads (one narrow query per batch)
COLONNES_COTATION = (
    "id",
    "date_depot",
    "date_naissance",
    "situation_familiale",
    "situation_professionnelle",
    "logement_actuel",
    "motifs",
    "est_mutation",
    "criteres_mutation",
    "accessibilite_pmr",
    "besoin_adaptation",
    "ville",
    "score",
    "score_grille_id",
)


def grille_adoptee(epci_id: int):
    """The territory's adopted grid with its criteria, or None."""
    from .models import GrilleCotation

    return (
        GrilleCotation.objects.filter(epci_id=epci_id, statut=GrilleCotation.Statut.ADOPTEE)
        .prefetch_related("criteres")
        .first()
    )


def besoins_cotation(criteres) -> set[str]:
    """Which related rows the criteria read, so a batch queries only those."""
    T = rules.TypeCritere
    besoins: set[str] = set()
    for c in criteres:
        if c.type == T.PRIORITE:
            besoins.add("priorites")
        elif c.type == T.DALO:
            besoins.add("dalo")
        elif c.type == T.MENAGE:
            besoins |= {"membres", "priorites"}
        elif c.type == T.REFUS:
            besoins.add("refus")
        elif c.type == T.LIEN_LOCAL:
            besoins.add("communes")
    return besoins


def noms_communes(epci_id: int) -> frozenset[str]:
    from cil.models import Commune

    return frozenset(rules.normaliser(n) for n in Commune.objects.filter(epci_id=epci_id).values_list("nom", flat=True))


@functools.lru_cache(maxsize=8192)
def _ville_normalisee(ville: str) -> str:
    return rules.normaliser(ville)


def instantanes_cotation(
    lignes: list[dict], *, today: dt.date, besoins: set[str], communes: frozenset[str] = frozenset()
) -> dict[int, rules.DemandeCotation]:
    """The scoring snapshots of a batch of demands (``lignes``: values of COLONNES_COTATION, ascending ids).

    Related rows are read by id range (between the batch's first and last id): at most four queries.
    """
    from .models import CriterePriorite, DecisionDalo

    if not lignes:
        return {}
    id_min, id_max = lignes[0]["id"], lignes[-1]["id"]
    plage = {"demande_id__gte": id_min, "demande_id__lte": id_max}
    priorites: dict[int, set[str]] = {}
    dalo: set[int] = set()
    membres: dict[int, list[rules.Membre]] = {}
    refus: dict[int, list[tuple[dt.date, str]]] = {}
    if "priorites" in besoins:
        qs = (
            CriterePriorite.objects.filter(CriterePriorite.q_en_vigueur(today), **plage)
            .order_by()  # no default ordering: it would join the demands to sort by name
            .values_list("demande_id", "critere")
        )
        for demande_id, critere in qs:
            priorites.setdefault(demande_id, set()).add(critere)
    if "dalo" in besoins:
        dalo = set(
            DecisionDalo.objects.filter(DecisionDalo.q_favorable(today), **plage)
            .order_by()
            .values_list("demande_id", flat=True)
        )
    if "membres" in besoins:
        for demande_id, lien, naissance in (
            MembreMenage.objects.filter(**plage).order_by().values_list("demande_id", "lien", "date_naissance")
        ):
            membres.setdefault(demande_id, []).append(rules.Membre(lien, naissance))
    if "refus" in besoins:
        refus = _refus(plage)
    return {
        d["id"]: instantane_cotation(
            d,
            priorites=priorites.get(d["id"], ()),
            dalo=d["id"] in dalo,
            membres=membres.get(d["id"], ()),
            refus=refus.get(d["id"], ()),
            communes=communes,
        )
        for d in lignes
    }


def _refus(filtre: dict) -> dict[int, list[tuple[dt.date, str]]]:
    """The refusals of proposals (events REFUS) of the demands ``filtre`` selects, with their reason, by demand."""
    refus: dict[int, list[tuple[dt.date, str]]] = {}
    for demande_id, date, motif in (
        Evenement.objects.filter(**filtre, type=Evenement.Type.REFUS)
        .order_by()
        .values_list("demande_id", "date", "detail__motif")
    ):
        refus.setdefault(demande_id, []).append((date.date(), motif or ""))
    return refus


def refus_lus(evenements) -> list[tuple[dt.date, str]]:
    """``_refus`` for one demand whose events are already read (its file): the same (date, reason) pairs, taken
    from the events in Python."""
    return [
        (e.date.date(), (e.detail.get("motif") if isinstance(e.detail, dict) else None) or "")
        for e in evenements
        if e.type == Evenement.Type.REFUS
    ]


def instantane_cotation(
    d: dict, *, priorites=(), dalo: bool = False, membres=(), refus=(), communes: frozenset[str] = frozenset()
) -> rules.DemandeCotation:
    """The scoring snapshot of one demand (``d``: values of COLONNES_COTATION) and its related rows. Pure: the
    stock's batches (``instantanes_cotation``) and the bulk registration of new demands, before they are
    written (``services.enregistrer_demandes_en_masse``), go through it."""
    return rules.DemandeCotation(
        date_depot=d["date_depot"],
        date_naissance=d["date_naissance"],
        situation_familiale=d["situation_familiale"],
        situation_professionnelle=d["situation_professionnelle"],
        logement_actuel=d["logement_actuel"],
        motifs=frozenset(d["motifs"] or ()),
        est_mutation=d["est_mutation"],
        criteres_mutation=frozenset(d["criteres_mutation"] or ()),
        priorites=frozenset(priorites),
        dalo=dalo,
        besoin_adaptation=bool(d["accessibilite_pmr"] or d["besoin_adaptation"]),
        membres=tuple(membres),
        reside_sur_territoire=bool(communes) and _ville_normalisee(d["ville"]) in communes,
        refus=tuple(refus),
    )


@dataclass(frozen=True)
class LignesLues:
    """A demand's related rows its file has already read (all of them, unfiltered): the scoring snapshot is then
    taken from them and from the demand's own columns, instead of reading them again."""

    membres: list
    priorites: list
    decisions_dalo: list
    evenements: list | None = None  # the whole event log, when the file has read it: the refusals come from it


def instantane_demande(
    demande: Demande, today: dt.date, criteres, *, lues: LignesLues | None = None
) -> rules.DemandeCotation:
    """The scoring snapshot of one demand: as a batch of one (``instantanes_cotation``), or, given the rows its
    file has read (``lues``), from those rows with the same conditions (priorities in force, favourable DALO
    decisions on ``today``)."""
    besoins = besoins_cotation(criteres)
    communes = noms_communes(demande.epci_id) if "communes" in besoins else frozenset()
    if lues is None:
        ligne = Demande.objects.filter(pk=demande.pk).values(*COLONNES_COTATION).get()
        return instantanes_cotation([ligne], today=today, besoins=besoins, communes=communes)[demande.pk]
    return instantane_cotation(
        {colonne: getattr(demande, colonne) for colonne in COLONNES_COTATION},
        priorites={p.critere for p in lues.priorites if p.en_vigueur(today)} if "priorites" in besoins else (),
        dalo="dalo" in besoins and any(d.favorable(today) for d in lues.decisions_dalo),
        membres=[rules.Membre(m.lien, m.date_naissance) for m in lues.membres] if "membres" in besoins else (),
        refus=(
            ()
            if "refus" not in besoins
            else refus_lus(lues.evenements)
            if lues.evenements is not None
            else _refus({"demande_id": demande.pk}).get(demande.pk, ())
        ),
        communes=communes,
    )


@dataclass(frozen=True)
class CotationExpliquee:
    grille: object
    resultat: rules.ResultatCotation
    score_enregistre: int | None
    lignes: tuple = ()  # the breakdown as the reader sees it (sensibles.Lecture.ligne_cotation)


def cotation_expliquee(
    demande: Demande, today: dt.date, *, lecture, lues: LignesLues | None = None
) -> CotationExpliquee | None:
    """The breakdown of the demand's score under the adopted grid (computed now) and the stored score; a line
    whose retained values reveal a sensitive situation is masked for a reader who may not see it. ``lues``: the
    related rows the file has already read (``instantane_demande``)."""
    grille = grille_adoptee(demande.epci_id)
    if grille is None:
        return None
    criteres = grille.criteres_purs()
    resultat = rules.coter(instantane_demande(demande, today, criteres, lues=lues), criteres, today)
    lignes = tuple(lecture.ligne_cotation(ligne) for ligne in resultat.lignes)
    return CotationExpliquee(grille=grille, resultat=resultat, score_enregistre=demande.score, lignes=lignes)


# --- Information owed to the applicant (R. 441-2-17) --------------------------------------------


@dataclass(frozen=True)
class PositionDemande:
    commune: str
    typologie: str
    rang: int | None  # 1 + similar demands with a higher score
    total: int  # similar active demands (the demand included)
    pct_derriere: int | None  # share of similar demands (this one included) whose score is lower or equal
    delai_median_mois: float | None  # None: masked (fewer than the secrecy threshold) or nothing observed
    attributions_observees: int
    masque: bool  # the waiting time is masked by statistical secrecy
    rang_masque: bool = False  # the rank is masked: fewer similar demands than the secrecy threshold
    total_masque: bool = False  # the number of similar demands is below the threshold: not shown to the public
    seuil_secret: int = 0  # the threshold of the secrecy rule applied
    regle_secret: str = ""  # the secrecy rule applied (cil.selectors.regle_secret), stated where a figure is masked


def regle_appliquee(positions: list[PositionDemande]) -> str:
    """The secrecy rule to state under the positions, when one of their figures is masked; else ""."""
    return next((p.regle_secret for p in positions if p.masque or p.rang_masque or p.total_masque), "")


def _similaires(demande: Demande, communes: list[int], typologie: str) -> QuerySet:
    """The active demands of the demand's territory wishing one of ``communes`` and the typology."""
    from django.db import connection

    qs = Demande.objects.actives().filter(epci_id=demande.epci_id, communes_souhaitees__in=communes)
    if connection.vendor == "postgresql":
        return qs.filter(typologies__contains=[typologie])
    return qs.filter(typologies__icontains=f'"{typologie}"')


def _attributions_observees(communes: list[int], typologie: str, jour: dt.date) -> QuerySet:
    """The last 12 months' allocations of this typology in ``communes`` (attributions.DecisionCaleol)."""
    from attributions.models import DecisionCaleol
    from attributions.selectors import q_attribution

    debut = jour - dt.timedelta(days=365)
    return DecisionCaleol.objects.filter(
        q_attribution(), commune_id__in=communes, typologie=typologie, date_decision__gte=debut
    ).filter(date_decision__lte=jour)


def positions_demande(
    demande: Demande, jour: dt.date, *, limite: int = 4, communes: list[Commune] | None = None
) -> list[PositionDemande]:
    """Per wished commune (at most ``limite``) and the first wished typology: the demand's rank among similar
    active demands (same commune and typology wished), and the observed waiting time there. The ranks, and the
    allocations observed with their median wait, are counted for every commune at once: two grouped queries,
    whatever the number of communes. Statistical secrecy: the platform's rule in force for the demand's territory on
    ``jour`` (``cil.selectors.regle_secret``, Platform decision 11): a rank among fewer similar demands than its
    threshold, or a median of fewer allocations, is not given.

    ``communes``: the demand's wished communes when the caller has already read them all in their default order
    (``demande.communes_souhaitees.all()``, French order of names), not read again."""
    from attributions.selectors import duree_attente

    typologie = (demande.typologies or [None])[0]
    if typologie is None:
        return []
    regle = regle_secret(demande.epci_id, jour)
    seuil = regle.seuil
    if communes is None:
        communes = list(demande.communes_souhaitees.order_by(ordre_fr("nom"))[:limite])
    else:
        communes = list(communes)[:limite]
    ids = [c.pk for c in communes]
    similaires = _similaires(demande, ids, typologie).order_by().values("communes_souhaitees")
    if demande.score is not None:
        similaires = similaires.annotate(
            total=Count("pk"),
            devant=Count("pk", filter=Q(score__gt=demande.score)),
            derriere_ou_egaux=Count("pk", filter=Q(score__lte=demande.score)),
        )
    else:
        similaires = similaires.annotate(total=Count("pk"))
    par_commune = {ligne["communes_souhaitees"]: ligne for ligne in similaires}
    observees = {
        ligne["commune_id"]: ligne
        for ligne in _attributions_observees(ids, typologie, jour)
        .order_by()
        .values("commune_id")
        .annotate(n=Count("pk"), mediane_jours=Percentile(duree_attente(jour), 0.5))
    }
    resultat = []
    for commune in communes:
        chiffres = par_commune.get(commune.pk, {})
        total = chiffres.get("total", 0)
        masque_position = total == 0 or sous_le_seuil(total, seuil)
        n = observees.get(commune.pk, {}).get("n", 0)
        masque = sous_le_seuil(n, seuil)
        median = None if n == 0 or masque else round(en_mois(observees[commune.pk]["mediane_jours"]), 1)
        rang_ = None if demande.score is None or masque_position else chiffres["devant"] + 1
        pct = None if rang_ is None or not total else round(100 * chiffres["derriere_ou_egaux"] / total)
        resultat.append(
            PositionDemande(
                commune=commune.nom,
                typologie=typologie,
                rang=rang_,
                total=total,
                pct_derriere=pct,
                delai_median_mois=median,
                attributions_observees=n,
                masque=masque,
                rang_masque=demande.score is not None and masque_position,
                total_masque=sous_le_seuil(total, seuil),
                seuil_secret=seuil,
                regle_secret=regle.texte,
            )
        )
    return resultat
