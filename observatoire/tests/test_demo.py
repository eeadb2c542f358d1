"""The demo produces the CIL's balance sheet of the last full year."""

import pytest

from observatoire.demo import ANNEE_DEMO
from observatoire.models import BilanAnnuel

pytestmark = pytest.mark.django_db


@pytest.mark.pdf
def test_la_demo_produit_le_bilan_de_la_cil(settings, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    from cil.services import import_referentiels

    settings.DEMO_SEEDERS = ["attributions.demo.seed", "observatoire.demo.seed"]
    import_referentiels(only_epci="200040715")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    bilan = BilanAnnuel.objects.get(annee=ANNEE_DEMO, kind=BilanAnnuel.Kind.CIL)
    assert bilan.statut == BilanAnnuel.Statut.PRET
    assert bilan.demande_par.username == "epci"
    call_command("seed_demo", stdout=StringIO())
    assert BilanAnnuel.objects.count() == 1
