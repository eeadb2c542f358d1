"""gunicorn as the platform is deployed (Dockerfile, docker-compose.yml) and measured (bench/charge.py).

Threaded workers (``gthread``): a page spends part of its time waiting for PostgreSQL, so a second thread per
process keeps the CPU busy while one request waits, and a slow request (a PDF, a large page) no longer stops a
whole process from serving others, as it does with sync workers. Two processes per core, two threads each:
the threads of one process share one GIL, and a thread whose query has returned waits for it behind its busy
neighbours at every one of a page's 10 to 30 queries; with fewer threads per process and the processes left to
the kernel's scheduler, the working day's mix on 2 cores answered with a lower p95 (bench/NOTES.md). On 2
cores: 8 requests in progress at once and 8 database connections per server (keep ``max_connections`` above
servers x workers x threads plus the Celery workers). A process accepts a connection only when one of its
threads is free, one request per connection (below). Every value can be changed by an environment variable;
docs/stack.md explains the figures.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# A process takes a new connection only when one of its threads is free, and closes it after the response: a
# request waits in the kernel's queue for the first free thread of any process, instead of inside a process
# whose threads are busy while another one idles (gthread accepts whatever arrives up to worker_connections,
# and a kept-alive connection stays with the process that accepted it). Behind a reverse proxy (the usual
# deployment) the proxy keeps the clients' connections; here every request is a short local connection.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "0"))
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", threads))
# a worker is replaced after this many requests (with jitter, not all at once): memory fragmentation and any
# slow growth never accumulate over weeks
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None  # empty: no access log (benchmarks)
