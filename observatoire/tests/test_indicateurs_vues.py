"""The indicator pages: served from the stored figures, scoped to the user, drilled down and exported."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from attributions.tests.fabrique import utilisateur
from core.models import TacheExecution
from core.roles import Role
from demandes.models import JournalConsultation
from observatoire import services
from observatoire.models import CalculIndicateurs, ChiffreReference

from .monde_indicateurs import AUJOURD_HUI

SIREN = "200040715"


@pytest.fixture
def obs(monde_obs):
    services.calculer_indicateurs(monde_obs["epci"], 2025, aujourd_hui=AUJOURD_HUI)
    monde_obs["staff"]["membre"] = utilisateur("membre", Role.MEMBRE_CIL, monde_obs["epci"])
    return monde_obs


def _url(nom, *args, **params):
    from urllib.parse import urlencode

    url = reverse(f"observatoire:{nom}", args=args)
    return url + ("?" + urlencode(params) if params else "")


def _csv(response) -> list[list[str]]:
    texte = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(texte), delimiter=";"))


def test_staff_reads_the_stored_figures_with_their_date(client, obs, django_assert_num_queries):
    client.force_login(obs["staff"]["epci"])
    # session, user, memberships (scope and demands access from the same read), territory, computation, figures,
    # previous year, reference figures, computed years
    with django_assert_num_queries(9):
        r = client.get(_url("indicateurs_tableau", SIREN, 2025))
    assert r.status_code == 200
    page = r.content.decode()
    assert "Chiffres au 31/12/2025" in page
    assert "Grenoble" in page and "Échirolles" in page
    # the territory's allocations drill down to their list
    liste = _url("indicateurs_liste", SIREN, 2025, "ATTRIBUTIONS", niveau="EPCI")
    assert liste.replace("&", "&amp;") in page or liste in page
    assert "Recalculer maintenant" in page


def test_the_page_never_counts_the_territory(client, obs, django_assert_num_queries):
    """The number of queries does not depend on the data: the page reads stored rows only."""
    client.force_login(obs["staff"]["epci"])
    # the same queries, less the reference figures (entered for all typologies only)
    with django_assert_num_queries(8):
        assert client.get(_url("indicateurs_tableau", SIREN, 2025, niveau="SECTEUR", typologie="T3")).status_code == 200


def test_another_territory_gets_404(client, obs):
    client.force_login(obs["staff"]["dehors"])
    assert client.get(_url("indicateurs_tableau", SIREN, 2025)).status_code == 404
    assert client.get(_url("indicateurs_liste", SIREN, 2025, "ATTRIBUTIONS")).status_code == 404
    assert client.get(_url("indicateurs_export", SIREN, 2025, "csv")).status_code == 404
    assert client.post(_url("indicateurs_recalculer", SIREN, 2025)).status_code == 404


def test_a_landlord_sees_only_its_own_allocations(client, obs):
    client.force_login(obs["staff"]["bailleur"])
    r = client.get(_url("indicateurs_tableau", SIREN, 2025))
    assert r.status_code == 200
    page = r.content.decode()
    assert "Demandes en cours" not in page and "Recalculer" not in page
    lignes = _csv(client.get(_url("indicateurs_liste_export", SIREN, 2025, "ATTRIBUTIONS", "csv")))
    assert sorted(row[0] for row in lignes[1:]) == ["A1", "A2"]
    # the landlord's view cannot be widened by the address
    autre = f"bailleur-{obs['autre_bailleur'].pk}"
    lignes = _csv(client.get(_url("indicateurs_liste_export", SIREN, 2025, "ATTRIBUTIONS", "csv", organisation=autre)))
    assert sorted(row[0] for row in lignes[1:]) == ["A1", "A2"]
    assert client.get(_url("indicateurs_liste", SIREN, 2025, "DEMANDES_EN_COURS")).status_code == 404
    table = _csv(client.get(_url("indicateurs_export", SIREN, 2025, "csv")))
    total = table[-1]
    assert total[2] == obs["epci"].nom and total[3] == "2"  # the landlord's two allocations


def test_a_member_reads_the_counts_not_the_demands(client, obs):
    client.force_login(obs["staff"]["membre"])
    assert client.get(_url("indicateurs_tableau", SIREN, 2025)).status_code == 200
    assert client.get(_url("indicateurs_liste", SIREN, 2025, "DEMANDES_EN_COURS")).status_code == 403
    assert client.get(_url("indicateurs_liste", SIREN, 2025, "ATTRIBUTIONS")).status_code == 200
    assert client.post(_url("indicateurs_recalculer", SIREN, 2025)).status_code == 403


def test_table_export_content(client, obs):
    client.force_login(obs["staff"]["epci"])
    rows = _csv(client.get(_url("indicateurs_export", SIREN, 2025, "csv")))
    entete = rows[0]
    assert entete[:4] == ["Niveau", "Code", "Lieu", "Demandes en cours"]
    grenoble = next(r for r in rows if r[1] == "38185")
    par_colonne = dict(zip(entete, grenoble, strict=True))
    assert par_colonne["Demandes en cours"] == "3"
    assert par_colonne["Attributions"] == "2"
    assert par_colonne["Demandes en cours par attribution (pression)"] == "1,5"
    assert par_colonne["Délai d'attente médian des ménages logés (mois)"] == "9,46"
    r = client.get(_url("indicateurs_export", SIREN, 2025, "xlsx", niveau="SECTEUR"))
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    valeurs = [[c.value for c in row] for row in wb["Indicateurs"].iter_rows()]
    assert valeurs[1][:4] == ["Niveau", "Code", "Lieu", "Demandes en cours"]
    assert valeurs[2][2] == "Sud" and valeurs[2][3] == 3
    motifs = [[c.value for c in row] for row in wb["Motifs et situations"].iter_rows()]
    assert ["Refus des ménages", obs["epci"].nom, "Loyer ou charges trop élevés", 1] in motifs


def test_demand_list_and_its_export(client, obs):
    client.force_login(obs["staff"]["epci"])
    r = client.get(_url("indicateurs_liste", SIREN, 2025, "DEMANDES_EN_COURS", niveau="COMMUNE", cle="38185"))
    assert r.status_code == 200
    assert r.context["page"].paginator.count == 3
    # the demands shown are in the read log (one row for the territory, with their number)
    lu = JournalConsultation.objects.get(utilisateur=obs["staff"]["epci"], canal=JournalConsultation.Canal.PAGE)
    assert lu.nombre == 3 and lu.epci_id == obs["epci"].pk
    rows = _csv(client.get(_url("indicateurs_liste_export", SIREN, 2025, "RADIATIONS", "csv", detail="RENONCIATION")))
    assert len(rows) == 2 and rows[1][5] == "Renonciation écrite du demandeur"


def test_comparisons_previous_year_and_reference(client, obs):
    services.calculer_indicateurs(obs["epci"], 2024, aujourd_hui=AUJOURD_HUI)
    ChiffreReference.objects.create(
        epci=obs["epci"],
        indicateur="PRESSION",
        echelon="DEPARTEMENT",
        territoire="Isère",
        annee=2025,
        valeur=Decimal("4.2"),
        source="SNE, traitement DDT 38, mars 2026",
    )
    client.force_login(obs["staff"]["epci"])
    r = client.get(_url("indicateurs_tableau", SIREN, 2025, lieu="COMMUNE:38185"))
    comparaisons = {c["libelle"]: c for c in r.context["comparaisons"]}
    attributions = comparaisons["Attributions"]
    assert (attributions["n"], attributions["n1"], attributions["evolution"], attributions["territoire"]) == (
        "2",
        "1",
        "+1",
        "3",  # 2024: a6 in Grenoble; the territory: 3
    )
    assert comparaisons["Demandes en cours par attribution (pression)"]["references"] == [
        "Isère 2025 : 4,2 (SNE, traitement DDT 38, mars 2026)"
    ]


def test_staff_recompute_on_demand(client, obs):
    client.force_login(obs["staff"]["epci"])
    avant = CalculIndicateurs.objects.get(epci=obs["epci"], annee=2025).calcule_le
    with __import__("django.test", fromlist=["TestCase"]).TestCase.captureOnCommitCallbacks(execute=True):
        r = client.post(_url("indicateurs_recalculer", SIREN, 2025))
    assert r.status_code == 302
    calcul = CalculIndicateurs.objects.get(epci=obs["epci"], annee=2025)
    assert calcul.calcule_le > avant and calcul.demande_par == obs["staff"]["epci"]
    assert TacheExecution.objects.filter(nom=services.NOM_TACHE_INDICATEURS, acteur=obs["staff"]["epci"]).exists()


def test_home_lists_the_computed_years(client, obs):
    client.force_login(obs["staff"]["membre"])
    r = client.get(_url("indicateurs"))
    assert r.status_code == 200
    assert _url("indicateurs_tableau", SIREN, 2025) in r.content.decode()


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_a_long_list_is_written_by_the_worker_and_logged_once(
    client, obs, settings, django_capture_on_commit_callbacks, stockage_prive, format
):
    """Above EXPORT_DIRECT_MAX_LIGNES rows the request only queues the file; the worker writes what the direct
    download gives; the demands exported are in the read log once, at the request."""
    from core.models import ExportDiffere

    client.force_login(obs["staff"]["epci"])
    url = _url("indicateurs_liste_export", SIREN, 2025, "DEMANDES_EN_COURS", format, niveau="COMMUNE", cle="38185")
    direct = client.get(url)
    assert direct.status_code == 200
    settings.EXPORT_DIRECT_MAX_LIGNES = 1
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.get(url)
    export = ExportDiffere.objects.get(utilisateur=obs["staff"]["epci"])
    assert reponse.status_code == 302 and reponse["Location"] == reverse("core:export", args=[export.pk])
    assert export.statut == ExportDiffere.Statut.PRET and export.lignes_total == export.lignes_faites == 3
    fichier = client.get(reverse("core:export_fichier", args=[export.pk])).getvalue()
    if format == "csv":
        assert fichier == direct.getvalue()
    else:
        lignes = [
            list(load_workbook(io.BytesIO(f)).active.iter_rows(values_only=True)) for f in (fichier, direct.getvalue())
        ]
        assert lignes[0] == lignes[1] and len(lignes[0]) == 5  # title, header, the 3 demands
    journal = JournalConsultation.objects.filter(
        utilisateur=obs["staff"]["epci"], canal=JournalConsultation.Canal.EXPORT
    )
    assert [j.nombre for j in journal] == [3, 3]  # the direct download, then the deferred one's request
    client.force_login(obs["staff"]["bailleur"])
    assert client.get(reverse("core:export_fichier", args=[export.pk])).status_code == 404
