"""Benchmark of the stock rescoring (cotation) on 1,000,000 demands (PostgreSQL). Not part of the test suite.

    .venv/bin/python bench/cotation.py              # 1,000,000 demands
    .venv/bin/python bench/cotation.py --n 100000

Generates the demands in SQL (the generator of bench/demandes_search.py, in a dedicated database
BENCH_COTATION_DATABASE, default ``cil_bench_cotation``) with varied housing situations, reasons, household
members, L. 441-1 priorities and DALO decisions, then times, for the three territories one after the other
(as one worker would run them), the whole rescoring through the real service and task (eager, no Redis):

1. first adoption: every active demand gets a score and an event;
2. a new grid (other weights): every score written again with its event;
3. the same grid again: nothing changes, no event (idempotence).

Writes the timings to bench/results/cotation.json. Target: under 300 s for 1,000,000 demands on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "cotation.json"
DATABASE = os.environ.get("BENCH_COTATION_DATABASE", "cil_bench_cotation")


def setup() -> None:
    from bench import demandes_search

    demandes_search.DATABASE = DATABASE
    demandes_search.setup_django()


def enrichir() -> float:
    """Vary the facts scoring reads: set-based SQL, not timed as part of the rescoring."""
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as c:
        c.execute("SET synchronous_commit TO off")
        c.execute(
            """
            UPDATE demandes_demande SET
              logement_actuel = (ARRAY['LOCATAIRE_PRIVE','LOCATAIRE_HLM','HEBERGE_FAMILLE','HEBERGE_TIERS',
                                       'STRUCTURE','HOTEL','SANS_ABRI'])[1 + id % 7],
              motifs = (ARRAY['["TROP_CHER"]','["TROP_PETIT"]','["INDECENT"]','["SEPARATION"]',
                              '["TROP_GRAND","TROP_CHER"]','["RAPPROCHEMENT_TRAVAIL"]'])[1 + id % 6]::jsonb,
              est_mutation = (id % 7 = 1),
              situation_familiale = CASE WHEN id % 3 = 0 THEN 'MARIE' ELSE 'CELIBATAIRE' END,
              accessibilite_pmr = (id % 41 = 0),
              aides_techniques = CASE WHEN id % 41 = 0 THEN '["4"]' ELSE '[]' END::jsonb
            """
        )
        c.execute(
            """
            INSERT INTO demandes_membremenage (demande_id, lien, nom, prenom, date_naissance,
                                               situation_professionnelle, enfant_a_naitre)
            SELECT id, CASE WHEN k = 1 AND id % 3 = 0 THEN 'CO_TITULAIRE' ELSE 'ENFANT' END, 'Membre', 'M',
                   DATE '2012-01-01' + ((id * 7 + k) % 3000)::int, '', false
            FROM demandes_demande, generate_series(1, 3) AS k
            WHERE k <= id % 4
            """
        )
        c.execute(
            """
            INSERT INTO demandes_criterepriorite (demande_id, critere, source, reconnu_le, organisation,
                                                  commentaire)
            SELECT id, (ARRAY['SANS_LOGEMENT','MENACE_EXPULSION','HANDICAP','MAL_LOGE_DEFAVORISE',
                              'VIOLENCES_COUPLE'])[1 + id % 5], 'GUICHET', date_depot + 30, 'Guichet', ''
            FROM demandes_demande WHERE id % 9 = 0
            """
        )
        c.execute(
            """
            INSERT INTO demandes_decisiondalo (demande_id, date_decision, prioritaire_urgent, commission, reference)
            SELECT id, date_depot + 90, true, 'COMED 38', '' FROM demandes_demande WHERE id % 50 = 0
            """
        )
        for table in ("demandes_demande", "demandes_membremenage", "demandes_criterepriorite", "demandes_decisiondalo"):
            c.execute(f"ANALYZE {table}")
    return time.perf_counter() - start


def grille(epci, version: int, anciennete: int, heberge: int):
    from demandes.demo_cotation import GRILLE_ADOPTEE, criteres
    from demandes.models import GrilleCotation

    g = GrilleCotation.objects.create(epci=epci, nom=f"Grille bench {version}", version=version)
    criteres(g, GRILLE_ADOPTEE, {"anciennete": {"points": anciennete}, "heberge": {"points": heberge}})
    return g


def rescorer(terr, version: int, anciennete: int, heberge: int) -> dict:
    from django.db import transaction

    from demandes import services
    from demandes.models import CalculCotation

    par_epci = []
    start = time.perf_counter()
    for epci, _ in terr:
        g = grille(epci, version, anciennete, heberge)
        t0 = time.perf_counter()
        with transaction.atomic():
            calcul = services.adopter_grille(g, acteur=None, date_debut=dt.date(2026, 1, 1))
        # eager (no Redis): the task ran on commit; finish it should a batch be left
        calcul = services.recalculer_stock(calcul.pk)
        calcul = CalculCotation.objects.get(pk=calcul.pk)
        par_epci.append(
            {
                "epci": epci.nom,
                "seconds": time.perf_counter() - t0,
                "traitees": calcul.nb_traitees,
                "modifiees": calcul.nb_modifiees,
                "lots": calcul.nb_lots,
            }
        )
    return {
        "seconds": time.perf_counter() - start,
        "traitees": sum(p["traitees"] for p in par_epci),
        "modifiees": sum(p["modifiees"] for p in par_epci),
        "par_epci": par_epci,
    }


def rescorer_meme_grille(terr) -> dict:
    from demandes import services
    from demandes.models import GrilleCotation

    start = time.perf_counter()
    total = modifiees = 0
    for epci, _ in terr:
        g = GrilleCotation.objects.get(epci=epci, statut="ADOPTEE")
        calcul = services.recalculer_stock(
            services.lancer_recalcul(grille=g, acteur=None, declencheur="bench : même grille").pk
        )
        total += calcul.nb_traitees
        modifiees += calcul.nb_modifiees
    return {"seconds": time.perf_counter() - start, "traitees": total, "modifiees": modifiees}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args()
    setup()
    from django.db import connection

    from bench.demandes_search import generer, territoires
    from demandes.models import Demande, Evenement, GrilleCotation

    with connection.cursor() as cursor:  # one run at a time on this database (its reset would spoil another's)
        cursor.execute("SELECT pg_try_advisory_lock(hashtext('bench.cotation'))")
        if not cursor.fetchone()[0]:
            raise SystemExit(f"Une autre mesure de la cotation tourne déjà sur la base {DATABASE}.")
    terr, _agent = territoires()
    generation = enrichissement = None
    if Demande.objects.count() != args.n:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE demandes_demande CASCADE")
        from bench.generateurs import defauts_provisoires, modeles_generes

        with defauts_provisoires(*modeles_generes()):
            generation = generer(args.n, terr)
            enrichissement = enrichir()
    with connection.cursor() as cursor:  # a fresh start for the timed runs
        cursor.execute("DELETE FROM demandes_evenement WHERE type = 'COTATION'")
        cursor.execute("UPDATE demandes_demande SET score = NULL, score_grille_id = NULL, score_calcule_le = NULL")
        cursor.execute("TRUNCATE demandes_calculcotation")
        cursor.execute("UPDATE demandes_demande SET score_grille_id = NULL")
        cursor.execute("DELETE FROM demandes_criterecotation")
        cursor.execute("DELETE FROM demandes_grillecotation")
        cursor.execute("VACUUM ANALYZE demandes_demande")
    total = Demande.objects.count()
    actives = Demande.objects.actives().count()
    premiere = rescorer(terr, 1, 2, 20)
    seconde = rescorer(terr, 2, 3, 35)
    meme = rescorer_meme_grille(terr)
    events = Evenement.objects.filter(type="COTATION").count()
    resultat = {
        "benchmark": "cotation",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_1_5_15": os.getloadavg(),
        },
        "demandes": total,
        "demandes_actives": actives,
        "generation_seconds": generation,
        "enrichissement_seconds": enrichissement,
        "taille_lot": __import__("demandes.services", fromlist=["x"]).TAILLE_LOT_COTATION,
        "premiere_adoption": premiere,
        "nouvelle_grille": seconde,
        "meme_grille": meme,
        "evenements_cotation": events,  # = the sum of the runs' "modifiees" when nothing else touched the base
        "grilles_adoptees": GrilleCotation.objects.filter(statut="ADOPTEE").count(),
        "target_seconds": 300,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(resultat, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(resultat, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
