"""Pure rules of the vacancies and flows from tables of cases, without a database."""

from decimal import Decimal

import pytest

from attributions import rules
from attributions.rules import ActionVacance as A
from attributions.rules import StatutVacance as S

NORMES = rules.NormesOccupation(
    pieces_en_sus_max=1,
    surface_une_personne=Decimal("9"),
    surface_deux_personnes=Decimal("16"),
    surface_personne_sup=Decimal("9"),
)


@pytest.mark.parametrize(
    "statut, action, attendu",
    [
        (S.DECLAREE, A.ORIENTER, S.ORIENTEE),
        (S.ORIENTEE, A.ORIENTER, S.ORIENTEE),
        (S.ORIENTEE, A.DESIGNER, S.CANDIDATS_DESIGNES),
        (S.ORIENTEE, A.REMETTRE, S.REMISE_POUR_UN_TOUR),
        (S.REMISE_POUR_UN_TOUR, A.DESIGNER, S.CANDIDATS_DESIGNES),
        (S.CANDIDATS_DESIGNES, A.INSCRIRE, S.EN_COMMISSION),
        (S.EN_COMMISSION, A.ATTRIBUER, S.ATTRIBUEE),
        (S.EN_COMMISSION, A.RELANCER, S.ORIENTEE),
        (S.ATTRIBUEE, A.RELANCER, S.ORIENTEE),
        (S.ATTRIBUEE, A.SIGNER_BAIL, S.BAIL_SIGNE),
    ],
)
def test_transitions_permises(statut, action, attendu):
    assert rules.transition_vacance(statut, action) == attendu


@pytest.mark.parametrize(
    "statut, action",
    [
        (S.DECLAREE, A.DESIGNER),  # routed first
        (S.DECLAREE, A.SIGNER_BAIL),
        (S.CANDIDATS_DESIGNES, A.ORIENTER),
        (S.EN_COMMISSION, A.SIGNER_BAIL),  # no lease without an allocation
        (S.BAIL_SIGNE, A.RELANCER),
        (S.REMISE_POUR_UN_TOUR, A.REMETTRE),  # one round only
    ],
)
def test_transitions_interdites(statut, action):
    with pytest.raises(rules.RegleError, match="impossible"):
        rules.transition_vacance(statut, action)


@pytest.mark.parametrize(
    "nb, exception, ok",
    [
        (3, "", True),
        (4, "", True),
        (2, "", False),
        (1, "DALO_PREFET", True),  # R. 441-3: DALO household designated by the préfet
        (1, "PLAI_ADAPTE", True),
        (2, "INSUFFISANCE", True),
        (2, "AUTRE_CHOSE", False),
        (0, "DALO_PREFET", False),
    ],
)
def test_trois_candidats(nb, exception, ok):
    if ok:
        rules.verifie_nb_candidats(nb, exception, 3)
    else:
        with pytest.raises(rules.RegleError):
            rules.verifie_nb_candidats(nb, exception, 3)


@pytest.mark.parametrize(
    "typologie, surface, attendu",
    [
        ("T1", None, (1, None)),
        ("T1", Decimal("8.99"), (1, 0)),  # below 9 m²: nobody
        ("T1", Decimal("9"), (1, 1)),
        ("T1", Decimal("16"), (1, 2)),
        ("T2", Decimal("45"), (1, 5)),  # 16 + 3 x 9 = 43 <= 45 < 52
        ("T3", Decimal("64.5"), (2, 7)),  # 3 rooms: from 2 persons (L. 621-2)
        ("T4", Decimal("69.99"), (3, 7)),
        ("T4", Decimal("70"), (3, None)),  # 8 persons and more: no upper bound
        ("T6", None, (5, None)),
    ],
)
def test_taille_menage_admise(typologie, surface, attendu):
    assert rules.taille_menage_admise(typologie, surface, NORMES) == attendu


def test_convient():
    assert rules.convient(3, "T3", Decimal("60"), NORMES)
    assert not rules.convient(1, "T3", Decimal("60"), NORMES)  # under-occupied
    assert not rules.convient(8, "T3", Decimal("60"), NORMES)  # over-occupied
    with pytest.raises(rules.RegleError):
        rules.nombre_pieces("T0")


@pytest.mark.parametrize(
    "en_qpv, q1, dalo, prio, type_r, attendus",
    [
        (False, True, False, False, "ACTION_LOGEMENT", ["Hors QPV : candidat du 1er quartile", "Ni DALO"]),
        (False, False, False, True, "COMMUNE", ["Hors QPV : candidat des quartiles 2 à 4", "compte pour les 25 %"]),
        (True, False, False, False, "EPCI", ["En QPV : candidat des quartiles 2 à 4, compte pour les 50 %"]),
        (True, True, True, False, "ETAT", ["ne compte pas pour l'objectif B", "DALO : conforme au contingent"]),
        (False, None, False, False, "ETAT", ["Quartile inconnu", "contingent de l'État est réservé"]),
    ],
)
def test_effets_candidat(en_qpv, q1, dalo, prio, type_r, attendus):
    effets = " | ".join(
        rules.effets_candidat(
            en_qpv=en_qpv,
            premier_quartile=q1,
            dalo=dalo,
            prioritaire=prio,
            mutation=False,
            type_reservataire=type_r,
            nom_reservataire="X",
        )
    )
    for attendu in attendus:
        assert attendu in effets


@pytest.mark.parametrize(
    "type_decision, rang, reponse, condition, mieux_classes_refuses, motif",
    [
        ("ATTRIBUTION", None, "ACCEPTATION", False, True, None),
        ("ATTRIBUTION", None, "", False, True, "pas accepté"),
        ("NON_ATTRIBUTION", None, "ACCEPTATION", False, True, "n'a pas attribué"),
        ("ATTRIBUTION_CONDITION", None, "ACCEPTATION", False, True, "condition suspensive"),
        ("ATTRIBUTION_CONDITION", None, "ACCEPTATION", True, True, None),
        ("ATTRIBUTION_RANG", 2, "ACCEPTATION", False, False, "mieux classé"),
        ("ATTRIBUTION_RANG", 2, "ACCEPTATION", False, True, None),
        ("ATTRIBUTION_RANG", 1, "ACCEPTATION", False, False, None),
    ],
)
def test_motif_bail_impossible(type_decision, rang, reponse, condition, mieux_classes_refuses, motif):
    resultat = rules.motif_bail_impossible(
        type_decision=type_decision,
        rang=rang,
        reponse=reponse,
        condition_remplie=condition,
        rangs_mieux_classes_refuses=mieux_classes_refuses,
    )
    assert resultat is None if motif is None else motif in resultat


def test_base_et_bilan_du_flux_calcul_a_la_main():
    # 12 dwellings let in the year, 2 kept for transfers, 1 for an urban-renewal relocation: base 9
    base = rules.base_flux(12, 3)
    assert base == 9
    lignes = {
        ligne.cle: ligne
        for ligne in rules.bilan_flux(
            base,
            {("AL", ""): Decimal("0.30"), ("ETAT", ""): Decimal("0.25"), ("COMMUNE", "38185"): Decimal("0.10")},
            {("AL", ""): 2, ("ETAT", ""): 3, ("BAILLEUR", "1"): 4},
        )
    }
    assert lignes[("AL", "")].du == Decimal("2.70") and lignes[("AL", "")].ecart == Decimal("-0.70")
    assert lignes[("ETAT", "")].du == Decimal("2.25") and lignes[("ETAT", "")].ecart == Decimal("0.75")
    assert lignes[("COMMUNE", "38185")].livre == 0 and lignes[("COMMUNE", "38185")].ecart == Decimal("-0.90")
    assert lignes[("BAILLEUR", "1")].part == 0 and lignes[("BAILLEUR", "1")].ecart == 4
    with pytest.raises(rules.RegleError):
        rules.base_flux(2, 3)
    with pytest.raises(rules.RegleError, match="100 %"):
        rules.bilan_flux(10, {("A", ""): Decimal("0.6"), ("B", ""): Decimal("0.5")}, {})


@pytest.mark.parametrize(
    "etat, agents, nb_alertes",
    [
        ("0.25", "0.05", 0),
        ("0.30", "0", 0),
        ("0.26", "0.05", 1),  # 31 % together
        ("0.20", "0.06", 1),  # employees above 5 %
        ("0.28", "0.06", 2),
    ],
)
def test_controle_parts_etat(etat, agents, nb_alertes):
    alertes = rules.controle_parts_etat(Decimal(etat), Decimal(agents), Decimal("0.30"), Decimal("0.05"))
    assert len(alertes) == nb_alertes
