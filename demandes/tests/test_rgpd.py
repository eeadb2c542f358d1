"""GDPR services of the demands (docs/droit/regles.md, platform decision 13): read log, appraisals at the allocation,
retention report, access export."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from demandes import services
from demandes.models import Evenement, JournalConsultation, RendezVous
from demandes.services_rgpd import (
    demandes_a_anonymiser,
    donnees_personnelles,
    enregistrer_consultation,
    enregistrer_consultation_liste,
    fin_conservation,
)
from demandes.tests.factories import creer_demande

pytestmark = pytest.mark.django_db


def _rdv_avec_compte_rendu(demande, monde, texte="Dette locative, suivi par l'assistante sociale"):
    rdv = services.prendre_rendez_vous(
        demande,
        guichet=monde.guichet,
        debut=timezone.now() - dt.timedelta(days=3),
        objet="ENTRETIEN",
        acteur=monde.agent,
    )
    return services.cloturer_rendez_vous(rdv, statut="HONORE", acteur=monde.agent, compte_rendu=texte)


def test_appreciations_effacees_a_l_attribution(monde, demande):
    rdv = _rdv_avec_compte_rendu(demande, monde)
    services.radier(demande, "ATTRIBUTION", acteur=monde.agent)
    assert RendezVous.objects.get(pk=rdv.pk).compte_rendu == ""
    evenement = Evenement.objects.get(demande=demande, type="EFFACEMENT")
    assert evenement.detail["effaces"] == {"rendez_vous_comptes_rendus": 1}


def test_appreciations_conservees_si_suivi_social(monde, demande):
    rdv = _rdv_avec_compte_rendu(demande, monde)
    demande.suivi_social_en_cours = True
    demande.save(update_fields=["suivi_social_en_cours"])
    services.radier(demande, "ATTRIBUTION", acteur=monde.agent)
    assert RendezVous.objects.get(pk=rdv.pk).compte_rendu.startswith("Dette locative")
    assert Evenement.objects.get(demande=demande, type="EFFACEMENT").detail == {"conservees": True}


def test_autres_radiations_n_effacent_pas_les_appreciations(monde, demande):
    rdv = _rdv_avec_compte_rendu(demande, monde)
    services.radier(demande, "RENONCIATION", acteur=monde.agent)
    assert RendezVous.objects.get(pk=rdv.pk).compte_rendu != ""
    assert not Evenement.objects.filter(demande=demande, type="EFFACEMENT").exists()


def test_journal_une_ligne_par_territoire_pour_une_liste(monde):
    d1 = creer_demande(monde.guichet, acteur=monde.agent, nom="Un")
    creer_demande(monde.guichet2, acteur=monde.agent, nom="Deux")
    d3 = creer_demande(monde.guichet_autre, acteur=None, nom="Trois")
    from demandes.models import Demande

    n = enregistrer_consultation_liste(
        utilisateur=monde.admin, objet="LISTE", canal="API", demandes=Demande.objects.all()
    )
    assert n == 2
    comptes = dict(JournalConsultation.objects.values_list("epci_id", "nombre"))
    assert comptes == {d1.epci_id: 2, d3.epci_id: 1}


def test_journal_refuse_un_objet_inconnu(monde, demande):
    from demandes.rules import DomainError

    with pytest.raises(DomainError):
        enregistrer_consultation(utilisateur=monde.agent, objet="TOUT", canal="PAGE", demande=demande)
    assert enregistrer_consultation(utilisateur=None, objet="DEMANDE", canal="PAGE", demande=demande) is None
    assert not JournalConsultation.objects.exists()


def test_fin_de_conservation_et_selection(monde):
    today = timezone.localdate()
    vieille = creer_demande(monde.guichet, acteur=monde.agent, nom="Vieille", date_depot=today - dt.timedelta(days=800))
    services.radier(vieille, "RENONCIATION", acteur=monde.agent, jour=dt.date(2024, 2, 29))
    vieille.refresh_from_db()
    assert fin_conservation(vieille, today) == dt.date(2025, 2, 28)
    assert list(demandes_a_anonymiser(dt.date(2025, 2, 27))) == []
    assert list(demandes_a_anonymiser(dt.date(2025, 2, 28))) == [vieille]


def test_donnees_personnelles_du_demandeur(monde, demande):
    donnees = donnees_personnelles(demande)
    assert donnees["demande"]["nom"] == demande.nom
    assert donnees["demande"]["email"] == demande.email
    assert donnees["ressources"] and donnees["statuts"] is not None
    assert {e["type"] for e in donnees["evenements"]} >= {"ENREGISTREMENT"}


def test_page_de_la_demande_propose_l_export_au_personnel_epci_seulement(client, monde, demande):
    url = reverse("demandes:fiche", args=[demande.pk])
    client.force_login(monde.staff)
    assert reverse("demandes:export_acces", args=[demande.pk]) in client.get(url).content.decode()
    client.force_login(monde.agent)
    assert reverse("demandes:export_acces", args=[demande.pk]) not in client.get(url).content.decode()


def test_une_demande_anonymisee_ne_se_reactive_pas(monde):
    from demandes.models import Demande
    from demandes.rules import DomainError
    from demandes.services_rgpd import purger_demandes_radiees

    today = timezone.localdate()
    d = creer_demande(monde.guichet, acteur=monde.agent, nom="Partie", date_depot=today - dt.timedelta(days=500))
    services.radier(d, "RENONCIATION", acteur=monde.agent, jour=today - dt.timedelta(days=10))
    purger_demandes_radiees(today=today + dt.timedelta(days=400))
    d = Demande.objects.get(pk=d.pk)
    assert d.anonymisee_le is not None
    with pytest.raises(DomainError, match="effacées"):
        services.reactiver(d, acteur=monde.agent, jour=today + dt.timedelta(days=400))
