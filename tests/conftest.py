"""Shared fixtures: the three standard users and a check that the services are up.

owner: the signed-in user whose data a test works on; other: a second user
with data of their own; outsider: a user with nothing, for 404 checks.
"""

import os
import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from .factories import PASSWORD, UserFactory


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def pytest_configure(config):
    # Tests do not run collectstatic: serve static files as they are on disk.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_sessionstart(session):
    if hasattr(session.config, "workerinput"):
        return  # the controller already checked
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit(f"The suite runs on PostgreSQL; DATABASE_URL points at {database['ENGINE']}.", returncode=3)
    db_url = f"postgres://{database.get('HOST') or '127.0.0.1'}:{database.get('PORT') or 5432}"
    problems = []
    if not _reachable(db_url, 5432):
        problems.append(f"PostgreSQL is not reachable at {db_url[11:]}: start it or set DATABASE_URL")
    if not settings.REDIS_URL or not _reachable(settings.REDIS_URL, 6379):
        problems.append(f"Redis is not reachable at {settings.REDIS_URL}: start it or set REDIS_URL")
    if problems:
        pytest.exit("; ".join(problems) + " (see README, make test).", returncode=3)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def owner(db):
    return UserFactory(email="owner@example.com", name="Olive Owner")


@pytest.fixture
def other(db):
    return UserFactory(email="other@example.com", name="Otto Other")


@pytest.fixture
def outsider(db):
    return UserFactory(email="outsider@example.com", name="Oona Outsider")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


def pytest_collection_modifyitems(config, items):
    # Keep tests that start servers of their own on one xdist worker each, so
    # two of them never fight over a port or a queue.
    for item in items:
        for marker in ("browser", "worker"):
            if item.get_closest_marker(marker):
                item.add_marker(pytest.mark.xdist_group(marker))


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (allauth keeps them in the cache) must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _today_stamp_at_once(request):
    """The Today page's stamp moves at commit, and a test's transaction is rolled back, never committed.

    Inside such a test the triggers run at the end of each statement instead:
    the same number, moved earlier in the same transaction (see ``TodayStamp``).
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker and marker.kwargs.get("transaction")
    )
    if transactional or not (marker or "db" in request.fixturenames):
        yield
        return
    request.getfixturevalue("db")
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS interactions_todaystamp_pending_stamp IMMEDIATE")
    yield
