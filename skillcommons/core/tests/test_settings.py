"""Settings from the environment: production mode refuses to start half-configured, sends HSTS
and secure cookies; both modes send the security headers; SQLite runs in WAL mode."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

BASE_DIR = Path(settings.BASE_DIR)

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
secure = client.get("/healthz", secure=True, headers={"host": "skills.example.org"})
plain = client.get("/", headers={"host": "skills.example.org"})
print(json.dumps({
    "hsts": secure.headers.get("Strict-Transport-Security", ""),
    "healthz": secure.status_code,
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "language_secure": settings.LANGUAGE_COOKIE_SECURE,
    "debug": settings.DEBUG,
    "csp": secure.headers.get("Content-Security-Policy", ""),
}))
"""


def run_python(code: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SKILLCOMMONS_MODE", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}
    }
    clean.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings", "SKILLCOMMONS_DATA_DIR": str(data_dir)}
    )
    clean.update(env)
    return subprocess.run(  # noqa: S603 (the test's own interpreter and code)
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run_python(
        "import django; django.setup()",
        tmp_path,
        SKILLCOMMONS_MODE="production",
        ALLOWED_HOSTS="skills.example.org",
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_mode_refuses_to_start_without_allowed_hosts(tmp_path: Path) -> None:
    result = run_python(
        "import django; django.setup()",
        tmp_path,
        SKILLCOMMONS_MODE="production",
        SECRET_KEY="x" * 50,
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_an_unknown_mode_is_refused(tmp_path: Path) -> None:
    result = run_python("import django; django.setup()", tmp_path, SKILLCOMMONS_MODE="staging")
    assert result.returncode != 0
    assert "SKILLCOMMONS_MODE must be" in result.stderr


def test_production_mode_sends_hsts_redirects_to_https_and_secures_cookies(
    tmp_path: Path,
) -> None:
    result = run_python(
        PROBE,
        tmp_path,
        SKILLCOMMONS_MODE="production",
        SECRET_KEY="production-secret-" + "x" * 40,
        ALLOWED_HOSTS="skills.example.org",
        BADGES_KEY_ENCRYPTION_KEYS="vEbpY7Ax2Ymw5h3sL4MT3R8wQf9ZkJq1c0dYp6nL2aE=",
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["healthz"] == 200
    assert probe["hsts"].startswith("max-age=31536000")
    assert "includeSubDomains" in probe["hsts"]
    assert probe["plain_status"] == 301
    assert probe["plain_location"].startswith("https://skills.example.org/")
    assert probe["session_secure"] is True
    assert probe["csrf_secure"] is True
    assert probe["language_secure"] is True
    assert probe["debug"] is False
    assert "default-src 'self'" in probe["csp"]


def test_development_mode_sends_no_hsts_and_keeps_a_generated_secret_key(tmp_path: Path) -> None:
    result = run_python(PROBE, tmp_path)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["hsts"] == ""
    assert probe["session_secure"] is False
    key_file = tmp_path / "secret_key"
    assert key_file.exists()
    assert key_file.stat().st_mode & 0o077 == 0  # readable by the owner only


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path: Path) -> None:
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('PRAGMA journal_mode')\n"
        "    print(cursor.fetchone()[0])\n"
        "    cursor.execute('PRAGMA foreign_keys')\n"
        "    print(cursor.fetchone()[0])\n"
        "print(connection.settings_dict['OPTIONS']['transaction_mode'])\n"
    )
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "1", "IMMEDIATE"]
    assert (tmp_path / "skillcommons.sqlite3").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/healthz", "/api/v1/nope", "/no-such-page/"])
def test_every_answer_carries_the_security_headers(client: Client, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    directives = {}
    for part in csp.split(";"):
        name, _space, value = part.strip().partition(" ")
        directives[name] = value
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
