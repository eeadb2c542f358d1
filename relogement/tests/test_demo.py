"""The demo NPNRU operation on the real demo territory (reference data of Grenoble-Alpes-Métropole)."""

from io import StringIO

from django.db.models import Count

from attributions.models import DecisionCaleol
from relogement import demo, selectors
from relogement.models import MenageAReloger, Operation, Saisine, SeanceCommission, TransitionMenage


def test_demo_une_operation_npnru_deterministe_et_idempotente(territoire_demo):
    out = StringIO()
    assert demo.seed(territoire_demo, stdout=out) == 30
    assert "30 ménages" in out.getvalue()
    operation = Operation.objects.get(nom=demo.NOM_OPERATION)
    assert operation.type == "NPNRU" and operation.qpv is not None and operation.qpv.epci == territoire_demo.epci
    statuts = dict(MenageAReloger.objects.filter(operation=operation).values_list("statut").annotate(n=Count("pk")))
    assert statuts == dict(demo.ETAPES)
    ind = selectors.indicateurs_operation(operation)
    assert ind.nb_reloges_definitifs == 10
    assert 0 < ind.nb_hors_qpv < 10 and 0 < ind.nb_neuf_ou_recent < 10
    assert ind.propositions_par_menage > 1
    # each definitive relocation counts in objective A through a commission decision
    assert DecisionCaleol.objects.filter(relogement="ANRU", source="PLATEFORME").count() == 10
    assert TransitionMenage.objects.filter(menage__operation=operation).count() > 60
    assert any(a.username == "referent" for a in territoire_demo.accounts)
    assert Saisine.objects.filter(epci=territoire_demo.epci).count() == 2
    assert SeanceCommission.objects.get(epci=territoire_demo.epci).statut == "TENUE"
    references = list(
        MenageAReloger.objects.order_by("reference").values_list("reference", "nom", "ressources_mensuelles")
    )
    # idempotent
    assert demo.seed(territoire_demo, stdout=out) == 0
    assert MenageAReloger.objects.count() == 30
    # deterministic: the same households on a fresh run
    DecisionCaleol.objects.filter(source="PLATEFORME").delete()
    Saisine.objects.all().delete()
    SeanceCommission.objects.all().delete()
    MenageAReloger.objects.all().delete()
    demo.seed(territoire_demo, stdout=out)
    assert (
        list(MenageAReloger.objects.order_by("reference").values_list("reference", "nom", "ressources_mensuelles"))
        == references
    )
