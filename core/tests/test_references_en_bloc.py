"""A bulk job's foreign keys checked set-based (``core.masse.references_en_bloc`` and ``verifier_references``):
only when the role may and no table has a trigger of its own; a missing reference is refused; the referenced
rows are locked as the row-by-row checks would lock them."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from core.masse import colonnes_apres, copier_lignes, encodeur_de_lignes, references_en_bloc, verifier_references

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL seulement")


def _replica() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('session_replication_role'), current_setting('jit')")
        role, jit = cursor.fetchone()
    assert (jit == "off") == (role == "replica") or jit == "off" and _jit_eteint_d_origine()
    return role == "replica"


def _jit_eteint_d_origine() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reset_val FROM pg_settings WHERE name = 'jit'")
        return cursor.fetchone()[0] == "off"


def test_seulement_dans_une_transaction_et_sans_declencheur_propre(db):
    from attributions.models import DecisionCaleol
    from demandes import services

    with transaction.atomic():
        with references_en_bloc([DecisionCaleol]) as en_bloc:
            assert not en_bloc and not _replica()  # its tables have triggers of their own (migration 0017)
        with references_en_bloc(services.modeles_ecrits_en_masse()) as en_bloc:
            assert en_bloc and _replica()
        assert not _replica()  # set back when the block ends, inside the same transaction
    with pytest.raises(IntegrityError), transaction.atomic(), references_en_bloc(services.modeles_ecrits_en_masse()):
        assert _replica()
        raise IntegrityError("simulée")
    assert not _replica()  # the block failed: its savepoint's rollback undid the setting


def test_un_role_sans_le_droit_garde_les_controles_ligne_a_ligne(db):
    from demandes import services

    with connection.cursor() as cursor:
        cursor.execute(
            "DO $$ BEGIN CREATE ROLE cil_test_sans_droit NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL ROLE cil_test_sans_droit")
        with references_en_bloc(services.modeles_ecrits_en_masse()) as en_bloc:
            assert not en_bloc and not _replica()


def test_une_reference_absente_est_refusee(monde_demandes):
    from demandes.models import Evenement
    from demandes.tests.factories import creer_demande

    demande = creer_demande(monde_demandes.guichet)
    colonnes = colonnes_apres(Evenement, ("demande_id",))
    ligne = encodeur_de_lignes(Evenement, colonnes)(
        {"type": Evenement.Type.RECTIFICATION, "date": dt.datetime(2026, 12, 4, tzinfo=dt.UTC), "detail": {}}
    )
    absente = demande.pk + 10**9
    with (
        pytest.raises(IntegrityError, match="demandes_evenement.demande_id"),
        transaction.atomic(),
        references_en_bloc([Evenement]) as en_bloc,
    ):
        assert en_bloc
        copier_lignes(Evenement, ["demande_id", *colonnes], [f"{demande.pk}\t{ligne}", f"{absente}\t{ligne}"])
        verifier_references(Evenement, "demande_id", [demande.pk, absente])
    assert not Evenement.objects.filter(demande_id=demande.pk + 10**9).exists()
    with transaction.atomic(), references_en_bloc([Evenement]):  # a demand that exists: accepted
        copier_lignes(Evenement, ["demande_id", *colonnes], [f"{demande.pk}\t{ligne}"])
        verifier_references(Evenement, "demande_id", [demande.pk])
    assert Evenement.objects.filter(demande=demande, type=Evenement.Type.RECTIFICATION).exists()


@pytest.mark.django_db(transaction=True)
def test_les_lignes_referencees_sont_verrouillees_jusqu_a_la_fin(monde_demandes):
    """Another connection cannot delete the desk a bulk registration references before it commits (with the
    row-by-row checks off, nothing else would stop it, and the new demands would point at nothing)."""
    import psycopg

    from demandes import services
    from demandes.tests.factories import donnees_demandeur

    guichet = monde_demandes.guichet2
    reglages = connection.settings_dict
    conninfo = psycopg.conninfo.make_conninfo(
        dbname=reglages["NAME"], user=reglages["USER"], host=reglages["HOST"] or None, port=reglages["PORT"] or None
    )

    class Annulee(Exception):
        pass

    with (
        pytest.raises(Annulee),
        transaction.atomic(),
        references_en_bloc(services.modeles_ecrits_en_masse()) as en_bloc,
    ):
        assert en_bloc
        creees, erreurs = services.enregistrer_demandes_en_masse(
            [{"guichet": guichet, "donnees": donnees_demandeur(), "membres": [], "ressources": []}], acteur=None
        )
        assert len(creees) == 1 and not erreurs
        with psycopg.connect(conninfo, autocommit=True) as autre:
            autre.execute("SET lock_timeout = '300ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                autre.execute("DELETE FROM cil_guichet WHERE id = %s", [guichet.pk])
        raise Annulee  # nothing kept
