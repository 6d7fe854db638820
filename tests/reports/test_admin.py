"""Progress reports in the admin: read-only, "Render again" for the user's own cities."""

import pytest
from django.conf import settings

from missions.models import Municipality, MunicipalityRole
from reports.models import ProgressReport
from tests.missions.factories import EditorFactory

pytestmark = pytest.mark.django_db


def test_render_again_resets_attempts_for_the_editors_cities_only(client, demo):
    kozani = Municipality.objects.get(slug="kozani")
    warsaw = Municipality.objects.get(slug="warsaw")
    ours = ProgressReport.objects.create(municipality=kozani, language="en")
    theirs = ProgressReport.objects.create(municipality=warsaw, language="en")
    ProgressReport.objects.update(status="failed", attempts=settings.REPORTS_MAX_ATTEMPTS)
    client.force_login(EditorFactory(municipality=kozani))
    response = client.post(
        "/admin/reports/progressreport/",
        {"action": "render_again", "_selected_action": [ours.pk, theirs.pk]},
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.status, ours.attempts) == ("queued", 0)
    assert (theirs.status, theirs.attempts) == ("failed", settings.REPORTS_MAX_ATTEMPTS)


def test_reports_are_read_only_and_only_administrators_delete_them(client, demo):
    kozani = Municipality.objects.get(slug="kozani")
    report = ProgressReport.objects.create(municipality=kozani, language="en")
    editor = EditorFactory(municipality=kozani)
    MunicipalityRole.objects.filter(user=editor).update(role="official")
    editor.is_staff = True
    editor.save()
    client.force_login(editor)
    page = client.get(f"/admin/reports/progressreport/{report.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert (
        client.post(
            f"/admin/reports/progressreport/{report.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert ProgressReport.objects.filter(pk=report.pk).exists()
