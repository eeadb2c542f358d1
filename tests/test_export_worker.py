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
    pret = celery_worker_process.wait_for(
        lambda: ExportDiffere.objects.filter(pk=export.pk, statut=ExportDiffere.Statut.PRET).first(),
        timeout=60,
        what="l'export écrit par le worker",
    )
    try:
        fichier = client.get(reverse("core:export_fichier", args=[pret.pk]))
        lignes = list(load_workbook(io.BytesIO(b"".join(fichier.streaming_content))).active.iter_rows(values_only=True))
        assert lignes[0][0].startswith("Attributions hors QPV suivies d'un bail")
        assert sorted(r[0] for r in lignes[2:]) == ["1", "2", "3"]
        assert pret.lignes_total == pret.lignes_faites == 3
    finally:
        ExportDiffere.objects.filter(pk=pret.pk).update(cree_le=pret.cree_le.replace(year=2000))
        exports_differes.purger()
