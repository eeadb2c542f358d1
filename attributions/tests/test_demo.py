"""The demo year of allocations makes the dashboard meaningful at first start."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from attributions.models import DecisionCaleol
from attributions.selectors import calcule_objectifs_epci
from cil.models import Epci
from cil.services import import_referentiels
from core.models import User

pytestmark = pytest.mark.django_db


def test_demo_donne_des_objectifs_realistes_et_est_idempotente(client, settings):
    settings.DEMO_SEEDERS = ["attributions.demo.seed"]
    import_referentiels(only_epci="200040715")
    call_command("seed_demo", stdout=StringIO())
    total = DecisionCaleol.objects.count()
    assert total > 5000
    epci = Epci.objects.get(siren="200040715")
    resultat = calcule_objectifs_epci(epci, 2025)
    assert resultat["hors_qpv"]["base"] > 1000
    assert 0.15 < resultat["hors_qpv"]["taux"] < 0.35
    assert 0.45 < resultat["qpv"]["taux"] < 0.75
    assert len(resultat["reservataires"]) >= 10
    assert len(resultat["secteurs"]) == 5
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert DecisionCaleol.objects.count() == total
    assert "0 créées" in out.getvalue()
    client.force_login(User.objects.get(username="epci"))
    response = client.get(reverse("attributions:tableau_de_bord"), {"annee": "2025"})
    assert response.status_code == 200
    assert response.context["r"]["hors_qpv"]["base"] == resultat["hors_qpv"]["base"]
