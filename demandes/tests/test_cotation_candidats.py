"""Candidates for a dwelling ranked by score, then seniority (attributions.vacances.flux)."""

import datetime as dt

import pytest

from attributions import services
from attributions.tests.fabrique import creer_demande, enfant
from attributions.vacances import flux
from demandes import services as demandes_services
from demandes.models import CritereCotation, Demande

UN_ENFANT = [enfant("Jade", dt.date(2018, 5, 4))]


@pytest.fixture
def monde_vacance(monde_attributions):
    """The allocations world with AH-0001 vacant and routed to Action Logement."""
    m = monde_attributions
    m["vacance"] = services.declarer_vacance(logement=m["logement"], date_liberation=dt.date(2026, 1, 5), acteur=None)
    services.orienter_vacance(vacance=m["vacance"], reservataire=m["al"], acteur=m["staff"]["bailleur"])
    return m


def test_candidats_classes_par_score_puis_anciennete(monde_vacance, django_capture_on_commit_callbacks):
    ancienne = creer_demande(monde_vacance, "Ancienne", date_depot=dt.date(2019, 1, 1), membres=UN_ENFANT)
    recente = creer_demande(monde_vacance, "Recente", date_depot=dt.date(2025, 1, 1), membres=UN_ENFANT,
                            logement_actuel="HEBERGE_TIERS")  # fmt: skip
    meme_score = creer_demande(monde_vacance, "Jumelle", date_depot=dt.date(2025, 6, 1), membres=UN_ENFANT,
                               logement_actuel="HEBERGE_TIERS")  # fmt: skip
    jour = dt.date(2026, 1, 10)
    sans_grille = list(flux.candidats_possibles(monde_vacance["vacance"], jour=jour))
    assert sans_grille == [ancienne, recente, meme_score]  # no grid: seniority

    grille = demandes_services.creer_brouillon(epci=monde_vacance["vacance"].epci, acteur=None, nom="Test")
    for ordre, (code, type_, points, valeurs) in enumerate(
        [("dalo", "DALO", 300, []), ("heberge", "LOGEMENT_ACTUEL", 500, ["HEBERGE_TIERS"])]
    ):
        CritereCotation.objects.create(grille=grille, ordre=ordre, code=code, libelle=code, type=type_,
                                       points=points, valeurs=valeurs)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        demandes_services.adopter_grille(grille, acteur=None)
    scores = dict(Demande.objects.filter(pk__in=[ancienne.pk, recente.pk, meme_score.pk]).values_list("pk", "score"))
    assert scores == {ancienne.pk: 0, recente.pk: 500, meme_score.pk: 500}
    classes = list(flux.candidats_possibles(monde_vacance["vacance"], jour=jour))
    assert classes == [recente, meme_score, ancienne]  # score first, seniority between equal scores
