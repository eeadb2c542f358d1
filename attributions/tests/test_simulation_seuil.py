"""Simulation of next year's first-quartile threshold from the demands active on 31 December."""

import datetime as dt
from decimal import Decimal

import pytest

from attributions.selectors import simule_seuil
from cil.models import Commune, Guichet
from demandes import services as demandes_services
from demandes.tests.factories import creer_demande

pytestmark = pytest.mark.django_db


@pytest.fixture
def guichet(territoire_minimal):
    return Guichet.objects.create(
        epci=territoire_minimal["epci"], nom="Accueil", niveau=2, enregistreur=True, adresse="1 place",
        commune=Commune.objects.get(code_insee="38185"),
    )  # fmt: skip


def salaire(montant, membre=None):
    return {"membre_index": membre, "nature": "SALAIRE", "montant_mensuel": Decimal(montant)}


def test_seuil_simule_est_le_quartile_des_ressources_par_uc(guichet, territoire_minimal):
    depot = dt.date(2025, 3, 1)
    # one person: resources per UC = monthly x 12
    for montant in ["500", "700", "900", "1100", "1300", "1500", "1700"]:
        creer_demande(guichet, date_depot=depot, ressources=[salaire(montant)])
    # a couple with a child aged 13 on 31/12/2025 and one aged 14: UC = 1 + 0.5 + 0.5 + 0.3 = 2.3
    creer_demande(
        guichet,
        date_depot=depot,
        membres=[
            {"lien": "CO_TITULAIRE", "nom": "A", "prenom": "B", "date_naissance": dt.date(1985, 1, 1)},
            {"lien": "ENFANT", "nom": "A", "prenom": "C", "date_naissance": dt.date(2012, 1, 1)},
            {"lien": "ENFANT", "nom": "A", "prenom": "D", "date_naissance": dt.date(2012, 12, 31)},
        ],
        # 1,150 a month, housing benefit not counted: 13,800 / 2.3 = 6,000 a year per UC
        ressources=[salaire("1000"), salaire("150", 0), {"membre_index": None, "nature": "AIDE_LOGEMENT",
                                                         "montant_mensuel": Decimal("400")}],
    )  # fmt: skip
    # not active on 31 December: filed after, or radiated before
    creer_demande(guichet, date_depot=dt.date(2026, 1, 10), ressources=[salaire("100")])
    radiee = creer_demande(guichet, date_depot=depot, ressources=[salaire("150")])
    demandes_services.radier(radiee, "RENONCIATION", acteur=None, jour=dt.date(2025, 6, 1))
    # radiated after 31 December: still active on that day
    plus_tard = creer_demande(guichet, date_depot=depot, ressources=[salaire("1900")])
    demandes_services.radier(plus_tard, "RENONCIATION", acteur=None, jour=dt.date(2026, 2, 1))

    simulation = simule_seuil(territoire_minimal["epci"], 2025)
    assert simulation.annee_cible == 2026
    assert simulation.date_reference == dt.date(2025, 12, 31)
    assert simulation.nb_demandes == 9
    # ascending: 6000, 6000 (500x12), 8400, 10800, ... -> rank ceil(9/4) = 3 -> 8,400
    assert simulation.seuil_simule == Decimal("8400.00")


def test_sans_demande_pas_de_seuil(territoire_minimal):
    simulation = simule_seuil(territoire_minimal["epci"], 2025, jour=dt.date(2025, 6, 30))
    assert simulation.nb_demandes == 0
    assert simulation.seuil_simule is None
    assert simulation.date_reference == dt.date(2025, 6, 30)


def test_instantane_et_tableau_de_bord_montrent_la_simulation(guichet, territoire_minimal, client):
    from django.urls import reverse

    from attributions.services import enregistrer_instantane
    from cil.models import Membership
    from core.models import User
    from core.roles import Role

    for montant in ["800", "900", "1000", "1100"]:
        creer_demande(guichet, date_depot=dt.date(2025, 1, 5), ressources=[salaire(montant)])
    instantane = enregistrer_instantane(
        epci=territoire_minimal["epci"], annee=2025, declencheur="DEMANDE", jour=dt.date(2026, 1, 15)
    )
    assert instantane.resultat["simulation_seuil"]["seuil_simule"] == 9600.0
    assert instantane.resultat["simulation_seuil"]["nb_demandes"] == 4
    user = User.objects.create_user(username="epci-staff", password="x")
    Membership.objects.create(user=user, role=Role.EPCI, epci=territoire_minimal["epci"])
    client.force_login(user)
    response = client.get(reverse("attributions:tableau_de_bord"), {"annee": "2025"})
    assert "Simulation du seuil 2026" in response.content.decode()
    assert "9600" in response.content.decode()
