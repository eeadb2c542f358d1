"""Reception-desk pages under load: 20 agents against gunicorn (as deployed) on loopback, locust headless.

Usage: python -m bench.charge [--utilisateurs 20] [--duree 60]

gunicorn serves the project (bench.settings: production plus a bare view) on the 1,000,000-demand
database; locust plays agents of the big territory already logged in (sessions created here) who search,
open a demand's file and the registration's first step, with 0.5-2 s of reading between clicks. The bare
view is part of the same mix: its latency under the same load is the floor. Both processes are stopped at
the end, whatever happens. Users arrive 5 a second and the statistics restart once all are there
(``--reset-stats``): the figures describe the steady state. Target: p95 under 200 ms.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import (
    ROOT,
    VENV_BIN,
    arreter,
    charge,
    client_connecte,
    configuration_gunicorn,
    demarrer_gunicorn,
    port_libre,
    setup_django,
    write,
)

SERVEUR = "gunicorn, config/gunicorn.conf.py: gthread, 2 processes per core, 2 threads each"


def _donnees(nb_sessions: int) -> dict:
    from django.db import connection

    from core.models import User

    agent = User.objects.get(username="bench.agent")
    epci = agent.memberships.values_list("epci_id", flat=True).first()
    # logged in as production requires: a user with a second factor must have it verified in the session
    sessions = [client_connecte(agent.username).cookies["sessionid"].value for _ in range(nb_sessions)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM demandes_demande WHERE epci_id = %s AND id %% 101 = 0 ORDER BY id LIMIT 500", [epci]
        )
        fiches = [r[0] for r in cursor.fetchall()]
    noms = ["mar", "dub", "ber", "ro", "lefe", "gar", "mo", "pe", "ca", "la", "durand", "petit", "nguyen", "bo"]
    return {"sessions": sessions, "fiches": fiches, "noms": noms}


def _lire_stats(chemin: Path) -> dict:
    """locust's per-name statistics; a name with no request in the window (percentiles "N/A") is left out."""
    stats = {}
    with chemin.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if int(row["Request Count"]) == 0 or row["50%"] == "N/A":
                continue
            stats[row["Name"]] = {
                "requetes": int(row["Request Count"]),
                "echecs": int(row["Failure Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "max_ms": float(row["Max Response Time"]),
                "req_par_s": round(float(row["Requests/s"]), 1),
            }
    return stats


def _cpu_des_processus(garder) -> float:
    """CPU seconds (user + system) used so far by the live processes for which ``garder(command name, stat
    fields after the name)`` is true, read from /proc."""
    tic = os.sysconf("SC_CLK_TCK")
    total = 0
    for entree in Path("/proc").iterdir():
        if not entree.name.isdigit():
            continue
        try:
            debut, fin = (entree / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        champs = fin.split()
        if garder(debut.split("(", 1)[1], champs):
            total += int(champs[11]) + int(champs[12])  # utime, stime
    return round(total / tic, 1)


def _cpu_du_groupe(pgid: int) -> float:
    """CPU seconds used so far by the live processes of one process group (gunicorn's master and workers): what
    the server spent, beside what the load generator spent."""
    return _cpu_des_processus(lambda _nom, champs: int(champs[2]) == pgid)  # field 5 of stat, the process group


def _cpu_postgresql() -> float:
    """CPU seconds used so far by the live PostgreSQL processes of this machine (the server's connections are
    kept from the warm-up to the end: their backends live through the measure)."""
    return _cpu_des_processus(lambda nom, _champs: nom == "postgres")


def lancer_charge(
    donnees: dict, echauffement: list[tuple[str, dict]], classes: list[str], utilisateurs: int, duree: int,
    workers: int | None = None,
) -> dict:  # fmt: skip
    """gunicorn (config/gunicorn.conf.py: threaded workers, ``workers`` processes) serving bench.settings on
    the current database, then locust (headless) playing ``classes`` of bench/locustfile.py with ``donnees``;
    returns locust's per-name statistics and what each side cost in CPU.

    ``echauffement``: (url, headers) fetched four times before the measure (templates compiled, connections
    open). Both processes are stopped at the end, whatever happens.
    """
    from django.conf import settings

    db = settings.DATABASES["default"]
    port = port_libre()
    hote = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    gunicorn = locust = None
    with tempfile.TemporaryDirectory() as tmp:
        fichier, journal = Path(tmp) / "donnees.json", Path(tmp) / "locust.log"
        fichier.write_text(json.dumps(donnees))
        try:
            # as deployed (config/gunicorn.conf.py: threaded workers), with the number of processes asked here
            gunicorn = demarrer_gunicorn({**env, "GUNICORN_ACCESSLOG": ""}, port, workers)
            for _ in range(4):
                for url, entetes in echauffement:
                    with urllib.request.urlopen(urllib.request.Request(hote + url, headers=entetes), timeout=30):
                        pass
            charge_avant = charge()
            cpu_serveur_avant, cpu_pg_avant = _cpu_du_groupe(gunicorn.pid), _cpu_postgresql()
            locust = subprocess.Popen(
                [str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                 "--users", str(utilisateurs), "--spawn-rate", "5", "--reset-stats", "--run-time", f"{duree}s",
                 "--host", hote, "--csv", str(Path(tmp) / "locust"), "--only-summary", "--stop-timeout", "5",
                 "--loglevel", "WARNING", *classes],  # fmt: skip
                cwd=ROOT, env={**env, "BENCH_LOCUST_DATA": str(fichier)}, start_new_session=True,
                stdout=subprocess.DEVNULL, stderr=journal.open("w"),
            )  # fmt: skip
            debut = time.perf_counter()
            # wait4 gives the load generator's own CPU time: on 2 shared cores it competes with the server
            _pid, statut, usage = os.wait4(locust.pid, 0)
            locust.returncode = os.waitstatus_to_exitcode(statut)
            duree_reelle = time.perf_counter() - debut
            cpu_serveur = round(_cpu_du_groupe(gunicorn.pid) - cpu_serveur_avant, 1)
            cpu_pg = round(_cpu_postgresql() - cpu_pg_avant, 1)
            charge_apres = charge()
            if not (Path(tmp) / "locust_stats.csv").exists():
                raise RuntimeError("locust n'a rien mesuré : " + journal.read_text()[-2000:])
            stats = _lire_stats(Path(tmp) / "locust_stats.csv")
        finally:
            arreter(locust)
            arreter(gunicorn)
    return {
        "par_page": stats,
        "charge_avant_apres": [charge_avant, charge_apres],
        "cpu_s": {
            "generateur_de_charge_locust": round(usage.ru_utime + usage.ru_stime, 1),
            "serveur_gunicorn": cpu_serveur,
            "postgresql": cpu_pg,
            "duree_du_tir_s": round(duree_reelle, 1),
            "coeurs_de_la_machine": os.cpu_count(),
        },
    }


def synthese(stats: dict, exclus: tuple[str, ...] = ("vue_nue", "Aggregated")) -> dict:
    pages = {k: v for k, v in stats.items() if k not in exclus}
    return {
        "requetes": sum(v["requetes"] for v in pages.values()),
        "echecs": sum(v["echecs"] for v in pages.values()),
        "p95_ms_max_des_pages": max(v["p95_ms"] for v in pages.values()),
    }


def mesurer(utilisateurs: int = 20, duree: int = 60, workers: int | None = None) -> dict:
    donnees = _donnees(utilisateurs)
    cookie = {"Cookie": f"sessionid={donnees['sessions'][0]}"}
    echauffement = [("/bench/nu/", cookie), ("/demandes/?q=mar", cookie), ("/demandes/nouvelle/", cookie)]
    echauffement += [(f"/demandes/{pk}/", cookie) for pk in donnees["fiches"][:3]]
    tir = lancer_charge(donnees, echauffement, ["AgentAccueil"], utilisateurs, duree, workers)
    return {
        "utilisateurs": utilisateurs,
        "duree_s": duree,
        **configuration_gunicorn(),
        **({"workers_gunicorn": workers} if workers else {}),
        "serveur": SERVEUR,
        "charge_avant_apres": tir["charge_avant_apres"],
        "cpu_s": tir["cpu_s"],
        "par_page": tir["par_page"],
        "pages_accueil": synthese(tir["par_page"]),
        "cible_p95_ms": 200,
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--echelle", type=float, default=1.0)
    parser.add_argument("--utilisateurs", type=int, default=20)
    parser.add_argument("--duree", type=int, default=60)
    args = parser.parse_args(argv)
    from bench import territoire

    setup_django(territoire.BIG_DB)
    territoire.assurer(args.echelle)
    result = mesurer(args.utilisateurs, args.duree)
    write("charge", result)
    for nom, r in result["par_page"].items():
        print(
            f"{nom:12} {r['requetes']:6} requêtes, {r['echecs']} échecs, p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, "
            f"{r['req_par_s']} req/s"
        )
    return result


if __name__ == "__main__":
    main()
