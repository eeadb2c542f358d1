"""The import page (EPCI staff), the export of a demand's file, and the two commands."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from demandes.models import Demande, JournalConsultation
from sne import schemas
from sne.exemples import NUD, exemple_brut, exemple_complete
from sne.models import FichierSne

pytestmark = pytest.mark.django_db


def test_page_import_refus_en_francais_puis_import(client, monde_demandes):
    client.force_login(monde_demandes.staff)
    url = reverse("sne:import")
    reponse = client.post(url, {"fichier": SimpleUploadedFile("JDD.xml", exemple_brut(), "application/xml")})
    assert reponse.status_code == 400
    texte = reponse.content.decode()
    assert "typeFichier" in texte and "numGuichet" in texte and "Aucune donnée n'a été enregistrée" in texte
    assert not Demande.objects.exists()
    reponse = client.post(url, {"fichier": SimpleUploadedFile("JDD.xml", exemple_complete(), "application/xml")})
    assert reponse.status_code == 302
    assert Demande.objects.get().numero_national == NUD
    assert FichierSne.objects.filter(statut="IMPORTE", importe_par=monde_demandes.staff).count() == 1


@pytest.mark.parametrize("qui", ["agent", "bailleur_user", "outsider"])
def test_page_import_fermee_aux_autres_roles(client, monde_demandes, qui):
    client.force_login(getattr(monde_demandes, qui))
    assert client.get(reverse("sne:import")).status_code == 403


def test_export_de_la_fiche_valide_et_journalise(client, monde_demandes):
    client.force_login(monde_demandes.staff)
    client.post(reverse("sne:import"), {"fichier": SimpleUploadedFile("JDD.xml", exemple_complete(), "text/xml")})
    demande = Demande.objects.get()
    fiche = client.get(reverse("demandes:fiche", args=[demande.pk])).content.decode()
    assert reverse("sne:export", args=[demande.pk]) in fiche and NUD in fiche
    reponse = client.get(reverse("sne:export", args=[demande.pk]))
    assert reponse.status_code == 200 and reponse["Content-Type"].startswith("application/xml")
    assert schemas.verifier(reponse.content).valide
    assert JournalConsultation.objects.filter(demande=demande, objet="EXPORT", canal="FICHIER").exists()


def test_export_refuse_hors_territoire_et_hors_epci(client, monde_demandes):
    from demandes.tests.factories import creer_demande

    demande = creer_demande(monde_demandes.guichet)
    url = reverse("sne:export", args=[demande.pk])
    client.force_login(monde_demandes.outsider)
    assert client.get(url).status_code == 404
    client.force_login(monde_demandes.agent)
    assert client.get(url).status_code == 403
    assert (
        reverse("sne:export", args=[demande.pk])
        not in client.get(reverse("demandes:fiche", args=[demande.pk])).content.decode()
    )


def test_commandes_import_et_export(tmp_path, monde_demandes):
    brut, complet = tmp_path / "brut.xml", tmp_path / "complet.xml"
    brut.write_bytes(exemple_brut())
    complet.write_bytes(exemple_complete())
    erreurs, sortie = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 fichier"):
        call_command(
            "import_sne", str(brut), str(complet), epci=[monde_demandes.epci.siren], stdout=sortie, stderr=erreurs
        )
    assert "typeFichier" in erreurs.getvalue() and "numGuichet" in erreurs.getvalue()
    assert "créée" in sortie.getvalue()
    assert Demande.objects.get().numero_national == NUD
    fichier = tmp_path / "export.xml"
    call_command("export_sne", numero=NUD, sortie=str(fichier), stderr=io.StringIO())
    assert schemas.verifier(fichier.read_bytes()).valide
    with pytest.raises(CommandError, match="Aucune demande"):
        call_command("export_sne", numero="038-2020-0000999")


def test_commande_import_autre_territoire_refusee(tmp_path, monde_demandes):
    complet = tmp_path / "complet.xml"
    complet.write_bytes(exemple_complete())
    call_command("import_sne", str(complet), epci=[monde_demandes.epci.siren], stdout=io.StringIO())
    erreurs = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_sne", str(complet), epci=[monde_demandes.autre_epci.siren], stdout=io.StringIO(), stderr=erreurs
        )
    assert "n'est pas le vôtre" in erreurs.getvalue()
