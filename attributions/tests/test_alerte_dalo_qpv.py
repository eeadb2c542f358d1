"""Platform decision 14: a warning (never a block) when a DALO household in a precarious situation is proposed for
a dwelling in a QPV; the pure predicate from a table of cases, then the candidates' screen."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from attributions import rules
from attributions.models import ParametreAttribution
from demandes import services as demandes_services

from .fabrique import creer_demande, enfant
from .test_flux_pages import monde_vacances  # noqa: F401  (the fixture)


@pytest.mark.parametrize(
    ("active", "dalo", "en_qpv", "precaire", "alerte"),
    [
        (True, True, True, True, True),
        (True, True, True, False, False),  # DALO but not precarious
        (True, True, False, True, False),  # outside any QPV
        (True, False, True, True, False),  # precarious, not DALO
        (False, True, True, True, False),  # the territory turned the warning off
        (True, False, False, False, False),
    ],
)
def test_alerte_dalo_precaire_qpv(active, dalo, en_qpv, precaire, alerte):
    assert rules.alerte_dalo_precaire_qpv(active=active, dalo=dalo, en_qpv=en_qpv, precaire=precaire) is alerte


@pytest.mark.parametrize(
    ("premier_quartile", "pro", "logement", "precaire"),
    [
        (True, "CDI", "LOCATAIRE_PRIVE", True),  # first quartile: social precariousness
        (None, "DEMANDEUR_EMPLOI", "LOCATAIRE_PRIVE", True),
        (False, "SANS_ACTIVITE", "LOCATAIRE_HLM", True),
        (False, "CDD", "LOCATAIRE_PRIVE", True),
        (False, "CDI", "SANS_ABRI", True),
        (False, "CDI", "HOTEL", True),
        (False, "CDI", "STRUCTURE", True),
        (False, "RETRAITE", "HEBERGE_TIERS", True),
        (False, "CDI", "LOCATAIRE_PRIVE", False),
        (None, "RETRAITE", "PROPRIETAIRE", False),  # quartile unknown is not a first quartile
    ],
)
def test_est_precaire(premier_quartile, pro, logement, precaire):
    assert (
        rules.est_precaire(premier_quartile=premier_quartile, situation_professionnelle=pro, logement_actuel=logement)
        is precaire
    )


@pytest.mark.django_db
def test_l_ecran_des_candidats_avertit_sans_bloquer(client, monde_vacances):  # noqa: F811
    m = monde_vacances
    un_enfant = [enfant("Lou", dt.date(2018, 5, 1))]
    dalo = creer_demande(
        m, "Precaire", date_depot=dt.date(2020, 1, 1), membres=un_enfant, situation_professionnelle="DEMANDEUR_EMPLOI"
    )
    demandes_services.enregistrer_dalo(dalo, date_decision=dt.date(2024, 1, 1), commission="COMED", acteur=None)
    stable = creer_demande(m, "Stable", date_depot=dt.date(2020, 1, 2), membres=un_enfant, ressources="4000")
    demandes_services.enregistrer_dalo(stable, date_decision=dt.date(2024, 1, 1), commission="COMED", acteur=None)
    troisieme = creer_demande(
        m, "Troisieme", date_depot=dt.date(2020, 1, 3), membres=un_enfant, situation_professionnelle="CDD"
    )
    client.force_login(m["staff"]["ville"])
    url = reverse("attributions:vacance_candidats", args=[m["v_ville"].pk])
    page = client.get(url)
    assert page.status_code == 200
    alertes = {c.demande.nom: c.alerte_qpv for c in page.context["candidats"]}
    assert alertes["Precaire"] == rules.ALERTE_DALO_QPV and alertes["Stable"] is None
    assert alertes["Troisieme"] is None  # precarious but not DALO
    assert "circulaire du 18 décembre 2023" in page.content.decode()
    # the same household for the dwelling outside any QPV: no warning
    client.force_login(m["staff"]["al"])
    hors_qpv = client.get(reverse("attributions:vacance_candidats", args=[m["v_al"].pk]))
    assert all(c.alerte_qpv is None for c in hors_qpv.context["candidats"])
    # never a block: the designation goes through, and the vacancy's page warns again
    client.force_login(m["staff"]["ville"])
    assert client.post(url, {"demande": [dalo.pk, stable.pk, troisieme.pk]}).status_code == 302
    detail = client.get(reverse("attributions:vacance", args=[m["v_ville"].pk]))
    assert [c.alerte_qpv is not None for c in detail.context["candidatures"]] == [True, False, False]
    # the territory may turn it off (its own dated row, with its source)
    ParametreAttribution.objects.create(
        code="ALERTE_DALO_QPV", valeur=Decimal(0), epci=m["epci"], date_debut=dt.date(2025, 1, 1), source="CIA"
    )
    detail = client.get(reverse("attributions:vacance", args=[m["v_ville"].pk]))
    assert [c.alerte_qpv for c in detail.context["candidatures"]] == [None, None, None]
