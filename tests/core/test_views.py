"""The health check and the error pages."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.accounts.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]

HEALTHZ = """
from django.test import Client
response = Client(HTTP_HOST="localhost").get("/healthz")
print(response.status_code, response.content.decode())
"""


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_healthz_answers_503_naming_the_database_when_it_refuses():
    """Finding: /healthz answered 500 when the database refused connections."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="climateportal.settings.test",
        # Nothing listens on port 1: every connection is refused.
        DATABASE_URL="postgres://postgres@127.0.0.1:1/climateportal",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", HEALTHZ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == "503 database unavailable", result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "el", "pl"])
def test_the_404_page_is_the_portals_in_the_urls_language(client, language):
    """Finding: Django's bare English "Not Found", no header, no language."""
    response = client.get(f"/{language}/cities/no-such-city/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert 'class="site-header"' in html
    assert f'href="/{language}/cities/"' in html  # a way on


@pytest.mark.django_db
def test_the_500_page_is_the_portals_in_the_urls_language(client, settings):
    settings.ROOT_URLCONF = "tests.core.failing_urls"
    client.raise_request_exception = False
    response = client.get("/pl/fails/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="pl">' in html and 'class="site-header"' in html
    assert 'href="/pl/"' in html


@pytest.mark.django_db
def test_the_403_page_says_what_to_do_in_the_urls_language(client, settings):
    """The page a refusal shows: the portal's, in the URL's language, telling a visitor to sign
    in and a signed-in person whom to ask."""
    settings.ROOT_URLCONF = "tests.core.failing_urls"
    response = client.get("/el/refuses/")
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="el">' in html and 'class="site-header"' in html
    assert "<h1>Δεν έχετε πρόσβαση σε αυτή τη σελίδα</h1>" in html
    assert "Συνδεθείτε με λογαριασμό που έχει πρόσβαση" in html
    assert 'href="/el/"' in html  # a way on
    client.force_login(UserFactory())
    html = client.get("/el/refuses/").content.decode()
    assert "επικοινωνήστε με τον διαχειριστή του δήμου σας" in html
    assert "Συνδεθείτε με λογαριασμό" not in html
