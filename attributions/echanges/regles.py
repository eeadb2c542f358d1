"""Pure rules of the exchange between social tenants (bourse d'échange): who fits which dwelling, the pairs
and three-way cycles of a graph of offers, and the life cycle of an exchange.

No Django, no ORM, no clock: the selectors build ``Offre`` values from the database (after an SQL prefilter of
the candidate edges) and the services move an exchange with ``CYCLE_ECHANGE``. Tested from tables of cases
(``attributions/tests/test_echanges_regles.py``).

An edge ``a -> b`` means: the household of offer ``a`` wants the dwelling of offer ``b`` (it fits the wishes
of ``a``'s demand). A pair is two edges ``a -> b -> a``; a three-way cycle ``(a, b, c)`` is ``a -> b -> c -> a``:
``a`` moves into ``b``'s dwelling, ``b`` into ``c``'s, ``c`` into ``a``'s.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from core.cycles import Cycle
from core.erreurs import ErreurMetier


class EchangeRefuse(ErreurMetier):
    """An exchange the rules refuse (French message shown to the user)."""


@dataclass(frozen=True)
class Offre:
    """An offer of the bourse: the dwelling the tenant leaves, and what their transfer demand seeks."""

    id: int
    demande_id: int
    bailleur_id: int
    # the dwelling offered
    commune_id: int
    typologie: str
    loyer: Decimal | None = None
    etage: int | None = None
    ascenseur: bool = False
    accessible_pmr: bool = False
    # the wishes of the demand (demandes.Demande: communes_souhaitees, typologies, loyer_max, etage_max...)
    communes_souhaitees: frozenset[int] = field(default_factory=frozenset)
    typologies_souhaitees: frozenset[str] = field(default_factory=frozenset)
    loyer_max: int | None = None
    etage_max: int | None = None
    ascenseur_requis: bool = False
    pmr_requis: bool = False


def ecarts(demandeur: Offre, logement: Offre) -> list[str]:
    """Why the dwelling of ``logement`` does not fit the wishes of ``demandeur``'s demand (empty: it fits).

    Communes and typologies: the demand's list (an empty typology list accepts any). Rent: the dwelling's rent
    at most the demand's maximum. Floor: at most the demand's maximum floor when the floor is known. Lift: a
    household that needs one gets a ground floor or a dwelling served by a lift. Wheelchair: a dwelling
    accessible to reduced mobility.
    """
    motifs = []
    if demandeur.id == logement.id or demandeur.demande_id == logement.demande_id:
        return ["c'est le logement du même ménage"]
    if logement.commune_id not in demandeur.communes_souhaitees:
        motifs.append("commune non souhaitée")
    if demandeur.typologies_souhaitees and logement.typologie not in demandeur.typologies_souhaitees:
        motifs.append("typologie non souhaitée")
    if demandeur.loyer_max is not None and logement.loyer is not None and logement.loyer > demandeur.loyer_max:
        motifs.append("loyer supérieur au maximum")
    if demandeur.etage_max is not None and logement.etage is not None and logement.etage > demandeur.etage_max:
        motifs.append("étage trop élevé")
    if demandeur.ascenseur_requis and not logement.ascenseur and logement.etage != 0:
        motifs.append("ni ascenseur ni rez-de-chaussée")
    if demandeur.pmr_requis and not logement.accessible_pmr:
        motifs.append("non accessible en fauteuil roulant")
    return motifs


def convient(demandeur: Offre, logement: Offre) -> bool:
    return not ecarts(demandeur, logement)


def aretes(offres: Iterable[Offre], candidates: Iterable[tuple[int, int]] | None = None) -> set[tuple[int, int]]:
    """The edges ``(a, b)``: ``a``'s household wants ``b``'s dwelling.

    ``candidates``: the pairs an SQL prefilter kept (same territory, a wished commune, the rent); only those are
    checked. Without it, every ordered pair is (for the tests and small sets).
    """
    par_id: Mapping[int, Offre] = {o.id: o for o in offres}
    if candidates is None:
        candidates = ((a, b) for a in par_id for b in par_id if a != b)
    resultat = set()
    for a, b in candidates:
        oa, ob = par_id.get(a), par_id.get(b)
        if oa is not None and ob is not None and convient(oa, ob):
            resultat.add((a, b))
    return resultat


def paires(graphe: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """The pairs ``(a, b)``, ``a < b``, where each household wants the other's dwelling, in order."""
    return sorted((a, b) for a, b in graphe if a < b and (b, a) in graphe)


def cycles_a_trois(graphe: set[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """The three-way cycles ``(a, b, c)`` (``a -> b -> c -> a``), each once, written from its smallest offer."""
    suivants: dict[int, set[int]] = {}
    for a, b in graphe:
        suivants.setdefault(a, set()).add(b)
    resultat: set[tuple[int, int, int]] = set()
    for a, bs in suivants.items():
        for b in bs:
            if b == a:
                continue
            for c in suivants.get(b, ()):
                if c in (a, b) or a not in suivants.get(c, ()):
                    continue
                # rotate so that the cycle starts from its smallest offer: each cycle is found three times
                debut = min(a, b, c)
                if debut == a:
                    resultat.add((a, b, c))
                elif debut == b:
                    resultat.add((b, c, a))
                else:
                    resultat.add((c, a, b))
    return sorted(resultat)


def verifier_cycle(offres: list[Offre]) -> None:
    """Refuse an exchange whose households do not each want the next one's dwelling (``offres`` in cycle order:
    the first moves into the second's dwelling, the last into the first's)."""
    if not 2 <= len(offres) <= 3:
        raise EchangeRefuse("Un échange réunit deux ou trois locataires.")
    if len({o.demande_id for o in offres}) != len(offres):
        raise EchangeRefuse("Un même ménage ne peut pas figurer deux fois dans un échange.")
    for i, offre in enumerate(offres):
        suivante = offres[(i + 1) % len(offres)]
        motifs = ecarts(offre, suivante)
        if motifs:
            raise EchangeRefuse(
                f"Le logement de l'offre n° {suivante.id} ne correspond pas à la demande de l'offre n° {offre.id} : "
                f"{', '.join(motifs)}."
            )


# --- Life cycle of an exchange ---------------------------------------------------------------------


class StatutEchange(enum.StrEnum):
    PROPOSE = "PROPOSE"  # proposed to the landlords of the dwellings
    TRANSMIS = "TRANSMIS"  # every landlord accepted: one vacancy per dwelling, the other tenant as candidate
    REFUSE = "REFUSE"  # a landlord declined
    ANNULE = "ANNULE"  # withdrawn before every landlord answered


class ActionEchange(enum.StrEnum):
    PROPOSER = "PROPOSER"
    ACCEPTER = "ACCEPTER"  # one landlord accepts for its dwelling (a step noted without a move)
    TRANSMETTRE = "TRANSMETTRE"  # the last acceptance: the allocations go to the commission
    REFUSER = "REFUSER"
    ANNULER = "ANNULER"


LIBELLES_ACTIONS_ECHANGE = {
    ActionEchange.PROPOSER: "proposer l'échange",
    ActionEchange.ACCEPTER: "accepter l'échange",
    ActionEchange.TRANSMETTRE: "transmettre en commission",
    ActionEchange.REFUSER: "refuser l'échange",
    ActionEchange.ANNULER: "annuler l'échange",
}

_S = StatutEchange
CYCLE_ECHANGE = Cycle.par_action(
    {
        ActionEchange.ACCEPTER: (frozenset({_S.PROPOSE}), _S.PROPOSE),
        ActionEchange.TRANSMETTRE: (frozenset({_S.PROPOSE}), _S.TRANSMIS),
        ActionEchange.REFUSER: (frozenset({_S.PROPOSE}), _S.REFUSE),
        ActionEchange.ANNULER: (frozenset({_S.PROPOSE}), _S.ANNULE),
    },
    refus=lambda statut, action: EchangeRefuse(
        f"Action « {LIBELLES_ACTIONS_ECHANGE[ActionEchange(action)]} » impossible pour un échange au statut "
        f"« {statut} »."
    ),
)
del _S
