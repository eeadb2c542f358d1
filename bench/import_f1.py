"""F1 import throughput on PostgreSQL, paired with PostgreSQL's own COPY of the same file (its floor).

Usage: python -m bench.import_f1 [--lignes 100000] [--repetitions 3]
Targets: 50,000 lines/s or better, and at least 25 % of COPY's throughput.
"""

from __future__ import annotations

import argparse
import time

from bench.common import setup_django, summary, timed, write


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lignes", type=int, default=100_000)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args(argv)
    setup_django()

    from django.db import connection

    from attributions.models import DecisionCaleol, Logement, LotImport
    from attributions.services import import_attributions
    from bench.generateurs import F1_COLONNES, fichier_f1, lignes_f1
    from cil.models import Epci, Qpv
    from cil.services import import_referentiels

    if not Epci.objects.filter(siren="200040715").exists() or Epci.objects.count() < 1000:
        import_referentiels()  # the whole of France: validation looks communes up among 35,000
    epci = Epci.objects.get(siren="200040715")
    communes: dict[str, list[str]] = {c.code_insee: [] for c in epci.communes.all()}
    for qpv in Qpv.objects.filter(epci=epci, carte="2024").prefetch_related("communes"):
        for commune in qpv.communes.all():
            communes.setdefault(commune.code_insee, []).append(qpv.code)
    contenu = fichier_f1(lignes_f1(args.lignes, communes=communes))
    taille_mo = len(contenu) / 1e6

    def vider():
        # TRUNCATE, not DELETE: dead index entries left by a DELETE would slow the next insert down and
        # measure the bench's own clean-up rather than the import
        tables = [m._meta.db_table for m in (DecisionCaleol, Logement, LotImport)]
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")

    def copy_brut():
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_f1_brut")
            cursor.execute("CREATE UNLOGGED TABLE bench_f1_brut (" + ", ".join(f"{c} text" for c in F1_COLONNES) + ")")
            with cursor.cursor.copy(
                "COPY bench_f1_brut FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)"
            ) as cp:
                cp.write(contenu)
            cursor.execute("DROP TABLE bench_f1_brut")

    copies, imports, reimports, chemins = [], [], [], set()
    for _ in range(args.repetitions):
        copies.append(timed(copy_brut)[0])
        vider()
        duree, rapport = timed(import_attributions, contenu=contenu, nom_fichier="bench.csv", recalculer=False)
        assert rapport.nb_creees == args.lignes, rapport.nb_creees
        chemins.add(getattr(rapport, "chemin", "python"))  # "sql": the PostgreSQL fast path took the file
        imports.append(duree)
        duree, rapport = timed(import_attributions, contenu=contenu, nom_fichier="bench.csv", recalculer=False)
        assert rapport.nb_inchangees == args.lignes
        reimports.append(duree)

    # where the time goes, once: parsing and validation alone
    from attributions import f1, services
    from attributions.services import charger_referentiel

    ref_duree, referentiel = timed(charger_referentiel)
    validation = timed(f1.lire, contenu, referentiel)[0]

    # where the fast path's time goes: one more import with every SQL statement timed (execute_wrapper)
    instructions: list[tuple[float, str]] = []

    def chronometre(execute, sql, params, many, context):
        debut = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            instructions.append((time.perf_counter() - debut, " ".join(str(sql).split())[:160]))

    vider()
    with connection.execute_wrapper(chronometre):
        debut_rapide = time.perf_counter()
        import_attributions(contenu=contenu, nom_fichier="bench.csv", recalculer=False)
        total_rapide = time.perf_counter() - debut_rapide
    instructions.sort(reverse=True)
    chemin_rapide = {
        "total_s": round(total_rapide, 2),
        "sql_s": round(sum(d for d, _ in instructions), 2),
        # not seen by the wrapper: the COPY into the staging table, the commit (the dwellings' deferred foreign
        # keys), Python
        "hors_sql_s": round(total_rapide - sum(d for d, _ in instructions), 2),
        "instructions": len(instructions),
        "les_plus_lentes": [{"s": round(d, 2), "sql": q} for d, q in instructions[:8]],
    }

    # then one more import through the Python path (the one files the fast path cannot prove valid take),
    # with the service's steps timed (wrapped in place, restored afterwards)
    phases: dict[str, float] = {}
    originaux = {}
    for etape in ("_upsert_bailleurs", "_upsert_reservataires", "_upsert_logements", "_upsert_decisions"):
        originaux[etape] = getattr(services, etape)

        def enveloppe(*a, _f=originaux[etape], _etape=etape, **k):
            debut = time.perf_counter()
            try:
                return _f(*a, **k)
            finally:
                phases[_etape] = time.perf_counter() - debut

        setattr(services, etape, enveloppe)
    try:
        vider()
        total = timed(import_attributions, contenu=contenu, nom_fichier="bench.csv", recalculer=False, rapide=False)[0]
    finally:
        for etape, f in originaux.items():
            setattr(services, etape, f)
    phases = {k: round(v, 2) for k, v in phases.items()}
    phases["lecture_validation"] = round(validation, 2)
    phases["reste_commit_signal"] = round(total - sum(phases.values()), 2)
    phases["total"] = round(total, 2)

    # what writing the same typed rows into the real table costs with no Python at all (indexes, unique key,
    # the statement check of dwellings and holders, docs/adr/0009): the ceiling of any import into this schema
    table = DecisionCaleol._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE bench_decisions AS SELECT * FROM {table}")
        cursor.execute(f"TRUNCATE {table} CASCADE")  # the dwellings and holders stay: the same rows fit again
    from django.db import transaction

    def ecriture_seule():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} SELECT * FROM bench_decisions")

    ecriture = timed(ecriture_seule)[0]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_decisions")

    copy_s, import_s, reimport_s = summary(copies), summary(imports), summary(reimports)
    result = {
        "lignes": args.lignes,
        "taille_mo": round(taille_mo, 1),
        "copy_postgresql": {**copy_s, "lignes_par_s": round(args.lignes / copy_s["median"])},
        "import_f1": {**import_s, "lignes_par_s": round(args.lignes / import_s["median"]), "chemin": sorted(chemins)},
        "reimport_identique": {**reimport_s, "lignes_par_s": round(args.lignes / reimport_s["median"])},
        "detail_une_fois": {"chargement_referentiel_s": ref_duree, "lecture_validation_s": validation},
        "chemin_rapide_detail": chemin_rapide,
        "chemin_python_phases_s": phases,
        "chemin_python_lignes_par_s": round(args.lignes / phases["total"]),
        "insert_select_dans_la_vraie_table": {
            "secondes": round(ecriture, 2),
            "lignes_par_s": round(args.lignes / ecriture),
            "part_du_debit_de_copy": round(copy_s["median"] / ecriture, 3),
        },
        "ratio_import_sur_copy": round(import_s["median"] / copy_s["median"], 2),
        "part_du_debit_de_copy": round(copy_s["median"] / import_s["median"], 3),
        "cibles": {"issue_3_lignes_par_s": 50_000, "issue_9_part_du_debit_de_copy": 0.25},
    }
    write("import_f1", result)
    print(
        f"F1 {args.lignes} lignes ({taille_mo:.1f} Mo) : import {result['import_f1']['lignes_par_s']:,} lignes/s "
        f"(médiane {import_s['median']:.2f} s), réimport {result['reimport_identique']['lignes_par_s']:,} lignes/s, "
        f"COPY {result['copy_postgresql']['lignes_par_s']:,} lignes/s ; import = {result['part_du_debit_de_copy']:.1%} "
        f"du débit de COPY. Validation seule : {validation:.2f} s, référentiel : {ref_duree:.2f} s."
    )
    return result


if __name__ == "__main__":
    main()
