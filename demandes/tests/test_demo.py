"""Demo demands on the real demo territory (reference data of Grenoble-Alpes-Métropole)."""

from io import StringIO

from demandes import demo
from demandes.models import Demande, Evenement, MembreMenage


def test_demo_deterministe_rapide_et_idempotente(territoire_demo, django_assert_max_num_queries):
    out = StringIO()
    # about 80 for the demands (81 on SQLite: its parameter limit splits the demands' INSERT into batches, one
    # more since the disability columns, docs/logements_adaptes.md), plus a fixed dozen: the département's
    # abnormally long delay and its detection, and the two new columns of the household (national number, custody)
    with django_assert_max_num_queries(95):
        assert demo.seed(territoire_demo, stdout=out, nombre=400) == 400
    assert "400 demandes" in out.getvalue()
    assert Demande.objects.filter(epci=territoire_demo.epci).count() == 400
    assert Evenement.objects.filter(type="ENREGISTREMENT").count() == 400
    assert MembreMenage.objects.exists()
    numeros = list(Demande.objects.values_list("numero_unique", flat=True))
    assert len(set(numeros)) == 400 and all(n.startswith("038-") for n in numeros)
    assert Demande.objects.filter(statut="RADIEE").exclude(motif_radiation="").exists()
    premiers = sorted(Demande.objects.values_list("nom", "prenom", "date_naissance"))[:5]
    # idempotent
    assert demo.seed(territoire_demo, stdout=out, nombre=400) == 0
    assert Demande.objects.count() == 400
    # deterministic: the same applicants again on a fresh territory
    Demande.objects.all().delete()
    demo.seed(territoire_demo, stdout=out, nombre=400)
    assert sorted(Demande.objects.values_list("nom", "prenom", "date_naissance"))[:5] == premiers
