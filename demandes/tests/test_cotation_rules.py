"""Scoring rules without a database: cases taken from the typical grids, and properties (hypothesis)."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from demandes import rules
from demandes.cotation import (
    CritereGrille,
    DemandeCotation,
    Membre,
    TypeCritere,
    coter,
    largeur_tranche,
    mois_entre,
    rang,
    score_seul,
    tranches,
)
from demandes.models import CriterePriorite, Demande

TODAY = dt.date(2026, 11, 22)


def critere(code, type_, points, **kw):
    return CritereGrille(code=code, libelle=code.title(), type=type_, points=points, **kw)


GRILLE = (
    critere("dalo", TypeCritere.DALO, 300),
    critere("priorite", TypeCritere.PRIORITE, 100),
    critere("anciennete", TypeCritere.ANCIENNETE, 2, plafond=120),
    critere("mono", TypeCritere.MENAGE, 20, valeurs=("MONOPARENTAL",)),
    critere("refus", TypeCritere.REFUS, -30, plafond=60, duree_mois=12, valeurs=("SITUATION",)),
)


def test_rules_reexporte_la_cotation():
    assert rules.coter is coter and rules.CritereGrille is CritereGrille


def test_mois_pleins():
    assert mois_entre(dt.date(2026, 1, 31), dt.date(2026, 2, 28)) == 0
    assert mois_entre(dt.date(2026, 1, 15), dt.date(2026, 2, 15)) == 1
    assert mois_entre(dt.date(2020, 11, 22), TODAY) == 72
    assert mois_entre(TODAY, dt.date(2020, 1, 1)) == 0


def test_detail_plafonds_et_malus_expliques():
    demande = DemandeCotation(
        date_depot=dt.date(2020, 11, 22),  # 72 months -> 144 points, capped at 120
        priorites=frozenset({"SANS_LOGEMENT"}),
        membres=(Membre("ENFANT", dt.date(2018, 1, 1)),),
        refus=((dt.date(2026, 1, 10), "LOYER"), (dt.date(2026, 3, 1), "ETAT"), (dt.date(2026, 5, 1), "LOYER"),
               (dt.date(2026, 6, 1), "SITUATION"), (dt.date(2024, 6, 1), "LOYER")),
    )  # fmt: skip
    resultat = coter(demande, GRILLE, TODAY)
    lignes = {ligne.code: ligne for ligne in resultat.lignes}
    assert [ligne.code for ligne in resultat.lignes] == ["dalo", "priorite", "anciennete", "mono", "refus"]
    assert lignes["dalo"].points == 0
    assert lignes["priorite"].points == 100
    assert (lignes["anciennete"].points_bruts, lignes["anciennete"].points) == (144, 120)
    assert lignes["anciennete"].plafonne
    assert lignes["anciennete"].explication == "72 mois d'ancienneté × 2 points = 144, plafonné à 120"
    assert lignes["mono"].points == 20 and "monoparentale" in lignes["mono"].explication
    # three refusals of a suitable offer in the last 12 months (the household's changed situation does not count,
    # the 2024 one is too old): -90, capped at -60
    assert (lignes["refus"].points_bruts, lignes["refus"].points) == (-90, -60)
    assert lignes["refus"].explication.startswith("3 refus d'une offre adaptée depuis moins de 12 mois")
    assert resultat.score == 100 + 120 + 20 - 60 == sum(ligne.points for ligne in resultat.lignes)


def test_critere_hors_validite_ignore_et_valeurs_retenues_signalees():
    grille = (
        critere("ancien", TypeCritere.ANCIENNETE, 1, date_fin=dt.date(2025, 12, 31)),
        critere("violences", TypeCritere.PRIORITE, 50, valeurs=("VIOLENCES_COUPLE",)),
    )
    demande = DemandeCotation(date_depot=dt.date(2020, 1, 1), priorites=frozenset({"VIOLENCES_COUPLE"}))
    resultat = coter(demande, grille, TODAY)
    assert [ligne.code for ligne in resultat.lignes] == ["violences"]
    assert resultat.lignes[0].valeurs == {"VIOLENCES_COUPLE"} and resultat.score == 50


def test_situations_menage_et_lien_local():
    grille = (
        critere("agee", TypeCritere.MENAGE, 10, valeurs=("PERSONNE_AGEE",)),
        critere("nombreuse", TypeCritere.MENAGE, 15, valeurs=("FAMILLE_NOMBREUSE",)),
        critere("mono", TypeCritere.MENAGE, 20, valeurs=("MONOPARENTAL",)),
        critere("local", TypeCritere.LIEN_LOCAL, 7, valeurs=("TRAVAILLE",)),
        critere("mutation", TypeCritere.MUTATION, 9, valeurs=("TROP_GRAND",)),
    )
    couple = DemandeCotation(
        date_depot=TODAY,
        date_naissance=dt.date(1960, 11, 22),
        situation_familiale="MARIE",
        situation_professionnelle="CDI",
        motifs=frozenset({"RAPPROCHEMENT_TRAVAIL", "TROP_GRAND"}),
        est_mutation=True,
        membres=(Membre("CO_TITULAIRE"), Membre("ENFANT"), Membre("ENFANT"), Membre("ENFANT")),
    )
    points = {ligne.code: ligne.points for ligne in coter(couple, grille, TODAY).lignes}
    assert points == {"agee": 10, "nombreuse": 15, "mono": 0, "local": 7, "mutation": 9}


def test_rang_et_tranches():
    scores = [90, 50, 50, 10]
    assert [rang(s, scores) for s in (100, 90, 50, 10, 0)] == [1, 1, 2, 4, 5]
    assert tranches([3, 7, 12, 31], 10) == [(0, 2), (10, 1), (20, 0), (30, 1)]
    assert largeur_tranche(420) == 50 and largeur_tranche(0) == 1


criteres_st = st.builds(
    CritereGrille,
    code=st.text("abcdefgh", min_size=1, max_size=6),
    libelle=st.just("Critère"),
    type=st.sampled_from(list(TypeCritere)),
    points=st.integers(-500, 500),
    valeurs=st.lists(
        st.sampled_from(
            list(CriterePriorite.Critere.values)
            + list(Demande.Motif.values)
            + list(Demande.LogementActuel.values)
            + ["MONOPARENTAL", "HANDICAP", "PERSONNE_AGEE", "FAMILLE_NOMBREUSE", "RESIDE", "TRAVAILLE", "LOYER"]
        ),
        max_size=4,
    ).map(tuple),
    plafond=st.none() | st.integers(0, 400),
    duree_mois=st.none() | st.integers(1, 36),
    date_debut=st.none() | st.dates(dt.date(2015, 1, 1), dt.date(2030, 1, 1)),
    date_fin=st.none() | st.dates(dt.date(2015, 1, 1), dt.date(2030, 1, 1)),
)
dates = st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))
demandes_st = st.builds(
    DemandeCotation,
    date_depot=dates,
    date_naissance=st.none() | st.dates(dt.date(1920, 1, 1), dt.date(2008, 1, 1)),
    situation_familiale=st.sampled_from(Demande.SituationFamiliale.values),
    situation_professionnelle=st.sampled_from(Demande.SituationProfessionnelle.values),
    logement_actuel=st.sampled_from(Demande.LogementActuel.values),
    motifs=st.frozensets(st.sampled_from(Demande.Motif.values), max_size=4),
    est_mutation=st.booleans(),
    priorites=st.frozensets(st.sampled_from(CriterePriorite.Critere.values), max_size=3),
    dalo=st.booleans(),
    besoin_adaptation=st.booleans(),
    membres=st.lists(st.builds(Membre, st.sampled_from(["CO_TITULAIRE", "ENFANT", "ASCENDANT", "AUTRE"])),
                     max_size=6).map(tuple),
    reside_sur_territoire=st.booleans(),
    refus=st.lists(st.tuples(dates, st.sampled_from(["LOYER", "SITUATION", "ETAT"])), max_size=5).map(tuple),
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(demande=demandes_st, criteres=st.lists(criteres_st, max_size=12), today=dates)
def test_le_detail_fait_toujours_la_somme_du_score(demande, criteres, today):
    resultat = coter(demande, criteres, today)
    assert resultat.score == sum(ligne.points for ligne in resultat.lignes)
    assert score_seul(demande, criteres, today) == resultat.score  # the stock rescoring's fast path
    en_vigueur = [c for c in criteres if c.en_vigueur(today)]
    assert [ligne.code for ligne in resultat.lignes] == [c.code for c in en_vigueur]
    for ligne, c in zip(resultat.lignes, en_vigueur, strict=True):
        if c.plafond is not None:
            assert abs(ligne.points) <= c.plafond
        assert ligne.plafonne == (ligne.points != ligne.points_bruts)
        assert ligne.explication
        if c.type != TypeCritere.REFUS and c.points >= 0:
            assert ligne.points >= 0


CAS_CRITERES_MUTATION = [
    # (case, transfer demand, reasons, common transfer criteria met, values of the grid's criterion, points)
    ("critère commun retenu", True, (), ("perte-autonomie",), ("perte-autonomie",), 25),
    ("critère commun non retenu", True, (), ("emploi-eloigne",), ("perte-autonomie",), 0),
    ("motif ou critère : le motif suffit", True, ("TROP_GRAND",), (), ("TROP_GRAND", "sous-occupation"), 25),
    ("critère d'un locataire du parc privé : rien", False, (), ("perte-autonomie",), ("perte-autonomie",), 0),
    ("aucune valeur : toute mutation", True, (), (), (), 25),
    ("critère ajouté par le territoire", True, (), ("proximite-aidant",), ("proximite-aidant",), 25),
]


@pytest.mark.parametrize(
    ("cas", "mutation", "motifs", "criteres", "valeurs", "attendu"),
    CAS_CRITERES_MUTATION,
    ids=[c[0] for c in CAS_CRITERES_MUTATION],
)
def test_criteres_communs_de_mutation_dans_la_grille(cas, mutation, motifs, criteres, valeurs, attendu):
    grille = (critere("mutation", TypeCritere.MUTATION, 25, valeurs=valeurs),)
    demande = DemandeCotation(
        date_depot=TODAY,
        est_mutation=mutation,
        motifs=frozenset(motifs),
        criteres_mutation=frozenset(criteres),
    )
    # the detailed scoring and the fast one used for the stock agree
    assert [ligne.points for ligne in coter(demande, grille, TODAY).lignes] == [attendu]
    assert score_seul(demande, grille, TODAY) == attendu
