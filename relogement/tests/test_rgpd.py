"""Relocation's part in the demands' GDPR duties (relogement.rgpd, via demandes.signals)."""

import datetime as dt

import pytest
from django.utils import timezone

from cil.models import Guichet
from demandes import services as demandes_services
from demandes.services_rgpd import donnees_personnelles, purger_demandes_radiees
from demandes.tests.factories import creer_demande
from relogement import services
from relogement.models import ConsultationSensible, DiagnosticSocial, Saisine

pytestmark = pytest.mark.django_db


@pytest.fixture
def demande(monde_relogement):
    guichet = Guichet.objects.create(
        epci=monde_relogement.epci, nom="Maison de l'habitat", niveau=Guichet.Niveau.NIVEAU_2, enregistreur=True,
        adresse="1 place", commune=monde_relogement.communes["38185"],
    )  # fmt: skip
    return creer_demande(guichet, acteur=None, date_depot=timezone.localdate() - dt.timedelta(days=900))


def _saisine(monde_relogement, demande, menage=None):
    saisine = services.saisir_commission(
        epci=monde_relogement.epci,
        acteur=monde_relogement.referent,
        organisation="Guichet",
        motif="SOCIAL",
        expose="Violences, dette locative de 3 000 €",
        demande=demande,
        menage=menage,
    )
    services.enregistrer_diagnostic(
        saisine, acteur=monde_relogement.referent, date=dt.date(2025, 1, 10), contenu="Fragile"
    )
    return saisine


def test_diagnostic_efface_a_l_attribution(monde_relogement, demande):
    saisine = _saisine(monde_relogement, demande)
    demandes_services.radier(demande, "ATTRIBUTION", acteur=monde_relogement.staff)
    diagnostic = DiagnosticSocial.objects.get(saisine=saisine)
    assert diagnostic.contenu == "" and diagnostic.purge_le == timezone.localdate()
    assert ConsultationSensible.objects.filter(saisine=saisine, objet__startswith="effacement").exists()
    evenement = demande.evenements.get(type="EFFACEMENT")
    assert evenement.detail["effaces"]["diagnostics_sociaux"] == 1


def test_diagnostic_conserve_si_suivi_social(monde_relogement, demande):
    saisine = _saisine(monde_relogement, demande)
    demande.suivi_social_en_cours = True
    demande.save(update_fields=["suivi_social_en_cours"])
    demandes_services.radier(demande, "ATTRIBUTION", acteur=monde_relogement.staff)
    assert DiagnosticSocial.objects.get(saisine=saisine).contenu == "Fragile"


def test_anonymisation_efface_les_saisines_de_la_demande(monde_relogement, demande):
    saisine = _saisine(monde_relogement, demande)
    demandes_services.radier(
        demande, "RENONCIATION", acteur=monde_relogement.staff, jour=timezone.localdate() - dt.timedelta(days=400)
    )
    simulation = purger_demandes_radiees(dry_run=True)
    assert simulation["compteurs"]["saisines_exposes"] == 1 and simulation["compteurs"]["diagnostics_sociaux"] == 1
    assert Saisine.objects.get(pk=saisine.pk).expose.startswith("Violences")
    rapport = purger_demandes_radiees()
    assert rapport["numeros"] == [demande.numero_unique]
    assert Saisine.objects.get(pk=saisine.pk).expose == ""
    assert DiagnosticSocial.objects.get(saisine=saisine).contenu == ""


def test_export_d_acces_contient_le_relogement(monde_relogement, demande):
    menage = monde_relogement.menage()
    services.lier_demande(menage, demande=demande, acteur=monde_relogement.staff)
    _saisine(monde_relogement, demande)
    donnees = donnees_personnelles(demande)
    assert [m["reference"] for m in donnees["relogement"]] == [menage.reference]
    assert donnees["saisines_cas_specifiques"][0]["diagnostic__contenu"] == "Fragile"


def test_la_demande_liee_lue_sur_le_dossier_de_relogement_est_journalisee(client, monde_relogement, demande):
    from django.urls import reverse

    from demandes.models import JournalConsultation

    menage = monde_relogement.menage()
    services.lier_demande(menage, demande=demande, acteur=monde_relogement.staff)
    client.force_login(monde_relogement.staff)
    assert client.get(reverse("relogement:menage", args=[menage.pk])).status_code == 200
    ligne = JournalConsultation.objects.get(utilisateur=monde_relogement.staff)
    assert ligne.demande_id == demande.pk and ligne.detail == f"Dossier de relogement {menage.reference}"
