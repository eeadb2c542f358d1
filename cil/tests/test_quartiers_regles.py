"""The neighbourhood index's arithmetic (cil.quartiers): marks, weighted score and class, against tables of cases."""

from decimal import Decimal as D

import pytest

from cil.quartiers import Classe, IndiceError, Seuil, classe, note, score

SEUILS = [Seuil("VIGILANCE", "vigilance", D("0")), Seuil("EQUILIBRE", "équilibre", D("40")),
          Seuil("ATTRACTIF", "attractif", D("65"))]  # fmt: skip


@pytest.mark.parametrize(
    ("valeur", "borne_min", "borne_max", "sens", "attendu"),
    [
        (None, "0", "10", "FAVORABLE", None),  # no value, no mark
        ("0", "0", "10", "FAVORABLE", "0.0"),
        ("10", "0", "10", "FAVORABLE", "100.0"),
        ("2.5", "0", "10", "FAVORABLE", "25.0"),
        ("2.5", "0", "10", "DEFAVORABLE", "75.0"),
        ("-3", "0", "10", "FAVORABLE", "0.0"),  # clipped below
        ("42", "0", "10", "DEFAVORABLE", "0.0"),  # clipped above
        ("3", "1", "5", "FAVORABLE", "50.0"),  # a mark entered from 1 to 5
        ("16.7", "4", "16", "DEFAVORABLE", "0.0"),
        ("10", "4", "16", "DEFAVORABLE", "50.0"),
        ("1", "0", "3", "FAVORABLE", "33.3"),  # 33.33... rounded at the end
        ("2", "0", "3", "FAVORABLE", "66.7"),  # 66.66... half up
        ("0.5", "0", "80", "FAVORABLE", "0.6"),  # 0.625 -> 0.6 (one decimal, half up on the exact value)
        ("0.52", "0", "80", "FAVORABLE", "0.7"),  # 0.65 exactly -> 0.7
    ],
)
def test_note(valeur, borne_min, borne_max, sens, attendu):
    resultat = note(None if valeur is None else D(valeur), D(borne_min), D(borne_max), sens)
    assert resultat == (None if attendu is None else D(attendu))


@pytest.mark.parametrize(
    ("borne_min", "borne_max", "sens"), [("10", "10", "FAVORABLE"), ("10", "5", "FAVORABLE"), ("0", "1", "AUTRE")]
)
def test_note_refuse_une_echelle_fausse(borne_min, borne_max, sens):
    with pytest.raises(IndiceError):
        note(D("1"), D(borne_min), D(borne_max), sens)


@pytest.mark.parametrize(
    ("paires", "attendu"),
    [
        ([], None),
        ([(None, "2"), (None, "1")], None),  # no indicator has a value: no score
        ([("50", "1")], "50.0"),
        ([("100", "1"), ("0", "1")], "50.0"),
        ([("100", "2"), ("0", "1")], "66.7"),
        ([("100", "2"), ("0", "1"), (None, "5")], "66.7"),  # a missing value leaves its weight out
        ([("80", "0.5"), ("20", "1.5")], "35.0"),
        ([("33.3", "1"), ("33.4", "1")], "33.4"),  # 33.35 half up
    ],
)
def test_score(paires, attendu):
    resultat = score([(None if n is None else D(n), D(p)) for n, p in paires])
    assert resultat == (None if attendu is None else D(attendu))


def test_score_refuse_un_poids_nul():
    with pytest.raises(IndiceError):
        score([(D("10"), D("0"))])


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        (None, None),
        ("0", "VIGILANCE"),
        ("39.9", "VIGILANCE"),
        ("40", "EQUILIBRE"),  # the minimum belongs to its class
        ("64.9", "EQUILIBRE"),
        ("65", "ATTRACTIF"),
        ("100", "ATTRACTIF"),
    ],
)
def test_classe(valeur, attendu):
    resultat = classe(None if valeur is None else D(valeur), SEUILS)
    assert (resultat.code if resultat else None) == attendu


def test_classe_sous_tous_les_seuils_et_seuils_dans_le_desordre():
    seuils = [Seuil("B", "bon", D("50")), Seuil("M", "moyen", D("20"))]
    assert classe(D("10"), seuils) == Classe("M", "moyen")  # below every minimum: the lowest class
    assert classe(D("50"), seuils) == Classe("B", "bon")


@pytest.mark.parametrize("seuils", [[], [Seuil("A", "a", D("10")), Seuil("B", "b", D("10"))]])
def test_classe_refuse_des_seuils_inutilisables(seuils):
    with pytest.raises(IndiceError):
        classe(D("20"), seuils)
