"""The exchange bourse's demo: a proposed pair half accepted and a three-way cycle; idempotent."""

from io import StringIO

import pytest

from attributions.echanges import demo, selectors
from attributions.models import Echange, Logement, OffreEchange
from cil.demo import SIREN_ACTIS, SIREN_GRENOBLE_HABITAT, build_demo_territory
from cil.services import import_referentiels

pytestmark = pytest.mark.django_db


def test_demo_de_la_bourse():
    import_referentiels(only_epci="200040715")
    territory = build_demo_territory()
    communes = sorted(territory.communes.values(), key=lambda c: c.code_insee)[:6]
    n = 0
    for siren, typologies in [(SIREN_ACTIS, ["T3", "T4"]), (SIREN_GRENOBLE_HABITAT, ["T2", "T3", "T5"])]:
        for typologie in typologies:
            n += 1
            Logement.objects.create(
                identifiant=f"DEMO-{n:03d}",
                bailleur=territory.bailleur(siren),
                commune=communes[n % 6],
                epci=territory.epci,
                typologie=typologie,
            )
    out = StringIO()
    demo.seed(territory, stdout=out)
    assert "5 locataires" in out.getvalue()
    assert OffreEchange.objects.count() == 5
    echange = Echange.objects.get()
    assert echange.statut == "PROPOSE"
    assert list(echange.participations.order_by("rang").values_list("reponse", flat=True)) == ["", "ACCEPTE"]
    trouves = selectors.appariements(territory.epci.pk)
    assert [len(m.offres) for m in trouves] == [3]
    demo.seed(territory, stdout=out)
    assert OffreEchange.objects.count() == 5
