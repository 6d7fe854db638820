"""The jobs as beat runs them: Celery tasks in a real worker, mail through a real SMTP server.
A reminder is sent once per period, also when the worker restarts, and when it is killed in
the middle of a batch (an email at most once); ``manage.py send_notifications`` does the same
without a worker."""

import os
import signal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Delivery
from tests.missions.factories import EditorFactory, MilestoneFactory, MunicipalityFactory
from tests.workers import CeleryWorker, point_celery_at, wait_for

pytestmark = pytest.mark.postgresql


@pytest.fixture
def editors(transactional_db):
    """Two editors, each of a city with an overdue milestone (English emails)."""
    people = []
    for n in (1, 2):
        city = MunicipalityFactory(name_en=f"City {n}", language="en")
        MilestoneFactory(municipality=city, date=timezone.localdate().replace(year=2020))
        people.append(EditorFactory(municipality=city, email=f"editor{n}@example.org"))
    return people


@pytest.fixture
def broker(redis_server, settings):
    point_celery_at(redis_server.url)
    yield redis_server
    point_celery_at(settings.CELERY_BROKER_URL)


@pytest.fixture
def start_worker(broker, smtp_server, tmp_path):
    """Workers that send through ``smtp_server``, with a weekly period that began this hour
    (so that reminders are due now, whatever the day)."""
    started = []
    now = timezone.localtime()
    env = {
        # The test settings keep emails in memory; these send them by SMTP (EMAIL_URL).
        "DJANGO_SETTINGS_MODULE": "climateportal.settings.dev",
        "DJANGO_SECRET_KEY": "test-only-key",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "NOTIFICATIONS_WEEKLY_AT": f"{now.weekday()},{now.hour}",
    }

    def start() -> CeleryWorker:
        worker = CeleryWorker(broker_url=broker.url, media_root=str(tmp_path), extra_env=env)
        started.append(worker.start())
        return worker

    yield start
    for worker in started:
        worker.stop()


def run_reminders(worker: CeleryWorker) -> None:
    from notifications.tasks import send_staff_reminders

    before = worker.output().count("succeeded in")
    send_staff_reminders.delay()
    wait_for(
        lambda: worker.output().count("succeeded in") > before,
        timeout=60,
        what="the reminders task",
    )


def test_reminders_are_sent_once_per_period_across_worker_restarts(
    editors, smtp_server, start_worker
):
    worker = start_worker()
    run_reminders(worker)
    assert sorted(r[0] for r in smtp_server.recipients) == [e.email for e in editors]
    worker.stop()
    run_reminders(start_worker())  # beat fires again after the restart
    assert len(smtp_server.messages) == 2
    assert Delivery.objects.filter(sent_at__isnull=False).count() == 2


def test_a_worker_killed_mid_batch_sends_nothing_twice(editors, smtp_server, start_worker):
    first, second = editors
    smtp_server.hold_after = 1  # accept one email, then keep the worker waiting
    worker = start_worker()
    from notifications.tasks import send_staff_reminders

    send_staff_reminders.delay()
    wait_for(lambda: smtp_server.holding, timeout=60, what="the second email")
    os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=10)
    wait_for(lambda: smtp_server.dropped, timeout=30, what="the server to see the worker gone")
    smtp_server.release()
    run_reminders(start_worker())
    assert len(smtp_server.to(first.email)) == 1
    # Claimed by the killed batch: not known to be sent, so not sent again (at most once).
    assert smtp_server.to(second.email) == []
    claims = Delivery.objects.filter(user=second, kind="reminder")
    assert [claim.sent_at for claim in claims] == [None]


def test_the_command_sends_what_is_due_once(editors, settings, mailoutbox):
    now = timezone.localtime()
    settings.NOTIFICATIONS_WEEKLY_AT = (now.weekday(), now.hour)
    out = StringIO()
    call_command("send_notifications", stdout=out)
    call_command("send_notifications", "--only", "reminders", stdout=out)
    assert sorted(message.to[0] for message in mailoutbox) == [e.email for e in editors]
    assert "reminders: 2 sent, 0 to try again" in out.getvalue()
    assert "reminders: 0 sent, 0 to try again" in out.getvalue()


def test_beat_runs_every_job():
    from django.conf import settings

    from climateportal.celery import app

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    mine = {name for name in app.tasks if name.startswith("notifications.")}
    assert mine == {
        "notifications.tasks.send_updates",
        "notifications.tasks.send_weekly_digests",
        "notifications.tasks.send_staff_reminders",
    }
    assert mine <= tasks
