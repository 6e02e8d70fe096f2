"""The Today page under load vs a plain signed-in page, served by gunicorn, in pages a second.

One user with BENCH_DASHBOARD_CONTACTS contacts (default 2,000) and
BENCH_DASHBOARD_INTERACTIONS conversations (default 100,000), seeded in bulk
by ``seed_demo``'s seeder and scored as the nightly job leaves them. gunicorn
serves the app (``bench.settings``: DEBUG off, plus one plain page) on a
loopback port; a second process loads one page at a time for
BENCH_LOAD_SECONDS (default 10) over keep-alive connections, with ``wrk`` when
it is installed and ``bench.load`` (Python threads) otherwise. Both pages are
fetched with the user's session cookie, made through the session store.

The floor is the plain page: a login-required view rendering ``base.html``
with a tiny context, so session, user, middleware and layout, the same for
both. The figure compared is throughput: Today / plain (target ≥ 0.25).
"""

import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils import timezone

from accounts.models import User
from contacts.management.commands.seed_demo import Seeder
from interactions import engine
from interactions.services import refresh_contact_figures

from .digest import _free_port

EMAIL = "today@dashboard-bench.example"
ROOT = Path(__file__).resolve().parent.parent
WORKERS, THREADS = 2, 4
CONNECTIONS = WORKERS * THREADS
# What each page must contain: a redirect to the login page or an error page would be fast and wrong.
MARKERS = {"/": ('aria-label="Log a conversation"', "Your year"), "/bench/plain/": ("Sign out",)}


def seed(contacts: int, interactions: int) -> User:
    User.objects.filter(email=EMAIL).delete()
    user = User.objects.create_user(EMAIL, None, name="Dana Bench", time_zone="Europe/Berlin")
    now = timezone.now()
    seeder = Seeder(user, random.Random(7), now, "+49 151", log=lambda line: None)
    seeder.seed_contacts(contacts)
    seeder.seed_interactions(interactions)
    refresh_contact_figures(owner_id=user.pk)
    engine.recompute_users([user.pk], as_of=now)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return user


def session_cookie(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def start_server(port: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "false"}
    env.pop("WEB_CONCURRENCY", None)
    env.pop("GUNICORN_CMD_ARGS", None)
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "relcrm.wsgi:application",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(WORKERS), "--worker-class", "gthread", "--threads", str(THREADS),
            "--worker-tmp-dir", "/dev/shm", "--no-control-socket", "--log-level", "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return process
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not answer within a minute")


def check(base: str, path: str, cookie: str) -> int:
    """One fetch: the page is a 200 with what it must show. Returns its size."""
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read().decode()
        if response.status != 200 or response.url != base + path:
            raise RuntimeError(f"{path} answered {response.status} at {response.url}")
    missing = [marker for marker in MARKERS[path] if marker not in body]
    if missing:
        raise RuntimeError(f"{path} does not show {missing}")
    return len(body)


def load(url: str, cookie: str, seconds: float) -> float:
    """Pages a second for ``seconds``, from another process; any answer but a 200 fails the run."""
    if shutil.which("wrk"):
        out = subprocess.run(
            ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "--timeout", "30s", "-H", f"Cookie: {cookie}", url],
            capture_output=True, text=True, check=True,
        ).stdout
        if errors := re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out):
            raise RuntimeError(f"{url}: {errors.group(0)}")
        return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    out = subprocess.run(
        [sys.executable, "-m", "bench.load", url, cookie, str(seconds), str(CONNECTIONS)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    result = json.loads(out)
    if result["errors"]:
        raise RuntimeError(f"{url}: {result['errors']} answers other than 200")
    return result["pages"] / result["seconds"]


def run():
    contacts = int(os.environ.get("BENCH_DASHBOARD_CONTACTS", 2_000))
    interactions = int(os.environ.get("BENCH_DASHBOARD_INTERACTIONS", 100_000))
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", 10))
    print(f"Seeding a user with {contacts:,} contacts and {interactions:,} conversations…", flush=True)
    started = time.perf_counter()
    user = seed(contacts, interactions)
    print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)
    cookie = session_cookie(user)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    client = "wrk" if shutil.which("wrk") else "bench.load (Python threads)"
    try:
        sizes = {path: check(base, path, cookie) for path in MARKERS}
        for path in MARKERS:  # warm up every worker: templates compiled, caches filled
            load(base + path, cookie, 2)
        best = dict.fromkeys(MARKERS, 0.0)
        for _ in range(2):  # alternate, keep each page's best: the machine is shared
            for path in MARKERS:
                best[path] = max(best[path], load(base + path, cookie, seconds))
        for path in MARKERS:
            check(base, path, cookie)
    finally:
        server.terminate()
        server.wait(timeout=30)
    today, plain = best["/"], best["/bench/plain/"]
    print(
        f"\nToday page under load ({client}, {CONNECTIONS} connections, gunicorn {WORKERS}×{THREADS} threads, "
        f"{seconds:g} s each, best of 2):\n"
        f"  Today  {today:8.1f} pages/s  ({sizes['/'] / 1024:.0f} KB)\n"
        f"  plain  {plain:8.1f} pages/s  ({sizes['/bench/plain/'] / 1024:.0f} KB)\n"
        f"  ratio  {today / plain:8.2f}  (target ≥ 0.25)",
        flush=True,
    )
    # As times per page, for the summary table: ≤ 4× the plain page's is throughput ≥ 0.25.
    return (f"Today page, {contacts:,} people", 1 / today, 1 / plain, 4.0)
