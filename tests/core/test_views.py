"""The health check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
