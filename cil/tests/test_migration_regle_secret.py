"""Migrations public.0005 and cil.0010: the secrecy rule moves from `public` to `cil` with its rows (the table is
renamed, never copied), its content type (the admin's history and the permissions granted stay attached), and
every territory keeps reading the same rule."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cil.models import Epci, RegleSecret
from cil.selectors import regle_secret

AVANT = [("cil", "0009_contour_commune"), ("public", "0004_contours_vers_cil")]
APRES = [("cil", "0010_regle_secret")]


def migrer(cible=None):
    """To ``cible``, or back to the latest state of every app (the schema the other tests expect); returns the
    historical apps at the target."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    cible = cible if cible is not None else executor.loader.graph.leaf_nodes()
    executor.migrate(cible)
    return executor.loader.project_state(cible).apps


@pytest.mark.django_db(transaction=True)
def test_les_regles_passent_de_public_a_cil_sans_perte():
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from core.models import User
    from tests import donnees_initiales

    donnees_initiales.recharger()  # a transactional test before this one may have emptied the tables
    val = Epci.objects.create(siren="200000172", nom="CA du Val", type=Epci.Type.CA)
    mont = Epci.objects.create(siren="200000180", nom="CC du Mont", type=Epci.Type.CC)
    root = User.objects.create_superuser(username="root", password="x")
    try:
        anciennes = migrer(AVANT)
        Ancienne = anciennes.get_model("public", "RegleSecret")
        Ancienne.objects.all().delete()
        Ancienne.objects.create(epci=None, seuil=10, date_debut=dt.date(2000, 1, 1), source="Décision 11")
        regle_val = Ancienne.objects.create(
            epci_id=val.pk, seuil=5, date_debut=dt.date(2026, 1, 1), date_fin=dt.date(2026, 12, 31), source="CIL"
        )
        # what the admin recorded on the row while it was public's: its history and a permission granted on it
        ancien_type, _ = ContentType.objects.get_or_create(app_label="public", model="reglesecret")
        ContentType.objects.filter(app_label="cil", model="reglesecret").delete()
        droit, _ = Permission.objects.get_or_create(
            content_type=ancien_type, codename="change_reglesecret", defaults={"name": "Can change"}
        )
        root.user_permissions.add(droit)
        LogEntry.objects.create(
            user=root, content_type=ancien_type, object_id=str(regle_val.pk), object_repr="règle", action_flag=1
        )
        ContentType.objects.clear_cache()
        migrer(APRES)
    finally:
        migrer()  # never leave the schema behind
    ContentType.objects.clear_cache()
    tables = connection.introspection.table_names()
    assert "cil_reglesecret" in tables and "public_reglesecret" not in tables
    lignes = {ligne[1:] for ligne in RegleSecret.objects.values_list("pk", "epci", "seuil", "date_debut", "date_fin")}
    assert lignes == {(None, 10, dt.date(2000, 1, 1), None), (val.pk, 5, dt.date(2026, 1, 1), dt.date(2026, 12, 31))}
    assert RegleSecret.objects.get(pk=regle_val.pk).source == "CIL"  # the same row, its id kept
    assert regle_secret(val, dt.date(2026, 6, 1)).seuil == 5
    assert regle_secret(mont, dt.date(2026, 6, 1)).seuil == regle_secret(val, dt.date(2027, 1, 1)).seuil == 10
    nouveau_type = ContentType.objects.get_for_model(RegleSecret)
    assert nouveau_type.pk == ancien_type.pk and not ContentType.objects.filter(app_label="public", model="reglesecret")
    assert LogEntry.objects.get(object_id=str(regle_val.pk)).get_edited_object() == RegleSecret.objects.get(
        pk=regle_val.pk
    )
    assert User.objects.get(pk=root.pk).user_permissions.filter(pk=droit.pk, content_type=nouveau_type).exists()
    # the table takes new rows after the ones it kept (the identity follows the renamed table)
    nouvelle = RegleSecret.objects.create(epci=mont, seuil=20, date_debut=dt.date(2026, 1, 1), source="CIL de Mont")
    assert nouvelle.pk > regle_val.pk
