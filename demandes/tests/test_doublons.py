"""The duplicate check and the search match hyphen, space, accent and case variants of a
name, on the name of use and on the birth name, and the results say which name matched."""

import datetime as dt

import pytest
from django.urls import reverse

from demandes import selectors

from .conftest import connecte
from .factories import creer_demande

NAISSANCE = dt.date(1988, 4, 12)


@pytest.fixture
def existante(monde):
    return creer_demande(
        monde.guichet, nom="Lefèvre-Audit", prenom="Amélie", nom_naissance="D'Almeida", date_naissance=NAISSANCE
    )


@pytest.mark.parametrize(
    ("nom", "prenom", "trouve"),
    [
        ("Lefèvre-Audit", "Amélie", True),
        ("LEFEVRE AUDIT", "AMELIE", True),
        ("lefevre  audit", "amelie", True),
        ("Lefèvre - Audit", "Amélie", True),
        ("D'ALMEIDA", "Amélie", True),  # the birth name
        ("D ALMEIDA", "amélie", True),
        ("Lefèvre", "Amélie", False),  # another name altogether
        ("Lefèvre-Audit", "Amélia", False),
    ],
)
def test_doublons_variantes_du_nom(monde, existante, nom, prenom, trouve):
    resultat = selectors.doublons(monde.epci.pk, nom, prenom, NAISSANCE)
    assert (existante in resultat) is trouve


def test_recherche_montre_le_nom_de_naissance(client, monde, existante):
    html = connecte(client, monde.agent).get(reverse("demandes:recherche"), {"q": "d almeida"}).content.decode()
    assert existante.numero_unique in html
    assert "nom de naissance : D&#x27;Almeida" in html or "nom de naissance : D'Almeida" in html
