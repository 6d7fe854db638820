"""Progress reports through a real Celery worker on Redis, rendered by WeasyPrint."""

import datetime
import io
import os
import signal
import subprocess

import pytest
from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader

from core.permissions import system_actor
from missions.models import Milestone, Municipality, MunicipalityRole
from reports import services
from reports.models import ProgressReport
from tests.factories import MilestoneFactory, UserFactory
from tests.workers import CeleryWorker, point_celery_at, wait_for


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
    assert "Ολοκληρώθηκε" in text and "Εν εξελίξει" in text and "Προσεχώς" in text
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
    # Enough milestones that the render takes a few seconds, so it can be interrupted.
    Milestone.objects.bulk_create(
        Milestone(
            municipality=city,
            title_en=f"Milestone {n}",
            description_en="Text. " * 120,
            date=datetime.date(2020 + n % 10, 1 + n % 12, 1),
            status="upcoming",
        )
        for n in range(1500)
    )
    report = services.report_request(acting_user=system_actor(), municipality=city, language="pl")
    wait_status(report, "running", timeout=60)
    children = celery_worker.children()
    assert children, celery_worker.output()
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    # The pool replaces the killed process and the message, acknowledged only after the
    # task, is delivered again.
    wait_status(report, "ready", timeout=180)
    assert report.attempts >= 2
    assert "WorkerLostError" in celery_worker.output() or report.attempts >= 2


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


@pytest.mark.django_db
def test_other_municipalities_get_404(client, demo, media_root):
    report = ProgressReport.objects.create(
        municipality=Municipality.objects.get(slug="palaio-faliro"), language="el"
    )
    services.report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == "ready"
    kozani = official_of("kozani")
    client.force_login(kozani)
    assert client.get(report.get_download_url()).status_code == 404
    assert report.get_download_url() not in client.get("/en/reports/").content.decode()
    assert client.get("/en/reports/status/").json() == {"reports": []}
    client.force_login(UserFactory())
    assert client.get(report.get_download_url()).status_code == 404
    client.logout()
    assert client.get(report.get_download_url()).status_code == 302  # to sign in
    # A Kozani official cannot request Palaio Faliro's report either.
    client.force_login(kozani)
    response = client.post(
        "/en/reports/", {"municipality": report.municipality.pk, "language": "el"}
    )
    assert response.status_code == 200 and ProgressReport.objects.count() == 1
    # The file itself is not served from a public URL.
    assert client.get("/" + settings.MEDIA_URL + report.file.name).status_code == 404


@pytest.mark.django_db
def test_render_is_idempotent(demo, media_root):
    report = ProgressReport.objects.create(
        municipality=Municipality.objects.get(slug="kozani"), language="en"
    )
    services.report_render(report_id=report.pk)
    report.refresh_from_db()
    name = report.file.name
    assert services.report_render(report_id=report.pk) is None
    report.refresh_from_db()
    assert report.file.name == name and report.attempts == 1


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


@pytest.mark.django_db
def test_monthly_reports_for_every_published_municipality(demo):
    MilestoneFactory(municipality__is_published=False)
    reports = services.monthly_reports_request(acting_user=system_actor())
    published = Municipality.objects.published()
    assert len(reports) == published.count()
    languages = {r.municipality.slug: r.language for r in reports}
    assert languages["palaio-faliro"] == "el" and languages["warsaw"] == "pl"
    assert languages["nantes"] == "en"
    assert all(r.requested_by is None and r.status == "queued" for r in reports)


@pytest.mark.django_db
def test_claiming_skips_reports_another_worker_renders(demo, media_root):
    report = ProgressReport.objects.create(
        municipality=Municipality.objects.get(slug="kozani"), language="en"
    )
    assert services._claim(report.pk) is not None  # this worker starts
    assert services._claim(report.pk) is None  # a duplicate message: left alone
    assert services._claim(report.pk, redelivered=True) is not None  # its worker died
    report.refresh_from_db()
    assert report.attempts == 2
    # A report that kills every worker is given up after the maximum number of attempts.
    ProgressReport.objects.filter(pk=report.pk).update(attempts=settings.REPORTS_MAX_ATTEMPTS)
    assert services._claim(report.pk, redelivered=True) is None
    report.refresh_from_db()
    assert report.status == "failed" and "Gave up" in report.error


@pytest.mark.django_db
def test_sweeper_resends_each_waiting_report_once_per_period(demo):
    report = ProgressReport.objects.create(
        municipality=Municipality.objects.get(slug="kozani"), language="en"
    )
    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    ProgressReport.objects.filter(pk=report.pk).update(requested_at=long_ago)
    assert services.reports_sweep(queued_for=120, running_for=180) == 1
    report.refresh_from_db()
    assert report.enqueued_at > long_ago
    # Just re-sent: the next sweep leaves it alone.
    assert services.reports_sweep(queued_for=120, running_for=180) == 0
    # Running for a short while: not stuck.
    ProgressReport.objects.filter(pk=report.pk).update(status="running", started_at=timezone.now())
    assert services.reports_sweep(queued_for=120, running_for=180) == 0
