"""Production settings: Django's deployment check passes with production values, and refuses to
start without the values that must come from the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "kehoach.settings.production",
    "SECRET_KEY": "z7-prod-like-secret-key-with-enough-entropy-4c1f9a0b8e2d7c6b5a4f3e2d1c0b",
    "ALLOWED_HOSTS": "kehoach.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://kehoach.example.vn",
    "TRUSTED_PROXY_COUNT": "1",
}


def manage(*args, env):
    # Not DEBUG, nor the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE, which the check rightly refuses.
    ignored = {*PRODUCTION, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {key: value for key, value in os.environ.items() if key not in ignored}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_check_passes_at_warning_level(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "override, complaint",
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"DEBUG": "true"}, "DEBUG"),
        ({"SECURE_HSTS_SECONDS": "0"}, "W004"),
        ({"TRUSTED_PROXY_COUNT": "0"}, "kehoach.W001"),
    ],
)
def test_an_unsafe_production_value_fails_the_check(tmp_path, override, complaint):
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3", **override}
    if not override.get("SECRET_KEY", True):
        env.pop("SECRET_KEY")

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode != 0
    assert complaint in result.stdout + result.stderr


def test_production_sends_the_security_headers(client, settings, db):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_SSL_REDIRECT = False
    response = client.get("/dang-nhap/", secure=True)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_health_address_answers_ok_without_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/ok/")
    assert response.status_code == 200 and response.content == b"ok"
    assert client.post("/ok/").status_code in (403, 405)
