"""A decision's dwelling and holder are checked by the database once per statement (migration 0015, docs/adr/0009).

No row-by-row foreign key on ``logement`` and ``reservataire`` (they cost the F1 import more than a second per
100,000 rows at commit), but statement triggers: a decision can never name a dwelling or holder that does not exist,
whichever writer tries (every form of statement the platform's writers use is tried below: the ORM's insert, bulk
insert, save, queryset update and bulk update, the fast path's INSERT ... ON CONFLICT, COPY), and a dwelling or holder
that decisions name can be neither deleted, nor renumbered, nor truncated away. PostgreSQL only: SQLite (demo and
fast tests) relies on the ORM's ``on_delete=PROTECT``, tested at the end.
"""

import datetime as dt

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from attributions.models import DecisionCaleol, Logement
from attributions.services import import_attributions
from cil.models import Reservataire
from tests.fixtures.f1 import fichier_f1, ligne_f1

from .factories import DecisionCaleolFactory, LogementFactory, ReservataireFactory

pytestmark = pytest.mark.django_db
postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="contrôle en base propre à PostgreSQL")

TABLE = DecisionCaleol._meta.db_table


def _absent(modele) -> int:
    return (modele.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def _sans_reference_pendante() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {TABLE} d WHERE NOT EXISTS (SELECT 1 FROM attributions_logement l "
            "WHERE l.id = d.logement_id) "
            "OR NOT EXISTS (SELECT 1 FROM cil_reservataire r WHERE r.id = d.reservataire_id)"
        )
        assert cursor.fetchone() == (0,)


def _refuse(ecrire) -> None:
    avant = DecisionCaleol.objects.count()
    # COPY goes through psycopg directly: its error is psycopg's, not wrapped by Django
    with pytest.raises((IntegrityError, psycopg.IntegrityError), match="n'existe pas"), transaction.atomic():
        ecrire()
    assert DecisionCaleol.objects.count() == avant
    _sans_reference_pendante()


def _copier(decision: DecisionCaleol, **changes) -> None:
    """COPY one decision's row, changed, straight into the table (the statement form of bulk loads)."""
    colonnes = [f.column for f in DecisionCaleol._meta.concrete_fields if f.column != "id"]
    valeurs = {f.column: getattr(decision, f.attname) for f in DecisionCaleol._meta.concrete_fields}
    valeurs.update(changes)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {TABLE} ({', '.join(colonnes)}) FROM STDIN") as cp:
        cp.write_row([valeurs[c] for c in colonnes])


@postgresql
@pytest.mark.parametrize("cle", ["logement_id", "reservataire_id"])
@pytest.mark.parametrize("ecriture", ["create", "bulk_create", "save", "update", "bulk_update", "on_conflict", "copy"])
def test_aucun_ecrivain_ne_peut_nommer_un_logement_ou_un_reservataire_absent(ecriture, cle):
    decision = DecisionCaleolFactory()
    absent = _absent(Logement if cle == "logement_id" else Reservataire)
    colonne_cle = "logement_id" if cle == "logement_id" else "reservataire_id"

    def nouvelle():
        autre = DecisionCaleolFactory.build(
            logement=decision.logement, reservataire=decision.reservataire, bailleur=decision.bailleur
        )
        setattr(autre, cle, absent)
        return autre

    def ecrire():
        if ecriture == "create":
            nouvelle().save()
        elif ecriture == "bulk_create":
            DecisionCaleol.objects.bulk_create([DecisionCaleolFactory.build(
                logement=decision.logement, reservataire=decision.reservataire, bailleur=decision.bailleur
            ), nouvelle()])  # fmt: skip
        elif ecriture == "save":
            setattr(decision, cle, absent)
            decision.save()
        elif ecriture == "update":
            DecisionCaleol.objects.filter(pk=decision.pk).update(**{cle: absent})
        elif ecriture == "bulk_update":
            setattr(decision, cle, absent)
            DecisionCaleol.objects.bulk_update([decision], [cle.removesuffix("_id")])
        elif ecriture == "on_conflict":  # the fast path's form, on its update branch (same key, new values)
            colonnes = ", ".join(f.column for f in DecisionCaleol._meta.concrete_fields if f.column != "id")
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {TABLE} ({colonnes}) SELECT {colonnes} FROM {TABLE} WHERE id = %s "
                    f"ON CONFLICT ON CONSTRAINT decision_identite DO UPDATE SET {colonne_cle} = %s",
                    [decision.pk, absent],
                )
        else:
            _copier(decision, numero_unique="copie", **{colonne_cle: absent})

    _refuse(ecrire)


@postgresql
def test_les_deux_chemins_de_l_import_f1_n_ecrivent_que_des_references_existantes(territoire_minimal):
    lignes = [
        ligne_f1(numero_unique=str(i), logement_id=f"L{i % 3}", reservataire_type=t, reservataire_id=c)
        for i, (t, c) in enumerate([("ETAT", ""), ("COMMUNE", "38185"), ("BAILLEUR", ""), ("AUTRE", "X")] * 3)
    ]
    for rapide in (True, False):
        DecisionCaleol.objects.all().delete()
        Logement.objects.all().delete()
        rapport = import_attributions(contenu=fichier_f1(lignes), nom_fichier="a.csv", recalculer=False, rapide=rapide)
        assert (rapport.chemin, rapport.nb_creees) == ("sql" if rapide else "python", 12)
        # a second file charges the same decisions to another holder: the update branch
        autres = [
            {**ligne, "reservataire_type": "ACTION_LOGEMENT", "reservataire_id": "", "dalo": "1"} for ligne in lignes
        ]
        rapport = import_attributions(contenu=fichier_f1(autres), nom_fichier="b.csv", recalculer=False, rapide=rapide)
        assert rapport.nb_modifiees == 12
        assert set(DecisionCaleol.objects.values_list("reservataire__type", flat=True)) == {"ACTION_LOGEMENT"}
        _sans_reference_pendante()


@postgresql
def test_un_logement_ou_un_reservataire_cite_ne_peut_disparaitre_en_sql():
    decision = DecisionCaleolFactory()
    for table, ident in (
        ("attributions_logement", decision.logement_id),
        ("cil_reservataire", decision.reservataire_id),
    ):
        for instruction in (f"DELETE FROM {table} WHERE id = %s", f"UPDATE {table} SET id = -id WHERE id = %s"):
            with pytest.raises(IntegrityError, match="le citent"), transaction.atomic(), connection.cursor() as c:
                c.execute(instruction, [ident])
    with connection.cursor() as c:
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending deferred checks (the factories')
    with pytest.raises(IntegrityError, match="le citent"), transaction.atomic(), connection.cursor() as c:
        c.execute("TRUNCATE attributions_logement CASCADE")  # CASCADE follows real foreign keys only
    _sans_reference_pendante()
    # what no decision names can go; the tables can be emptied together
    libre, personne = LogementFactory(), ReservataireFactory(type="AUTRE", code="libre")
    with connection.cursor() as c:
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")
        c.execute("DELETE FROM attributions_logement WHERE id = %s", [libre.pk])
        c.execute("DELETE FROM cil_reservataire WHERE id = %s", [personne.pk])
        c.execute(f"TRUNCATE {TABLE}, attributions_logement CASCADE")
    assert not Logement.objects.exists()


def test_l_orm_protege_les_logements_et_reservataires_cites():
    decision = DecisionCaleolFactory(date_decision=dt.date(2025, 3, 10))
    with pytest.raises(ProtectedError):
        decision.logement.delete()
    with pytest.raises(ProtectedError):
        decision.reservataire.delete()
