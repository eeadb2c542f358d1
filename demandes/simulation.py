"""Simulation of a draft scoring grid against the adopted one (read-only; EPCI staff).

Both grids are applied batch by batch to the territory's active demands (the same snapshots as the stock
rescoring: a few queries per batch) and to last year's allocations (attributions.DecisionCaleol) whose
registration number matches a demand of the platform, scored as they stood on the decision date. Nothing
is written. Figures: distribution of scores, ranking of priority and first-quartile households, where last
year's allocated households would have been ranked in today's stock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from . import selectors
from .cotation import largeur_tranche, rang, score_seul, tranches
from .models import Demande, Ressource

TAILLE_LOT = 20_000


@dataclass
class LigneSimulee:
    demande_id: int
    numero_unique: str
    score_reference: int | None
    score_projet: int
    prioritaire: bool
    premier_quartile: bool | None
    rang_reference: int | None = None
    rang_projet: int = 0


@dataclass
class AttributionSimulee:
    numero_unique: str
    date_decision: dt.date
    typologie: str
    commune: str
    score_reference: int | None
    score_projet: int
    rang_reference: int | None  # where the household would stand in today's stock
    rang_projet: int


@dataclass
class GroupeSimule:
    libelle: str
    effectif: int
    rang_moyen_reference_pct: float | None  # mean position in the ranking, in % (0: first)
    rang_moyen_projet_pct: float | None
    montent: int
    descendent: int
    dans_premier_quart_reference: int
    dans_premier_quart_projet: int


@dataclass
class Simulation:
    reference: object | None
    projet: object
    jour: dt.date
    lignes: list[LigneSimulee] = field(default_factory=list)
    attributions: list[AttributionSimulee] = field(default_factory=list)
    attributions_sans_demande: int = 0
    annee_attributions: int = 0
    largeur: int = 10
    distribution_reference: list[tuple[str, int]] = field(default_factory=list)
    distribution_projet: list[tuple[str, int]] = field(default_factory=list)
    groupes: list[GroupeSimule] = field(default_factory=list)
    seuil_q1: Decimal | None = None

    @property
    def total(self) -> int:
        return len(self.lignes)


def _premier_quartile(ressources: Decimal, membres, jour: dt.date, seuil: Decimal | None) -> bool | None:
    from attributions import rules as arules

    if seuil is None:
        return None
    composition = arules.composition_au([m.date_naissance for m in membres], jour)
    return arules.est_premier_quartile(
        ressources, composition.nb_personnes_14_plus, composition.nb_enfants_moins_14, seuil
    )


def _coter_lots(qs, reference, projet, jour_de, *, avec_q1: bool, seuil, communes) -> list[tuple]:
    """(row, reference score, draft score, priority, Q1) for the rows of ``qs``, batch by id range."""
    crit_ref = reference.criteres_purs() if reference else ()
    crit_proj = projet.criteres_purs()
    besoins = selectors.besoins_cotation(crit_ref + crit_proj) | {"priorites", "dalo", "membres"}
    resultat = []
    dernier = 0
    colonnes = (*selectors.COLONNES_COTATION, "numero_unique")
    while True:
        lignes = list(qs.filter(pk__gt=dernier).order_by("pk").values(*colonnes)[:TAILLE_LOT])
        if not lignes:
            return resultat
        dernier = lignes[-1]["id"]
        jour_lot = jour_de(None)
        instantanes = selectors.instantanes_cotation(lignes, today=jour_lot, besoins=besoins, communes=communes)
        ressources = {}
        if avec_q1:
            ressources = dict(
                Ressource.objects.filter(demande_id__gte=lignes[0]["id"], demande_id__lte=dernier)
                .exclude(nature__in=Ressource.NATURES_EXCLUES)
                .order_by()
                .values("demande_id")
                .annotate(total=Sum("montant_mensuel"))
                .values_list("demande_id", "total")
            )
        for ligne in lignes:
            jour = jour_de(ligne)
            inst = instantanes[ligne["id"]]
            ref = score_seul(inst, crit_ref, jour) if reference else None
            proj = score_seul(inst, crit_proj, jour)
            q1 = (
                _premier_quartile(ressources.get(ligne["id"], Decimal(0)), inst.membres, jour, seuil)
                if avec_q1
                else None
            )
            resultat.append((ligne, ref, proj, bool(inst.priorites or inst.dalo), q1))


def _groupe(libelle: str, lignes: list[LigneSimulee], total: int) -> GroupeSimule:
    quart = max(1, total // 4)

    def moyenne(valeurs):
        valeurs = [v for v in valeurs if v is not None]
        return round(100 * sum(v - 1 for v in valeurs) / len(valeurs) / max(total, 1), 1) if valeurs else None

    return GroupeSimule(
        libelle=libelle,
        effectif=len(lignes),
        rang_moyen_reference_pct=moyenne([li.rang_reference for li in lignes]),
        rang_moyen_projet_pct=moyenne([li.rang_projet for li in lignes]),
        montent=sum(1 for li in lignes if li.rang_reference is not None and li.rang_projet < li.rang_reference),
        descendent=sum(1 for li in lignes if li.rang_reference is not None and li.rang_projet > li.rang_reference),
        dans_premier_quart_reference=sum(1 for li in lignes if li.rang_reference and li.rang_reference <= quart),
        dans_premier_quart_projet=sum(1 for li in lignes if li.rang_projet <= quart),
    )


def simuler(projet, reference, *, jour: dt.date, avec_lignes_attributions: int = 50) -> Simulation:
    """Apply ``projet`` (a draft) and ``reference`` (the adopted grid, or None) to the stock and to last year's
    allocations of the territory."""
    from attributions.models import DecisionCaleol
    from attributions.selectors import q_attribution
    from cil.selectors import seuil_applicable

    epci = projet.epci
    seuil = seuil_applicable(epci, jour.year).seuil_q1
    communes = selectors.noms_communes(epci.pk)
    sim = Simulation(reference=reference, projet=projet, jour=jour, seuil_q1=seuil)
    stock = _coter_lots(
        Demande.objects.actives().filter(epci_id=epci.pk),
        reference,
        projet,
        lambda _ligne: jour,
        avec_q1=True,
        seuil=seuil,
        communes=communes,
    )
    sim.lignes = [
        LigneSimulee(row["id"], row["numero_unique"], ref, proj, prioritaire, q1)
        for row, ref, proj, prioritaire, q1 in stock
    ]
    desc_ref = sorted((li.score_reference for li in sim.lignes if li.score_reference is not None), reverse=True)
    desc_proj = sorted((li.score_projet for li in sim.lignes), reverse=True)
    for li in sim.lignes:
        li.rang_reference = rang(li.score_reference, desc_ref) if li.score_reference is not None else None
        li.rang_projet = rang(li.score_projet, desc_proj)

    # distributions on common bands
    tous = desc_ref + desc_proj
    if tous:
        sim.largeur = largeur_tranche(max(tous), min(min(tous), 0))
        bornes = sorted({b for b, _ in tranches(tous, sim.largeur)})
        for cible, scores in ((sim.distribution_reference, desc_ref), (sim.distribution_projet, desc_proj)):
            compte = dict(tranches(scores, sim.largeur)) if scores else {}
            cible.extend((f"{b} à {b + sim.largeur - 1} pts", compte.get(b, 0)) for b in bornes)

    total = len(sim.lignes)
    sim.groupes = [
        _groupe("Ménages prioritaires (L. 441-1 ou DALO)", [li for li in sim.lignes if li.prioritaire], total),
        _groupe("Ménages du premier quartile de ressources", [li for li in sim.lignes if li.premier_quartile], total),
        _groupe("Autres ménages", [li for li in sim.lignes if not li.prioritaire and not li.premier_quartile], total),
    ]

    # last year's allocations, matched to the platform's demands by registration number
    annee = jour.year - 1
    sim.annee_attributions = annee
    decisions = list(
        DecisionCaleol.objects.filter(q_attribution(), epci_id=epci.pk, date_decision__year=annee).values_list(
            "numero_unique", "date_decision", "typologie", "commune__nom"
        )
    )
    numeros = {d[0]: d for d in decisions}
    trouvees = Demande.objects.filter(epci_id=epci.pk, numero_unique__in=list(numeros))
    sim.attributions_sans_demande = len(decisions) - trouvees.count()
    if decisions and trouvees.exists():
        ids = set(trouvees.values_list("pk", flat=True))
        cotees = _coter_lots(
            Demande.objects.filter(pk__in=ids),
            reference,
            projet,
            lambda ligne: numeros[ligne["numero_unique"]][1] if ligne else jour,
            avec_q1=False,
            seuil=None,
            communes=communes,
        )
        for row, ref, proj, _prioritaire, _q1 in cotees:
            numero, date_decision, typologie, commune = numeros[row["numero_unique"]]
            sim.attributions.append(
                AttributionSimulee(
                    numero_unique=numero,
                    date_decision=date_decision,
                    typologie=typologie,
                    commune=commune,
                    score_reference=ref,
                    score_projet=proj,
                    rang_reference=rang(ref, desc_ref) if ref is not None else None,
                    rang_projet=rang(proj, desc_proj),
                )
            )
        sim.attributions.sort(key=lambda a: (a.date_decision, a.numero_unique))
    return sim


def deplacement(li) -> int | None:
    """Places gained (positive) or lost in the ranking."""
    if li.rang_reference is None:
        return None
    return li.rang_reference - li.rang_projet
