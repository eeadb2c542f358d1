"""The adapted dwellings' demo: adapted dwellings (some freed), wheelchair users, the alert's case; idempotent."""

from io import StringIO

import pytest
from django.utils import timezone

from attributions.models import Logement, Vacance
from attributions.services import import_attributions
from attributions.vacances import adaptes, demo_adaptes
from attributions.vacances import demo as demo_flux
from cil.demo import build_demo_territory
from cil.services import import_referentiels
from demandes.models import Demande
from tests.fixtures.f1 import fichier_f1, ligne_f1

pytestmark = pytest.mark.django_db

ACTIS = "999900012"


def test_demo_des_logements_adaptes():
    import_referentiels(only_epci="200040715")
    territory = build_demo_territory()
    lignes = [
        ligne_f1(
            numero_unique=f"038-2024-{i:07d}",
            logement_id=f"DEMO-{i:05d}",
            bailleur_siren=ACTIS,
            typologie="T3" if i % 2 else "T2",
            date_decision=f"2025-{i % 12 + 1:02d}-05",
            date_bail=f"2025-{i % 12 + 1:02d}-25",
            reservataire_type="COMMUNE" if i % 2 else "ETAT",
            reservataire_id="38185" if i % 2 else "",
        )
        for i in range(12)
    ]
    import_attributions(contenu=fichier_f1(lignes), nom_fichier="demo.csv", recalculer=False)
    demo_flux.seed(territory, stdout=StringIO())
    out = StringIO()
    demo_adaptes.seed(territory, stdout=out)
    assert "4 logements décrits, 3 libérés, 7 demandeurs (dont 4 en fauteuil roulant)" in out.getvalue()
    assert Logement.objects.filter(accessible_pmr=True).count() == 2
    jour = timezone.localdate()
    ouvertes = adaptes.vacances_adaptees(Vacance.objects.all())
    assert ouvertes.count() == 3
    # the wheelchair-accessible dwelling freed has wheelchair users waiting for it
    fauteuil = ouvertes.get(logement__niveau_accessibilite="FAUTEUIL")
    assert any(d.accessibilite_pmr for d in adaptes.demandeurs_qui_en_ont_besoin(fauteuil, jour=jour))
    # the alert's case: candidates designated who need nothing, while households who do wait
    alerte = ouvertes.get(logement__niveau_accessibilite="MOBILITE_REDUITE")
    assert alerte.statut == Vacance.Statut.CANDIDATS_DESIGNES
    assert "ménage" in adaptes.alerte(alerte, jour=jour)
    nb = Demande.objects.count()
    demo_adaptes.seed(territory, stdout=StringIO())
    assert Demande.objects.count() == nb and adaptes.vacances_adaptees(Vacance.objects.all()).count() == 3
