"""Requesting, claiming, rendering and sweeping progress reports."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.permissions import system_actor
from missions.models import Municipality
from reports import services
from reports.models import ProgressReport
from tests.missions.factories import MilestoneFactory
from tests.reports.support import official_of

pytestmark = pytest.mark.django_db


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


def test_monthly_reports_for_every_published_municipality(demo):
    MilestoneFactory(municipality__is_published=False)
    reports = services.monthly_reports_request(acting_user=system_actor())
    published = Municipality.objects.published()
    assert len(reports) == published.count()
    languages = {r.municipality.slug: r.language for r in reports}
    assert languages["palaio-faliro"] == "el" and languages["warsaw"] == "pl"
    assert languages["nantes"] == "en"  # French: not a language the portal speaks
    # A municipality's own language wins over its country's (finding 9).
    Municipality.objects.filter(slug="warsaw").update(language="en")
    reports = services.monthly_reports_request(acting_user=system_actor())
    assert {r.municipality.slug: r.language for r in reports}["warsaw"] == "en"
    assert all(r.requested_by is None and r.status == "queued" for r in reports)


def test_render_again_starts_a_fresh_set_of_attempts(demo):
    """Finding: "Render again" on a report that failed 5 times failed it again at once."""
    city = Municipality.objects.get(slug="kozani")
    report = ProgressReport.objects.create(municipality=city, language="en")
    ProgressReport.objects.filter(pk=report.pk).update(
        status="failed", attempts=settings.REPORTS_MAX_ATTEMPTS, error="Gave up"
    )
    official = official_of("kozani")
    assert services.report_render_again(acting_user=official, report=report)
    report.refresh_from_db()
    assert (report.status, report.attempts) == ("queued", 0)
    assert services._claim(report.pk) is not None  # a worker takes it, not gives it up
    with pytest.raises(PermissionDenied):
        services.report_render_again(acting_user=official_of("warsaw"), report=report)


def test_only_the_citys_people_request_its_reports(demo):
    city = Municipality.objects.get(slug="kozani")
    with pytest.raises(PermissionDenied):
        services.report_request(acting_user=official_of("warsaw"), municipality=city, language="en")
    with pytest.raises(PermissionDenied):
        services.report_request(acting_user=None, municipality=city, language="en")
    official = official_of("kozani")
    report = services.report_request(acting_user=official, municipality=city, language="el")
    assert report.requested_by == official
