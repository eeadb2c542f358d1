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


def test_demo_des_situations_bloquees(territoire_demo):
    """After the demands' demo (a demo delay of 24 months, the detection run), blocked priority households
    past the delay: two DALO, one flagged by the desk and decided, one flagged by a landlord."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    from demandes.models import DecisionDalo, DelaiAnormalementLong, DelaiDepasse, Evenement

    # the demands' seeder, through the registry seed_demo runs (settings.DEMO_SEEDERS), as seed_demo does
    seeder = import_string(next(chemin for chemin in settings.DEMO_SEEDERS if chemin.startswith("demandes.demo.")))
    seeder(territoire_demo, stdout=StringIO(), nombre=400)
    assert DelaiAnormalementLong.objects.get().mois == 24
    assert DelaiDepasse.objects.filter(demande__epci=territoire_demo.epci).count() > 10
    demo.seed(territoire_demo, stdout=StringIO())
    saisines = Saisine.objects.filter(epci=territoire_demo.epci, demande__isnull=False, menage__isnull=True)
    assert sorted(saisines.values_list("statut", flat=True)) == ["EXAMINEE", "RECUE"]
    examinee = saisines.get(statut="EXAMINEE")
    assert examinee.saisi_par.username == "agent" and examinee.decisions.get().type == "PROPOSITION"
    assert examinee.demande.delai_depasse and DecisionDalo.objects.filter(demande=examinee.demande).exists()
    assert Evenement.objects.filter(demande=examinee.demande, type="AVIS_COMMISSION").count() == 3
