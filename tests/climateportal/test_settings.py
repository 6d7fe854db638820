import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env_extra, unset=()):
    # The browser tests allow Django's ORM inside Playwright's event loop; not here.
    unset = (*unset, "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_production_settings_is_clean():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DJANGO_SETTINGS_MODULE": "climateportal.settings.production",
            "DJANGO_SECRET_KEY": "a-long-random-production-key-" + "x7Qp9z" * 8,
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage(
        "check",
        env_extra={"DJANGO_SETTINGS_MODULE": "climateportal.settings.production"},
        unset=("DJANGO_SECRET_KEY",),
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/en/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_login_is_rate_limited(client):
    from tests.accounts.factories import UserFactory

    user = UserFactory()
    for _ in range(5):
        response = client.post("/en/accounts/login/", {"login": user.email, "password": "wrong"})
        assert response.status_code == 200
    # allauth's limit, kept in the (Redis) cache: the right password is refused for a while.
    response = client.post(
        "/en/accounts/login/", {"login": user.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_no_secret_in_settings():
    text = (ROOT / "climateportal/settings/production.py").read_text()
    assert 'os.environ["DJANGO_SECRET_KEY"]' in text


@pytest.mark.parametrize("key", ["", "short-key", "a" * 60])
def test_production_refuses_an_empty_short_or_plain_secret_key(key):
    """Finding: an empty DJANGO_SECRET_KEY passed the checks and started gunicorn."""
    result = run_manage(
        "check",
        env_extra={
            "DJANGO_SETTINGS_MODULE": "climateportal.settings.production",
            "DJANGO_SECRET_KEY": key,
        },
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be a random string of at least 50 characters" in result.stderr
