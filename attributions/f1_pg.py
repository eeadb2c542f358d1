"""The F1 import's fast path on PostgreSQL: COPY, then validation and writes as set-based SQL.

It only ever takes files it can prove valid: every check below is at least as strict as the Python
validator (attributions.f1), and whenever in doubt (a cell it cannot read, a COPY error, a rule it
does not check) it gives up and returns None. The caller then runs the Python path, which reports
every error by line and column, or imports the file. The values written are those the Python path
would write: tests import the same files through both paths and compare the tables.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import psycopg
from django.db import DatabaseError, connection, transaction

from core.db import plans_generiques_permis

from . import f1, rules
from .models import DecisionCaleol, Logement

# text cells: ASCII spaces around a value are dropped (as Python's strip() does); any other white space
# at either end makes the fast path give up (Python strips more kinds of white space than btrim).
_BORDS_SUSPECTS = r"^[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\u0085\ufeff]|[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\u0085\ufeff]$"  # noqa: E501
_DATE = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


@dataclass
class Ecriture:
    nb_lignes: int
    creees: int
    modifiees: int
    inchangees: int
    nouveaux_bailleurs: int
    nouveaux_reservataires: int
    nouveaux_logements: int
    avertissements: list[f1.Erreur] = field(default_factory=list)
    annees: dict[int, set[int]] = field(default_factory=dict)


class _Abandon(Exception):
    """The file is not provably valid: roll the fast path back and let the Python path decide."""


def _entete(texte: str) -> tuple[dict[str, int], int] | None:
    try:
        entete = next(csv.reader(io.StringIO(texte, newline=""), delimiter=f1.SEPARATEUR))
    except StopIteration:
        return None
    positions, erreurs = f1.lire_entete(entete)
    if erreurs:
        return None
    connues = f1.COLONNES_REQUISES + f1.COLONNES_FACULTATIVES
    return {nom: positions[nom] for nom in connues if nom in positions}, len(entete)


# What the dwelling carries per QPV map: its QPV column and whether its situation there is known.
_COLONNES_PAR_CARTE = {"2024": ("qpv_id", "carte_2024_connue"), "2015": ("qpv_2015_id", "carte_2015_connue")}


def _carte_decision_sql() -> str:
    """rules.carte_de_la_decision on f1_ok: the map the row's QPV code names, else the one in force."""
    en_vigueur = rules.carte_qpv_sql("date_decision", outre_mer=rules.est_outre_mer_sql("departement"))
    return f"coalesce(carte_qpv, {en_vigueur})"


def _en_qpv_au_bail_sql() -> str:
    """rules.qpv_au_bail on f1_ok ``o`` joined to the dwelling ``l`` as written: the row's QPV on its map
    (o.carte_decision), the dwelling's on the others; true when the dwelling is in a QPV at the lease."""
    situations = {}
    for carte in rules.CARTES_QPV:
        colonne_qpv, colonne_connue = _COLONNES_PAR_CARTE[carte.code]
        de_la_ligne = f"o.carte_decision = '{carte.code}'"
        situations[carte.code] = (
            f"({de_la_ligne} OR l.{colonne_connue} OR l.{colonne_qpv} IS NOT NULL)",
            f"CASE WHEN {de_la_ligne} THEN o.qpv_id ELSE l.{colonne_qpv} END",
        )
    qpv = rules.qpv_au_sql("o.date_bail", situations, outre_mer=rules.est_outre_mer_sql("o.departement"))
    return f"CASE WHEN o.date_bail IS NULL THEN NULL ELSE {qpv} IS NOT NULL END"


def _situation_sql(cellule: str) -> str:
    """An optional situation cell (f1.COLONNES_SITUATION): '1' true, '0' false, empty (or no column) unknown."""
    return f"CASE {cellule} WHEN '1' THEN true WHEN '0' THEN false END"


def ecrire(contenu: bytes, *, lot_id: int, permis: frozenset[int] | None = None) -> Ecriture | None:
    """Validate and write the file in the current transaction; None (nothing written) if not provably valid.

    ``permis``: the territories the file may write into (None: any). A row of another territory, or one that
    would rewrite a dwelling or a decision of another territory, sends the file to the Python path, which
    refuses it naming the lines (services._existants_hors_perimetre)."""
    try:
        texte = f1.decode(contenu)
    except ValueError:
        return None
    lu = _entete(texte)
    if lu is None:
        return None
    colonnes, largeur = lu
    try:
        with transaction.atomic():
            return _ecrire(texte, colonnes, largeur, lot_id, permis)
    except (_Abandon, DatabaseError, psycopg.Error):
        return None


def _ecrire(  # noqa: C901
    texte: str, colonnes: dict[str, int], largeur: int, lot_id: int, permis: frozenset[int] | None
) -> Ecriture:
    params = {
        "lot": lot_id,
        "facteur_e4": rules.FACTEUR_ANNUEL_E4,
        "tous": permis is None,
        "permis": sorted(permis or ()),
    }
    with connection.cursor() as cursor:
        # Until the end of the import's transaction (undone with the savepoint if the fast path gives up):
        # sorts, hashes and the decisions' transition table (migration 0015) in memory rather than on disk; and
        # the commit does not wait for its WAL to reach the disk. A crash in the next fraction of a second may
        # lose the whole import, never part of it (the user imports the file again: the import is idempotent).
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        plans_generiques_permis()  # the import's statements planned once, not at each execution (core.db)
        brutes = ", ".join(f"c{i} text" for i in range(largeur))
        cursor.execute(f"CREATE TEMP TABLE f1_brut ({brutes}, ligne bigserial) ON COMMIT DROP")
        cursor.execute("ALTER SEQUENCE f1_brut_ligne_seq RESTART WITH 2")  # the header is line 1
        copie = f"COPY f1_brut ({', '.join(f'c{i}' for i in range(largeur))}) FROM STDIN WITH (FORMAT csv, "
        copie += f"DELIMITER '{f1.SEPARATEUR}', HEADER true)"
        with cursor.cursor.copy(copie) as copy:
            copy.write(texte)

        # Each cell trimmed once per line (the subquery is fenced by OFFSET 0 so that the planner does not
        # inline it and trim again at every use below); an absent optional column reads as ''.
        presentes = [nom for nom in f1.COLONNES_REQUISES + f1.COLONNES_FACULTATIVES if nom in colonnes]
        cellules = ", ".join(f"btrim(coalesce(c{colonnes[nom]}, ''), ' ') AS {nom}" for nom in presentes)
        # Free-text cells: any white space at their ends other than plain spaces sends the file to Python.
        # (Every other cell must match a strict pattern or a code of the reference data after the spaces are
        # trimmed, so a tab or a non-breaking space there already fails the checks below.)
        libres = [colonnes[nom] for nom in ("numero_unique", "logement_id", "reservataire_id")]
        suspects = " OR ".join(f"coalesce(c{i}, '') ~ %(bords)s" for i in libres)

        def v(nom: str) -> str:
            return f"t.{nom}" if nom in colonnes else "''"

        p = {**params, "bords": _BORDS_SUSPECTS, "date": _DATE}
        # One pass: every line typed and resolved against the reference data, with whether it breaks any rule
        # (see f1.lire for each rule). A cast that fails on a line breaking a rule aborts the statement: that also
        # sends the file to the Python path, as a line flagged ``fautive`` does.
        cursor.execute(
            f"""
            CREATE TEMP TABLE f1_ok ON COMMIT DROP AS
            SELECT t.ligne, NOT (
                length({v("numero_unique")}) BETWEEN 1 AND 40
                AND {v("date_depot")} ~ %(date)s AND {v("date_decision")} ~ %(date)s
                AND ({v("date_bail")} = '' OR {v("date_bail")} ~ %(date)s)
                AND upper({v("type_decision")}) IN {rules.liste_sql(rules.TypeDecision)}
                AND CASE WHEN upper({v("type_decision")}) <> '{rules.TYPE_CLASSEMENT}' THEN true
                         WHEN {v("rang")} ~ '^\\+?[0-9]{{1,4}}$' THEN ltrim({v("rang")}, '+')::int >= 1
                         ELSE false END
                AND length({v("logement_id")}) BETWEEN 1 AND 40
                AND {v("bailleur_siren")} ~ '^[0-9]{{9}}$'
                AND upper({v("typologie")}) ~ '^T[1-6]\\+*$'
                AND upper({v("reservataire_type")}) IN ('ETAT', 'ETAT_AGENTS', 'ACTION_LOGEMENT', 'COMMUNE', 'EPCI',
                                                        'DEPARTEMENT', 'AUTRE', 'BAILLEUR')
                AND (upper({v("reservataire_type")}) NOT IN ('COMMUNE', 'EPCI', 'DEPARTEMENT', 'AUTRE')
                     OR length({v("reservataire_id")}) BETWEEN 1 AND 40)
                AND {v("ressources_mensuelles")} ~ '^[0-9]{{1,7}}([.,][0-9]{{1,4}})?$'
                AND CASE WHEN {v("nb_personnes_14_plus")} ~ '^\\+?[0-9]{{1,2}}$'
                         THEN ltrim({v("nb_personnes_14_plus")}, '+')::int >= 1 ELSE false END
                AND {v("nb_enfants_moins_14")} ~ '^\\+?[0-9]{{1,2}}$'
                AND {v("dalo")} IN ('0', '1') AND {v("prioritaire")} IN ('0', '1')
                AND {v("mutation")} IN ('', '0', '1')
                AND {v("sortant_hebergement")} IN ('', '0', '1') AND {v("sans_abri")} IN ('', '0', '1')
                AND upper({v("relogement")}) IN ('', 'ANRU', 'ORCOD', 'LHI')
                AND c.id IS NOT NULL AND e.id IS NOT NULL
                AND (%(tous)s OR e.id = ANY(%(permis)s::bigint[]))
                AND ({v("qpv_code")} = '' OR q.id IS NOT NULL)
                AND (c.epci_id = e.id OR EXISTS (SELECT 1 FROM cil_perimetreepci pe
                                                  WHERE pe.epci_id = e.id AND pe.commune_id = c.id))
                AND NOT t.bords_suspects
            ) AS fautive,
                   {v("numero_unique")} AS numero_unique, {v("date_depot")}::date AS date_depot,
                   {v("date_decision")}::date AS date_decision, upper({v("type_decision")}) AS type_decision,
                   CASE WHEN upper({v("type_decision")}) = '{rules.TYPE_CLASSEMENT}'
                        THEN ltrim({v("rang")}, '+')::smallint END AS rang,
                   nullif({v("date_bail")}, '')::date AS date_bail, {v("logement_id")} AS logement_id,
                   {v("bailleur_siren")} AS bailleur_siren, c.id AS commune_id, c.departement, e.id AS epci_id,
                   q.id AS qpv_id, q.carte AS carte_qpv, rtrim(upper({v("typologie")}), '+') AS typologie,
                   upper({v("reservataire_type")}) AS reservataire_type,
                   CASE WHEN upper({v("reservataire_type")}) IN ('COMMUNE', 'EPCI', 'DEPARTEMENT', 'AUTRE')
                        THEN {v("reservataire_id")}
                        WHEN upper({v("reservataire_type")}) = 'BAILLEUR' THEN {v("bailleur_siren")}
                        ELSE '' END AS reservataire_code,
                   replace({v("ressources_mensuelles")}, ',', '.')::numeric(14, 4) AS ressources_mensuelles,
                   ltrim({v("nb_personnes_14_plus")}, '+')::smallint AS n14,
                   ltrim({v("nb_enfants_moins_14")}, '+')::smallint AS nm14,
                   {v("dalo")} = '1' AS dalo, {v("prioritaire")} = '1' AS prioritaire,
                   upper({v("relogement")}) AS relogement, {v("mutation")} = '1' AS mutation,
                   {_situation_sql(v("sortant_hebergement"))} AS sortant_hebergement,
                   {_situation_sql(v("sans_abri"))} AS sans_abri
            FROM (SELECT b.ligne, {cellules}, ({suspects}) AS bords_suspects FROM f1_brut b OFFSET 0) t
            LEFT JOIN cil_commune c ON c.code_insee = upper({v("commune_insee")})
            LEFT JOIN cil_epci e ON e.siren = {v("epci_siren")}
            LEFT JOIN cil_qpv q ON q.code = upper({v("qpv_code")}) AND {v("qpv_code")} <> ''
            """,
            p,
        )
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE fautive) FROM f1_ok")
        nb_lignes, nb_fautives = cursor.fetchone()
        if nb_lignes == 0 or nb_fautives:
            raise _Abandon
        cursor.execute(
            "SELECT 1 FROM f1_ok GROUP BY numero_unique, logement_id, date_decision HAVING count(*) > 1 LIMIT 1"
        )
        if cursor.fetchone():
            raise _Abandon  # the same decision twice: the Python path names both lines
        if permis is not None:
            # a dwelling or a decision of another territory matched by its key: the Python path names the lines
            cursor.execute(
                f"""
                SELECT 1 FROM f1_ok o JOIN {Logement._meta.db_table} l ON l.identifiant = o.logement_id
                WHERE NOT l.epci_id = ANY(%(permis)s::bigint[])
                   OR EXISTS (SELECT 1 FROM {DecisionCaleol._meta.db_table} d
                              WHERE d.numero_unique = o.numero_unique AND d.logement_id = l.id
                                AND d.date_decision = o.date_decision AND NOT d.epci_id = ANY(%(permis)s::bigint[]))
                LIMIT 1
                """,
                p,
            )
            if cursor.fetchone():
                raise _Abandon
        cursor.execute("ALTER TABLE f1_ok ADD COLUMN carte_decision text")
        cursor.execute(f"UPDATE f1_ok SET carte_decision = {_carte_decision_sql()}")

        # warnings, in the order the Python path gives them
        cursor.execute(
            f"""
            SELECT ligne, colonne, message FROM (
              SELECT ligne, 1 AS k, 'date_bail' AS colonne, 'bail signé avant la décision de la commission.' AS message
                FROM f1_ok WHERE date_bail < date_decision
              UNION ALL
              SELECT ligne, 2, 'date_bail', 'bail renseigné pour une décision qui n''attribue pas le logement : '
                     || 'il n''est pas compté.'
                FROM f1_ok WHERE date_bail IS NOT NULL AND NOT {rules.est_attribution_sql("type_decision")}
              UNION ALL
              SELECT ligne, 3, 'date_depot', 'demande déposée après la décision de la commission.'
                FROM f1_ok WHERE date_depot > date_decision
            ) a ORDER BY ligne, k
            """
        )
        avertissements = [f1.Erreur(ligne, colonne, message) for ligne, colonne, message in cursor.fetchall()]

        # landlords
        cursor.execute(
            "INSERT INTO cil_bailleur (siren, nom) SELECT DISTINCT bailleur_siren, 'Bailleur ' || bailleur_siren "
            "FROM f1_ok ON CONFLICT (siren) DO NOTHING"
        )
        nouveaux_bailleurs = cursor.rowcount
        cursor.execute(
            "INSERT INTO cil_bailleur_epcis (bailleur_id, epci_id) SELECT DISTINCT b.id, o.epci_id FROM f1_ok o "
            "JOIN cil_bailleur b ON b.siren = o.bailleur_siren ON CONFLICT DO NOTHING"
        )
        # reservation holders: few distinct ones, named by the same code as the Python path
        cursor.execute("SELECT DISTINCT reservataire_type, reservataire_code, bailleur_siren, epci_id FROM f1_ok")
        from .services import creer_reservataires

        cles = cursor.fetchall()
        _, nouveaux_reservataires = creer_reservataires(
            {(t, c) for t, c, _, _ in cles},
            {(t, c, e) for t, c, _, e in cles},
        )

        # dwellings: the most recent decision gives landlord, commune, EPCI and typology; each QPV map's
        # situation comes from the most recent decision taken under that map, else stays as it was
        table_l = Logement._meta.db_table
        cursor.execute(
            f"""
            WITH dernier AS (
              SELECT DISTINCT ON (logement_id) logement_id, bailleur_siren, commune_id, epci_id, typologie
              FROM f1_ok ORDER BY logement_id, date_decision DESC, ligne DESC
            ), c2024 AS (
              SELECT DISTINCT ON (logement_id) logement_id, qpv_id FROM f1_ok WHERE carte_decision = '2024'
              ORDER BY logement_id, date_decision DESC, ligne DESC
            ), c2015 AS (
              SELECT DISTINCT ON (logement_id) logement_id, qpv_id FROM f1_ok WHERE carte_decision = '2015'
              ORDER BY logement_id, date_decision DESC, ligne DESC
            ), ecrits AS (
              INSERT INTO {table_l} AS l (identifiant, bailleur_id, commune_id, epci_id, typologie, qpv_id, qpv_2015_id,
                                          carte_2024_connue, carte_2015_connue, adresse, financement)
              SELECT d.logement_id, b.id, d.commune_id, d.epci_id, d.typologie, n.qpv_id, o.qpv_id,
                     n.logement_id IS NOT NULL, o.logement_id IS NOT NULL, '', ''
              FROM dernier d JOIN cil_bailleur b ON b.siren = d.bailleur_siren
              LEFT JOIN c2024 n ON n.logement_id = d.logement_id LEFT JOIN c2015 o ON o.logement_id = d.logement_id
              ON CONFLICT (identifiant) DO UPDATE SET
                bailleur_id = EXCLUDED.bailleur_id, commune_id = EXCLUDED.commune_id, epci_id = EXCLUDED.epci_id,
                typologie = EXCLUDED.typologie,
                qpv_id = CASE WHEN EXCLUDED.carte_2024_connue THEN EXCLUDED.qpv_id ELSE l.qpv_id END,
                qpv_2015_id = CASE WHEN EXCLUDED.carte_2015_connue THEN EXCLUDED.qpv_2015_id ELSE l.qpv_2015_id END,
                carte_2024_connue = l.carte_2024_connue OR EXCLUDED.carte_2024_connue,
                carte_2015_connue = l.carte_2015_connue OR EXCLUDED.carte_2015_connue
              WHERE (l.bailleur_id, l.commune_id, l.epci_id, l.typologie, l.carte_2024_connue, l.carte_2015_connue)
                    IS DISTINCT FROM (EXCLUDED.bailleur_id, EXCLUDED.commune_id, EXCLUDED.epci_id,
                                      EXCLUDED.typologie, l.carte_2024_connue OR EXCLUDED.carte_2024_connue,
                                      l.carte_2015_connue OR EXCLUDED.carte_2015_connue)
                 OR (EXCLUDED.carte_2024_connue AND l.qpv_id IS DISTINCT FROM EXCLUDED.qpv_id)
                 OR (EXCLUDED.carte_2015_connue AND l.qpv_2015_id IS DISTINCT FROM EXCLUDED.qpv_2015_id)
              RETURNING (xmax = 0) AS cree
            ) SELECT count(*) FILTER (WHERE cree) FROM ecrits
            """
        )
        (nouveaux_logements,) = cursor.fetchone()

        # decisions: insert the new ones, update only those whose values changed
        table_d = DecisionCaleol._meta.db_table
        from .services import DECISION_CHAMPS

        colonnes_d = ["numero_unique", "logement_id", "date_decision", *DECISION_CHAMPS]
        excluded = ", ".join(f"EXCLUDED.{c}" for c in DECISION_CHAMPS)
        cible = ", ".join(f"d.{c}" for c in DECISION_CHAMPS)
        mises_a_jour = ", ".join(f"{c} = EXCLUDED.{c}" for c in (*DECISION_CHAMPS, "lot_id", "modifie_le"))
        cursor.execute(
            f"""
            WITH ecrites AS (
              INSERT INTO {table_d} AS d ({", ".join(colonnes_d)}, source, lot_id, cree_le, modifie_le)
              SELECT o.numero_unique, l.id, o.date_decision, o.date_depot, o.type_decision, o.rang, o.date_bail,
                     bo.id, o.commune_id, o.epci_id, o.qpv_id,
                     {_en_qpv_au_bail_sql()},
                     o.typologie, r.id, o.ressources_mensuelles, (o.ressources_mensuelles * %(facteur_e4)s)::bigint,
                     o.n14, o.nm14, {rules.unites_consommation_dixiemes_sql("o.n14", "o.nm14")}, o.dalo, o.prioritaire,
                     o.relogement,
                     o.mutation, o.sortant_hebergement, o.sans_abri, 'IMPORT', %(lot)s, now(), now()
              FROM f1_ok o
              JOIN {table_l} l ON l.identifiant = o.logement_id
              JOIN cil_bailleur bo ON bo.siren = o.bailleur_siren
              JOIN cil_reservataire r ON r.type = o.reservataire_type AND r.code = o.reservataire_code
              ON CONFLICT ON CONSTRAINT decision_identite DO UPDATE SET {mises_a_jour}
              WHERE ({cible}) IS DISTINCT FROM ({excluded})
              RETURNING (xmax = 0) AS creee
            ) SELECT count(*) FILTER (WHERE creee), count(*) FILTER (WHERE NOT creee) FROM ecrites
            """,
            p,
        )
        creees, modifiees = cursor.fetchone()
        cursor.execute(
            "SELECT DISTINCT epci_id, extract(year FROM date_decision)::int FROM f1_ok UNION "
            "SELECT DISTINCT epci_id, extract(year FROM date_bail)::int FROM f1_ok WHERE date_bail IS NOT NULL"
        )
        annees: dict[int, set[int]] = {}
        for epci_id, annee in cursor.fetchall():
            annees.setdefault(epci_id, set()).add(annee)
        cursor.execute("DROP TABLE f1_ok; DROP TABLE f1_brut")
    return Ecriture(
        nb_lignes=nb_lignes,
        creees=creees,
        modifiees=modifiees,
        inchangees=nb_lignes - creees - modifiees,
        nouveaux_bailleurs=nouveaux_bailleurs,
        nouveaux_reservataires=nouveaux_reservataires,
        nouveaux_logements=nouveaux_logements,
        avertissements=avertissements,
        annees=annees,
    )
