"""Migration 0006: past events about a criterion or a document name it, so the definition applies to them.

The migration runs on an empty database of the test's own, migrated forwards to 0005 and then to 0006, and
dropped afterwards: the test database is never migrated backwards and forwards again (36 migrations each way,
over a minute), and the tests after this one find it as it was."""

import datetime as dt

import pytest
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

AVANT = [("demandes", "0005_cotation_quotidienne")]
APRES = [("demandes", "0006_elements_sensibles")]
BASE = "migration_0006"


class _VersLaBaseDeLaMigration:
    """Every read and write goes to the test's own database: the historical models' and the migrations' own
    functions' (which use the default manager)."""

    def db_for_read(self, model, **hints):
        return BASE

    def db_for_write(self, model, **hints):
        return BASE


@pytest.fixture
def base_vierge(db, settings):
    """An empty database on the same server, with no migration applied (PostgreSQL: created next to the test
    database, under its name, and dropped after the test; SQLite: in memory)."""
    reglages = {**connection.settings_dict, "TEST": {**connection.settings_dict.get("TEST", {})}}
    if connection.vendor == "sqlite":
        reglages["TEST"]["NAME"] = ":memory:"
    else:
        reglages["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_{BASE}"
    connections.settings[BASE] = reglages
    base = connections[BASE]
    nom = base.creation._create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    base.close()
    base.settings_dict["NAME"] = nom
    # connected here, by the fixture: the test case lets only the databases it knew at its start open a
    # connection on demand
    base.connect()
    settings.DATABASE_ROUTERS = [_VersLaBaseDeLaMigration()]
    try:
        yield base
    finally:
        base.close()
        base.creation._destroy_test_db(nom, verbosity=0)
        del connections[BASE]
        del connections.settings[BASE]


def test_evenements_passes_completes_et_defauts_charges(base_vierge):
    executor = MigrationExecutor(base_vierge)
    executor.migrate(AVANT)
    apps = executor.loader.project_state(AVANT).apps
    Epci = apps.get_model("cil", "Epci")
    Commune = apps.get_model("cil", "Commune")
    Guichet = apps.get_model("cil", "Guichet")
    Demande = apps.get_model("demandes", "Demande")
    Priorite = apps.get_model("demandes", "CriterePriorite")
    Piece = apps.get_model("demandes", "PieceJustificative")
    Evenement = apps.get_model("demandes", "Evenement")
    epci = Epci.objects.create(siren="200000999", nom="CA Migration", type="CA")
    commune = Commune.objects.create(code_insee="09001", nom="Migville", departement="09", epci=epci)
    guichet = Guichet.objects.create(epci=epci, nom="Guichet", niveau=2, adresse="1 rue", commune=commune)
    demande = Demande.objects.create(
        numero_unique="009-2026-0000001", epci=epci, guichet=guichet, date_depot=dt.date(2026, 1, 1), nom="A",
        prenom="B", date_naissance=dt.date(1990, 1, 1), sexe="F", adresse="x", code_postal="09000", ville="M",
        situation_familiale="CELIBATAIRE", situation_professionnelle="CDI", logement_actuel="HEBERGE_TIERS",
    )  # fmt: skip
    priorite = Priorite.objects.create(
        demande=demande, critere="VIOLENCES_COUPLE", source="GUICHET", reconnu_le=dt.date(2026, 1, 2), sensible=True
    )
    piece = Piece.objects.create(demande=demande, type_piece="ORDONNANCE_PROTECTION")
    maintenant = dt.datetime(2026, 1, 3, tzinfo=dt.UTC)
    levee = Evenement.objects.create(
        demande=demande, type="PRIORITE_LEVEE", date=maintenant, detail={"priorite_id": priorite.pk}, sensible=True
    )
    validee = Evenement.objects.create(
        demande=demande, type="PIECE_VALIDEE", date=maintenant, detail={"piece_id": piece.pk}, sensible=True
    )
    orpheline = Evenement.objects.create(demande=demande, type="PIECE_VALIDEE", date=maintenant, detail={})

    executor = MigrationExecutor(base_vierge)
    executor.migrate(APRES)
    apps = executor.loader.project_state(APRES).apps
    Evenement = apps.get_model("demandes", "Evenement")
    ElementSensible = apps.get_model("demandes", "ElementSensible")
    assert Evenement.objects.get(pk=levee.pk).detail == {"priorite_id": priorite.pk, "critere": "VIOLENCES_COUPLE"}
    assert Evenement.objects.get(pk=validee.pk).detail == {
        "piece_id": piece.pk,
        "type_piece": "ORDONNANCE_PROTECTION",
    }
    assert Evenement.objects.get(pk=orpheline.pk).detail == {}
    assert ElementSensible.objects.filter(epci=None).count() == 6
