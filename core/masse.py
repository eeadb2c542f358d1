"""Set-based inserts of many rows, for the apps' bulk services (each app inserts only its own tables).

On PostgreSQL, ``COPY ... FROM STDIN`` (ids reserved beforehand from the table's sequence when the caller needs
them); elsewhere (SQLite: tests, demo) ``bulk_create``. ``copier`` takes rows as dicts of field values (a missing
field takes its model default, auto dates take the current time; a ``JsonTexte`` is a JSON value already
encoded); ``inserer`` takes model instances.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal

import orjson
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


@contextlib.contextmanager
def tas_gele():
    """Python's cycle collector kept from walking again and again what a bulk job keeps in memory (tens of
    thousands of rows and results; measured: a third of the SNE import's writing process): the objects alive are
    frozen (``gc.freeze``) at the start and each time the job calls the function this yields (after each group),
    so a collection looks only at what was allocated since, cycles included (a refused file's exception and its
    frames), and worker processes forked meanwhile do not touch the frozen pages. Unfrozen at the end."""
    gc.freeze()
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


@contextlib.contextmanager
def references_en_bloc(modeles: Sequence):
    """Inside a bulk job's transaction (PostgreSQL 15 or later), for the block's writes: the foreign keys of the
    rows it writes checked once per table instead of once per row. The row-by-row checks are PostgreSQL's
    internal triggers, which cost a query each (about 64 for one national file: half of PostgreSQL's share of
    the SNE import). When this role may set ``session_replication_role`` (a superuser, or ``GRANT SET ON
    PARAMETER session_replication_role``) and none of ``modeles``' tables (every table the block writes) has a
    trigger of its own, they are turned off (``SET LOCAL ... = replica``, and ``jit = off``) for the block,
    whose writers check what they wrote with ``verifier_references``; the previous values are set again when
    the block ends (rows written after it are checked row by row again, even inside the same transaction; if
    the block fails, the rollback of its savepoint undoes the settings). Yields whether it did; otherwise
    nothing changes."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block or connection.pg_version < 150000:
        yield False
        return
    tables = [m._meta.db_table for m in modeles]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_parameter_privilege('session_replication_role', 'SET'), EXISTS (SELECT 1 FROM pg_trigger "
            "WHERE NOT tgisinternal AND tgrelid IN (SELECT oid FROM pg_class WHERE relname = ANY(%s))), "
            "current_setting('session_replication_role'), current_setting('jit')",
            [tables],
        )
        permis, declencheurs, avant, jit = cursor.fetchone()
        if not permis or declencheurs or avant == "replica":
            permis = False
        else:
            # and no JIT compilation for the checks' queries: their estimates (an array of ids) made PostgreSQL
            # compile each one, 170 ms for a query that runs in 20
            cursor.execute("SET LOCAL session_replication_role = replica; SET LOCAL jit = off")
    yield bool(permis)
    if permis and not connection.needs_rollback:  # else the rollback undoes it
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('session_replication_role', %s, true), set_config('jit', %s, true)", [avant, jit]
            )


def verifier_references(modele, champ: str, valeurs: Sequence, *, ecrites: dict | None = None) -> None:
    """What the foreign-key triggers turned off by ``references_en_bloc`` would have done, set-based, in one
    query: the rows of ``modele`` whose ``champ`` is in ``valeurs`` (the rows the block wrote) reference only
    rows that exist, and those are locked (``FOR KEY SHARE``) until the transaction ends, so that no one deletes
    them meanwhile. ``ecrites``: {model: ids} of rows the block itself wrote (a new demand's household...): no
    other transaction sees them before the commit, so they are checked but not locked. Raises
    ``IntegrityError`` (the caller's transaction is rolled back). No-op when the triggers are on."""
    from django.db import IntegrityError

    cles = [f for f in modele._meta.concrete_fields if f.is_relation and f.db_constraint]
    if not valeurs or not cles or connection.vendor != "postgresql":
        return
    qn = connection.ops.quote_name
    ecrites = ecrites or {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('session_replication_role') = 'replica'")
        if not cursor.fetchone()[0]:
            return
        colonnes = ", ".join(qn(f.column) for f in cles)
        ctes = [
            f"lignes AS MATERIALIZED (SELECT {colonnes} FROM {qn(modele._meta.db_table)} "
            f"WHERE {qn(modele._meta.get_field(champ).column)} = ANY(%(valeurs)s))"
        ]
        parametres: dict = {"valeurs": list(valeurs)}
        ecarts = []
        for n, cle in enumerate(cles):
            table, pk = qn(cle.target_field.model._meta.db_table), qn(cle.target_field.column)
            ctes.append(
                f"r{n} AS (SELECT DISTINCT {qn(cle.column)} AS v FROM lignes WHERE {qn(cle.column)} IS NOT NULL)"
            )
            siennes = ecrites.get(cle.related_model)
            if siennes:
                parametres[f"e{n}"] = list(siennes)
                ctes.append(f"t{n} AS (SELECT {pk} FROM {table} WHERE {pk} IN (SELECT v FROM r{n}))")
                ctes.append(
                    f"l{n} AS (SELECT {pk} FROM {table} WHERE {pk} IN "
                    f"(SELECT v FROM r{n} EXCEPT SELECT unnest(%(e{n})s)) FOR KEY SHARE)"
                )
            else:
                ctes.append(f"t{n} AS (SELECT {pk} FROM {table} WHERE {pk} IN (SELECT v FROM r{n}) FOR KEY SHARE)")
                ctes.append(f"l{n} AS (SELECT 1)")
            ecarts.append(f"(SELECT count(*) FROM r{n}) - (SELECT count(*) FROM t{n}), (SELECT count(*) FROM l{n})")
        cursor.execute("WITH " + ", ".join(ctes) + " SELECT " + ", ".join(ecarts), parametres)
        resultat = cursor.fetchone()
    for n, cle in enumerate(cles):
        if resultat[2 * n]:
            raise IntegrityError(
                f"{modele._meta.db_table}.{cle.column} : référence absente de "
                f"{cle.target_field.model._meta.db_table} (écriture en masse annulée)."
            )


def encoder_json_simple(valeur) -> JsonTexte:
    """``encoder_json`` for a document of plain JSON values (str, int, float, bool, None, dicts with str keys,
    lists: the dict a schema gives), by orjson (about six times faster than the standard library on a national
    record); a value of any other type (a date, a decimal, a subclass of str...) sends the whole document to
    ``encoder_json``. The text may differ (no space after separators, non-ASCII kept), the JSON value does not."""
    try:
        return JsonTexte(orjson.dumps(valeur, option=_ORJSON_SIMPLE).decode())
    except TypeError:
        return encoder_json(valeur)


_ORJSON_SIMPLE = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS


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
        encodeur = (champ.encoder or DjangoJSONEncoder)()  # json.dumps(valeur, cls=...) without an encoder a row

        def preparer(valeur):
            if valeur is None or isinstance(valeur, JsonTexte):
                return valeur
            return encodeur.encode(valeur)

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


# --- Rows encoded where they are prepared (worker processes), COPY'd as text by the writing process -----------


NUL = "\\N"  # COPY text format: the null value


def echapper(texte: str) -> str:
    """``texte`` as a field of COPY's text format (backslash, tab, newline and carriage return escaped)."""
    if "\\" in texte:
        texte = texte.replace("\\", "\\\\")
    if "\t" in texte:
        texte = texte.replace("\t", "\\t")
    if "\n" in texte:
        texte = texte.replace("\n", "\\n")
    if "\r" in texte:
        texte = texte.replace("\r", "\\r")
    return texte


def texte_copy(valeur) -> str:
    """One value in COPY's text format, as PostgreSQL reads what psycopg sends for it (pure). A JSON field's
    value must be encoded first (``encoder_json`` or ``encodeur_de_lignes``, which does it)."""
    if valeur is None:
        return NUL
    if isinstance(valeur, str):
        return echapper(str.__str__(valeur))  # a TextChoices member: its value
    if isinstance(valeur, bool):
        return "t" if valeur else "f"
    if isinstance(valeur, int | Decimal):
        return str(valeur)
    if isinstance(valeur, dt.datetime):
        if valeur.tzinfo is None:
            raise ValueError("COPY : une date et heure sans fuseau ne peut pas être écrite.")
        return valeur.isoformat()
    if isinstance(valeur, dt.date):
        return valeur.isoformat()
    raise TypeError(f"COPY : valeur de type {type(valeur).__name__} non prise en charge.")


def colonnes_apres(modele, premieres: Sequence[str]) -> list[str]:
    """The attnames of ``modele``'s written columns that are not in ``premieres``, in the model's order: what
    ``encodeur_de_lignes`` encodes after the columns the writing process fills."""
    return [f.attname for f in _champs(modele) if f.attname not in premieres]


def _encodeur_du_champ(champ):
    """The COPY text of a value of ``champ`` (``texte_copy``, with the dispatch on the field's type done once)."""
    if isinstance(champ, models.JSONField):
        encodeur = (champ.encoder or DjangoJSONEncoder)()
        return lambda v: NUL if v is None else echapper(v if isinstance(v, JsonTexte) else encodeur.encode(v))
    if isinstance(champ, models.CharField | models.TextField):
        return lambda v: NUL if v is None else echapper(str(v))  # str(): a TextChoices member gives its value
    if isinstance(champ, models.BooleanField):
        return lambda v: NUL if v is None else ("t" if v else "f")
    cible = champ.target_field if isinstance(champ, models.ForeignKey) else champ
    if isinstance(cible, models.IntegerField | models.DecimalField):
        return lambda v: NUL if v is None else str(v)
    return texte_copy


def encodeur_de_lignes(modele, colonnes: Sequence[str]):
    """A pure function giving, for an instance of ``modele`` or a dict of its field values (a missing key takes
    the field's default, as in ``copier``), the COPY text of ``colonnes`` joined by tabs. Runs in the worker
    processes of a bulk import, so that the writing process only prefixes the ids (``copier_lignes``)."""
    par_nom = {f.attname: f for f in _champs(modele)}
    champs = [par_nom[c] for c in colonnes]
    plan = [(f.attname, f.get_default(), _encodeur_du_champ(f)) for f in champs]

    def encoder(source) -> str:
        if isinstance(source, dict):
            return "\t".join([en_texte(source.get(nom, defaut)) for nom, defaut, en_texte in plan])
        return "\t".join([en_texte(getattr(source, nom)) for nom, _defaut, en_texte in plan])

    return encoder


def copier_lignes(modele, colonnes: Sequence[str], lignes: Iterable[str]) -> None:
    """COPY ``lignes`` (text format, tab-separated, no end of line; an item may hold several rows separated by
    newlines) into ``colonnes`` of ``modele``'s table, in blocks (PostgreSQL only: the caller takes ``copier``
    elsewhere)."""
    noms = ", ".join(connection.ops.quote_name(modele._meta.get_field(c).column) for c in colonnes)
    with connection.cursor() as cursor:
        copie = f"COPY {connection.ops.quote_name(modele._meta.db_table)} ({noms}) FROM STDIN"
        with cursor.cursor.copy(copie) as flux:
            bloc: list[str] = []
            for ligne in lignes:
                bloc.append(ligne)
                if len(bloc) == 1_000:
                    flux.write("\n".join(bloc).encode() + b"\n")
                    bloc = []
            if bloc:
                flux.write("\n".join(bloc).encode() + b"\n")


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
