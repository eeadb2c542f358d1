"""GDPR duties, attacked (docs/droit/regles.md, platform decision 13).

Who read a demand is logged and only the territory's data protection officer reads that log; the log
cannot be changed; radiated demands lose their personal data one year after the radiation (and nothing
else does); the NIR is refused; the access export is complete and scoped; the privacy notice is public.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from attributions.tests.conftest import territoire as monde_attributions  # noqa: F401  (a fixture)
from core.models import TacheExecution
from demandes import services
from demandes.models import (
    Demande,
    Evenement,
    JournalConsultation,
    JournalImmuable,
    MembreMenage,
    ParametresDemande,
    PieceJustificative,
    Ressource,
)
from demandes.services_rgpd import NOM_TACHE_PURGE
from demandes.tests.factories import creer_demande

from .conftest import connecte

PDF = b"%PDF-1.4\n% test\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _nir() -> str:
    numero = 1850578006084
    return f"{numero}{97 - numero % 97:02d}"


def _journal(**filtres):
    return JournalConsultation.objects.filter(**filtres)


# --- Read log -----------------------------------------------------------------------------------


def test_une_demande_lue_par_un_bailleur_apparait_au_journal(client, monde):
    t = monde.val
    connecte(client, t["bailleur"])
    assert client.get(reverse("demandes:fiche", args=[t.demande.pk])).status_code == 200
    assert client.get(f"/api/demandes/{t.demande.pk}/").status_code == 200
    lignes = list(_journal(demande=t.demande, utilisateur=t["bailleur"]).order_by("id"))
    assert [(ligne.canal, ligne.objet) for ligne in lignes] == [("PAGE", "DEMANDE"), ("API", "DEMANDE")]
    assert all(ligne.epci_id == t.epci.pk for ligne in lignes)
    assert lignes[0].organisation == t.bailleur.nom
    assert lignes[0].numero_unique == t.demande.numero_unique


def test_liste_export_piece_et_pdf_sont_journalises(client, monde):
    t = monde.val
    piece = services.ajouter_piece(
        t.demande, type_piece="IDENTITE", fichier=SimpleUploadedFile("id.pdf", PDF), acteur=t["agent"]
    )
    connecte(client, t["agent"])
    client.get("/api/demandes/")
    client.get(reverse("demandes:export"))
    client.get(reverse("demandes:piece", args=[t.demande.pk, piece.pk]))
    client.post(reverse("demandes:fiche_information", args=[t.demande.pk]))
    objets = set(_journal(utilisateur=t["agent"]).values_list("objet", "canal", "nombre"))
    assert ("LISTE", "API", 1) in objets
    assert ("EXPORT", "EXPORT", 1) in objets
    assert ("PIECE", "FICHIER", 1) in objets
    assert ("DEMANDE", "PDF", 1) in objets
    assert _journal(objet="PIECE").get().piece_ref == piece.pk


def test_le_dpo_ne_lit_que_le_journal_de_son_territoire(client, monde, dpo):
    for t in monde.territoires:
        connecte(client, t["bailleur"])
        client.get(reverse("demandes:fiche", args=[t.demande.pk]))
    connecte(client, dpo["val"])
    page = client.get(reverse("demandes:journal")).content.decode()
    assert monde.val.demande.numero_unique in page
    assert monde.mont.demande.numero_unique not in page and monde.lac.demande.numero_unique not in page
    csv = b"".join(client.get(reverse("demandes:journal_csv")).streaming_content).decode()
    assert monde.val.demande.numero_unique in csv and monde.mont.demande.numero_unique not in csv
    # asking for another territory's demand by number or by territory gives nothing
    filtre = client.get(reverse("demandes:journal"), {"numero": monde.mont.demande.numero_unique})
    assert monde.mont.demande.numero_unique not in filtre.content.decode().split("<table")[1]
    autre = client.get(reverse("demandes:journal"), {"territoire": monde.mont.epci.pk})
    assert "bailleur_mont" not in autre.content.decode()


def test_filtres_du_journal(client, monde, dpo):
    t = monde.val
    for role in ("bailleur", "reservataire"):
        connecte(client, t[role])
        client.get(reverse("demandes:fiche", args=[t.demande.pk]))
    connecte(client, dpo["val"])
    page = client.get(reverse("demandes:journal"), {"utilisateur": "reservataire"}).content.decode()
    assert "reservataire_val" in page and "bailleur_val" not in page
    page = client.get(reverse("demandes:journal"), {"organisation": "Habitat"}).content.decode()
    assert "bailleur_val" in page and "reservataire_val" not in page
    demain = timezone.localdate() + dt.timedelta(days=1)
    page = client.get(reverse("demandes:journal"), {"du": demain.isoformat()}).content.decode()
    assert "bailleur_val" not in page and "0 consultation" in page


@pytest.mark.parametrize("role", ["agent", "bailleur", "reservataire", "epci", "membre"])
def test_le_journal_est_reserve_au_dpo(client, monde, role):
    connecte(client, monde.val[role])
    assert client.get(reverse("demandes:journal")).status_code == 403
    assert client.get(reverse("demandes:journal_csv")).status_code == 403


def test_administrateurs_sans_acces_au_journal_du_territoire(client, monde):
    connecte(client, monde.admin)
    assert client.get(reverse("demandes:journal")).status_code == 403


def test_le_journal_refuse_modification_et_effacement(client, monde):
    connecte(client, monde.val["bailleur"])
    client.get(reverse("demandes:fiche", args=[monde.val.demande.pk]))
    ligne = _journal().get()
    ligne.organisation = "Faussaire"
    with pytest.raises(JournalImmuable):
        ligne.save()
    with pytest.raises(JournalImmuable):
        ligne.delete()
    with pytest.raises(JournalImmuable):
        JournalConsultation.objects.filter(pk=ligne.pk).update(organisation="Faussaire")
    with pytest.raises(JournalImmuable):
        JournalConsultation.objects.all().delete()
    assert _journal().get().organisation == monde.val.bailleur.nom
    # not even the superuser changes or deletes it in the admin
    connecte(client, monde.superuser)
    url = reverse("admin:demandes_journalconsultation_change", args=[ligne.pk])
    assert client.post(url, {"organisation": "Faussaire"}).status_code == 403
    assert client.post(reverse("admin:demandes_journalconsultation_delete", args=[ligne.pk])).status_code == 403
    assert _journal().count() == 1


def test_le_personnel_epci_ne_lit_pas_le_journal_dans_l_admin(client, monde):
    connecte(client, monde.val["epci"])
    client.get(reverse("demandes:fiche", args=[monde.val.demande.pk]))
    r = client.get(reverse("admin:demandes_journalconsultation_changelist"))
    assert r.status_code == 403


# --- Retention of radiated demands ----------------------------------------------------------------


def _demande_radiee(t, nom: str, jours: int) -> Demande:
    today = timezone.localdate()
    demande = creer_demande(
        t.guichet,
        acteur=t["agent"],
        nom=nom,
        telephone="0612345678",
        commentaire=f"Précisions sur {nom}",
        membres=[{"lien": "ENFANT", "nom": nom, "prenom": "Léo", "date_naissance": dt.date(2015, 1, 1)}],
        date_depot=today - dt.timedelta(days=jours + 200),
    )
    services.ajouter_piece(demande, type_piece="IDENTITE", fichier=SimpleUploadedFile("id.pdf", PDF), acteur=None)
    services.reconnaitre_priorite(
        demande, critere="VIOLENCES_COUPLE", source="GUICHET", reconnu_le=today - dt.timedelta(days=jours + 10),
        acteur=t["agent"],
    )  # fmt: skip
    services.radier(demande, "RENONCIATION", acteur=t["agent"], jour=today - dt.timedelta(days=jours))
    demande.refresh_from_db()
    return demande


@pytest.fixture
def radiees(monde):
    return {
        "ancienne": _demande_radiee(monde.val, "Ancienne", 400),
        "recente": _demande_radiee(monde.val, "Recente", 300),
        "autre": _demande_radiee(monde.mont, "Autreterritoire", 370),
    }


def _fichiers(demande) -> list[str]:
    return [p.fichier.path for p in PieceJustificative.objects.filter(demande=demande)]


def test_simulation_ne_change_rien_et_rend_compte(monde, radiees):
    avant = {k: (Demande.objects.filter(pk=d.pk).values().get(), _fichiers(d)) for k, d in radiees.items()}
    n_evenements = Evenement.objects.count()
    sortie = io.StringIO()
    call_command("purger_demandes_radiees", "--dry-run", stdout=sortie)
    for k, d in radiees.items():
        assert Demande.objects.filter(pk=d.pk).values().get() == avant[k][0]
        assert all(os.path.exists(f) for f in avant[k][1])
    assert Evenement.objects.count() == n_evenements
    execution = TacheExecution.objects.get(nom=NOM_TACHE_PURGE)
    assert execution.statut == "REUSSIE" and execution.detail["simulation"] is True
    assert sorted(execution.detail["numeros"]) == sorted(
        [radiees["ancienne"].numero_unique, radiees["autre"].numero_unique]
    )
    compteurs = execution.detail["compteurs"]
    assert compteurs["demandes"] == 2 and compteurs["membres"] == 2 and compteurs["fichiers"] == 2
    assert compteurs["priorites"] == 2 and compteurs["evenements"] >= 6
    assert "Simulation" in sortie.getvalue() and "2 demandes anonymisées" in sortie.getvalue()


def test_purge_efface_les_anciennes_et_garde_les_recentes(monde, radiees, django_capture_on_commit_callbacks):
    ancienne, recente = radiees["ancienne"], radiees["recente"]
    fichiers_anciens = _fichiers(ancienne) + _fichiers(radiees["autre"])
    fichiers_recents = _fichiers(recente)
    from demandes.tasks import purger_radiees

    with django_capture_on_commit_callbacks(execute=True):  # files go once each demand's transaction commits
        rapport = purger_radiees.delay().get()
    assert rapport["compteurs"]["demandes"] == 2 and rapport["compteurs"]["fichiers"] == 2

    for demande in (ancienne, radiees["autre"]):
        d = Demande.objects.get(pk=demande.pk)
        assert d.anonymisee_le is not None
        assert demande.nom not in (d.nom, d.prenom) and d.prenom == "" and d.telephone == "" and d.email == ""
        assert (
            d.adresse == "" and d.commentaire == "" and d.date_naissance == dt.date(demande.date_naissance.year, 1, 1)
        )
        assert not MembreMenage.objects.filter(demande=d).exists()
        assert not Ressource.objects.filter(demande=d).exists()
        assert not PieceJustificative.objects.filter(demande=d).exists()
        assert not Evenement.objects.filter(demande=d).exists()
        assert not d.priorites.exists()
        assert d.numero_unique == demande.numero_unique and d.statut == "RADIEE"  # the statistical skeleton
    assert not any(os.path.exists(f) for f in fichiers_anciens)
    assert not Demande.objects.filter(nom__in=["Ancienne", "Autreterritoire"]).exists()

    r = Demande.objects.get(pk=recente.pk)
    assert r.nom == "Recente" and r.anonymisee_le is None and r.telephone == "0612345678"
    assert MembreMenage.objects.filter(demande=r).count() == 1 and Evenement.objects.filter(demande=r).exists()
    assert all(os.path.exists(f) for f in fichiers_recents)
    # active demands are never touched
    assert Demande.objects.get(pk=monde.val.demande.pk).nom == "SecretVal"

    execution = TacheExecution.objects.get(nom=NOM_TACHE_PURGE)
    assert execution.statut == "REUSSIE" and execution.detail["simulation"] is False
    assert execution.detail["echecs"] == [] and len(execution.detail["numeros"]) == 2
    # idempotent: a second run finds nothing
    assert purger_radiees.delay().get()["compteurs"] == {}


def test_la_duree_de_conservation_est_un_parametre_date(monde, radiees):
    """A territory that keeps radiated demands 18 months: the 400-day-old one stays."""
    ParametresDemande.objects.create(
        epci=monde.val.epci, date_debut=dt.date(2020, 1, 1), conservation_radiees_mois=18, source="Délibération test"
    )
    call_command("purger_demandes_radiees", stdout=io.StringIO())
    assert Demande.objects.get(pk=radiees["ancienne"].pk).anonymisee_le is None
    assert Demande.objects.get(pk=radiees["autre"].pk).anonymisee_le is not None


def test_objectifs_des_annees_passees_inchanges(monde_attributions, django_capture_on_commit_callbacks):  # noqa: F811
    """The operator's command, on a territory whose 2025 allocations were recorded in the platform."""
    territoire = monde_attributions
    from attributions.models import DecisionCaleol
    from attributions.selectors import calcule_objectifs_epci
    from attributions.tests.fabrique import construire_monde
    from attributions.tests.test_flux_parcours import parcours_plateforme

    (_d1, _d2, d3, d4), _ = parcours_plateforme(construire_monde(territoire))
    epci = territoire["epci"]
    avant = {annee: calcule_objectifs_epci(epci, annee) for annee in (2024, 2025)}
    n_decisions = DecisionCaleol.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purger_demandes_radiees", "--date", "2026-08-01", stdout=io.StringIO())
    assert Demande.objects.filter(pk__in=[d3.pk, d4.pk], anonymisee_le__isnull=False).count() == 2
    assert {annee: calcule_objectifs_epci(epci, annee) for annee in (2024, 2025)} == avant
    assert DecisionCaleol.objects.count() == n_decisions


# --- NIR -----------------------------------------------------------------------------------------


def test_nir_refuse_dans_les_champs_libres(client, monde):
    t = monde.val
    connecte(client, t["agent"])
    url = reverse("demandes:modifier", args=[t.demande.pk])
    form = client.get(url).context["form"]
    donnees = {}
    for name in form.fields:
        valeur = form[name].value()
        if isinstance(valeur, list):
            donnees[name] = [str(v) for v in valeur]
        elif valeur is None:
            donnees[name] = ""
        elif hasattr(valeur, "isoformat"):
            donnees[name] = valeur.isoformat()
        else:
            donnees[name] = valeur
    n = _nir()
    donnees["commentaire"] = f"Son numéro de sécu : {n[0]} {n[1:3]} {n[3:5]} {n[5:7]} {n[7:10]} {n[10:13]} {n[13:]}"
    r = client.post(url, donnees)
    assert r.status_code in (200, 400)
    assert "numéro de sécurité sociale (NIR)" in r.content.decode()
    assert "« Précisions »" in r.content.decode()
    assert _nir()[:5] not in Demande.objects.get(pk=t.demande.pk).commentaire.replace(" ", "")


def test_nir_refuse_au_compte_rendu_d_entretien(client, monde):
    from demandes.forms import ClotureRendezVousForm

    form = ClotureRendezVousForm(data={"statut": "HONORE", "compte_rendu": f"NIR {_nir()}"})
    assert not form.is_valid()
    assert "NIR" in form.errors["compte_rendu"][0]
    assert ClotureRendezVousForm(data={"statut": "HONORE", "compte_rendu": "Tél. 06 12 34 56 78"}).is_valid()


# --- Access export (GDPR art. 15) ----------------------------------------------------------------


def _archive(reponse) -> tuple[dict, list[str]]:
    archive = zipfile.ZipFile(io.BytesIO(reponse.content))
    return json.loads(archive.read("donnees.json")), archive.namelist()


def test_export_d_acces_complet(client, monde, dpo):
    t = monde.val
    services.ajouter_piece(t.demande, type_piece="IDENTITE", fichier=SimpleUploadedFile("id.pdf", PDF), acteur=None)
    connecte(client, t["bailleur"])
    client.get(reverse("demandes:fiche", args=[t.demande.pk]))
    connecte(client, t["epci"])
    r = client.post(reverse("demandes:export_acces", args=[t.demande.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    donnees, noms = _archive(r)
    assert donnees["demande"]["nom"] == "SecretVal" and donnees["demande"]["numero_unique"] == t.demande.numero_unique
    assert donnees["ressources"] and donnees["pieces"][0]["type_piece"] == "IDENTITE"
    assert any(n.startswith("pieces/") and n.endswith("id.pdf") for n in noms)
    assert {p["critere"] for p in donnees["priorites"]} == {"VIOLENCES_COUPLE"}
    assert {e["type"] for e in donnees["evenements"]} >= {"ENREGISTREMENT", "PRIORITE_RECONNUE"}
    assert any(c["identifiant"] == "bailleur_val" for c in donnees["consultations"])
    assert "candidatures" in donnees and "decisions_caleol" in donnees  # allocations' section
    assert "relogement" in donnees and "saisines_cas_specifiques" in donnees  # relocation's section
    # the export itself is logged
    assert _journal(utilisateur=t["epci"], objet="EXPORT_ACCES", demande=t.demande).count() == 1
    # the territory's DPO, by registration number
    connecte(client, dpo["val"])
    r = client.post(reverse("demandes:export_acces_numero"), {"numero_unique": t.demande.numero_unique})
    assert r.status_code == 200 and _archive(r)[0]["demande"]["nom"] == "SecretVal"


@pytest.mark.parametrize("role", ["agent", "bailleur", "reservataire", "membre"])
def test_export_d_acces_refuse_aux_autres_roles(client, monde, role):
    connecte(client, monde.val[role])
    r = client.post(reverse("demandes:export_acces", args=[monde.val.demande.pk]))
    assert r.status_code == 404 and b"SecretVal" not in r.content


def test_export_d_acces_refuse_aux_autres_territoires(client, monde, dpo):
    for user in (monde.mont["epci"], dpo["mont"], monde.admin):
        connecte(client, user)
        assert client.post(reverse("demandes:export_acces", args=[monde.val.demande.pk])).status_code == 404
        r = client.post(reverse("demandes:export_acces_numero"), {"numero_unique": monde.val.demande.numero_unique})
        assert r.status_code == 404
    assert not _journal(objet="EXPORT_ACCES").exists()


def test_export_d_acces_en_get_refuse(client, monde):
    connecte(client, monde.val["epci"])
    assert client.get(reverse("demandes:export_acces", args=[monde.val.demande.pk])).status_code == 405


# --- Privacy notice ------------------------------------------------------------------------------


def test_notice_publique_avec_durees_en_vigueur(client, monde, settings):
    settings.RGPD_CONTACT_DPO = "dpo-plateforme@example.org"
    page = client.get(reverse("core:confidentialite"))
    assert page.status_code == 200
    texte = page.content.decode()
    assert "12 mois" in texte or "1 an après la radiation" in texte
    assert "dpo-plateforme@example.org" in texte and "Base légale" in texte and "Vos droits" in texte
    # a territory's own setting and contact are what the notice shows for it
    ParametresDemande.objects.create(
        epci=monde.mont.epci, date_debut=dt.date(2020, 1, 1), conservation_radiees_mois=18, source="Délibération"
    )
    monde.mont.epci.contact_dpo = "dpo@mont.example.org"
    monde.mont.epci.save()
    texte = client.get(reverse("core:confidentialite"), {"territoire": monde.mont.epci.pk}).content.decode()
    assert "18 mois après la radiation" in texte and "dpo@mont.example.org" in texte
    assert reverse("core:confidentialite") in client.get(reverse("core:login")).content.decode()
