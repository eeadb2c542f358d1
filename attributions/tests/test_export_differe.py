"""A large allocations spreadsheet is written by the worker: same rows and scoping as in the request, a page
that follows it, the file for the user who asked only."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cil.models import Membership
from core import exports_differes
from core.models import ExportDiffere, User

pytestmark = pytest.mark.django_db

PARAMS = {"epci": "200040715", "annee": "2025", "objectif": "hors_qpv", "part": "base"}


def _lignes(contenu: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(contenu)).active.iter_rows(values_only=True))


def _demander(client, user, settings, django_capture_on_commit_callbacks, params=PARAMS):
    settings.EXPORT_DIRECT_MAX_LIGNES = 1  # every list above one row goes to the worker
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.get(reverse("attributions:export", args=["xlsx"]), params)
    assert reponse.status_code == 302
    return ExportDiffere.objects.get(utilisateur=user), reponse


def test_au_dela_du_seuil_le_fichier_est_ecrit_en_arriere_plan_avec_les_memes_lignes(
    client, acteurs, settings, django_capture_on_commit_callbacks, stockage_prive
):
    direct = _lignes(client_get_direct(client, acteurs["epci"]))
    export, reponse = _demander(client, acteurs["epci"], settings, django_capture_on_commit_callbacks)
    assert reponse["Location"] == reverse("core:export", args=[export.pk])
    assert export.statut == ExportDiffere.Statut.PRET and export.lignes_total == export.lignes_faites == 3
    page = client.get(reponse["Location"]).content.decode()
    assert "Le fichier est prêt (3 lignes)" in page
    fichier = client.get(reverse("core:export_fichier", args=[export.pk]))
    assert fichier.status_code == 200 and export.nom_fichier in fichier["Content-Disposition"]
    assert _lignes(b"".join(fichier.streaming_content)) == direct
    assert export.nom_fichier in client.get(reverse("core:exports")).content.decode()


def client_get_direct(client, user) -> bytes:
    client.force_login(user)
    return client.get(reverse("attributions:export", args=["xlsx"]), PARAMS).getvalue()


def test_le_fichier_d_un_bailleur_ne_contient_que_ses_attributions_et_n_est_qu_a_lui(
    client, acteurs, settings, django_capture_on_commit_callbacks, stockage_prive
):
    params = {k: v for k, v in PARAMS.items() if k != "epci"}
    export, _ = _demander(client, acteurs["bailleur_a"], settings, django_capture_on_commit_callbacks, params)
    lignes = _lignes(export.fichier.open("rb").read())
    assert sorted(r[0] for r in lignes[2:]) == ["1", "2"]
    # nobody else reaches its page or its file, an administrator of the platform included
    administrateur = User.objects.create_superuser(username="administrateur", password="x")
    for intrus in (acteurs["epci"], acteurs["etranger"], acteurs["membre"], administrateur):
        client.force_login(intrus)
        assert client.get(reverse("core:export", args=[export.pk])).status_code == 404
        assert client.get(reverse("core:export_fichier", args=[export.pk])).status_code == 404
        assert export.nom_fichier not in client.get(reverse("core:exports")).content.decode()


def test_un_droit_retire_avant_l_ecriture_l_est_aussi_pour_le_fichier(client, acteurs, settings, stockage_prive):
    settings.EXPORT_DIRECT_MAX_LIGNES = 1
    client.force_login(acteurs["epci"])
    reponse = client.get(reverse("attributions:export", args=["xlsx"]), PARAMS)  # queued, not yet written
    export = ExportDiffere.objects.get(utilisateur=acteurs["epci"])
    assert reponse.status_code == 302 and export.statut == ExportDiffere.Statut.EN_ATTENTE
    en_attente = client.get(reverse("core:export", args=[export.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in en_attente and "En attente du traitement" in en_attente
    Membership.objects.filter(user=acteurs["epci"]).delete()
    export = exports_differes.produire(export.pk)
    assert export.statut == ExportDiffere.Statut.ECHEC and not export.fichier
    assert export.erreur.startswith("Vous n'avez plus accès à ces données")
    assert client.get(reverse("core:export_fichier", args=[export.pk])).status_code == 404


def test_sous_le_seuil_le_fichier_part_dans_la_reponse(client, acteurs, settings):
    settings.EXPORT_DIRECT_MAX_LIGNES = 3
    client.force_login(acteurs["epci"])
    reponse = client.get(reverse("attributions:export", args=["xlsx"]), PARAMS)
    assert reponse.status_code == 200 and not ExportDiffere.objects.exists()


def test_les_exports_de_plus_d_une_semaine_sont_supprimes_avec_leur_fichier(
    client, acteurs, settings, django_capture_on_commit_callbacks, stockage_prive
):
    export, _ = _demander(client, acteurs["epci"], settings, django_capture_on_commit_callbacks)
    chemin = stockage_prive / export.fichier.name
    assert chemin.exists()
    assert exports_differes.purger(timezone.now() + dt.timedelta(days=6)) == 0
    assert exports_differes.purger(timezone.now() + dt.timedelta(days=8)) == 1
    assert not chemin.exists() and not ExportDiffere.objects.exists()


def test_le_csv_au_dela_du_seuil_est_aussi_ecrit_en_arriere_plan_a_l_identique(
    client, acteurs, settings, django_capture_on_commit_callbacks, stockage_prive
):
    """A CSV of a large list held a web worker for as long as it was streamed (a minute for a year of a large
    territory): above the threshold it is written by the worker too, byte for byte the direct download."""
    client.force_login(acteurs["epci"])
    reponse = client.get(reverse("attributions:export", args=["csv"]), PARAMS)
    direct = reponse.getvalue()  # a stream: read once
    assert reponse.status_code == 200 and direct.count(b"\r\n") == 4  # header and 3 allocations
    settings.EXPORT_DIRECT_MAX_LIGNES = 1
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.get(reverse("attributions:export", args=["csv"]), PARAMS)
    export = ExportDiffere.objects.get(utilisateur=acteurs["epci"])
    assert reponse.status_code == 302 and export.nom_fichier.endswith(".csv")
    assert export.statut == ExportDiffere.Statut.PRET and export.lignes_total == export.lignes_faites == 3
    fichier = client.get(reverse("core:export_fichier", args=[export.pk]))
    assert fichier["Content-Type"] == "text/csv; charset=utf-8"
    assert fichier.getvalue() == direct


def test_un_format_inconnu_n_est_ni_servi_ni_mis_en_file(client, acteurs, settings):
    settings.EXPORT_DIRECT_MAX_LIGNES = 1
    client.force_login(acteurs["epci"])
    assert client.get(reverse("attributions:export", args=["ods"]), PARAMS).status_code == 404
    assert not ExportDiffere.objects.exists()
