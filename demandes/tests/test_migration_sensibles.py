"""Migration 0006: past events about a criterion or a document name it, so the definition applies to them."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

AVANT = [("demandes", "0005_cotation_quotidienne")]
APRES = [("demandes", "0006_elements_sensibles")]


@pytest.mark.django_db(transaction=True)
def test_evenements_passes_completes_et_defauts_charges():
    executor = MigrationExecutor(connection)
    executor.migrate(AVANT)
    try:
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

        executor = MigrationExecutor(connection)
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
    finally:  # never leave the test database half-migrated for the tests that follow
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
