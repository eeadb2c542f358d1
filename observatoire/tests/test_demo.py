"""The demo produces the CIL's balance sheet of the last full year."""

import pytest

from cil.models import ClassementQuartiers
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
    # the neighbourhood index: classified at the end of the year and today, at least one neighbourhood per class
    classements = list(ClassementQuartiers.objects.order_by("jour"))
    assert [c.jour.year for c in classements][0] == ANNEE_DEMO and len(classements) == 2
    resultats = classements[-1].resultats.all()
    assert {r.classe_libelle for r in resultats} == {"vigilance", "équilibre", "attractif"}
    assert all(r.score is not None for r in resultats)
    call_command("seed_demo", stdout=StringIO())
    assert BilanAnnuel.objects.count() == 1
    assert ClassementQuartiers.objects.count() == 2


def test_la_demo_calcule_les_indicateurs(settings, client):
    from io import StringIO

    from django.core.management import call_command

    from cil.services import import_referentiels
    from core.models import User
    from observatoire.indicateurs import valeurs_par_commune
    from observatoire.models import CalculIndicateurs, Indicateur, IndicateurTerritoire

    settings.DEMO_SEEDERS = ["demandes.demo.seed", "attributions.demo.seed", "observatoire.demo.seed"]
    import_referentiels(only_epci="200040715")
    call_command("seed_demo", stdout=StringIO())
    calcul = CalculIndicateurs.objects.get(annee=ANNEE_DEMO)
    figures = IndicateurTerritoire.objects.filter(calcul=calcul, niveau="EPCI", cle="", detail="", typologie="")
    valeurs = dict(figures.filter(bailleur=None, reservataire=None).values_list("indicateur", "valeur"))
    for indicateur in (Indicateur.DEMANDES_EN_COURS, Indicateur.ATTRIBUTIONS, Indicateur.DELAI_MEDIAN):
        assert valeurs.get(indicateur), indicateur
    assert valeurs_par_commune(calcul.epci, ANNEE_DEMO, Indicateur.PRESSION)
    client.force_login(User.objects.get(username="epci"))
    r = client.get(f"/observatoire/indicateurs/{calcul.epci.siren}/{ANNEE_DEMO}/")
    assert r.status_code == 200 and r.context["lignes"]
