"""Set-based inserts of many model instances, for the apps' bulk services (each app inserts only its own tables).

On PostgreSQL, ``COPY ... FROM STDIN`` of the rows (values prepared by each field as ``save`` would: auto dates,
JSON, decimals), with ids reserved beforehand from the table's sequence when the caller needs them; elsewhere
(SQLite: tests, demo) ``bulk_create``. Either way the instances come back with their ids.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection


def reserver_ids(modele, nombre: int) -> list[int]:
    """``nombre`` fresh ids of ``modele``'s table (PostgreSQL: from its sequence; elsewhere: none, [])."""
    if connection.vendor != "postgresql" or nombre == 0:
        return []
    table = modele._meta.db_table
    colonne = modele._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, colonne, nombre]
        )
        return [ligne[0] for ligne in cursor.fetchall()]


def inserer(modele, objets: Sequence, *, taille_lot: int = 1000) -> Sequence:
    """Insert ``objets`` (unsaved instances of ``modele``) in one statement per table; ids set on them.

    On PostgreSQL every instance gets an id from the sequence (``reserver_ids``) unless it already has one."""
    if not objets:
        return objets
    if connection.vendor != "postgresql":
        modele.objects.bulk_create(objets, batch_size=taille_lot)
        return objets
    pk = modele._meta.pk
    sans_id = [o for o in objets if getattr(o, pk.attname) is None]
    for objet, identifiant in zip(sans_id, reserver_ids(modele, len(sans_id)), strict=True):
        setattr(objet, pk.attname, identifiant)
    champs = [f for f in modele._meta.concrete_fields if not getattr(f, "generated", False)]
    colonnes = ", ".join(connection.ops.quote_name(f.column) for f in champs)
    with connection.cursor() as cursor:
        copie = f"COPY {connection.ops.quote_name(modele._meta.db_table)} ({colonnes}) FROM STDIN"
        with cursor.cursor.copy(copie) as flux:
            for objet in objets:
                flux.write_row([f.get_db_prep_save(f.pre_save(objet, True), connection) for f in champs])
    for objet in objets:
        objet._state.adding = False
        objet._state.db = connection.alias
    return objets
