"""The pure rules of the exchange bourse: fit of a dwelling, pairs and three-way cycles (tables of cases)."""

from decimal import Decimal

import pytest

from attributions.echanges import regles
from attributions.echanges.regles import Offre


def offre(i, *, commune=1, typo="T3", veut=(1,), typos=("T3",), loyer=None, loyer_max=None, **kw) -> Offre:
    return Offre(
        id=i,
        demande_id=100 + i,
        bailleur_id=kw.pop("bailleur", 1),
        commune_id=commune,
        typologie=typo,
        loyer=Decimal(loyer) if loyer is not None else None,
        loyer_max=loyer_max,
        communes_souhaitees=frozenset(veut),
        typologies_souhaitees=frozenset(typos),
        **kw,
    )


CAS_CONVIENT = [
    # (wishes of the household, dwelling offered, expected reasons)
    ("tout convient", offre(1), offre(2), []),
    ("commune non souhaitée", offre(1, veut=(2,)), offre(2, commune=1), ["commune non souhaitée"]),
    ("typologie non souhaitée", offre(1, typos=("T2",)), offre(2, typo="T4"), ["typologie non souhaitée"]),
    ("aucune typologie : toutes", offre(1, typos=()), offre(2, typo="T5"), []),
    ("loyer au maximum", offre(1, loyer_max=500), offre(2, loyer="500.00"), []),
    ("loyer au-delà", offre(1, loyer_max=500), offre(2, loyer="500.01"), ["loyer supérieur au maximum"]),
    ("loyer inconnu", offre(1, loyer_max=500), offre(2), []),
    ("étage trop haut", offre(1, etage_max=2), offre(2, etage=3), ["étage trop élevé"]),
    ("étage au maximum", offre(1, etage_max=2), offre(2, etage=2), []),
    ("ascenseur requis, rez-de-chaussée", offre(1, ascenseur_requis=True), offre(2, etage=0), []),
    (
        "ascenseur requis, 3e sans ascenseur",
        offre(1, ascenseur_requis=True),
        offre(2, etage=3),
        ["ni ascenseur ni rez-de-chaussée"],
    ),
    ("ascenseur requis, 3e avec", offre(1, ascenseur_requis=True), offre(2, etage=3, ascenseur=True), []),
    ("fauteuil, non accessible", offre(1, pmr_requis=True), offre(2), ["non accessible en fauteuil roulant"]),
    ("fauteuil, accessible", offre(1, pmr_requis=True), offre(2, accessible_pmr=True), []),
    ("même offre", offre(1), offre(1), ["c'est le logement du même ménage"]),
    (
        "plusieurs écarts",
        offre(1, veut=(2,), typos=("T2",), loyer_max=300),
        offre(2, commune=1, typo="T4", loyer="400"),
        ["commune non souhaitée", "typologie non souhaitée", "loyer supérieur au maximum"],
    ),
]


@pytest.mark.parametrize(("cas", "demandeur", "logement", "attendu"), CAS_CONVIENT, ids=[c[0] for c in CAS_CONVIENT])
def test_ecarts(cas, demandeur, logement, attendu):
    assert regles.ecarts(demandeur, logement) == attendu
    assert regles.convient(demandeur, logement) is (attendu == [])


def _graphe(aretes):
    return set(aretes)


CAS_APPARIEMENTS = [
    # (case, edges a -> b meaning a wants b's dwelling, expected pairs, expected three-way cycles)
    ("rien", [], [], []),
    ("un seul sens", [(1, 2)], [], []),
    ("une paire", [(1, 2), (2, 1)], [(1, 2)], []),
    ("deux paires disjointes", [(1, 2), (2, 1), (3, 4), (4, 3)], [(1, 2), (3, 4)], []),
    ("un cycle à trois", [(1, 2), (2, 3), (3, 1)], [], [(1, 2, 3)]),
    ("un cycle à trois dans l'autre sens", [(1, 3), (3, 2), (2, 1)], [], [(1, 3, 2)]),
    ("cycle écrit depuis sa plus petite offre", [(5, 2), (2, 9), (9, 5)], [], [(2, 9, 5)]),
    ("chaîne sans retour", [(1, 2), (2, 3), (3, 4)], [], []),
    (
        "les deux sens à trois",
        [(1, 2), (2, 3), (3, 1), (1, 3), (3, 2), (2, 1)],
        [(1, 2), (1, 3), (2, 3)],
        [(1, 2, 3), (1, 3, 2)],
    ),
    ("paire et cycle partagent une offre", [(1, 2), (2, 1), (2, 3), (3, 1)], [(1, 2)], [(1, 2, 3)]),
    ("boucle sur soi ignorée", [(1, 1)], [], []),
    ("cycle à quatre non cherché", [(1, 2), (2, 3), (3, 4), (4, 1)], [], []),
]


@pytest.mark.parametrize(("cas", "aretes", "paires", "cycles"), CAS_APPARIEMENTS, ids=[c[0] for c in CAS_APPARIEMENTS])
def test_paires_et_cycles(cas, aretes, paires, cycles):
    graphe = _graphe(aretes)
    assert regles.paires(graphe) == paires
    assert regles.cycles_a_trois(graphe) == cycles


def test_aretes_suit_les_souhaits_et_le_prefiltre():
    # 1 (T3 Grenoble=1) wants a T2 in 2; 2 (T2 in commune 2) wants a T3 in 1; 3 is a T2 in 2 too but too dear
    offres = [
        offre(1, commune=1, typo="T3", veut=(2,), typos=("T2",), loyer_max=450),
        offre(2, commune=2, typo="T2", veut=(1,), typos=("T3",), loyer="400"),
        offre(3, commune=2, typo="T2", veut=(1,), typos=("T3",), loyer="600"),
    ]
    assert regles.aretes(offres) == {(1, 2), (2, 1), (3, 1)}
    # the SQL prefilter decides which pairs are checked at all; the rules still check each
    assert regles.aretes(offres, candidates=[(1, 2), (1, 3)]) == {(1, 2)}
    assert regles.paires(regles.aretes(offres)) == [(1, 2)]


def test_verifier_cycle():
    a = offre(1, commune=1, veut=(2,))
    b = offre(2, commune=2, veut=(1,))
    regles.verifier_cycle([a, b])
    with pytest.raises(regles.EchangeRefuse, match="ne correspond pas à la demande de l'offre n° 1 : commune"):
        regles.verifier_cycle([a, offre(3, commune=1, veut=(1,))])
    with pytest.raises(regles.EchangeRefuse, match="deux ou trois"):
        regles.verifier_cycle([a])
    with pytest.raises(regles.EchangeRefuse, match="deux fois"):
        regles.verifier_cycle([a, a])
    c = offre(3, commune=3, veut=(1,))
    regles.verifier_cycle([offre(1, commune=1, veut=(2,)), offre(2, commune=2, veut=(3,)), c])


def test_cycle_de_vie():
    S, A = regles.StatutEchange, regles.ActionEchange
    assert regles.CYCLE_ECHANGE(S.PROPOSE, A.ACCEPTER) == S.PROPOSE
    assert regles.CYCLE_ECHANGE(S.PROPOSE, A.TRANSMETTRE) == S.TRANSMIS
    assert regles.CYCLE_ECHANGE(S.PROPOSE, A.REFUSER) == S.REFUSE
    for fin in (S.TRANSMIS, S.REFUSE, S.ANNULE):
        with pytest.raises(regles.EchangeRefuse, match="impossible pour un échange"):
            regles.CYCLE_ECHANGE(fin, A.ACCEPTER)
