"""Blocked situations across three territories: the list of demands past the abnormally long delay, the
referrals and their pages stay within each territory; referring another territory's demand is refused and
writes nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from demandes.models import DelaiAnormalementLong, Demande, Evenement
from demandes.services import detecter_delais_depasses
from relogement import services
from relogement.models import Saisine
from relogement.rules import RegleError

from .conftest import connecte

pytestmark = pytest.mark.django_db


@pytest.fixture
def bloquees(monde_hostile):
    for t in monde_hostile.territoires:
        DelaiAnormalementLong.objects.create(
            departement=t.commune.departement, mois=12, date_debut=dt.date(2020, 1, 1), source="Arrêté de test"
        )
        Demande.objects.filter(pk=t.demande.pk).update(date_depot=dt.date(2022, 1, 3))
    detecter_delais_depasses()
    return {
        t.code: services.saisir_commission(
            epci=t.epci, acteur=t["agent"], organisation="Guichet", motif="BLOCAGE", expose="Bloqué.", demande=t.demande
        )
        for t in monde_hostile.territoires
    }


@pytest.mark.parametrize("role", ["agent", "epci"])
def test_chacun_ne_liste_que_son_territoire(client, monde_hostile, bloquees, role):
    for t in monde_hostile.territoires:
        connecte(client, t[role])
        page = client.get(reverse("relogement:blocages"))
        assert [d.pk for d in page.context["lignes"]] == [t.demande.pk]
        for autre in monde_hostile.autres(t):
            assert client.get(reverse("relogement:blocages"), {"epci": autre.epci.siren}).status_code == 403
            assert autre.demande.numero_unique not in page.content.decode()


@pytest.mark.parametrize("role", ["agent", "epci", "bailleur", "reservataire"])
def test_personne_ne_voit_ni_ne_saisit_pour_un_autre_territoire(client, monde_hostile, bloquees, role):
    val, mont = monde_hostile.val, monde_hostile.mont
    connecte(client, mont[role])
    assert client.get(reverse("relogement:saisine", args=[bloquees["val"].pk])).status_code == 403
    avant = (Saisine.objects.count(), Evenement.objects.count())
    # their own territory's commission, another territory's demand: unknown to them
    reponse = client.post(
        reverse("relogement:saisine_nouvelle") + f"?epci={mont.epci.siren}",
        {"numero_unique": val.demande.numero_unique, "organisation": "X", "motif": "BLOCAGE", "expose": "x"},
    )
    assert reponse.status_code == 400
    # the other territory's commission: refused
    reponse = client.post(
        reverse("relogement:saisine_nouvelle") + f"?epci={val.epci.siren}",
        {"epci": val.epci.siren, "numero_unique": val.demande.numero_unique, "motif": "BLOCAGE", "expose": "x"},
    )
    assert reponse.status_code == 403
    assert (Saisine.objects.count(), Evenement.objects.count()) == avant


def test_le_service_refuse_la_demande_d_un_autre_territoire(monde_hostile, bloquees):
    val, mont = monde_hostile.val, monde_hostile.mont
    avant = (Saisine.objects.count(), Evenement.objects.count())
    with pytest.raises(RegleError, match="relève d'un autre territoire"):
        services.saisir_commission(
            epci=mont.epci, acteur=mont["epci"], organisation="X", motif="BLOCAGE", expose="x", demande=val.demande
        )
    assert (Saisine.objects.count(), Evenement.objects.count()) == avant
