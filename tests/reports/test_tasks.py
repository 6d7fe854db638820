"""Progress reports through a real Celery worker on Redis, rendered by WeasyPrint."""

import datetime
import io
import os
import signal

from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader

from core.permissions import system_actor
from missions.models import Municipality
from reports import services
from reports.models import ProgressReport
from tests.reports.support import (
    official_of,
    pdf_text,
    someone_waits_for,
    table_locked,
    wait_status,
)
from tests.workers import CeleryWorker, point_celery_at, wait_for


def test_request_render_download_in_greek(client, demo, celery_worker):
    official = official_of("palaio-faliro")
    client.force_login(official)
    city = Municipality.objects.get(slug="palaio-faliro")
    response = client.post("/el/reports/", {"municipality": city.pk, "language": "el"})
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.requested_by == official
    wait_status(report, "ready")
    assert report.attempts == 1 and report.error == ""

    page = client.get("/el/reports/").content.decode()
    assert report.get_download_url() in page
    response = client.get(report.get_download_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    today = timezone.localdate().isoformat()
    assert f'filename="palaio-faliro-progress-{today}-el.pdf"' in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    text = pdf_text(data)
    assert "Παλαιό Φάληρο" in text
    assert "Σύσταση Γραφείου Κλιματικής Ουδετερότητας" in text
    assert "Ολοκληρώθηκε" in text and "Σε εξέλιξη" in text and "Προσεχώς" in text
    assert "Διαβούλευση για την κλιματική ουδετερότητα" in text
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "el"
    assert "/StructTreeRoot" in root  # tagged
    assert reader.metadata.title.startswith("Παλαιό Φάληρο")
    assert len(reader.pages) >= 5


def test_rendering_error_fails_with_a_message_then_is_retried(
    transactional_db, demo, redis_server, media_root
):
    # The worker's storage is a path under a regular file: writing the PDF fails (a real
    # OSError), the report is marked failed with the error, and the task retries.
    blocker = media_root / "blocked"
    blocker.write_text("not a directory")
    point_celery_at(redis_server.url)
    worker = CeleryWorker(broker_url=redis_server.url, media_root=str(blocker / "media")).start()
    try:
        report = services.report_request(
            acting_user=system_actor(),
            municipality=Municipality.objects.get(slug="kozani"),
            language="en",
        )
        wait_status(report, "failed", timeout=60)
        assert "NotADirectoryError" in report.error or "Not a directory" in report.error
        blocker.unlink()
        (blocker / "media").mkdir(parents=True)
        wait_status(report, "ready", timeout=90)
        assert report.attempts >= 2
        assert report.error == ""
    finally:
        worker.stop()
        point_celery_at(settings.CELERY_BROKER_URL)


def test_worker_killed_mid_render_still_delivers(demo, celery_worker):
    city = Municipality.objects.get(slug="warsaw")
    # The render blocks on purpose: another connection holds the milestones table, so the
    # worker is certainly mid-render when it is killed, however fast the machine.
    with table_locked("missions_milestone") as lock:
        report = services.report_request(
            acting_user=system_actor(), municipality=city, language="pl"
        )
        wait_for(
            lambda: someone_waits_for(lock, "missions_milestone"),
            timeout=60,
            what="the render to wait for the milestones",
        )
        assert ProgressReport.objects.get(pk=report.pk).status == "running"
        children = celery_worker.children()
        assert children, celery_worker.output()
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        # The pool replaces the killed process and the message, acknowledged only after the
        # task, is delivered again; the new render waits for the lock too.
        wait_for(
            lambda: ProgressReport.objects.get(pk=report.pk).attempts >= 2,
            timeout=90,
            what="the report to be taken over",
        )
    wait_status(report, "ready", timeout=180)
    assert report.attempts >= 2


def test_redis_down_keeps_the_request_queued_then_the_sweeper_delivers(
    transactional_db, client, demo, redis_server, media_root
):
    point_celery_at(redis_server.url)
    redis_server.stop()
    official = official_of("palaio-faliro")
    client.force_login(official)
    city = Municipality.objects.get(slug="palaio-faliro")
    response = client.post("/en/reports/", {"municipality": city.pk, "language": "en"}, follow=True)
    assert response.status_code == 200
    assert "Your report has been requested" in response.content.decode()
    report = ProgressReport.objects.get()
    assert report.status == "queued"

    redis_server.start()
    worker = CeleryWorker(broker_url=redis_server.url, media_root=str(media_root)).start()
    try:
        from reports.tasks import sweep_reports

        ten_minutes_ago = timezone.now() - datetime.timedelta(minutes=10)
        ProgressReport.objects.filter(pk=report.pk).update(
            requested_at=ten_minutes_ago, enqueued_at=ten_minutes_ago
        )
        sweep_reports.delay()
        wait_status(report, "ready", timeout=90)
    finally:
        worker.stop()
        point_celery_at(settings.CELERY_BROKER_URL)


def test_beat_schedule_names_the_monthly_task():
    schedule = settings.CELERY_BEAT_SCHEDULE
    monthly = schedule["monthly-progress-reports"]
    assert monthly["task"] == "reports.tasks.request_monthly_reports"
    assert monthly["schedule"].day_of_month == {1}
    assert schedule["sweep-progress-reports"]["task"] == "reports.tasks.sweep_reports"
    from climateportal.celery import app

    app.loader.import_default_modules()  # what a worker or beat does when it starts
    assert "reports.tasks.request_monthly_reports" in app.tasks
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > (
        settings.REPORTS_HARD_TIME_LIMIT
    )
