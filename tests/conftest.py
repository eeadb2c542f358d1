"""Cross-app test infrastructure: a real browser (Playwright + Debian's Chromium), accessibility checks
with axe-core, and a real Celery worker against Redis and the test database.

See docs/stack.md for why each of these is set up this way.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

# Sync Playwright runs an event loop in the test thread; Django would otherwise refuse ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _missing(message: str) -> None:
    """A missing component fails the run in CI (nothing may be silently skipped there), skips locally."""
    if _in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


# --------------------------------------------------------------------------- browser (Playwright)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's Chromium: Playwright's own browser downloads are impossible on these machines."""
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium introuvable ({CHROMIUM}) : installez le paquet Debian « chromium ».")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # reduced motion: no CSS transitions (Bootstrap honours it), so axe-core never measures the contrast of a
    # button halfway through its hover transition
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris", "reduced_motion": "reduce"}


@pytest.fixture
def axe_check() -> Callable:
    """``axe_check(page)`` runs axe-core on the current page and fails on serious or critical WCAG 2.1 AA
    violations, listing each rule, its help text and the offending elements.

    ``exclude`` takes CSS selectors to leave out (for third-party widgets only, with a reason in the test).
    """
    if not AXE_JS.exists():
        _missing(f"axe-core introuvable ({AXE_JS}) : lancez « make install » (npm install).")
    source = AXE_JS.read_text(encoding="utf-8")

    def check(page, *, exclude: list[str] | None = None) -> list[dict]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol: an inline <script> tag would be blocked by the pages'
            # Content-Security-Policy (script-src 'self'), which must stay on in browser tests.
            page.evaluate(source)
        context = {"exclude": [[selector] for selector in exclude]} if exclude else None
        results = page.evaluate(
            """async ([context, tags]) => await window.axe.run(context || document, {
                runOnly: {type: 'tag', values: tags},
                resultTypes: ['violations'],
            })""",
            [context, WCAG_AA_TAGS],
        )
        blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]
        if blocking:
            lines = [f"Accessibilité (axe-core, WCAG 2.1 AA) sur {page.url} :"]
            for violation in blocking:
                lines.append(f"- [{violation['impact']}] {violation['id']} : {violation['help']}")
                for node in violation["nodes"][:5]:
                    lines.append(f"    {', '.join(node['target'])} -> {node.get('failureSummary', '')!s}")
            pytest.fail("\n".join(lines), pytrace=False)
        return results["violations"]

    return check


# --------------------------------------------------------------------------- Celery worker


@dataclass
class CeleryWorker:
    """A running ``celery worker`` subprocess bound to the test database and to a private queue."""

    process: subprocess.Popen
    queue: str
    nodename: str
    log_path: Path
    broker_url: str
    database_url: str

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def wait_for(self, predicate: Callable[[], object], *, timeout: float = 30.0, interval: float = 0.2, what=""):
        """Poll ``predicate`` until it returns something truthy; fail with the worker's log otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            if self.process.poll() is not None:
                pytest.fail(f"Le worker Celery s'est arrêté (code {self.process.returncode}).\n{self.log()}")
            time.sleep(interval)
        waited_for = what or "le worker Celery"
        pytest.fail(f"Délai de {timeout:.0f} s dépassé en attendant {waited_for}.\nJournal :\n{self.log()}")


def _database_url_for_worker(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    name = str(settings_dict["NAME"])
    if engine.rsplit(".", 1)[-1] == "postgresql":  # Django's back-end or tests.ordre_aleatoire.postgresql
        user = quote(settings_dict.get("USER") or "", safe="")
        password = quote(settings_dict.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or "5432"
        return f"postgres://{credentials}{host}:{port}/{quote(name, safe='')}"
    _missing(
        "Le test d'intégration Celery demande PostgreSQL (DATABASE_URL=postgres://...) : "
        "la base de test SQLite en mémoire n'est pas visible d'un autre processus."
    )
    raise AssertionError("unreachable")


def _redis_url_or_missing() -> str:
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        _missing("REDIS_URL n'est pas défini : le test d'intégration Celery a besoin d'un Redis réel.")
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        _missing(f"Redis ne répond pas à {redis_url} : {exc}")
    return redis_url


# Run before the worker's own program (Linux): the kernel sends the worker SIGTERM when the pytest process that
# started it dies, even killed with SIGKILL, so that no orphan worker keeps a connection to the test database
# (the next run could not drop and create it again). A wrapper instead of Popen's preexec_fn, which is unsafe
# with the live server's threads running.
_STOP_WITH_PARENT = (
    "import ctypes, os, signal, sys; parent = int(sys.argv[1]); "
    "ctypes.CDLL('libc.so.6').prctl(1, signal.SIGTERM); "  # PR_SET_PDEATHSIG
    "os.getppid() == parent or sys.exit(1); "
    "os.execv(sys.argv[2], sys.argv[2:])"
)


def _celery_executable() -> list[str]:
    sibling = Path(sys.executable).with_name("celery")
    if sibling.exists():
        return [str(sibling)]
    found = shutil.which("celery")
    return [found] if found else [sys.executable, "-m", "celery"]


@pytest.fixture(scope="session")
def _celery_worker_session(django_db_setup, django_db_blocker) -> Iterator[CeleryWorker]:
    """One worker for the whole session, started after the test database exists and stopped before it is
    dropped (PostgreSQL refuses to drop a database that a worker is still connected to).

    Under pytest-xdist (``make test``, ``-n 2``) each test process has its own session: its own test database
    (pytest-django adds ``_gw0``, ``_gw1``... to the name), hence its own worker bound to it. The processes
    share the Redis database of ``REDIS_URL`` without interfering: each worker consumes a queue named after
    its session only, its node name is unique, and results are stored under their task's unique id."""
    from django.db import connection

    redis_url = _redis_url_or_missing()
    with django_db_blocker.unblock():
        database_url = _database_url_for_worker(connection.settings_dict)

    suffix = uuid.uuid4().hex[:10]
    queue = f"tests-{suffix}"
    nodename = f"tests-{suffix}@%h"
    log_dir = Path(tempfile.mkdtemp(prefix="celery-worker-"))
    log_path = log_dir / "worker.log"
    env = {
        **os.environ,
        # config.settings.test, out of eager mode and publishing to this session's queue.
        "DJANGO_SETTINGS_MODULE": "tests.celery_worker_settings",
        "CIL_TEST_CELERY_QUEUE": queue,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        *_celery_executable(),
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--loglevel=warning",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "-Q",
        queue,
        "-n",
        nodename,
    ]
    if sys.platform.startswith("linux"):
        command = [sys.executable, "-c", _STOP_WITH_PARENT, str(os.getpid()), *command]
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
    hostname = nodename.replace("%h", socket.gethostname())
    worker = CeleryWorker(process, queue, hostname, log_path, redis_url, database_url)
    try:
        yield worker
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # warm shutdown: finishes the current task
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        shutil.rmtree(log_dir, ignore_errors=True)


@pytest.fixture
def celery_worker_process(_celery_worker_session: CeleryWorker, transactional_db) -> Iterator[CeleryWorker]:
    """A real Celery worker consuming what this test enqueues with ``.delay()`` / ``.apply_async()``.

    The test runs with ``transactional_db`` (committed rows, visible to the worker). The in-process Celery
    app is switched out of eager mode and onto Redis for the test, then restored. Tasks go to a queue of
    this session only, so that nothing else on the same Redis database interferes. Use
    ``celery_worker_process.wait_for(lambda: ..., timeout=30)`` to poll for the task's effect.
    """
    from config.celery import app as celery_app

    worker = _celery_worker_session
    conf = celery_app.conf
    saved = {key: conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")}
    conf.task_always_eager = False
    conf.broker_url = worker.broker_url
    conf.task_default_queue = worker.queue
    try:
        worker.wait_for(
            lambda: celery_app.control.ping(destination=[worker.nodename], timeout=0.5),
            timeout=30,
            what="que le worker Celery réponde au ping",
        )
        yield worker
    finally:
        for key, value in saved.items():
            conf[key] = value
