"""The officials' reports page: requests, statuses and downloads, for their own cities only."""

import pytest
from django.conf import settings

from missions.models import Municipality
from reports import services
from reports.models import ProgressReport
from tests.accounts.factories import UserFactory
from tests.reports.support import official_of

pytestmark = pytest.mark.django_db


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


def test_the_form_preselects_an_officials_only_city(client, demo):
    """Finding: the report form did not preselect an official's only city."""
    official = official_of("kozani")
    client.force_login(official)
    form = client.get("/en/reports/").context["form"]
    assert form["municipality"].value() == Municipality.objects.get(slug="kozani").pk


@pytest.mark.parametrize("language", ["el", "pl"])
def test_a_signed_out_official_signs_in_in_the_pages_language(client, language):
    """Finding 9.10: /el/reports/ sent to /accounts/login/, without a language."""
    response = client.get(f"/{language}/reports/")
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/accounts/login/?next=/{language}/reports/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.content.decode()


def test_staff_and_officials_find_their_work_in_the_header(client, demo):
    """Finding 9.10: the reports and the admin were linked only from the footer."""
    official = official_of("palaio-faliro")
    client.force_login(official)
    header = client.get("/el/").content.decode().split("</header>")[0]
    assert 'href="/el/reports/"' in header and 'href="/el/account/"' in header
    assert 'href="/admin/"' not in header  # an official is not staff
    official.is_staff = True
    official.save()
    header = client.get("/el/").content.decode().split("</header>")[0]
    assert 'href="/admin/"' in header
    client.logout()
    assert 'href="/el/reports/"' not in client.get("/el/").content.decode().split("</header>")[0]
