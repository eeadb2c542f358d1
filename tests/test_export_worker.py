"""A real Celery worker writes a deferred spreadsheet the user then downloads (core.exports_differes)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from attributions.services import import_attributions
from cil.models import Membership
from core import exports_differes
from core.models import ExportDiffere, User
from core.roles import Role
from tests.fixtures.f1 import fichier_f1, ligne_f1

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def test_le_worker_ecrit_le_fichier_que_l_utilisateur_telecharge(
    client, territoire_minimal, settings, celery_worker_process
):
    lignes_f1 = [ligne_f1(numero_unique=str(i), logement_id=f"L{i}") for i in (1, 2, 3)]
    import_attributions(contenu=fichier_f1(lignes_f1), nom_fichier="d.csv", recalculer=False)
    agent_epci = User.objects.create_user(username="agent.epci", password="x")
    Membership.objects.create(user=agent_epci, role=Role.EPCI, epci=territoire_minimal["epci"])
    settings.EXPORT_DIRECT_MAX_LIGNES = 1
    client.force_login(agent_epci)
    params = {"epci": "200040715", "annee": "2025", "objectif": "hors_qpv", "part": "base"}
    reponse = client.get(reverse("attributions:export", args=["xlsx"]), params)
    export = ExportDiffere.objects.get(utilisateur=agent_epci)
    assert reponse["Location"] == reverse("core:export", args=[export.pk])
    reponse_csv = client.get(reverse("attributions:export", args=["csv"]), params)  # the CSV is deferred too
    export_csv = ExportDiffere.objects.exclude(pk=export.pk).get(utilisateur=agent_epci)
    assert reponse_csv["Location"] == reverse("core:export", args=[export_csv.pk])

    def les_deux_prets():
        prets = ExportDiffere.objects.filter(pk__in=[export.pk, export_csv.pk], statut=ExportDiffere.Statut.PRET)
        return prets.in_bulk() if prets.count() == 2 else None

    prets = celery_worker_process.wait_for(les_deux_prets, timeout=60, what="les deux exports écrits par le worker")
    try:
        pret = prets[export.pk]
        fichier = client.get(reverse("core:export_fichier", args=[pret.pk]))
        lignes = list(load_workbook(io.BytesIO(b"".join(fichier.streaming_content))).active.iter_rows(values_only=True))
        assert lignes[0][0].startswith("Attributions hors QPV suivies d'un bail")
        assert sorted(r[0] for r in lignes[2:]) == ["1", "2", "3"]
        assert pret.lignes_total == pret.lignes_faites == 3
        texte = client.get(reverse("core:export_fichier", args=[export_csv.pk])).getvalue().decode("utf-8-sig")
        lignes_csv = texte.strip().split("\r\n")
        assert lignes_csv[0].startswith("Numéro unique;") and sorted(li.split(";")[0] for li in lignes_csv[1:]) == [
            "1",
            "2",
            "3",
        ]
    finally:
        ExportDiffere.objects.filter(utilisateur=agent_epci).update(cree_le=pret.cree_le.replace(year=2000))
        exports_differes.purger()
