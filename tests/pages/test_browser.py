"""The four pages in Debian's Chromium: no axe-core violations (WCAG 2.1 A/AA) in any language,
also with a text shown in another language; nothing blocked by the Content Security Policy; no
horizontal scrolling at 320 px."""

import pytest

from core.caching import bump_content_version
from pages.models import Page
from tests.e2e.test_accessibility import RECORD_CSP_VIOLATIONS, axe_violations, describe

pytestmark = pytest.mark.e2e

PATHS = [f"/{language}/about/{key}/" for key in Page.Key.values for language in ("en", "el", "pl")]


@pytest.fixture
def site(live_server):
    return live_server.url


def test_every_page_is_accessible_in_every_language(site, new_page, axe_path):
    page = new_page(bypass_csp=True)  # axe is injected as a script; the CSP test is below
    for path in PATHS:
        response = page.goto(f"{site}{path}")
        assert response is not None and response.ok, path
        violations = axe_violations(page, axe_path)
        assert not violations, describe(path, violations)


def test_a_text_shown_in_english_on_a_greek_page_is_accessible(site, new_page, axe_path):
    Page.objects.filter(key="privacy").update(content_el="", title_el="")
    bump_content_version()
    page = new_page(bypass_csp=True)
    page.goto(f"{site}/el/about/privacy/")
    assert page.locator("html").get_attribute("lang") == "el"
    assert page.locator("h1").get_attribute("lang") == "en"
    assert page.locator('[role="note"]').is_visible()
    violations = axe_violations(page, axe_path)
    assert not violations, describe("/el/about/privacy/ (in English)", violations)


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_no_page_scrolls_sideways(site, new_page, width):
    page = new_page(viewport={"width": width, "height": 800})
    for path in PATHS:
        page.goto(f"{site}{path}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {width} px"


def test_nothing_is_blocked_by_the_content_security_policy(site, new_page):
    page = new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    for path in PATHS:
        page.goto(f"{site}{path}")
        assert page.evaluate("window.__cspViolations") == [], path


def test_the_pages_work_with_the_keyboard_alone(site, new_page):
    page = new_page(java_script_enabled=False)
    page.goto(f"{site}/en/about/mission/")
    # From the skip link to the about navigation: every link is reachable with Tab.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == "/en/about/contact/":
            break
    else:
        pytest.fail("the link to the contact page was not reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site}/en/about/contact/")
