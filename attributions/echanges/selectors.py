"""Reads of the exchange bourse: the offers available for matching, the SQL prefilter of the candidate edges,
and the matches (pairs and three-way cycles) computed by the pure ``regles``.

Three queries whatever the number of offers: the offers with their demand's wishes, the demands' wished
communes, and the candidate edges (the SQL join of a demand's wished communes with the dwellings offered there,
rent under the demand's maximum). The pure rules then check typology, floor, lift and wheelchair access.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from demandes.models import Demande, Statut

from ..models import Echange, OffreEchange, ParticipationEchange
from . import regles


def offres_disponibles(epci_id: int) -> QuerySet:
    """Active offers of the territory whose transfer demand is still active and that no proposed exchange holds."""
    engagees = ParticipationEchange.objects.filter(offre=OuterRef("pk"), echange__statut=Echange.Statut.PROPOSE)
    return OffreEchange.objects.filter(
        epci_id=epci_id,
        statut=OffreEchange.Statut.ACTIVE,
        demande__statut__in=[Statut.ACTIVE, Statut.A_RENOUVELER],
        demande__est_mutation=True,
    ).exclude(Exists(engagees))


def aretes_candidates(offres: QuerySet) -> set[tuple[int, int]]:
    """The SQL prefilter: ``(a, b)`` where the dwelling of ``b`` is in a commune ``a``'s demand wishes and its
    rent is under ``a``'s maximum (one join; the conditions sit in one ``filter`` so they bind the same rows)."""
    souhaits = Demande.communes_souhaitees.through
    ids = offres.values("pk")
    lignes = souhaits.objects.filter(
        Q(demande__offres_echange__in=ids)
        & Q(commune__offres_echange__in=ids)
        & (
            Q(demande__loyer_max__isnull=True)
            | Q(commune__offres_echange__loyer__isnull=True)
            | Q(commune__offres_echange__loyer__lte=F("demande__loyer_max"))
        )
    ).values_list("demande__offres_echange", "commune__offres_echange")
    return {(a, b) for a, b in lignes if a != b}


def offres_pures(offres: list[OffreEchange]) -> list[regles.Offre]:
    """The pure values of offers read with their demand (``select_related("demande")``); one query for the
    demands' wished communes."""
    souhaits = Demande.communes_souhaitees.through
    communes: dict[int, set[int]] = {}
    for demande_id, commune_id in souhaits.objects.filter(demande_id__in=[o.demande_id for o in offres]).values_list(
        "demande_id", "commune_id"
    ):
        communes.setdefault(demande_id, set()).add(commune_id)
    return [offre_pure(o, frozenset(communes.get(o.demande_id, ()))) for o in offres]


def offre_pure(o: OffreEchange, communes_souhaitees: frozenset[int]) -> regles.Offre:
    d = o.demande
    return regles.Offre(
        id=o.pk,
        demande_id=o.demande_id,
        bailleur_id=o.bailleur_id,
        commune_id=o.commune_id,
        typologie=o.typologie,
        loyer=o.loyer,
        etage=o.etage,
        ascenseur=o.ascenseur,
        accessible_pmr=o.accessible_pmr,
        communes_souhaitees=communes_souhaitees,
        typologies_souhaitees=frozenset(d.typologies or ()),
        loyer_max=d.loyer_max,
        etage_max=d.etage_max,
        ascenseur_requis=d.ascenseur_requis,
        pmr_requis=d.accessibilite_pmr,
    )


@dataclass(frozen=True)
class Appariement:
    """A match: offers in cycle order (each moves into the next one's dwelling, the last into the first's)."""

    offres: tuple[OffreEchange, ...]

    @property
    def ids(self) -> str:
        return ",".join(str(o.pk) for o in self.offres)

    @property
    def etapes(self) -> list[tuple[OffreEchange, OffreEchange]]:
        """(who moves, into whose dwelling)."""
        n = len(self.offres)
        return [(self.offres[i], self.offres[(i + 1) % n]) for i in range(n)]

    @property
    def bailleurs_ids(self) -> set[int]:
        return {o.bailleur_id for o in self.offres}

    @property
    def inter_bailleurs(self) -> bool:
        return len(self.bailleurs_ids) > 1


def appariements(epci_id: int, *, bailleurs: frozenset[int] | None = None) -> list[Appariement]:
    """The pairs, then the three-way cycles, of the territory's available offers; with ``bailleurs``, only the
    matches that involve a dwelling of one of them (a landlord's view)."""
    qs = offres_disponibles(epci_id)
    candidates = aretes_candidates(qs)
    if not candidates:
        return []
    offres = list(qs.select_related("demande", "bailleur", "commune", "logement").order_by("pk"))
    par_id = {o.pk: o for o in offres}
    graphe = regles.aretes(offres_pures(offres), candidates)
    resultat = [Appariement(tuple(par_id[i] for i in p)) for p in regles.paires(graphe)]
    resultat += [Appariement(tuple(par_id[i] for i in c)) for c in regles.cycles_a_trois(graphe)]
    if bailleurs is not None:
        resultat = [a for a in resultat if a.bailleurs_ids & bailleurs]
    return resultat
