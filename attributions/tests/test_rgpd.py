"""Retention (docs/droit/regles.md, platform decision 13): anonymising radiated demands leaves the counted allocations
and the objectives of past years exactly as they were, and erases the commission's free texts."""

import datetime as dt

import pytest

from attributions.models import Candidature, DecisionCaleol
from attributions.selectors import calcule_objectifs_epci
from demandes.models import Demande
from demandes.services_rgpd import purger_demandes_radiees

from .fabrique import construire_monde
from .test_flux_parcours import parcours_plateforme

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde(territoire):
    return construire_monde(territoire)


def test_objectifs_passes_inchanges_apres_la_purge(monde, django_capture_on_commit_callbacks):
    (d1, d2, d3, d4), _ = parcours_plateforme(monde)
    Candidature.objects.filter(demande=d3).update(motif_decision="Ménage suivi par l'ASE, dette apurée")
    epci = monde["epci"]
    avant = calcule_objectifs_epci(epci, 2025)
    decisions_avant = list(DecisionCaleol.objects.order_by("pk").values())
    assert avant["mutations"]["base"] >= 2 and avant["prioritaires"]["dalo"] == 1  # d3, d4 and more counted

    # the leases of d3 and d4 were signed in 2025: radiated for allocation more than a year before this day
    jour = dt.date(2026, 9, 1)
    with django_capture_on_commit_callbacks(execute=True):
        rapport = purger_demandes_radiees(today=jour)
    assert sorted(rapport["numeros"]) == sorted([d3.numero_unique, d4.numero_unique])
    assert rapport["compteurs"]["candidatures_textes_libres"] == 1

    assert calcule_objectifs_epci(epci, 2025) == avant
    assert list(DecisionCaleol.objects.order_by("pk").values()) == decisions_avant
    assert Candidature.objects.get(demande=d3).motif_decision == ""
    assert Demande.objects.get(pk=d3.pk).nom == "ANONYMISÉE"
    # not radiated (refused, not allocated): untouched
    assert Demande.objects.get(pk=d2.pk).nom == "Bernard"
    assert Candidature.objects.get(demande=d2).motif_decision == "Typologie inadaptée au projet"


def test_pas_de_purge_avant_un_an(monde):
    (_d1, _d2, d3, _d4), _ = parcours_plateforme(monde)
    rapport = purger_demandes_radiees(today=dt.date(2026, 3, 31), dry_run=False)
    assert rapport["numeros"] == []
    assert Demande.objects.get(pk=d3.pk).nom == "Petit"


def test_les_candidats_lus_sur_la_page_du_logement_sont_journalises(client, monde):
    from django.urls import reverse

    from demandes.models import JournalConsultation

    (d1, d2, d3, _d4), (v1, _v2) = parcours_plateforme(monde)
    lecteur = monde["staff"]["bailleur"]
    client.force_login(lecteur)
    assert client.get(reverse("attributions:vacance", args=[v1.pk])).status_code == 200
    lues = set(JournalConsultation.objects.filter(utilisateur=lecteur).values_list("demande_id", "canal"))
    assert lues == {(d1.pk, "PAGE"), (d2.pk, "PAGE"), (d3.pk, "PAGE")}
