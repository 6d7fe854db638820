"""What the reports tests share: an official, waiting for a status, a PDF's text."""

import subprocess
from contextlib import contextmanager

import psycopg
from django.conf import settings

from missions.models import Municipality, MunicipalityRole
from tests.accounts.factories import UserFactory
from tests.workers import wait_for


def official_of(slug):
    user = UserFactory()
    MunicipalityRole.objects.create(
        user=user,
        municipality=Municipality.objects.get(slug=slug),
        role=MunicipalityRole.Role.OFFICIAL,
    )
    return user


def wait_status(report, status, timeout=90):
    def reached():
        report.refresh_from_db()
        return report.status == status

    wait_for(reached, timeout=timeout, what=f"report {report.pk} to be {status}")
    return report


def pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode()


@contextmanager
def table_locked(table: str):
    """Hold an exclusive lock on ``table`` from another connection: whoever reads it waits until
    the block ends. A render that must be caught mid-way blocks on purpose this way, instead of
    being caught by timing."""
    database = settings.DATABASES["default"]
    with psycopg.connect(
        host=database["HOST"],
        port=database["PORT"],
        user=database["USER"],
        dbname=database["NAME"],
        autocommit=False,
    ) as connection:
        connection.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        try:
            yield connection
        finally:
            connection.rollback()


def someone_waits_for(connection, table: str) -> bool:
    query = "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass"
    return connection.execute(query, [table]).fetchone()[0] > 0
