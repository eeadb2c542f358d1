"""Settings of the Celery worker that the integration tests start (tests/conftest.py, celery_worker_process).

The test settings run tasks eagerly in-process; the worker must behave as in production instead: a task it
runs that enqueues further tasks sends them through Redis, to the test session's private queue, which the
same worker consumes.
"""

import os

from config.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CIL_TEST_CELERY_QUEUE", "celery")
