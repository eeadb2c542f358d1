"""Production of stored reports (retry-safe, failures recorded) and the bilan_annuel command."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from attributions.selectors import calcule_objectifs_epci
from observatoire import services
from observatoire.formats import pourcentage
from observatoire.models import BilanAnnuel
from observatoire.tasks import produire_bilan_task

pytestmark = pytest.mark.django_db


@pytest.mark.pdf
def test_production_is_retry_safe(acteurs, stockage_prive, celery_eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        bilan = services.demander_bilan(
            kind="RESERVATAIRE",
            epci=acteurs["epci"],
            annee=2025,
            reservataire=acteurs["reservataire_obj"],
            acteur=acteurs["reservataire"],
        )
    assert len(callbacks) == 1
    bilan.refresh_from_db()
    assert bilan.statut == BilanAnnuel.Statut.PRET
    nom, termine = bilan.fichier.name, bilan.termine_le
    # Running the task again (a retry, a duplicate delivery) leaves the finished report as it is.
    produire_bilan_task.delay(bilan.pk)
    bilan.refresh_from_db()
    assert (bilan.fichier.name, bilan.termine_le) == (nom, termine)
    assert list((stockage_prive / "bilans").rglob("*.pdf")) == [stockage_prive / nom]
    # An unfinished one is produced again, its previous files replaced.
    BilanAnnuel.objects.filter(pk=bilan.pk).update(statut=BilanAnnuel.Statut.EN_COURS)
    produire_bilan_task.delay(bilan.pk)
    bilan.refresh_from_db()
    assert bilan.statut == BilanAnnuel.Statut.PRET
    assert len(list((stockage_prive / "bilans").rglob("*.pdf"))) == 1


def test_missing_threshold_is_a_recorded_failure(acteurs, stockage_prive, celery_eager, django_user_model):
    from cil.models import Membership
    from core.roles import Role

    autre = acteurs["epci"].__class__.objects.get(siren="200046977")
    agent = django_user_model.objects.create_user(username="lyon", password="x")
    Membership.objects.create(user=agent, role=Role.EPCI, epci=autre)
    bilan = BilanAnnuel.objects.create(kind="CIL", epci=autre, annee=2025, demande_par=agent)
    produire_bilan_task.delay(bilan.pk)
    bilan.refresh_from_db()
    assert bilan.statut == BilanAnnuel.Statut.ECHEC
    assert "Aucun seuil du premier quartile" in bilan.erreur and not bilan.fichier


def test_request_is_refused_outside_the_scope(acteurs):
    with pytest.raises(PermissionDenied):
        services.demander_bilan(kind="CIL", epci=acteurs["epci"], annee=2025, acteur=acteurs["bailleur"])
    with pytest.raises(PermissionDenied):
        services.demander_bilan(
            kind="BAILLEUR",
            epci=acteurs["epci"],
            annee=2025,
            bailleur=acteurs["autre_bailleur_obj"],
            acteur=acteurs["bailleur"],
        )
    assert not BilanAnnuel.objects.exists()


@pytest.mark.pdf
def test_command_writes_pdf_and_xlsx(donnees, tmp_path):
    sortie, tableur = tmp_path / "bilan.pdf", tmp_path / "bilan.xlsx"
    out = io.StringIO()
    call_command(
        "bilan_annuel",
        "--epci",
        "200040715",
        "--annee",
        "2025",
        "--output",
        str(sortie),
        "--xlsx",
        str(tableur),
        stdout=out,
    )
    assert "pages" in out.getvalue()
    reader = PdfReader(str(sortie))
    texte = " ".join(p.extract_text() for p in reader.pages).replace("\u00a0", " ")
    r = calcule_objectifs_epci(donnees["epci"], 2025, details=False)
    assert pourcentage(r["qpv"]["taux"]).replace("\u00a0", " ") in texte
    assert "Synthèse des objectifs 2025" in load_workbook(tableur).sheetnames


def test_command_errors(donnees, tmp_path):
    with pytest.raises(CommandError, match="EPCI inconnu"):
        call_command("bilan_annuel", "--epci", "999999999", "--annee", "2025", "--output", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="--bailleur"):
        call_command(
            "bilan_annuel",
            "--epci",
            "200040715",
            "--annee",
            "2025",
            "--output",
            str(tmp_path / "x.pdf"),
            "--type",
            "bailleur",
        )
    with pytest.raises(CommandError, match="Aucun seuil"):
        call_command("bilan_annuel", "--epci", "200046977", "--annee", "2025", "--output", str(tmp_path / "x.pdf"))


def test_unexpected_error_in_eager_mode_is_recorded_not_raised(acteurs, stockage_prive, celery_eager, monkeypatch):
    bilan = BilanAnnuel.objects.create(kind="CIL", epci=acteurs["epci"], annee=2025)

    def panne(_bilan):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(services, "donnees", panne)
    assert produire_bilan_task.delay(bilan.pk).get() is None
    bilan.refresh_from_db()
    assert bilan.statut == BilanAnnuel.Statut.ECHEC and "disque plein" in bilan.erreur
