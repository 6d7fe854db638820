"""The admin as a Greek municipal employee uses it, in Debian's Chromium: axe-core finds no
WCAG 2.1 AA violation on the changelist, the change form with its language tabs, the import page
and the history page (finding 9.6: an unlabelled language select, nested interactive tabs,
links told apart by colour only), and the pages are in Greek."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from missions.models import Milestone, Municipality
from tests.missions.factories import EditorFactory

from .test_accessibility import axe_violations, describe
from .test_journeys import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def greek_editor_page(site, new_page):
    palaio_faliro = Municipality.objects.get(slug="palaio-faliro")
    editor = EditorFactory(municipality=palaio_faliro)
    page = new_page(bypass_csp=True)  # axe is injected as a script
    sign_in(page, site, editor.email)
    page.context.add_cookies([{"name": "django_language", "value": "el", "url": site}])
    return page


def test_the_admin_pages_are_accessible_in_greek(site, greek_editor_page, axe_path):
    page = greek_editor_page
    milestone = Milestone.objects.filter(municipality__slug="palaio-faliro").first()
    base = f"{site}/admin/missions/milestone/"
    for url in (
        base,
        f"{base}{milestone.pk}/change/",
        f"{base}import/",
        f"{base}{milestone.pk}/history/",
        f"{site}/admin/",
    ):
        response = page.goto(url)
        assert response is not None and response.ok, url
        expect(page.locator("html")).to_have_attribute("lang", "el")
        violations = axe_violations(page, axe_path)
        assert not violations, describe(url, violations)


def test_the_import_page_speaks_greek(site, greek_editor_page):
    page = greek_editor_page
    page.goto(f"{site}/admin/missions/milestone/import/")
    text = page.locator("#content").inner_text()
    for english in ("This importer will import", "File to import", "Format", "Submit"):
        assert english not in text


def test_the_language_tabs_still_switch_by_mouse_and_keyboard(site, greek_editor_page):
    page = greek_editor_page
    milestone = Milestone.objects.filter(municipality__slug="palaio-faliro").first()
    page.goto(f"{site}/admin/missions/milestone/{milestone.pk}/change/")
    page.wait_for_load_state("load")
    greek, polish = page.locator("#tab_id_title_el"), page.locator("#tab_id_title_pl")
    page.locator('li[aria-controls="tab_id_title_el"] > a').click()
    expect(greek).to_be_visible()
    expect(polish).to_be_hidden()
    page.locator('li[aria-controls="tab_id_title_el"]').focus()
    page.keyboard.press("ArrowRight")
    expect(polish).to_be_visible()
    with translation.override("el"):
        label = translation.gettext("Language of the translated fields")
    switches = page.locator("select.modeltranslation-switch")
    for index in range(switches.count()):
        expect(switches.nth(index)).to_have_attribute("aria-label", label)
