"""Memory of a web worker and of the Celery worker on the largest export and the largest API page (issue 19, item 5).

Usage: python -m bench.memoire [--paris]

gunicorn as deployed (config/gunicorn.conf.py: threaded workers), one worker process, serving bench.settings on
the 1,000,000-demand database, and a Celery worker (``--pool solo``: the task runs in the process measured) on
Redis (``BENCH_REDIS_URL``, database 7 by default). For each request, as EPCI staff with a verified second
factor: the worker's resident memory before (``VmRSS``), its peak reset (``/proc/<pid>/clear_refs``, 5) and its
peak after (``VmHWM``): the growth is peak minus before, against the 200 MB limit.

- the allocations of a whole year as CSV, then as XLSX (``attributions:export``): above
  ``EXPORT_DIRECT_MAX_LIGNES`` rows either request only queues a deferred export (``core.exports_differes``), so
  the web worker's growth is the queueing's and the Celery worker's growth is the files' production, followed
  until both exports are ready;
- the largest API pages: decisions (``/api/attributions/``), dwellings, demands, at the largest page size the
  API allows (``limit=500``) and at a deep offset.

The deferred export's row and file are deleted at the end (the database is left as found).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
import urllib.request
from pathlib import Path

from bench.common import ROOT, VENV_BIN, arreter, client_connecte, demarrer_gunicorn, port_libre, setup_django, write

ANNEE = 2025
LIMITE_MO = 200


def _statut(pid: int) -> dict:
    champs = {}
    for ligne in Path(f"/proc/{pid}/status").read_text().splitlines():
        cle, _, valeur = ligne.partition(":")
        if cle in ("VmRSS", "VmHWM"):
            champs[cle] = int(valeur.split()[0]) / 1024  # kB -> MB
    return champs


def _reinitialiser_pic(pid: int) -> bool:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _enfants(pid: int) -> list[int]:
    sortie = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False)
    return [int(x) for x in sortie.stdout.split()]


def _get(url: str, cookie: str, timeout: float = 600) -> tuple[int, int, float, str]:
    requete = urllib.request.Request(url, headers={"Cookie": cookie})

    class SansRedirection(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    ouvreur = urllib.request.build_opener(SansRedirection)
    debut = time.perf_counter()
    try:
        with ouvreur.open(requete, timeout=timeout) as r:
            taille = 0
            while bloc := r.read(1 << 16):
                taille += len(bloc)
            return r.status, taille, time.perf_counter() - debut, ""
    except urllib.error.HTTPError as exc:
        return exc.code, 0, time.perf_counter() - debut, exc.headers.get("Location", "")


def mesurer(base: str, redis_url: str) -> dict:
    from django.conf import settings

    from bench import territoire
    from cil.models import Epci
    from core.models import ExportDiffere, User

    epci = Epci.objects.get(siren=territoire.EPCI)
    client = client_connecte("bench-epci")
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    utilisateur = User.objects.get(username="bench-epci")
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "GUNICORN_ACCESSLOG": "",
    }
    port = port_libre()
    hote = f"http://127.0.0.1:{port}"
    gunicorn = celery = None
    exports_avant = set(ExportDiffere.objects.values_list("pk", flat=True))
    resultats: dict[str, dict] = {}
    try:
        gunicorn = demarrer_gunicorn(env, port, 1)
        celery = subprocess.Popen(
            [str(VENV_BIN / "celery"), "-A", "config", "worker", "--pool", "solo", "--concurrency", "1",
             "--loglevel", "warning", "--without-heartbeat", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        # the Celery worker booted (Django set up, tasks imported) before its memory is read: its resident size
        # stops growing (else the growth measured would include its start)
        precedent, stable, debut_attente = 0.0, 0, time.perf_counter()
        while stable < 4 and time.perf_counter() - debut_attente < 60:
            time.sleep(0.5)
            rss = _statut(celery.pid)["VmRSS"]
            stable = stable + 1 if rss > 80 and abs(rss - precedent) < 0.5 else 0
            precedent = rss
        worker = _enfants(gunicorn.pid)[0]
        # warm-up: the pages' code imported, templates compiled, a connection open (a worker's ordinary state)
        for url in ("/bench/nu/", f"/attributions/?epci={epci.siren}&annee={ANNEE}", "/api/attributions/?limit=5"):
            _get(hote + url, cookie)
        depart = _statut(worker)

        requetes = {
            "export_csv_attributions_annee": f"/attributions/export.csv?epci={epci.siren}&annee={ANNEE}",
            "api_attributions_limit_500": "/api/attributions/?limit=500",
            "api_attributions_limit_500_offset_profond": "/api/attributions/?limit=500&offset=500000",
            "api_logements_limit_500": "/api/logements/?limit=500",
            "api_demandes_limit_500": "/api/demandes/?limit=500",
            "export_xlsx_attributions_annee": f"/attributions/export.xlsx?epci={epci.siren}&annee={ANNEE}",
        }
        cel_avant, cel_pic_remis = None, False
        for nom, url in requetes.items():
            if nom.startswith("export_") and cel_avant is None:  # the Celery worker's peak from before it is queued
                cel_avant, cel_pic_remis = _statut(celery.pid), _reinitialiser_pic(celery.pid)
            avant = _statut(worker)["VmRSS"]
            pic_remis = _reinitialiser_pic(worker)
            statut, octets, duree, lieu = _get(hote + url, cookie)
            apres = _statut(worker)
            resultats[nom] = {
                "url": url, "statut_http": statut, "octets": octets, "duree_s": round(duree, 2),
                "rss_avant_mo": round(avant, 1), "pic_mo": round(apres["VmHWM"], 1),
                "rss_apres_mo": round(apres["VmRSS"], 1),
                "croissance_pic_mo": round(apres["VmHWM"] - avant, 1) if pic_remis else None,
                "croissance_residente_mo": round(apres["VmRSS"] - avant, 1),
                "redirection": lieu,
            }  # fmt: skip
            print(f"  web {nom:42} HTTP {statut} {octets / 1e6:7.1f} Mo en {duree:6.2f} s ; "
                  f"RSS {avant:.0f} -> pic {apres['VmHWM']:.0f} Mo", flush=True)  # fmt: skip
        # the deferred exports: the Celery worker's growth while it writes the files (one after the other)
        differes = list(
            ExportDiffere.objects.exclude(pk__in=exports_avant).filter(utilisateur=utilisateur).order_by("pk")
        )
        cel = {"statut": "aucun export différé demandé (aucune requête n'a été différée)"}
        if differes:
            cpid = celery.pid
            avant, pic_remis = cel_avant or _statut(cpid), cel_pic_remis
            debut, pic = time.perf_counter(), avant["VmRSS"]
            while time.perf_counter() - debut < 900:
                for differe in differes:
                    differe.refresh_from_db()
                pic = max(pic, _statut(cpid)["VmHWM"])
                if all(d.termine for d in differes):
                    break
                time.sleep(0.5)
            apres = _statut(cpid)
            fichiers = [
                {
                    "fichier": d.nom_fichier, "statut": d.statut, "lignes": d.lignes_total, "erreur": d.erreur[:300],
                    "duree_s": round((d.termine_le - d.cree_le).total_seconds(), 1) if d.termine_le else None,
                    "taille_fichier_mo": round(d.fichier.size / 1e6, 1) if d.fichier else None,
                }
                for d in differes
            ]  # fmt: skip
            cel = {
                "statut": ", ".join(sorted({d.statut for d in differes})), "fichiers": fichiers,
                "lignes": sum(f["lignes"] or 0 for f in fichiers),
                "duree_s": max((f["duree_s"] or 0 for f in fichiers), default=None),
                "rss_avant_mo": round(avant["VmRSS"], 1), "pic_mo": round(apres["VmHWM"], 1),
                "croissance_pic_mo": round(apres["VmHWM"] - avant["VmRSS"], 1) if pic_remis else None,
                "rss_apres_mo": round(apres["VmRSS"], 1),
            }  # fmt: skip
            print(f"  celery exports différés : {cel}", flush=True)
    finally:
        arreter(gunicorn)
        arreter(celery)
        for export in ExportDiffere.objects.exclude(pk__in=exports_avant):
            if export.fichier:
                export.fichier.delete(save=False)
            export.delete()
    croissances = [r["croissance_pic_mo"] for r in resultats.values() if r.get("croissance_pic_mo") is not None]
    if cel.get("croissance_pic_mo") is not None:
        croissances.append(cel["croissance_pic_mo"])
    pire = max(croissances, default=None)
    return {
        "unite": "Mo",
        "base": base,
        "serveur": "gunicorn, config/gunicorn.conf.py (gthread), 1 worker; Celery --pool solo",
        "rss_depart_worker_web_mo": round(depart["VmRSS"], 1),
        "web": resultats,
        "celery_export_differe": cel,
        "limite_mo": LIMITE_MO,
        "pire_croissance_mo": pire,
        "sous_la_limite": pire is not None and pire < LIMITE_MO,
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paris", action="store_true")
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"))
    args = parser.parse_args(argv)
    from bench import territoire

    base = territoire.PARIS_DB if args.paris else territoire.BIG_DB
    setup_django(base)
    territoire.assurer(paris=args.paris)
    resultat = mesurer(base, args.redis)
    write("memoire", resultat)
    print(f"Pire croissance : {resultat['pire_croissance_mo']} Mo (limite {LIMITE_MO} Mo)")
    return resultat


if __name__ == "__main__":
    main()
