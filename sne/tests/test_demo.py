"""The demo data of the national format (sne/demo.py) runs in seed_demo, twice without change."""

from io import StringIO

import pytest
from django.core.management import call_command

from attributions.models import DecisionCaleol
from cil.services import import_referentiels
from demandes.models import Demande
from sne.demo import NUD_ATTRIBUTION
from sne.exemples import NUD

pytestmark = pytest.mark.django_db


def test_demo_sne_idempotente(settings):
    settings.DEMO_SEEDERS = ["attributions.demo.seed", "sne.demo.seed"]
    import_referentiels(only_epci="200040715")
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Format national" in out.getvalue()
    assert Demande.objects.get(numero_national=NUD).statut == "ACTIVE"
    radiee = Demande.objects.get(numero_national=NUD_ATTRIBUTION)
    assert radiee.motif_radiation == "ATTRIBUTION"
    assert DecisionCaleol.objects.filter(numero_unique=radiee.numero_unique, reservataire_a_qualifier=True).count() == 1
    total = (Demande.objects.count(), DecisionCaleol.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Demande.objects.count(), DecisionCaleol.objects.count()) == total
