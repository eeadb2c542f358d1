"""The demo territory's State table reads plausibly: rates calibrated on published orders of magnitude, dwellings
with their details, and the older extract's unknown situations said."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from attributions.models import Logement
from cil.models import Epci
from cil.services import import_referentiels
from observatoire import etat

pytestmark = pytest.mark.django_db


def test_demo_du_tableau_de_l_etat(settings):
    settings.DEMO_SEEDERS = ["attributions.demo.seed"]
    import_referentiels(only_epci="200040715")
    call_command("seed_demo", stdout=StringIO())
    epci = Epci.objects.get(siren="200040715")
    t = etat.tableau_etat(epci, 2025, dt.date(2025, 12, 31), etat.Perimetre(entier=True))
    n = t.total.chiffres
    assert n["attributions"] > 1000
    assert 0.16 <= n["prioritaires"] / n["attributions"] <= 0.24
    assert 0.01 <= n["dalo"] / n["attributions"] <= 0.06
    assert 0.14 <= n["premier_quartile"] / n["attributions"] <= 0.20
    assert 0.03 <= n["sortants_hebergement"] / n["attributions"] <= 0.12
    assert 0.005 <= n["sans_abri"] / n["attributions"] <= 0.05
    assert 0 < n["prioritaires__qpv"] < n["prioritaires"]
    # the leases of 2025 that follow a decision of 2024 come from the 2024 extract: situation unknown
    assert 0 < t.total.inconnues["sans_abri"] < 0.15 * n["attributions"]
    # the 2024 extract predates the situation columns: said unknown
    t2024 = etat.tableau_etat(epci, 2024, dt.date(2024, 12, 31), etat.Perimetre(entier=True))
    assert t2024.total.inconnues["sans_abri"] == t2024.total.chiffres["attributions"] > 0
    # the demo dwellings have an address, a living area, a financing, a rent and a first letting
    logements = Logement.objects.filter(identifiant__startswith="DEMO-0")
    assert logements.count() > 5000
    assert not logements.filter(adresse="").exists()
    assert not logements.filter(surface=None).exists() and not logements.filter(loyer=None).exists()
    assert set(logements.values_list("financement", flat=True)) == {"PLAI", "PLUS", "PLS"}
    assert not logements.filter(date_premiere_location=None).exists()
