"""The flows demo: agreements, let vacancies matching the demo's leases, vacancies in progress; idempotent."""

import datetime as dt
from io import StringIO

import pytest

from attributions.models import Candidature, ConventionReservation, DecisionCaleol, SeanceCaleol, Vacance
from attributions.services import import_attributions
from attributions.vacances import demo as demo_flux
from attributions.vacances.flux import rapport_flux
from cil.demo import build_demo_territory
from cil.services import import_referentiels
from tests.fixtures.f1 import fichier_f1, ligne_f1

from .fabrique import creer_demande, enfant

pytestmark = pytest.mark.django_db

ACTIS = "999900012"


def _lignes():
    """A small F1 year for Actis in Grenoble (the full demo takes half a minute; its shape is the same)."""
    reservataires = [("ETAT", ""), ("ACTION_LOGEMENT", ""), ("COMMUNE", "38185"), ("BAILLEUR", "")]
    lignes = []
    for i in range(12):
        type_, code = reservataires[i % 4]
        lignes.append(
            ligne_f1(
                numero_unique=f"038-2024-{i:07d}",
                logement_id=f"DEMO-{i:05d}",
                bailleur_siren=ACTIS,
                typologie="T3" if i % 2 else "T2",
                date_decision=f"2025-{i % 12 + 1:02d}-05",
                date_bail=f"2025-{i % 12 + 1:02d}-25",
                reservataire_type=type_,
                reservataire_id=code,
                mutation=1 if type_ == "BAILLEUR" and i < 4 else 0,
            )
        )
    return lignes


def test_demo_des_flux(django_assert_max_num_queries):
    import_referentiels(only_epci="200040715")
    territory = build_demo_territory()
    import_attributions(contenu=fichier_f1(_lignes()), nom_fichier="demo.csv", recalculer=False)
    guichet = next(g for g in territory.guichets if g.enregistreur)
    monde = {"guichet": guichet, "communes": territory.communes}
    demandes = [
        creer_demande(
            monde, f"Demo{i}", date_depot=dt.date(2022, 1, 1 + i), typologies=["T2", "T3"],
            membres=[enfant("Jade", dt.date(2018, 5, 4))],
        )
        for i in range(4)
    ]  # fmt: skip
    out = StringIO()
    demo_flux.seed(territory, stdout=out)
    assert "conventions" in out.getvalue()
    actis = territory.bailleur(ACTIS)
    assert Vacance.objects.filter(statut="BAIL_SIGNE").count() == DecisionCaleol.objects.exclude(date_bail=None).count()
    blocs = {b.perimetre: b for b in rapport_flux(actis, 2025)}
    departement = blocs["Département 38"]
    assert (departement.mis_en_location, departement.deduits, departement.base) == (12, 1, 11)
    etat = next(ligne for ligne in departement.lignes if ligne["reservataire"].type == "ETAT")
    assert (etat["livre"], etat["du"]) == (3, 11 * etat["part"])
    en_cours = Vacance.objects.exclude(statut="BAIL_SIGNE").order_by("statut")
    assert sorted(v.statut for v in en_cours) == ["DECLAREE", "EN_COMMISSION", "ORIENTEE"]
    seance = SeanceCaleol.objects.get()
    assert seance.bailleur == actis and seance.date > dt.date.today()
    # the three oldest matching demands are designated and put on the session's agenda
    assert list(Candidature.objects.order_by("rang_propose").values_list("demande_id", flat=True)) == [
        d.pk for d in demandes[:3]
    ]
    assert set(Candidature.objects.values_list("seance", flat=True)) == {seance.pk}
    nb = ConventionReservation.objects.count()
    demo_flux.seed(territory, stdout=StringIO())
    assert ConventionReservation.objects.count() == nb and Vacance.objects.count() == 12 + 3
