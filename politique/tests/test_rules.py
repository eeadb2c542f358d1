"""The life cycle of a policy document's version, lateness of actions, percentages typed in French: tables of
cases (docs/droit/regles.md §10: documents adopted by the CIL, the CIA and the orientations approved by the préfet)."""

import datetime as dt
from decimal import Decimal

import pytest

from core.pourcentages import PourcentageInvalide, fraction, lire_pourcentage, texte_pourcentage
from politique import rules
from politique.rules import Dates, RegleError, Statut, Transition, TypeDocument

S, T = Statut, Transition
CIA, PPGDID, CADRE = TypeDocument.CIA, TypeDocument.PPGDID, TypeDocument.DOCUMENT_CADRE


@pytest.mark.parametrize(
    ("type_document", "statut", "action", "attendu"),
    [
        (CIA, S.BROUILLON, T.SOUMETTRE, S.SOUMIS),
        (CIA, S.SOUMIS, T.RETIRER, S.BROUILLON),
        (CIA, S.SOUMIS, T.ADOPTER, S.ADOPTE),
        (CIA, S.ADOPTE, T.APPROUVER, S.APPROUVE),
        (CIA, S.APPROUVE, T.METTRE_EN_VIGUEUR, S.EN_VIGUEUR),
        (CIA, S.EN_VIGUEUR, T.REMPLACER, S.REMPLACE),
        (CADRE, S.APPROUVE, T.METTRE_EN_VIGUEUR, S.EN_VIGUEUR),
        (TypeDocument.CIA_DOCUMENT_CADRE, S.ADOPTE, T.APPROUVER, S.APPROUVE),
        # the PPGDID applies once adopted: no approval by the préfet
        (PPGDID, S.ADOPTE, T.METTRE_EN_VIGUEUR, S.EN_VIGUEUR),
    ],
)
def test_transitions_permises(type_document, statut, action, attendu):
    assert rules.transition(statut, action, type_document=type_document) == attendu


@pytest.mark.parametrize(
    ("type_document", "statut", "action", "message"),
    [
        # a version is adopted once, whatever it became afterwards
        (CIA, S.ADOPTE, T.ADOPTER, "déjà été adoptée"),
        (CIA, S.APPROUVE, T.ADOPTER, "déjà été adoptée"),
        (CIA, S.EN_VIGUEUR, T.ADOPTER, "déjà été adoptée"),
        (CIA, S.REMPLACE, T.ADOPTER, "déjà été adoptée"),
        (CIA, S.BROUILLON, T.ADOPTER, "impossible"),  # a draft is submitted first
        (CIA, S.ADOPTE, T.METTRE_EN_VIGUEUR, "après son approbation par le préfet"),
        (CADRE, S.ADOPTE, T.METTRE_EN_VIGUEUR, "après son approbation par le préfet"),
        (CIA, S.APPROUVE, T.APPROUVER, "déjà enregistrée"),
        (PPGDID, S.ADOPTE, T.APPROUVER, "ne s'approuve pas par le préfet"),
        (CIA, S.EN_VIGUEUR, T.METTRE_EN_VIGUEUR, "impossible"),
        (CIA, S.REMPLACE, T.METTRE_EN_VIGUEUR, "impossible"),
        (CIA, S.BROUILLON, T.REMPLACER, "impossible"),
        (CIA, S.ADOPTE, T.RETIRER, "impossible"),
    ],
)
def test_transitions_refusees(type_document, statut, action, message):
    with pytest.raises(RegleError, match=message):
        rules.transition(statut, action, type_document=type_document)


def test_transitions_offertes():
    assert rules.transitions_possibles(S.SOUMIS, type_document=CIA) == [T.RETIRER, T.ADOPTER]
    assert rules.transitions_possibles(S.ADOPTE, type_document=CIA) == [T.APPROUVER]
    assert rules.transitions_possibles(S.ADOPTE, type_document=PPGDID) == [T.METTRE_EN_VIGUEUR]
    assert rules.transitions_possibles(S.EN_VIGUEUR, type_document=CIA) == []  # replaced by the platform only


AUJOURD_HUI = dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("action", "dates", "deliberation", "message"),
    [
        (T.ADOPTER, Dates(), "n° 12", "date de la délibération"),
        (T.ADOPTER, Dates(adoption=dt.date(2020, 12, 1)), "  ", "référence de la délibération"),
        (T.ADOPTER, Dates(adoption=dt.date(2026, 6, 2)), "n° 12", "futur"),
        (T.APPROUVER, Dates(adoption=dt.date(2020, 12, 1)), "", "date de l'approbation"),
        (T.APPROUVER, Dates(adoption=dt.date(2020, 12, 1), approbation=dt.date(2020, 11, 30)), "", "précède"),
        (T.METTRE_EN_VIGUEUR, Dates(adoption=dt.date(2020, 12, 1)), "", "date d'entrée en vigueur"),
        (
            T.METTRE_EN_VIGUEUR,
            Dates(adoption=dt.date(2020, 12, 1), entree_en_vigueur=dt.date(2026, 7, 1)),
            "",
            "pas avant",
        ),
        (
            T.METTRE_EN_VIGUEUR,
            Dates(
                adoption=dt.date(2020, 12, 1), approbation=dt.date(2021, 2, 1), entree_en_vigueur=dt.date(2021, 1, 1)
            ),
            "",
            "précède l'approbation",
        ),
    ],
)
def test_dates_refusees(action, dates, deliberation, message):
    with pytest.raises(RegleError, match=message):
        rules.verifie_dates(action, dates, aujourd_hui=AUJOURD_HUI, deliberation=deliberation)


def test_dates_acceptees():
    adoption = dt.date(2020, 12, 1)
    rules.verifie_dates(T.ADOPTER, Dates(adoption=adoption), aujourd_hui=AUJOURD_HUI, deliberation="n° 2020-12")
    rules.verifie_dates(T.APPROUVER, Dates(adoption=adoption, approbation=adoption), aujourd_hui=AUJOURD_HUI)
    rules.verifie_dates(
        T.METTRE_EN_VIGUEUR, Dates(adoption=adoption, entree_en_vigueur=AUJOURD_HUI), aujourd_hui=AUJOURD_HUI
    )


@pytest.mark.parametrize(
    ("statut", "contenu", "suivi", "publiable"),
    [
        (S.BROUILLON, True, False, False),
        (S.SOUMIS, False, False, False),
        (S.ADOPTE, False, True, True),
        (S.APPROUVE, False, True, True),
        (S.EN_VIGUEUR, False, True, True),
        (S.REMPLACE, False, False, True),
    ],
)
def test_ce_qui_se_modifie_selon_le_statut(statut, contenu, suivi, publiable):
    assert rules.contenu_modifiable(statut) is contenu
    assert rules.suivi_modifiable(statut) is suivi
    assert rules.publiable(statut) is publiable


J = rules.Jalon


@pytest.mark.parametrize(
    ("statut", "jalons", "retard"),
    [
        ("EN_COURS", [J("cotation", dt.date(2021, 9, 1))], True),
        ("EN_COURS", [J("cotation", dt.date(2021, 9, 1), dt.date(2021, 8, 30))], False),
        ("EN_COURS", [J("cotation", AUJOURD_HUI)], False),  # due today: not late yet
        ("A_ENGAGER", [J("a", dt.date(2021, 9, 1), dt.date(2021, 9, 1)), J("b", dt.date(2021, 11, 24))], True),
        ("REALISEE", [J("cotation", dt.date(2021, 9, 1))], False),  # a closed action is never late
        ("ABANDONNEE", [J("cotation", dt.date(2021, 9, 1))], False),
        ("EN_COURS", [], False),
    ],
)
def test_action_en_retard(statut, jalons, retard):
    assert rules.action_en_retard(statut, jalons, AUJOURD_HUI) is retard


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("42,5", "42.5"),
        ("42,5 %", "42.5"),
        ("42,5\u00a0%", "42.5"),
        (" 42.5% ", "42.5"),
        ("25", "25"),
        ("100", "100"),
        ("0", "0"),
        ("33,33", "33.33"),
        ("42,50", "42.5"),
        (",5", "0.5"),
    ],
)
def test_pourcentage_lu(texte, attendu):
    assert lire_pourcentage(texte) == Decimal(attendu)
    assert str(lire_pourcentage(texte)) == attendu  # never 1E+2


@pytest.mark.parametrize(
    ("texte", "message"),
    [
        ("142", "entre 0 et 100"),
        ("-5", "entre 0 et 100"),
        ("42,555", "2 décimales"),
        ("quarante", "n'est pas un pourcentage"),
        ("42,5,1", "n'est pas un pourcentage"),
        ("1e2", "n'est pas un pourcentage"),
        ("", "Saisissez"),
        ("%", "Saisissez"),
    ],
)
def test_pourcentage_refuse(texte, message):
    with pytest.raises(PourcentageInvalide, match=message):
        lire_pourcentage(texte)


@pytest.mark.parametrize(
    ("fraction_", "texte"),
    [
        (Decimal("0.425"), "42,5\u00a0%"),
        (Decimal("0.25"), "25\u00a0%"),
        (Decimal("0.3333"), "33,33\u00a0%"),
        (0.5, "50\u00a0%"),
        (Decimal("1"), "100\u00a0%"),
        (None, "–"),
    ],
)
def test_pourcentage_ecrit_tel_qu_il_a_ete_saisi(fraction_, texte):
    assert texte_pourcentage(fraction_) == texte


def test_fraction_exacte():
    assert fraction(lire_pourcentage("42,5")) == Decimal("0.425")


@pytest.mark.parametrize(
    ("valeur", "cible", "sens", "attendu"),
    [
        ("18", "24", "<=", True),
        ("24", "24", "<=", True),
        ("24.1", "24", "<=", False),
        ("87", "90", ">=", False),
        ("90", "90", ">=", True),
        (None, "90", ">=", None),
        ("90", None, ">=", None),
    ],
)
def test_atteinte_d_une_valeur(valeur, cible, sens, attendu):
    d = lambda v: None if v is None else Decimal(v)  # noqa: E731
    assert rules.atteint_valeur(d(valeur), d(cible), sens=sens) is attendu
