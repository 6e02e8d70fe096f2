"""Configuration: bad values fail loudly, production settings pass `check --deploy`."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "production-like-secret-key-with-enough-entropy-1234567890",
    "ALLOWED_HOSTS": "relcrm.example.com",
    "DATABASE_URL": "postgres://relcrm@127.0.0.1:5432/relcrm",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp://mail.example.com:587?tls=true",
}


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {*PRODUCTION, "HTTPS", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env={**clean, **env}, capture_output=True, text=True
    )


def test_deploy_check_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "env, message",
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short"}, "at least 50 characters"),
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL must start with one of"),
        ({"EMAIL_URL": "pigeon://coop"}, "EMAIL_URL must start with one of"),
        ({"TIME_ZONE": "Mars/Olympus"}, "not an IANA time zone"),
        ({"AXES_FAILURE_LIMIT": "lots"}, "AXES_FAILURE_LIMIT='lots' is not a whole number"),
        ({"SITE_URL": "relcrm.example.com"}, "SITE_URL must start with one of http://, https://"),
        ({"DIGEST_MAX_ATTEMPTS": "0"}, "DIGEST_MAX_ATTEMPTS=0 is outside 1..20"),
    ],
)
def test_bad_configuration_fails_with_a_message(env, message):
    result = manage("check", **{**PRODUCTION, **env})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_without_redis_any_command_can_queue_a_task(tmp_path):
    """The file-system broker's folders exist before the first task is queued, not only under `make run`."""
    var = tmp_path / "var"
    result = manage(
        "shell", "-c", "from relcrm.celery import app; app.send_task('relcrm.noop')",
        DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", RELCRM_VAR_DIR=str(var),
    )
    assert result.returncode == 0, result.stderr
    assert len(list((var / "broker").iterdir())) == 1


def test_email_url_becomes_a_mailer(settings):
    from relcrm.settings import mailer_from_url

    smtp = mailer_from_url("submission://me%40x.org:p%40ss@mail.example.com", timeout=5)
    assert smtp["OPTIONS"] | {} == {
        "host": "mail.example.com", "port": 587, "username": "me@x.org", "password": "p@ss",
        "use_ssl": False, "use_tls": True, "timeout": 5,
    }
    assert mailer_from_url("smtps://mail.example.com", timeout=5)["OPTIONS"]["port"] == 465
    assert mailer_from_url("consolemail://", timeout=5) == {"BACKEND": "django.core.mail.backends.console.EmailBackend"}


@pytest.mark.django_db
def test_pages_carry_a_csp_with_nonces_and_no_bare_inline_code(owner_client):
    response = owner_client.get("/")
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "script-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy
    html = response.content.decode()
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", html):
        if "src=" not in tag:
            assert f'nonce="{nonce}"' in tag, tag
    assert 'style="' not in html
