"""Pure rules of the life cycle, numbers, names and uploads: tables of cases, no database."""

import datetime as dt

import pytest

from demandes import rules
from demandes.rules import Action, Delais, MotifRadiation, Statut

D = Delais()


@pytest.mark.parametrize(
    ("statut", "action", "attendu"),
    [
        (Statut.ACTIVE, Action.RAPPELER, Statut.A_RENOUVELER),
        (Statut.A_RENOUVELER, Action.RENOUVELER, Statut.ACTIVE),
        (Statut.ACTIVE, Action.RENOUVELER, Statut.ACTIVE),
        (Statut.A_RENOUVELER, Action.RADIER, Statut.RADIEE),
        (Statut.RADIEE, Action.REACTIVER, Statut.ACTIVE),
    ],
)
def test_transitions_permises(statut, action, attendu):
    assert rules.transition(statut, action) == attendu


@pytest.mark.parametrize(
    ("statut", "action"),
    [
        (Statut.RADIEE, Action.RENOUVELER),
        (Statut.RADIEE, Action.RADIER),
        (Statut.ACTIVE, Action.REACTIVER),
        (Statut.A_RENOUVELER, Action.RAPPELER),
    ],
)
def test_transitions_interdites(statut, action):
    with pytest.raises(rules.TransitionInterdite):
        rules.transition(statut, action)


def test_validite_un_an_rappel_un_mois_avant_radiation_a_13_mois():
    depot = dt.date(2025, 3, 31)
    assert rules.date_expiration(depot, None, D) == dt.date(2026, 3, 31)
    assert rules.date_rappel(depot, None, D) == dt.date(2026, 2, 28)  # the 31st becomes the last day
    assert rules.date_radiation_non_renouvellement(depot, None, D) == dt.date(2026, 4, 30)
    # a renewal moves the validity year, not the filing date
    assert rules.date_expiration(depot, dt.date(2026, 3, 15), D) == dt.date(2027, 3, 15)


def test_rappel_et_radiation_dus_selon_le_statut():
    depot = dt.date(2025, 1, 10)
    assert not rules.rappel_du(Statut.ACTIVE, depot, None, D, dt.date(2025, 12, 9))
    assert rules.rappel_du(Statut.ACTIVE, depot, None, D, dt.date(2025, 12, 10))
    assert not rules.rappel_du(Statut.A_RENOUVELER, depot, None, D, dt.date(2025, 12, 10))
    # never radiated silently: an active demand whose notice was not sent is not radiated
    assert not rules.radiation_due(Statut.ACTIVE, depot, None, D, dt.date(2026, 6, 1))
    assert not rules.radiation_due(Statut.A_RENOUVELER, depot, None, D, dt.date(2026, 2, 9))
    assert rules.radiation_due(Statut.A_RENOUVELER, depot, None, D, dt.date(2026, 2, 10))


def test_delais_du_territoire_sont_des_donnees():
    depot = dt.date(2025, 1, 10)
    court = Delais(preavis_rappel_mois=2)
    assert rules.date_rappel(depot, None, court) == dt.date(2025, 11, 10)


@pytest.mark.parametrize(
    ("motif", "radiation", "jour", "possible"),
    [
        (MotifRadiation.NON_RENOUVELLEMENT, dt.date(2026, 2, 10), dt.date(2026, 7, 10), True),  # t+18 months
        (MotifRadiation.NON_RENOUVELLEMENT, dt.date(2026, 2, 10), dt.date(2026, 7, 11), False),
        (MotifRadiation.SANS_REPONSE, dt.date(2025, 6, 1), dt.date(2025, 11, 1), True),  # 5 months after
        (MotifRadiation.SANS_REPONSE, dt.date(2025, 6, 1), dt.date(2025, 11, 2), False),
        (MotifRadiation.RENONCIATION, dt.date(2025, 6, 1), dt.date(2025, 6, 2), False),
        (MotifRadiation.ATTRIBUTION, dt.date(2025, 6, 1), dt.date(2025, 6, 2), False),
    ],
)
def test_fenetres_de_reactivation(motif, radiation, jour, possible):
    assert rules.reactivation_possible(motif, dt.date(2025, 1, 10), None, radiation, D, jour) is possible


def test_numero_unique_format_et_normalisation():
    assert rules.format_numero("38", 2026, 123) == "038-2026-0000123"
    assert rules.format_numero("2A", 2026, 1) == "02A-2026-0000001"
    assert rules.normaliser_numero(" 038 2026 0000123 ") == "038-2026-0000123"
    assert rules.normaliser_numero("03820260000123") == "038-2026-0000123"
    assert rules.normaliser_numero("Dupont") is None
    with pytest.raises(rules.DomainError):
        rules.format_numero("38", 2026, 10_000_000)


@pytest.mark.parametrize(
    ("saisie", "attendu"),
    [
        ("Lefèvre", "lefevre"),
        ("  ÉLOÏSE  Œdipe ", "eloise oedipe"),
        ("N’Diaye", "n diaye"),
        ("Saint-Étienne", "saint etienne"),
        # hyphen, space, accent and case variants are one name
        ("Lefèvre-Audit", "lefevre audit"),
        ("LEFEVRE AUDIT", "lefevre audit"),
        ("lefèvre - audit", "lefevre audit"),
        ("LEFÈVRE--AUDIT ", "lefevre audit"),
    ],
)
def test_normaliser_les_noms(saisie, attendu):
    assert rules.normaliser(saisie) == attendu


def test_borne_de_prefixe():
    assert rules.borne_superieure_prefixe("dup") == "duq"
    assert "dupont" < rules.borne_superieure_prefixe("dup") <= "duq"


@pytest.mark.parametrize(
    ("octets", "attendu"),
    [
        (b"%PDF-1.7\n", ("application/pdf", ".pdf")),
        (b"\xff\xd8\xff\xe0", ("image/jpeg", ".jpg")),
        (b"\x89PNG\r\n\x1a\n....", ("image/png", ".png")),
        (b"MZ\x90\x00", None),
        (b"<html>", None),
    ],
)
def test_type_de_fichier_par_les_octets(octets, attendu):
    assert rules.type_fichier(octets) == attendu


def test_taille_et_type_verifies():
    with pytest.raises(rules.DomainError, match="taille maximale"):
        rules.verifier_fichier(b"%PDF-", 11 * 1024 * 1024, 10 * 1024 * 1024)
    with pytest.raises(rules.DomainError, match="PDF, JPEG ou PNG"):
        rules.verifier_fichier(b"GIF89a", 100, 10 * 1024 * 1024)


def test_pieces_attendues_selon_la_situation():
    regles = [("TOUJOURS", "IDENTITE"), ("SALARIE", "BULLETINS_SALAIRE"), ("HEBERGE", "ATTESTATION_HEBERGEMENT")]
    assert rules.pieces_attendues(regles, rules.Situation(salarie=True)) == ["IDENTITE", "BULLETINS_SALAIRE"]
    assert rules.pieces_attendues(regles, rules.Situation(heberge=True)) == ["IDENTITE", "ATTESTATION_HEBERGEMENT"]


@pytest.mark.parametrize(
    ("statut", "renouvellement", "jour", "ouvert"),
    [
        # registered on 10/01/2025: valid until 10/01/2026, renewal opens with the notice on 10/12/2025
        (Statut.ACTIVE, None, dt.date(2025, 1, 10), False),  # the day of registration
        (Statut.ACTIVE, None, dt.date(2025, 12, 9), False),
        (Statut.ACTIVE, None, dt.date(2025, 12, 10), True),
        (Statut.ACTIVE, None, dt.date(2026, 1, 20), True),  # past the expiry, before the radiation
        (Statut.A_RENOUVELER, None, dt.date(2025, 12, 1), True),  # the notice was sent: always open
        (Statut.ACTIVE, dt.date(2025, 12, 15), dt.date(2025, 12, 15), False),  # renewed today: next year
        (Statut.ACTIVE, dt.date(2025, 12, 15), dt.date(2026, 11, 15), True),
        (Statut.RADIEE, None, dt.date(2025, 12, 20), False),
    ],
)
def test_renouvellement_ouvert_a_partir_du_rappel(statut, renouvellement, jour, ouvert):
    assert rules.renouvellement_ouvert(statut, dt.date(2025, 1, 10), renouvellement, D, jour) is ouvert
    assert rules.ouverture_renouvellement(dt.date(2025, 1, 10), None, D) == dt.date(2025, 12, 10)
