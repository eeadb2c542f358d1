"""Demo scoring on the real demo territory: an adopted grid, a draft to simulate, every active demand scored."""

from io import StringIO

import pytest

from cil.demo import build_demo_territory
from cil.services import import_referentiels
from demandes import demo, demo_cotation
from demandes.models import Demande, Evenement, GrilleCotation


@pytest.fixture
def territoire(db):
    import_referentiels(only_epci="200040715")
    territory = build_demo_territory()
    demo.seed(territory, nombre=300)
    return territory


def test_demo_cotation_rapide_et_idempotente(territoire, django_assert_max_num_queries):
    out = StringIO()
    with django_assert_max_num_queries(120):
        cotees = demo_cotation.seed(territoire, stdout=out)
    actives = Demande.objects.actives().filter(epci=territoire.epci)
    assert cotees == actives.count() > 200
    adoptee = GrilleCotation.objects.get(epci=territoire.epci, statut="ADOPTEE")
    projet = GrilleCotation.objects.get(epci=territoire.epci, statut="BROUILLON")
    assert projet.copie_de == adoptee and projet.criteres.get(code="anciennete").points == 3
    assert actives.filter(score_grille=adoptee).count() == cotees
    assert actives.filter(score__gt=0).exists() and len(set(actives.values_list("score", flat=True))) > 10
    assert Evenement.objects.filter(type="COTATION").count() == cotees  # a first score is a change
    assert "brouillon « Projet de grille 2027 »" in out.getvalue()
    assert demo_cotation.seed(territoire, stdout=out) == 0
    assert GrilleCotation.objects.filter(epci=territoire.epci).count() == 2
