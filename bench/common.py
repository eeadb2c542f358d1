"""Shared set-up of the benchmarks: a dedicated PostgreSQL database, Django configured for production-like runs."""

from __future__ import annotations

import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BENCH_DB = os.environ.get("BENCH_DATABASE", "cil_bench")
VENV_BIN = Path(sys.executable).parent  # gunicorn, locust and celery of the interpreter running the bench


def setup_django(database: str = BENCH_DB) -> None:
    """Point Django at the bench database (created if missing) with DEBUG off, then migrate."""
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{database}")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # production refuses a weak key
    os.environ.setdefault("INSECURE_HTTP", "1")  # the test client speaks plain HTTP: no HTTPS redirect
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"  # production, plain static storage, a bare view
    os.environ.pop("REDIS_URL", None)  # tasks run in-process: the benchmark measures the work, not the queue
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            conn.execute(f'CREATE DATABASE "{database}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": statistics.median(ordered), "p95": p95, "min": ordered[0], "n": len(ordered)}


def charge() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict:
    try:
        pg = subprocess.run(["psql", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        pg = ""
    cpu, memoire = "", 0
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                   if ln.startswith("model name"))  # fmt: skip
        memoire = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    except (OSError, StopIteration, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "memory_gb": memoire,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "postgresql_client": pg,
        "load_average_1_5_15": charge(),
    }


def write(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {"benchmark": name, "machine": machine(), "when": time.strftime("%Y-%m-%dT%H:%M:%S"), **data}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path


def client_connecte(username: str):
    """Django's test client logged in as ``username`` with a verified second factor, as the production settings
    require for the EPCI staff and the administrators (OTP_ROLES_OBLIGATOIRES): a confirmed TOTP device of
    the user is recorded in the session, as django_otp's login does after a right code."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core.models import User

    user = User.objects.get(username=username)
    appareil, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = appareil.persistent_id
    session.save()
    return client


def port_libre() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def arreter(proc: subprocess.Popen | None) -> None:
    """Stop a process started here (its own session: gunicorn's workers go with their master)."""
    import contextlib
    import signal

    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def demarrer_gunicorn(env: dict, port: int, workers: int | None = None) -> subprocess.Popen:
    """gunicorn as deployed (config/gunicorn.conf.py: its processes and threads, or ``workers`` processes when
    given) on 127.0.0.1:``port``, in its own session (``arreter`` stops it with its workers); returns once the bare view
    answers. The one way every load and memory benchmark starts the web server."""
    import urllib.request

    commande = [str(VENV_BIN / "gunicorn"), "--config", str(ROOT / "config" / "gunicorn.conf.py"),
                "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]  # fmt: skip
    if workers is not None:
        commande += ["--workers", str(workers)]
    gunicorn = subprocess.Popen(commande, cwd=ROOT, env={"GUNICORN_ACCESSLOG": "", **env}, start_new_session=True)
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/nu/", timeout=2) as r:
                if r.status == 200:
                    return gunicorn
        except OSError:
            time.sleep(0.3)
    arreter(gunicorn)
    raise RuntimeError("gunicorn n'a pas démarré")


def configuration_gunicorn() -> dict:
    """The processes and threads config/gunicorn.conf.py gives on this machine (with the GUNICORN_* overrides),
    as the load benchmarks report them."""
    import runpy

    conf = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    return {"workers_gunicorn": conf["workers"], "threads_gunicorn": conf["threads"]}
