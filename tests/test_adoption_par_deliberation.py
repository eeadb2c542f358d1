"""A policy-document version is tied to the conference's deliberation that adopted it: same territory, adopted,
its number and date copied; a rejected deliberation or another territory's adopts nothing, and nothing changes."""

import pytest
from django.urls import reverse

from conference import services as conference
from conference.models import PointOrdreDuJour
from politique import services as politique
from politique.rules import RegleError as RefusPolitique
from politique.rules import Transition as T
from tests.fixtures.conference import presences

VOTE = PointOrdreDuJour.Type.DELIBERATION


def _deliberation(monde, *, pour: int, contre: int):
    seance = monde.seance(points=[("Adoption de la CIA", VOTE)])
    conference.enregistrer_presences(seance, acteur=monde.staff, presences=presences(monde))
    return conference.enregistrer_vote(
        seance.points.get(), acteur=monde.staff, votants=7, pour=pour, contre=contre, abstention=7 - pour - contre
    )


def _cia_soumise(monde, epci=None):
    document = politique.creer_document(epci=epci or monde.epci, acteur=monde.staff, type="CIA", titre="CIA")
    version = document.versions.get()
    politique.changer_statut(version, acteur=monde.staff, action=T.SOUMETTRE)
    return version


def test_la_version_adoptee_cite_la_deliberation_votee(monde_conference):
    deliberation = _deliberation(monde_conference, pour=6, contre=0)
    version = _cia_soumise(monde_conference)
    politique.changer_statut(version, acteur=monde_conference.staff, action=T.ADOPTER, deliberation=deliberation)
    version.refresh_from_db()
    assert version.statut == "ADOPTE" and version.deliberation == deliberation
    assert version.deliberation_reference == f"Délibération n° {deliberation.numero}"
    assert version.date_adoption == version.deliberation_date == deliberation.date
    assert list(deliberation.versions_adoptees.all()) == [version]


@pytest.mark.parametrize("cas", ["rejetee", "autre_territoire"])
def test_une_deliberation_rejetee_ou_d_ailleurs_n_adopte_rien(monde_conference, cas):
    m = monde_conference
    if cas == "rejetee":
        deliberation, version, attendu = _deliberation(m, pour=1, contre=5), _cia_soumise(m), "a été rejetée"
    else:
        deliberation = _deliberation(m, pour=6, contre=0)
        version = politique.creer_document(
            epci=m.autre_epci, acteur=m.staff_autre, type="CIA", titre="CIA"
        ).versions.get()
        politique.changer_statut(version, acteur=m.staff_autre, action=T.SOUMETTRE)
        attendu = "celle d'un autre territoire"
    with pytest.raises(RefusPolitique, match=attendu):
        politique.changer_statut(version, acteur=m.staff, action=T.ADOPTER, deliberation=deliberation)
    version.refresh_from_db()
    assert version.statut == "SOUMIS" and version.deliberation is None and version.date_adoption is None


def test_la_page_propose_les_deliberations_adoptees_du_territoire_seulement(client, monde_conference):
    m = monde_conference
    adoptee, rejetee = _deliberation(m, pour=6, contre=0), _deliberation(m, pour=1, contre=5)
    version = _cia_soumise(m)
    client.force_login(m.staff)
    page = client.get(reverse("politique:version", args=[version.pk])).content.decode()
    assert f"n° {adoptee.numero} du {adoptee.date:%d/%m/%Y}" in page
    assert f"n° {rejetee.numero} du" not in page
