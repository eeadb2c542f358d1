"""`make bench`: every measurement on PostgreSQL, each paired with its floor, then results.json and BENCHMARKS.md.

Usage: python -m bench [--only NAME[,NAME...]] [--quick] [--rapport]

Each measurement runs in its own process (each one points Django at its database) with a time limit;
one failing does not stop the others. The territory (bench/territoire.py, database cil_bench_big) is
generated once and kept: later runs reuse it. Writes bench/results.json (every figure, its floor, the
ratio, the machine and its load) and BENCHMARKS.md at the repository root (the table, the plans of the
key queries, then bench/NOTES.md: causes of the gaps and proposed changes).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import inspect
import json
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench.common import ROOT, charge, machine

RESULTS_JSON = ROOT / "bench" / "results.json"
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"
NOTES_MD = ROOT / "bench" / "NOTES.md"

# name -> (module, arguments, arguments with --quick, time limit in seconds)
MESURES = {
    "territoire": ("bench.territoire", [], [], 1200),
    "objectifs": ("bench.objectifs", ["--repetitions", "30"], ["--repetitions", "5"], 300),
    "recherche": ("bench.recherche", ["--queries", "200"], ["--queries", "60"], 300),
    "pages": ("bench.pages", ["--repetitions", "40"], ["--repetitions", "10"], 300),
    "charge": (
        "bench.charge",
        ["--utilisateurs", "20", "--duree", "60"],
        ["--utilisateurs", "20", "--duree", "20"],
        300,
    ),
    "charge_public": (
        "bench.charge_public",
        ["--utilisateurs", "20", "--duree", "60"],
        ["--utilisateurs", "20", "--duree", "20"],
        600,
    ),
    "charge_mixte": (
        "bench.charge_mixte",
        ["--utilisateurs", "50", "--duree", "120"],
        ["--utilisateurs", "50", "--duree", "30"],
        900,
    ),
    # the same mix on the demonstration data (seed_demo in its own database), as the acceptance runs it
    "charge_mixte_demo": (
        "bench.charge_mixte",
        ["--base", "demo", "--utilisateurs", "50", "--duree", "120"],
        ["--base", "demo", "--utilisateurs", "50", "--duree", "30"],
        900,
    ),
    "observatoire": ("bench.observatoire", ["--repetitions", "20"], ["--repetitions", "5"], 1800),
    "import_f1": (
        "bench.import_f1",
        ["--lignes", "100000", "--repetitions", "3"],
        ["--lignes", "20000", "--repetitions", "1"],
        900,
    ),  # fmt: skip
    "import_sne": ("bench.import_sne", ["--demandes", "100000"], ["--demandes", "500"], 1800),
    "bilan_annuel": ("bench.bilan_annuel", ["--repetitions", "3"], ["--repetitions", "1"], 600),
    "cotation": ("bench.cotation", [], [], 1380),
    # every URL pattern (bench/balayage.py) on the 1,000,000-demand territory, then on the Paris-size one
    # (bench/territoire.py --paris, database cil_bench_paris, generated on its first run: about 2.5 min)
    "balayage": ("bench.balayage", ["--repetitions", "5"], ["--repetitions", "2", "--budget", "300"], 1500),
    "balayage_paris": (
        "bench.balayage",
        ["--paris", "--repetitions", "5"],
        ["--paris", "--repetitions", "2", "--budget", "300"],
        1800,
    ),
    "memoire": ("bench.memoire", [], [], 1200),
}


def _interne(module: str, sortie: str, argv: list[str]) -> None:
    """In the child process: run one module's main and write its dict as JSON.

    ``main(argv)`` returning a dict is the convention; a ``main()`` that reads sys.argv and writes
    bench/results/<name>.json instead (bench/cotation.py) is run as a script would be, then its file is read.
    """
    mod = importlib.import_module(module)
    nom = module.rsplit(".", 1)[-1]
    fichier = ROOT / "bench" / "results" / f"{nom}.json"
    debut = time.time()
    if inspect.signature(mod.main).parameters:
        result = mod.main(argv)
    else:
        sys.argv = [module, *argv]
        result = mod.main()
    if result is None and fichier.exists() and fichier.stat().st_mtime >= debut:
        result = json.loads(fichier.read_text())
    Path(sortie).write_text(json.dumps(result, default=str, ensure_ascii=False))


def installer_outils() -> None:
    """locust is a benchmark-only tool (bench/requirements.txt): install it into this venv when absent."""
    if importlib.util.find_spec("locust") is None:
        print("Installation de locust (bench/requirements.txt)…", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "-r", str(ROOT / "bench" / "requirements.txt")],
            check=True,
        )


# figures in milliseconds: the most sensitive to load
LATENCES = {
    "objectifs", "recherche", "pages", "charge", "charge_public", "charge_mixte", "charge_mixte_demo", "observatoire",
    "balayage", "balayage_paris",
}  # fmt: skip


def attendre_le_calme(seuil: float = 2.0, maximum: float = 45) -> float:
    """The machine is shared: before a latency measure, wait (a bounded time) for the 1-min load to drop."""
    debut = time.perf_counter()
    while charge()[0] > seuil and time.perf_counter() - debut < maximum:
        time.sleep(5)
    return round(time.perf_counter() - debut, 1)


def lancer(nom: str, quick: bool) -> dict:
    module, args, args_quick, limite = MESURES[nom]
    if importlib.util.find_spec(module) is None:
        return {"statut": "non_mesure", "raison": f"{module} n'existe pas encore"}
    attente = attendre_le_calme() if nom in LATENCES and not quick else 0.0
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        sortie = f.name
    debut = time.perf_counter()
    charge_avant = charge()
    print(f"\n=== {nom} ({module}) — charge {charge_avant}", flush=True)
    try:
        subprocess.run(
            [sys.executable, "-m", "bench", "--interne", module, sortie, *(args_quick if quick else args)],
            cwd=ROOT,
            check=True,
            timeout=limite,
        )
        result = json.loads(Path(sortie).read_text() or "null")
        statut = "ok"
    except subprocess.TimeoutExpired:
        result, statut = None, f"stopped at its time limit ({limite} s)"
    except subprocess.CalledProcessError as exc:
        result, statut = None, f"failed (exit status {exc.returncode}, traceback in the console output)"
    except json.JSONDecodeError as exc:
        result, statut = None, f"failed: unreadable result ({exc})"
    finally:
        Path(sortie).unlink(missing_ok=True)
    return {
        "statut": statut,
        "duree_s": round(time.perf_counter() - debut, 1),
        "attente_du_calme_s": attente,
        "charge_avant": charge_avant,
        "charge_apres": charge(),
        "resultat": result,
    }


def _r(x, n=1):
    return None if x is None else round(x, n)


def tableau(res: dict) -> list[dict]:
    """One row per figure: median, p95, floor, ratio, target, met. Units in the row."""
    lignes = []

    def ok(nom):
        m = res.get(nom) or {}
        return m.get("resultat") if m.get("statut") == "ok" else None

    def absent(mesure, nom, cible):
        m = res.get(nom)
        raison = "non mesuré" if m is None else (m.get("raison") or m.get("statut"))
        lignes.append({"mesure": mesure, "cible": cible, "atteinte": None, "remarque": raison})

    o = ok("objectifs")
    if o:
        ratio = o["ratio_api_sur_sql_nu"]
        lignes.append({
            "mesure": "F2 objectives of one EPCI-year through the API (ms)", "median": o["api_f2"]["median"],
            "p95": o["api_f2"]["p95"], "plancher": o["sql_nu"]["median"], "plancher_libelle": "bare SQL aggregate",
            "ratio": ratio, "cible": "< 150 ms and ratio ≤ 3", "atteinte": o["api_f2"]["median"] < 150 and ratio <= 3,
            "remarque": f"{o['decisions_de_l_annee_pour_l_epci']:,} decisions in the year, {o['decisions_en_base']:,} "
                        f"in the table; {o['requetes_api']} queries",
        })  # fmt: skip
        lignes.append({
            "mesure": "F2 objectives, engine alone (ms)", "median": o["moteur_f2"]["median"],
            "p95": o["moteur_f2"]["p95"],
            "plancher": o["sql_nu"]["median"], "plancher_libelle": "bare SQL aggregate",
            "ratio": o["ratio_moteur_f2_sur_sql_nu"], "cible": "ratio ≤ 3",
            "atteinte": o["ratio_moteur_f2_sur_sql_nu"] <= 3, "remarque": f"{o['requetes_moteur_f2']} queries",
        })  # fmt: skip
    else:
        absent("F2 objectives of one EPCI-year through the API", "objectifs", "< 150 ms and ratio ≤ 3")
    p = ok("pages")
    nu = p["pages"]["vue_nue"]["median"] if p else None
    r = ok("recherche")
    if r:
        lignes.append({
            "mesure": "Demand search, selector (ms)", "median": _r(r["selector_ms"]["p50"]),
            "p95": _r(r["selector_ms"]["p95"]), "cible": "p95 < 50 ms", "atteinte": r["selector_ms"]["p95"] < 50,
            "remarque": f"{r['queries']} searches among {r['territoire_agent']:,} demands of the agent's territory",
        })  # fmt: skip
        lignes.append({
            "mesure": "Demand search, whole page (ms)", "median": _r(r["page_ms"]["p50"]),
            "p95": _r(r["page_ms"]["p95"]),
            "plancher": nu, "plancher_libelle": "bare view", "ratio": _r(r["page_ms"]["p50"] / nu) if nu else None,
            "cible": "p95 < 50 ms", "atteinte": r["page_ms"]["p95"] < 50, "remarque": "test client, one user",
        })  # fmt: skip
    else:
        absent("Demand search", "recherche", "p95 < 50 ms")
    if p:
        libelles = {
            "recherche_demandes": "Search page (name prefix)", "fiche_demande": "A demand's file",
            "inscription_etape_1": "Registration, first step", "liste_attributions": "Allocations list (50 a page)",
        }  # fmt: skip
        for cle, libelle in libelles.items():
            x = p["pages"][cle]
            lignes.append({
                "mesure": f"{libelle}, one user (ms)", "median": x["median"], "p95": x["p95"], "plancher": nu,
                "plancher_libelle": "bare view", "ratio": x["ratio_sur_vue_nue"], "cible": "—", "atteinte": None,
                "remarque": f"{x['requetes_sql']} queries, slowest {x['requete_la_plus_lente_ms']} ms",
            })  # fmt: skip
    else:
        absent("List pages vs bare view", "pages", "—")
    c = ok("charge")
    if c:
        pages, vide = c["pages_accueil"], c["par_page"].get("vue_nue", {})
        for nom, x in c["par_page"].items():
            if nom in ("vue_nue", "Aggregated"):
                continue
            lignes.append({
                "mesure": f"Under load ({c['utilisateurs']} users, {c['workers_gunicorn']} workers): {nom} (ms)",
                "median": x["p50_ms"], "p95": x["p95_ms"], "plancher": vide.get("p95_ms"),
                "plancher_libelle": "bare view p95 under the same load",
                "ratio": _r(x["p95_ms"] / vide["p95_ms"]) if vide.get("p95_ms") else None,
                "cible": "p95 < 200 ms, no failure", "atteinte": x["p95_ms"] < 200 and x["echecs"] == 0,
                "remarque": f"{x['requetes']} requests, {x['echecs']} failures, {x['req_par_s']} req/s",
            })  # fmt: skip
        lignes.append({
            "mesure": "Under load: all reception-desk pages", "p95": pages["p95_ms_max_des_pages"],
            "cible": "p95 < 200 ms, no failure",
            "atteinte": pages["p95_ms_max_des_pages"] < 200 and pages["echecs"] == 0,
            "remarque": f"{pages['requetes']} requests in {c['duree_s']} s, {pages['echecs']} failures",
        })  # fmt: skip
    else:
        absent("Reception-desk pages under load", "charge", "p95 < 200 ms")
    cp = ok("charge_public")
    if cp:
        vide = cp["par_page"].get("vue_nue", {})
        for nom, x in cp["par_page"].items():
            if nom in ("vue_nue", "Aggregated"):
                continue
            lignes.append({
                "mesure": f"Public pages under load ({cp['utilisateurs']} visitors): {nom} (ms)",
                "median": x["p50_ms"], "p95": x["p95_ms"], "plancher": vide.get("p95_ms"),
                "plancher_libelle": "bare view p95 under the same load",
                "ratio": _r(x["p95_ms"] / vide["p95_ms"]) if vide.get("p95_ms") else None,
                "cible": "p95 < 100 ms, no failure", "atteinte": x["p95_ms"] < 100 and x["echecs"] == 0,
                "remarque": f"{x['requetes']} requests, {x['echecs']} failures, {x['req_par_s']} req/s",
            })  # fmt: skip
        pp, cpu = cp["pages_publiques"], cp["cpu_s"]
        lignes.append({
            "mesure": "Under load: all public pages", "p95": pp["p95_ms_max_des_pages"],
            "cible": "p95 < 100 ms, no failure",
            "atteinte": pp["p95_ms_max_des_pages"] < 100 and pp["echecs"] == 0,
            "remarque": f"{cp['demandes_en_cours']:,} demands in force in {cp['epci']}; {pp['requetes']} requests "
                        f"in {cp['duree_s']} s, {pp['echecs']} failures; "
                        f"CPU: locust {cpu['generateur_de_charge_locust']} s, "
                        f"gunicorn {cpu['serveur_gunicorn']} s over {cpu['duree_du_tir_s']} s on "
                        f"{cpu['coeurs_de_la_machine']} cores; nightly figures computed in "
                        f"{', '.join(f'{s} s' for s in cp['calcul_nocturne_s'].values())}",
        })  # fmt: skip
    else:
        absent("Public pages under load", "charge_public", "p95 < 100 ms")
    for cle_mix, base in (("charge_mixte", "1,000,000-demand territory"), ("charge_mixte_demo", "demo data")):
        cm = ok(cle_mix)
        if not cm:
            absent(f"Working day's mix under load ({base})", cle_mix, "p95 < 300 ms staff, < 100 ms public")
            continue
        vide, cpu = cm["par_page"].get("vue_nue", {}), cm["cpu_s"]
        for nom, x in cm["par_page"].items():
            if nom in ("vue_nue", "Aggregated"):
                continue
            cible = 100 if nom.startswith("public_") else 300
            lignes.append({
                "mesure": f"Working day's mix ({cm['utilisateurs']} users, {base}): {nom} (ms)",
                "median": x["p50_ms"], "p95": x["p95_ms"], "plancher": vide.get("p95_ms"),
                "plancher_libelle": "bare view p95 in the same mix",
                "ratio": _r(x["p95_ms"] / vide["p95_ms"]) if vide.get("p95_ms") else None,
                "cible": f"p95 < {cible} ms, no failure", "atteinte": x["p95_ms"] < cible and x["echecs"] == 0,
                "remarque": f"{x['requetes']} requests, {x['echecs']} failures, {x['req_par_s']} req/s",
            })  # fmt: skip
        synthese = [("pages_du_personnel", "staff pages", 300), ("pages_publiques", "public pages", 100)]
        for cle, libelle, cible in synthese:
            t = cm[cle]
            lignes.append({
                "mesure": f"Working day's mix ({base}): all {libelle}", "p95": t["p95_ms_max_des_pages"],
                "cible": f"p95 < {cible} ms, no failure",
                "atteinte": t["p95_ms_max_des_pages"] < cible and t["echecs"] == 0,
                "remarque": f"{t['requetes']} requests in {cm['duree_s']} s, {t['echecs']} failures; CPU: locust "
                            f"{cpu['generateur_de_charge_locust']} s, gunicorn {cpu['serveur_gunicorn']} s"
                            + (f", PostgreSQL {cpu['postgresql']} s" if "postgresql" in cpu else "")
                            + f" over {cpu['duree_du_tir_s']} s on {cpu['coeurs_de_la_machine']} cores "
                            f"({cm['serveur']})",
            })  # fmt: skip
    ob = ok("observatoire")
    if ob:
        lignes.append({
            "mesure": "Observatory: nightly indicators of one territory-year (s)",
            "median": ob["calcul_nocturne_des_indicateurs_s"], "cible": "—", "atteinte": None,
            "remarque": f"{ob['epci']} {ob['annee']}, {ob['figures_stockees']:,} figures stored; paid at night",
        })  # fmt: skip
        nu = ob["pages"]["vue_nue"]
        for nom, x in ob["pages"].items():
            if nom == "vue_nue":
                continue
            lignes.append({
                "mesure": f"Observatory page {nom}, one user (ms)", "median": x["median"], "p95": x["p95"],
                "plancher": nu["p95"], "plancher_libelle": "bare view p95", "ratio": x["ratio_p95_sur_vue_nue"],
                "cible": "p95 < 200 ms", "atteinte": x["p95"] < 200 and x["statut_http"] == 200,
                "remarque": f"HTTP {x['statut_http']}, {x['requetes_sql']} queries, slowest "
                            f"{x['requete_la_plus_lente_ms']} ms",
            })  # fmt: skip
    else:
        absent("Observatory pages", "observatoire", "p95 < 200 ms")
    for cle, territoire in (("balayage", "1,000,000 demands"), ("balayage_paris", "Paris-size")):
        b = ok(cle)
        if not b:
            absent(f"Every page and endpoint ({territoire})", cle, "p95 < 300 ms")
            continue
        t = b["taille"]
        lentes = [x for x in b["pages"] if x["lente"]]
        admin = sum(x["nom"].startswith("admin:") for x in lentes)
        lignes.append({
            "mesure": f"Every page and endpoint, {territoire} territory: slowest p95 (ms)",
            "median": max((x["median"] for x in b["pages"]), default=None),
            "p95": max((x["p95"] for x in b["pages"]), default=None), "plancher": b["vue_nue"]["median"],
            "plancher_libelle": "bare view", "cible": "p95 < 300 ms", "atteinte": not lentes,
            "remarque": f"{b['mesurees']} patterns measured, {b['non_mesurees']} listed with their reason; "
                        f"{len(lentes)} over 300 ms ({admin} of them the admin's, "
                        f"not listed below); {t['demandes_en_cours_de_l_epci']:,} demands in "
                        f"force, {t['logements_de_l_epci']:,} dwellings, {t['attributions_de_l_epci_en_2025']:,} "
                        f"allocations in {b.get('annee', 2025)}",
        })  # fmt: skip
        for x in sorted((x for x in lentes if not x["nom"].startswith("admin:")), key=lambda x: -x["p95"]):
            lignes.append({
                "mesure": f"  {x['nom']} ({territoire}, as {x['role']}) (ms)", "median": x["median"], "p95": x["p95"],
                "plancher": b["vue_nue"]["median"], "plancher_libelle": "bare view",
                "ratio": x["ratio_sur_vue_nue"], "cible": "p95 < 300 ms", "atteinte": False,
                "remarque": f"{x['requetes_sql']} queries ({x['requetes_sql_ms']} ms), slowest "
                            f"{x['requete_la_plus_lente_ms']} ms",
            })  # fmt: skip
    me = ok("memoire")
    if me:
        for nom, x in {**me["web"], "celery_exports_differes": me["celery_export_differe"]}.items():
            if x.get("croissance_pic_mo") is None:
                continue
            lignes.append({
                "mesure": f"Memory: {nom} (MB of peak growth)", "median": x["croissance_pic_mo"],
                "cible": f"< {me['limite_mo']} MB", "atteinte": x["croissance_pic_mo"] < me["limite_mo"],
                "remarque": f"RSS {x['rss_avant_mo']} -> peak {x['pic_mo']} MB"
                            + (f", HTTP {x['statut_http']}, {x['octets'] / 1e6:.1f} MB in {x['duree_s']} s"
                               if "statut_http" in x else f", {x.get('lignes')} rows in {x.get('duree_s')} s"),
            })  # fmt: skip
    else:
        absent("Memory of a worker on the largest export and API page", "memoire", "< 200 MB")
    f = ok("import_f1")
    if f:
        part = f["part_du_debit_de_copy"]
        lignes.append({
            "mesure": f"F1 import of {f['lignes']:,} lines (s)", "median": _r(f["import_f1"]["median"], 2),
            "p95": _r(f["import_f1"]["p95"], 2), "plancher": _r(f["copy_postgresql"]["median"], 2),
            "plancher_libelle": "COPY of the same file", "ratio": f["ratio_import_sur_copy"],
            "cible": "throughput ≥ 25 % of COPY", "atteinte": part >= 0.25,
            "remarque": f"{f['import_f1']['lignes_par_s']:,} lines/s vs COPY {f['copy_postgresql']['lignes_par_s']:,} "
                        f"lines/s = {part:.1%} (path: {', '.join(f['import_f1'].get('chemin', ['?']))})",
        })  # fmt: skip
        plafond = f.get("insert_select_dans_la_vraie_table")
        if plafond:
            lignes.append({
                "mesure": "  ceiling: the same rows by one INSERT ... SELECT into the real table (s)",
                "median": _r(plafond["secondes"], 2), "plancher": _r(f["copy_postgresql"]["median"], 2),
                "plancher_libelle": "COPY of the same file",
                "ratio": _r(plafond["secondes"] / f["copy_postgresql"]["median"], 2), "cible": "—", "atteinte": None,
                "remarque": f"{plafond['lignes_par_s']:,} lines/s = {plafond['part_du_debit_de_copy']:.1%} of COPY, "
                            "no Python: 7 indexes, unique key, the references checked per statement (ADR 0009)",
            })  # fmt: skip
    else:
        absent("F1 import vs COPY", "import_f1", "throughput ≥ 25 % of COPY")
    sn = ok("import_sne")
    if sn and "cpu_import" in sn:
        cpu, charges = sn["cpu_import"], sn["charge_1_5_15"]
        lignes.append({
            "mesure": f"SNE XML import of {sn['demandes']:,} demands (s)", "median": _r(sn["import_s"]["median"], 1),
            "p95": _r(sn["import_s"]["p95"], 1), "plancher": _r(sn["parse_nu_s"]["min"], 1),
            "plancher_libelle": "bare parse of the same files", "ratio": sn["ratio_import_sur_parse_nu"],
            "cible": "100,000 in < 60 s (≥ 1,667/s)", "atteinte": sn["cible_100000_en_60_s"],
            "remarque": f"{sn['demandes_par_s']:,} demands/s; CPU {cpu['total_s']} s = {cpu['ms_par_demande']} ms "
                        f"a demand (writer {cpu['processus_principal_s']} s, 2 readers "
                        f"{cpu['processus_de_lecture_s']} s, PostgreSQL {cpu['postgresql_s']} s); "
                        f"load {charges.get('avant_import')} → "
                        f"{charges.get('apres_import')}; careful path {sn['chemin_prudent_ms_par_fichier']} ms a file",
        })  # fmt: skip
    else:
        absent("SNE XML import of 100,000 demands", "import_sne", "100,000 in < 60 s")
    t = ok("cotation")
    if t:
        etapes = {
            "premiere_adoption": "first adoption of a grid",
            "nouvelle_grille": "a new grid, every score rewritten",
            "meme_grille": "the same grid again, nothing to write",
        }
        for cle, libelle in etapes.items():
            x = t.get(cle) if isinstance(t.get(cle), dict) else None
            if x is None or not isinstance(x.get("seconds"), int | float):
                continue
            lignes.append({
                "mesure": f"Stock rescoring of {t.get('demandes', 0):,} demands, {libelle} (s)",
                "median": _r(x["seconds"]), "cible": "< 300 s", "atteinte": x["seconds"] < 300,
                "remarque": f"{x.get('traitees', 0):,} demands scored, {x.get('modifiees', 0):,} changed "
                            "(bench/cotation.py, one run)",
            })  # fmt: skip
    else:
        m = res.get("cotation") or {}
        lignes.append({
            "mesure": "Stock rescoring of 1,000,000 demands", "cible": "< 300 s", "atteinte": None,
            "remarque": "not measured: the rescoring is not built yet" if m.get("statut") in (None, "non_mesure")
                        else m.get("statut"),
        })  # fmt: skip
    b = ok("bilan_annuel")
    if b:
        cmd, vide = b["commande_bilan_annuel"], b["plancher_document_vide_meme_processus"]
        lignes.append({
            "mesure": "Yearly balance sheet PDF, `manage.py bilan_annuel` (s)", "median": _r(cmd["median"], 2),
            "p95": _r(cmd["p95"], 2), "plancher": _r(vide["median"], 2),
            "plancher_libelle": "same process rendering an empty document",
            "ratio": b["ratio_commande_sur_document_vide"],
            "cible": "< 10 s", "atteinte": cmd["median"] < 10,
            "remarque": f"{b['attributions_comptees_dans_l_annee']:,} allocations counted, {b['pages']} pages; "
                        "in process: "
                        f"figures {b['detail_dans_le_processus']['calcul_s']} s, layout "
                        f"{b['detail_dans_le_processus']['mise_en_page_s']} s, empty document "
                        f"{b['detail_dans_le_processus']['document_vide_s']} s",
        })  # fmt: skip
    else:
        absent("Yearly balance sheet PDF", "bilan_annuel", "< 10 s")
    return lignes


def _fmt(x):
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:,.1f}" if abs(x) >= 10 else f"{x:.2f}"
    return str(x)


def ecrire_markdown(doc: dict) -> None:
    m = doc["machine"]
    out = [
        "# Benchmarks at scale",
        "",
        "Generated by `make bench` (`python -m bench`) — do not edit by hand; the analysis lives in "
        "`bench/NOTES.md` and is copied below the figures.",
        "",
        f"Run of {doc['debut']} ({doc['duree_totale_s'] / 60:.1f} min{', --quick' if doc['quick'] else ''}). Machine: "
        f"{m['cpu']}, {m['cpu_count']} cores, {m['memory_gb']} GB, {m['platform']}, Python {m['python']}, "
        f"{m['postgresql_client']}. Load average (1, 5, 15 min) at the start {doc['charge_debut']}, at the end "
        f"{doc['charge_fin']}: other engineers' jobs share the 2 cores, figures are noisy.",
        "",
    ]
    terr = (doc["mesures"].get("territoire") or {}).get("resultat") or {}
    if terr:
        lignes = terr.get("lignes", {})
        out += [
            f"Territory (`bench/territoire.py`, database `cil_bench_big`): {lignes.get('attributions_logement', 0):,} "
            f"dwellings, {lignes.get('demandes_demande', 0):,} demands with {lignes.get('demandes_membremenage', 0):,} "
            f"household members, {lignes.get('demandes_ressource', 0):,} resources, "
            f"{lignes.get('demandes_evenement', 0):,} events, {lignes.get('demandes_criterepriorite', 0):,} priority "
            f"criteria; {lignes.get('attributions_decisioncaleol', 0):,} decisions over 2016-2025. Generated in "
            f"{terr.get('generation_s')} s "
            f"({'in this run' if terr.get('genere_dans_ce_run') else 'by an earlier run, reused'}).",
            "",
        ]
    out += [
        "| Measure | Median | p95 | Floor | Ratio | Target | Met? | Notes |",
        "|---|---:|---:|---|---:|---|---|---|",
    ]
    for lg in doc["tableau"]:
        plancher = f"{_fmt(lg.get('plancher'))} ({lg['plancher_libelle']})" if lg.get("plancher_libelle") else "—"
        atteinte = {True: "yes", False: "**no**", None: "—"}[lg.get("atteinte")]
        ratio = f"{lg['ratio']}x" if lg.get("ratio") is not None else "—"
        out.append(
            f"| {lg['mesure']} | {_fmt(lg.get('median'))} | {_fmt(lg.get('p95'))} | {plancher} | {ratio} | "
            f"{lg.get('cible', '—')} | {atteinte} | {lg.get('remarque', '')} |"
        )
    out += ["", "Durations of the measurement processes: " + ", ".join(
        f"{k} {v.get('duree_s', 0)} s ({v['statut']})" for k, v in doc["mesures"].items()) + ".", ""]  # fmt: skip
    plans = []
    o = (doc["mesures"].get("objectifs") or {}).get("resultat")
    if o:
        plans.append(("Bare SQL aggregate of the three objectives (the floor)", o["plan_sql_nu"]))
        plans.append(("The engine's aggregate (F2, grouped by reservation holder)", o["plan_moteur"]))
    r = (doc["mesures"].get("recherche") or {}).get("resultat")
    if r:
        plans.append(("Demand search, name prefix 'ma' in the agent's territory", r["plan"]))
    p = (doc["mesures"].get("pages") or {}).get("resultat")
    if p:
        for cle in ("fiche_demande", "liste_attributions"):
            x = p["pages"][cle]
            plans.append((f"Slowest query of {x['url']} ({cle})", x["plan_requete_la_plus_lente"]))
    for cle in ("balayage", "balayage_paris"):
        b = (doc["mesures"].get(cle) or {}).get("resultat")
        for x in sorted((x for x in (b or {}).get("pages", []) if x.get("plan_requete_la_plus_lente")),
                        key=lambda x: -x["p95"])[:8]:  # fmt: skip
            plans.append((f"Slowest query of {x['url']} ({cle}, p95 {x['p95']} ms)", x["plan_requete_la_plus_lente"]))
    if plans:
        out += ["## Query plans (EXPLAIN ANALYZE, this run)", ""]
        for titre, lignes_plan in plans:
            out += [f"### {titre}", "", "```", *lignes_plan, "```", ""]
    if NOTES_MD.exists():
        out += [NOTES_MD.read_text().strip(), ""]
    BENCHMARKS_MD.write_text("\n".join(out) + "\n")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--interne"]:
        _interne(argv[1], argv[2], argv[3:])
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", help="comma-separated: " + ",".join(MESURES))
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, a 20 s load test, 20,000 F1 lines")
    parser.add_argument("--rapport", action="store_true", help="only rewrite BENCHMARKS.md from bench/results.json")
    args = parser.parse_args(argv)
    if args.rapport:
        doc = json.loads(RESULTS_JSON.read_text())
        doc["tableau"] = tableau(doc["mesures"])
        RESULTS_JSON.write_text(json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n")
        ecrire_markdown(doc)
        return 0
    noms = list(MESURES) if not args.only else [n.strip() for n in args.only.split(",")]
    inconnus = [n for n in noms if n not in MESURES]
    if inconnus:
        parser.error(f"unknown measure(s): {', '.join(inconnus)}")
    if "charge" in noms:
        installer_outils()
    debut, t0 = time.strftime("%Y-%m-%d %H:%M:%S %Z"), time.perf_counter()
    charge_debut = charge()
    # a partial run (--only) keeps the other measures of the previous results
    precedent = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() and args.only else {}
    mesures = dict(precedent.get("mesures", {}))
    for nom in noms:
        try:
            mesures[nom] = lancer(nom, args.quick)
        except Exception:  # noqa: BLE001 - one broken measure must not lose the others
            mesures[nom] = {"statut": "échec", "erreur": traceback.format_exc()}
        print(f"--- {nom}: {mesures[nom]['statut']} ({mesures[nom].get('duree_s')} s)", flush=True)
    doc = {
        "debut": debut,
        "duree_totale_s": round(time.perf_counter() - t0, 1),
        "quick": args.quick,
        "only": args.only,
        "machine": machine(),
        "charge_debut": charge_debut,
        "charge_fin": charge(),
        "mesures": mesures,
    }
    doc["tableau"] = tableau(mesures)
    RESULTS_JSON.write_text(json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n")
    ecrire_markdown(doc)
    print(f"\n{RESULTS_JSON.relative_to(ROOT)} et {BENCHMARKS_MD.relative_to(ROOT)} écrits "
          f"({doc['duree_totale_s'] / 60:.1f} min).")  # fmt: skip
    for lg in doc["tableau"]:
        print(f"  {lg['atteinte']!s:5} {lg['mesure']}: médiane {_fmt(lg.get('median'))}, p95 {_fmt(lg.get('p95'))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
