"""`make run`: the whole of relcrm on one machine, in one terminal.

Migrates, seeds the demo account on first start, then runs the web server and
a Celery worker with beat embedded. Without DATABASE_URL / REDIS_URL it uses
SQLite and a file-system broker, so nothing but Python is needed. Ctrl-C stops
everything.
"""

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _dev_environment(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "relcrm.settings")
    env.setdefault("DEBUG", "true")
    env.setdefault("RELCRM_VAR_DIR", str(var_dir))
    key_file = var_dir / "secret_key"
    if "SECRET_KEY" not in env:
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        env["SECRET_KEY"] = key_file.read_text().strip()
    return env


def _wait_for_port(host: str, port: int, processes, timeout: float = 30) -> None:
    """Wait until the web server answers, so the banner is the last thing printed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and all(p.poll() is None for p in processes):
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex((host, port)) == 0:
                time.sleep(1)  # let the worker finish its start-up lines
                return
        time.sleep(0.2)


def _manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)

    var_dir = Path(os.environ.get("RELCRM_VAR_DIR", BASE_DIR / "var"))
    for sub in ("", "broker", "broker-control"):
        (var_dir / sub).mkdir(parents=True, exist_ok=True)
    env = _dev_environment(var_dir)

    try:
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(env, "seed_demo")
    except subprocess.CalledProcessError as error:
        sys.exit(f"relcrm could not prepare the database (exit {error.returncode}); see above.")

    os.environ.update(env)
    import django

    django.setup()
    from contacts.management.commands.seed_demo import DEMO_EMAIL, DEMO_PASSWORD

    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"{args.host}:{args.port}", "--noreload"],
            cwd=BASE_DIR,
            env=env,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "celery", "--quiet", "-A", "relcrm", "worker", "--beat", "--loglevel=warning",
             "--pool=solo", "--schedule", str(var_dir / "celerybeat-schedule")],
            cwd=BASE_DIR,
            env=env,
        ),
    ]
    _wait_for_port(args.host, args.port, processes)
    print(f"\nrelcrm is running at http://{args.host}:{args.port}/", flush=True)
    print(f"Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}", flush=True)
    print("Press Ctrl-C to stop the web server, the worker and beat.\n", flush=True)

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    # Ctrl-C reaches the whole process group: the children stop on their own, and we only
    # note it, so a child seen gone before our handler ran is not taken for a crash.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and all(p.poll() is None for p in processes):
        time.sleep(0.5)
    if not stopping:
        time.sleep(0.5)  # a signal that stopped a child has reached us too: let its handler run
    status = 0
    if not stopping:
        failed = next(p for p in processes if p.poll() is not None)
        print(f"A process stopped (exit {failed.returncode}); stopping the rest.", file=sys.stderr)
        status = failed.returncode or 1
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
    sys.exit(status)


if __name__ == "__main__":
    main()
