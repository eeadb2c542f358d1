"""Demo scoring: an adopted grid, a draft to simulate, every active demand scored (idempotent)."""

import datetime as dt
from io import StringIO
from types import SimpleNamespace

from demandes import demo_cotation
from demandes.models import Demande, Evenement, GrilleCotation

from .factories import creer_demande


def test_demo_cotation_rapide_et_idempotente(monde_demandes, django_assert_max_num_queries):
    for i in range(40):
        creer_demande(monde_demandes.guichet, nom=f"Demo{i}",
                      date_depot=dt.date(2020, 1, 1) + dt.timedelta(days=50 * i),
                      logement_actuel=["HEBERGE_TIERS", "SANS_ABRI", "LOCATAIRE_PRIVE"][i % 3])  # fmt: skip
    territoire = SimpleNamespace(
        epci=monde_demandes.epci, account=lambda username: SimpleNamespace(user=monde_demandes.staff)
    )
    out = StringIO()
    with django_assert_max_num_queries(60):
        cotees = demo_cotation.seed(territoire, stdout=out)
    actives = Demande.objects.actives().filter(epci=monde_demandes.epci)
    assert cotees == actives.count() == 40
    adoptee = GrilleCotation.objects.get(epci=monde_demandes.epci, statut="ADOPTEE")
    projet = GrilleCotation.objects.get(epci=monde_demandes.epci, statut="BROUILLON")
    assert adoptee.adoptee_par == monde_demandes.staff and adoptee.criteres.count() == len(demo_cotation.GRILLE_ADOPTEE)
    assert projet.copie_de == adoptee and projet.criteres.get(code="anciennete").points == 3
    assert actives.filter(score_grille=adoptee).count() == 40
    assert len(set(actives.values_list("score", flat=True))) > 10
    assert Evenement.objects.filter(type="COTATION").count() == 40  # a first score is a change
    assert "brouillon « Projet de grille 2027 »" in out.getvalue()
    assert demo_cotation.seed(territoire, stdout=out) == 0
    assert GrilleCotation.objects.filter(epci=monde_demandes.epci).count() == 2
