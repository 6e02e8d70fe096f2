"""A real Celery worker, in its own process, on the real Redis and the test database."""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def running_worker(*extra_args: str, env: dict | None = None, queue: str | None = None):
    """Start a worker that consumes a queue of its own (or ``queue``); yield that queue's name.

    The worker reads the test database (use ``transactional_db`` so that it
    sees committed rows) and stops when the block ends. Its process is
    ``running_worker.process`` meanwhile, for tests that kill it.
    """
    from relcrm.celery import app

    queue = queue or f"test-{uuid.uuid4().hex[:12]}"
    worker_env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **(env or {}),
    }
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "relcrm", "worker", "--pool=solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=info",
         "-n", f"{queue}@%h", *extra_args],
        cwd=BASE_DIR,
        env=worker_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    running_worker.process = process
    try:
        yield queue
    finally:
        app.conf.task_always_eager = eager
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        running_worker.last_output = output


def wait_for(predicate, *, timeout=30.0, interval=0.2):
    """Poll until ``predicate()`` is true; fail with what the worker printed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
