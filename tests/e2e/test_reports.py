"""An official requests a progress report, watches the list update, and downloads the PDF."""

import subprocess

import pytest
from playwright.sync_api import expect

from missions.models import Municipality, MunicipalityRole
from reports.models import ProgressReport
from tests.accounts.factories import UserFactory

from .test_accessibility import NO_SIDEWAYS_SCROLL, axe_violations, describe
from .test_journeys import sign_in

pytestmark = pytest.mark.e2e


def test_official_requests_waits_and_downloads(site, new_page, celery_worker, axe_path, tmp_path):
    official = UserFactory()
    MunicipalityRole.objects.create(
        user=official,
        municipality=Municipality.objects.get(slug="palaio-faliro"),
        role=MunicipalityRole.Role.OFFICIAL,
    )
    page = new_page(accept_downloads=True)
    sign_in(page, site, official.email)
    page.goto(f"{site}/el/reports/")
    page.get_by_label("Δήμος").select_option(label="Παλαιό Φάληρο")
    page.locator("#id_language").select_option("el")
    page.get_by_role("button", name="Αίτηση αναφοράς").click()

    # The row appears at once; the page's script turns it into a link when the PDF is ready.
    row = page.locator("tr[data-report]").first
    expect(row).to_contain_text("Παλαιό Φάληρο")
    link = row.locator(".report-file a")
    expect(link).to_be_visible(timeout=90_000)
    assert ProgressReport.objects.get().status == "ready"

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.startswith("palaio-faliro-progress-")
    assert download.suggested_filename.endswith("-el.pdf")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Ένταξη του Δήμου στην Ελληνική Αποστολή των Πόλεων" in text


@pytest.mark.parametrize("language", ["en", "el", "pl"])
def test_reports_page_is_accessible(site, new_page, axe_path, language, media_root):
    from reports.services import report_render

    city = Municipality.objects.get(slug="kozani")
    official = UserFactory()
    MunicipalityRole.objects.create(
        user=official, municipality=city, role=MunicipalityRole.Role.OFFICIAL
    )
    ready = ProgressReport.objects.create(municipality=city, language="en")
    report_render(report_id=ready.pk)
    ProgressReport.objects.create(municipality=city, language="el")  # still queued
    page = new_page(bypass_csp=True)
    sign_in(page, site, official.email)
    page.goto(f"{site}/{language}/reports/")
    expect(page.locator("tr[data-report]")).to_have_count(2)
    violations = axe_violations(page, axe_path)
    assert not violations, describe(page.url, violations)
    # Finding 9.8: the reports table made the page scroll sideways on a phone; it scrolls in
    # its own box now.
    for width in (320, 390):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{page.url} scrolls sideways at {width} px"
