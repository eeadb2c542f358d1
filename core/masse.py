"""Set-based inserts of many rows, for the apps' bulk services (each app inserts only its own tables).

On PostgreSQL, ``COPY ... FROM STDIN`` (ids reserved beforehand from the table's sequence when the caller needs
them); elsewhere (SQLite: tests, demo) ``bulk_create``. ``copier`` takes rows as dicts of field values (a missing
field takes its model default, auto dates take the current time; a ``JsonTexte`` is a JSON value already
encoded); ``inserer`` takes model instances.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone


class JsonTexte(str):
    """A JSON field's value already encoded (``encoder_json``): COPY sends it as it is. Lets a caller encode its
    large documents in worker processes instead of the writing one."""

    __slots__ = ()


def encoder_json(valeur, encodeur=DjangoJSONEncoder) -> JsonTexte:
    """``valeur`` encoded as ``copier`` would encode it for a JSONField with ``encodeur`` (pure)."""
    return JsonTexte(json.dumps(valeur, cls=encodeur))


def reserver_ids(modele, nombre: int) -> list[int]:
    """``nombre`` fresh ids of ``modele``'s table (PostgreSQL: from its sequence; elsewhere: none, [])."""
    if connection.vendor != "postgresql" or nombre == 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [modele._meta.db_table, modele._meta.pk.column, nombre],
        )
        return [ligne[0] for ligne in cursor.fetchall()]


def _champs(modele) -> list:
    return [f for f in modele._meta.concrete_fields if not f.primary_key and not getattr(f, "generated", False)]


def _preparateur(champ):
    """The value COPY gets for ``champ`` from a Python value (psycopg adapts dates, decimals, booleans)."""
    if isinstance(champ, models.JSONField):
        encodeur = champ.encoder or DjangoJSONEncoder

        def preparer(valeur):
            if valeur is None or isinstance(valeur, JsonTexte):
                return valeur
            return json.dumps(valeur, cls=encodeur)

        return preparer
    return None


def _copy(modele, champs, lignes) -> None:
    colonnes = ", ".join(connection.ops.quote_name(f.column) for f in champs)
    preparateurs = [(i, p) for i, f in enumerate(champs) if (p := _preparateur(f)) is not None]
    with connection.cursor() as cursor:
        copie = f"COPY {connection.ops.quote_name(modele._meta.db_table)} ({colonnes}) FROM STDIN"
        with cursor.cursor.copy(copie) as flux:
            for ligne in lignes:
                for i, preparer in preparateurs:
                    ligne[i] = preparer(ligne[i])
                flux.write_row(ligne)


def copier(modele, lignes: Sequence[dict], *, avec_ids: bool = False) -> list[int]:
    """Insert ``lignes`` (dicts keyed by field ``attname``: ``demande_id``...) into ``modele``'s table; returns
    their ids, in order, when ``avec_ids``."""
    if not lignes:
        return []
    maintenant = timezone.now()
    champs = _champs(modele)
    defauts = {}
    for f in champs:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defauts[f.attname] = maintenant
        else:
            defauts[f.attname] = f.get_default()  # the model's default, "" or None as ``save`` would write
    if connection.vendor != "postgresql":
        objets = [
            modele(**{**defauts, **{n: json.loads(v) if isinstance(v, JsonTexte) else v for n, v in ligne.items()}})
            for ligne in lignes
        ]
        modele.objects.bulk_create(objets, batch_size=500)
        return [o.pk for o in objets] if avec_ids else []
    noms = [f.attname for f in champs]
    valeurs = [[ligne[n] if n in ligne else defauts[n] for n in noms] for ligne in lignes]
    ids: list[int] = []
    if avec_ids:
        ids = reserver_ids(modele, len(lignes))
        champs = [modele._meta.pk, *champs]
        valeurs = [[i, *v] for i, v in zip(ids, valeurs, strict=True)]
    _copy(modele, champs, valeurs)
    return ids


def inserer(modele, objets: Sequence) -> Sequence:
    """Insert ``objets`` (unsaved instances of ``modele``, derived fields already set); ids set on them."""
    if not objets:
        return objets
    if connection.vendor != "postgresql":
        modele.objects.bulk_create(objets, batch_size=500)
        return objets
    maintenant = timezone.now()
    champs = _champs(modele)
    for f in champs:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for objet in objets:
                setattr(objet, f.attname, maintenant)
    pk = modele._meta.pk
    for objet, identifiant in zip(objets, reserver_ids(modele, len(objets)), strict=True):
        setattr(objet, pk.attname, identifiant)
    noms = [pk.attname, *(f.attname for f in champs)]
    _copy(modele, [pk, *champs], [[getattr(o, n) for n in noms] for o in objets])
    for objet in objets:
        objet._state.adding = False
        objet._state.db = connection.alias
    return objets
