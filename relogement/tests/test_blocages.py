"""Blocked situations: the list of demands past the abnormally long delay, the flag of a blocked household as a
referral of any demand to the commission for specific or blocked cases, its decision written back to the
demand's event log, and the refusals (another territory, a radiated demand)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from demandes import services as demandes_services
from demandes.models import DelaiAnormalementLong, DelaiDepasse, Evenement
from demandes.tests.factories import DemandeFactory
from relogement import services
from relogement.models import DecisionCommission, Saisine, SeanceCommission
from relogement.rules import RegleError

pytestmark = pytest.mark.django_db


@pytest.fixture
def blocages(monde_demandes):
    DelaiAnormalementLong.objects.create(
        departement="38", mois=24, date_debut=dt.date(2020, 1, 1), source="Arrêté préfectoral de test"
    )
    ancien = timezone.localdate() - dt.timedelta(days=365 * 3)
    g = monde_demandes.guichet
    demandes = {
        "dalo": DemandeFactory(guichet=g, date_depot=ancien, nom="Dalo", dalo=True, prioritaire=True),
        "simple": DemandeFactory(guichet=g, date_depot=ancien, nom="Simple"),
        "recente": DemandeFactory(guichet=g, nom="Recente"),
        "ailleurs": DemandeFactory(guichet=monde_demandes.guichet_autre, date_depot=ancien, nom="Ailleurs"),
    }
    demandes_services.detecter_delais_depasses()
    return demandes


def _saisir(client, user, epci, **donnees):
    client.force_login(user)
    valeurs = {"epci": epci.siren, "organisation": "Guichet", "motif": "BLOCAGE", "expose": "Aucune proposition."}
    valeurs.update(donnees)
    return client.post(reverse("relogement:saisine_nouvelle") + f"?epci={epci.siren}", valeurs)


def test_la_liste_des_demandes_en_delai_depasse(client, monde_demandes, blocages, django_assert_num_queries):
    client.force_login(monde_demandes.agent)
    url = reverse("relogement:blocages")
    client.get(url)  # warm the caches of the session
    with django_assert_num_queries(11):
        page = client.get(url, {"epci": monde_demandes.epci.siren})
    # the same number of queries with one more demand on the list (nothing row by row)
    DemandeFactory(
        guichet=monde_demandes.guichet2, date_depot=timezone.localdate() - dt.timedelta(days=900), nom="Autre"
    )
    demandes_services.detecter_delais_depasses()
    with django_assert_num_queries(11):
        assert len(client.get(url, {"epci": monde_demandes.epci.siren}).context["lignes"]) == 3
    DelaiDepasse.objects.filter(demande__nom="Autre").delete()
    texte = page.content.decode()
    assert page.status_code == 200
    assert blocages["dalo"].numero_unique in texte and blocages["simple"].numero_unique in texte
    assert blocages["recente"].numero_unique not in texte  # not past the delay
    assert blocages["ailleurs"].numero_unique not in texte  # another territory
    assert "DALO" in texte and "Signaler une situation bloquée" in texte
    lignes = {d.nom: d for d in page.context["lignes"]}
    assert lignes["Dalo"].dalo and lignes["Dalo"].nb_criteres == 1 and lignes["Simple"].nb_criteres == 0
    assert page.context["comptes"]["depassees"] == 2
    prioritaires = client.get(url, {"epci": monde_demandes.epci.siren, "prioritaires": "1"})
    assert [d.nom for d in prioritaires.context["lignes"]] == ["Dalo"]


def test_la_liste_et_ses_droits(client, monde_demandes, blocages):
    url = reverse("relogement:blocages")
    client.force_login(monde_demandes.outsider)  # an agent of the other territory
    page = client.get(url)
    assert page.status_code == 200 and blocages["dalo"].numero_unique not in page.content.decode()
    assert client.get(url, {"epci": monde_demandes.epci.siren}).status_code == 403
    for user in (monde_demandes.bailleur_user, monde_demandes.reservataire_user, monde_demandes.membre_cil):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(monde_demandes.staff)
    assert blocages["dalo"].numero_unique in client.get(url).content.decode()


def test_un_guichet_signale_puis_la_commission_decide(client, monde_demandes, blocages):
    demande = blocages["dalo"]
    reponse = _saisir(client, monde_demandes.agent, monde_demandes.epci, numero_unique=demande.numero_unique)
    saisine = Saisine.objects.get()
    assert reponse.status_code == 302 and saisine.demande == demande and saisine.menage is None
    assert saisine.saisi_par == monde_demandes.agent

    staff = monde_demandes.staff
    seance = services.creer_seance(epci=monde_demandes.epci, acteur=staff, date=timezone.localdate())
    client.force_login(staff)
    url = reverse("relogement:saisine", args=[saisine.pk])
    assert client.post(url, {"action": "inscrire", "inscription-seance": seance.pk}).status_code == 302
    client.post(url, {"action": "diagnostic", "diagnostic-date": "2026-11-02", "diagnostic-contenu": "Stable."})
    client.post(
        url,
        {
            "action": "decision",
            "decision-seance": seance.pk,
            "decision-type": "PROPOSITION",
            "decision-texte": "Recherche prioritaire chez tous les bailleurs.",
        },
    )
    saisine.refresh_from_db()
    assert saisine.statut == "EXAMINEE" and saisine.diagnostic.contenu == "Stable."
    avis = list(Evenement.objects.filter(demande=demande, type="AVIS_COMMISSION").order_by("date", "id"))
    assert [e.detail.get("decision") for e in avis] == [None, None, "PROPOSITION"]
    assert avis[-1].acteur == staff and avis[-1].detail["saisine_id"] == saisine.pk

    # the desk sees the outcome on the demand's page, and the referral
    client.force_login(monde_demandes.agent2)
    fiche = client.get(reverse("demandes:fiche", args=[demande.pk])).content.decode()
    assert "Proposition de logement à rechercher en priorité" in fiche
    assert "Recherche prioritaire chez tous les bailleurs." in fiche
    assert client.get(url).status_code == 200
    # the diagnosis stays with the secretariat and the referrer
    assert "Stable." not in client.get(url).content.decode()


def test_une_demande_d_un_autre_territoire_est_refusee(client, monde_demandes, blocages):
    ailleurs = blocages["ailleurs"]
    nb_evenements = Evenement.objects.count()
    with pytest.raises(RegleError, match="relève d'un autre territoire"):
        services.saisir_commission(
            epci=monde_demandes.epci,
            acteur=monde_demandes.staff,
            organisation="Métropole",
            motif="BLOCAGE",
            expose="x",
            demande=ailleurs,
        )
    # through the page: the agent does not see that demand at all
    reponse = _saisir(client, monde_demandes.agent, monde_demandes.epci, numero_unique=ailleurs.numero_unique)
    assert reponse.status_code == 400
    assert "Aucune demande que vous pouvez consulter ne porte ce numéro unique." in reponse.content.decode()
    # the other territory's agent cannot refer to this territory's commission
    reponse = _saisir(client, monde_demandes.outsider, monde_demandes.epci, numero_unique=ailleurs.numero_unique)
    assert reponse.status_code == 403
    assert not Saisine.objects.exists() and Evenement.objects.count() == nb_evenements


def test_une_demande_radiee_ne_peut_pas_etre_signalee(client, monde_demandes, blocages):
    demande = blocages["simple"]
    demandes_services.radier(demande, motif="RENONCIATION", acteur=monde_demandes.agent)
    nb_evenements = Evenement.objects.count()
    reponse = _saisir(client, monde_demandes.agent, monde_demandes.epci, numero_unique=demande.numero_unique)
    assert reponse.status_code == 400
    assert "est radiée" in reponse.content.decode()
    assert not Saisine.objects.exists() and Evenement.objects.count() == nb_evenements
    # and it leaves the list at the next detection
    demandes_services.detecter_delais_depasses()
    assert not DelaiDepasse.objects.filter(demande=demande).exists()


def test_bailleur_et_reservataire_signalent_aussi(client, monde_demandes, blocages):
    for user in (monde_demandes.bailleur_user, monde_demandes.reservataire_user):
        reponse = _saisir(client, user, monde_demandes.epci, numero_unique=blocages["simple"].numero_unique)
        assert reponse.status_code == 302
    assert Saisine.objects.filter(demande=blocages["simple"]).count() == 2
    # the landlord sees its own referral, not the other's; the other territory's agent sees neither
    client.force_login(monde_demandes.bailleur_user)
    mienne = Saisine.objects.get(saisi_par=monde_demandes.bailleur_user)
    autre = Saisine.objects.get(saisi_par=monde_demandes.reservataire_user)
    assert client.get(reverse("relogement:saisine", args=[mienne.pk])).status_code == 200
    assert client.get(reverse("relogement:saisine", args=[autre.pk])).status_code == 403
    client.force_login(monde_demandes.outsider)
    assert client.get(reverse("relogement:saisine", args=[mienne.pk])).status_code == 403


def test_decision_d_une_seance_d_un_autre_territoire_refusee(monde_demandes, blocages):
    saisine = services.saisir_commission(
        epci=monde_demandes.epci,
        acteur=monde_demandes.agent,
        organisation="Guichet",
        motif="BLOCAGE",
        expose="Bloqué.",
        demande=blocages["dalo"],
    )
    seance = SeanceCommission.objects.create(epci=monde_demandes.autre_epci, date=timezone.localdate())
    with pytest.raises(RegleError, match="autre territoire"):
        services.decider(saisine, acteur=monde_demandes.staff, seance=seance, type="PROPOSITION", texte="x")
    assert not DecisionCommission.objects.exists()
