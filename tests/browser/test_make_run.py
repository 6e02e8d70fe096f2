"""`make run` as a new user meets it: no servers, one command, a printed login that works."""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

BASE_DIR = Path(__file__).resolve().parents[2]
# What a bare machine has: none of the services the test suite itself uses.
NOT_ON_A_BARE_MACHINE = {
    "DATABASE_URL", "REDIS_URL", "CACHE_URL", "SECRET_KEY", "DEBUG", "HTTPS", "EMAIL_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE", "CELERY_QUEUE", "CELERY_TASK_ALWAYS_EAGER",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def running_app(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in NOT_ON_A_BARE_MACHINE}
    env |= {"RELCRM_VAR_DIR": str(tmp_path / "var"), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "relcrm.run", "--port", str(port)],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    lines = []
    deadline = time.monotonic() + 120
    login = None
    while time.monotonic() < deadline and login is None:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        lines.append(line)
        login = re.match(r"Demo login: (\S+) / (\S+)", line)
    assert login, "".join(lines)
    while not port_open(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    yield {"url": f"http://127.0.0.1:{port}", "email": login[1], "password": login[2], "process": process,
           "port": port, "var": tmp_path / "var", "output": lines}
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)


def test_make_run_serves_the_app_and_ctrl_c_stops_everything(running_app, browser):
    app = running_app
    assert (app["var"] / "relcrm.sqlite3").exists()  # SQLite, no database server
    assert any(path.name == "broker" for path in app["var"].iterdir())  # file broker, no Redis

    page = browser.new_page(base_url=app["url"])
    page.goto("/")
    page.get_by_label("Email").fill(app["email"])
    page.get_by_label("Password").fill(app["password"])
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    expect(page.locator("#recent-list li").first).to_be_visible()
    expect(page.get_by_role("region", name="Reach out")).to_be_visible()

    # Logging a conversation reaches the embedded worker through the file broker:
    # it rescores that person in the background.
    database = sqlite3.connect(app["var"] / "relcrm.sqlite3")
    name, before = database.execute(
        "SELECT display_name, scored_at FROM contacts_contact WHERE circle = 'inner' ORDER BY id LIMIT 1"
    ).fetchone()
    form = page.get_by_role("form", name="Log a conversation")
    form.get_by_label("Contact").fill(name)
    form.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("status")).to_contain_text(f"with {name}")

    def rescored():
        (after,) = database.execute("SELECT scored_at FROM contacts_contact WHERE display_name = ?", [name]).fetchone()
        return after != before

    deadline = time.monotonic() + 30
    while not rescored() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert rescored(), "".join(app["output"])
    database.close()
    page.close()

    # Ctrl-C in a terminal signals the whole foreground process group.
    os.killpg(app["process"].pid, signal.SIGINT)
    assert app["process"].wait(timeout=30) == 0
    assert not port_open(app["port"])
    leftovers = subprocess.run(["pgrep", "-f", str(app["var"])], capture_output=True, text=True).stdout
    assert leftovers == "", f"still running: {leftovers}"
