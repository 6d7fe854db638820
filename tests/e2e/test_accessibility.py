"""WCAG 2.1 A/AA checks with axe-core on every public page in every language, and the
Content Security Policy as the browser enforces it.

The site's CSP (``script-src 'self'``) rightly blocks the inline script that Playwright's
``add_script_tag(path=...)`` creates, so the axe checks run in a context with ``bypass_csp=True``.
That is for the test harness only: ``test_city_page_breaks_no_csp_rule`` loads the pages with the
policy enforced and fails if anything (inline script or style) is blocked.
"""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

LANGUAGES = ["en", "el", "pl"]
PAGES = [
    "",
    "mission/",
    "cities/",
    "cities/palaio-faliro/",
    "cities/palaio-faliro/embed/",
    "twinning/",
    "networks/",
    "networks/ilektron/",
    "consultations/",
    "consultations/palaio-faliro-climate-neutrality/",
    "consultations/palaio-faliro-climate-neutrality/results/",
    "follow/",
    "follow/sent/",
    "about/mission/",
    "about/accessibility/",
    "about/privacy/",
    "about/contact/",
    "open-data/",
]
# A phone held upright (the narrowest that WCAG's reflow asks for), a common phone, a laptop.
WIDTHS = [320, 390, 1280]
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

AXE_RUN = """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(
    (results) => results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        count: v.nodes.length,
        nodes: v.nodes.slice(0, 5).map((n) => ({
            target: n.target.join(' '),
            summary: n.failureSummary,
        })),
    })))"""


@pytest.fixture
def axe_page(new_page):
    return new_page(bypass_csp=True)


def axe_violations(page, axe_path) -> list[dict]:
    page.add_script_tag(path=axe_path)
    return page.evaluate(AXE_RUN, WCAG_TAGS)


def describe(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}, {v['count']} node(s)): {v['help']}")
        lines.append(f"    {v['helpUrl']}")
        for node in v["nodes"]:
            lines.append(f"    at {node['target']}")
            summary = (node["summary"] or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def assert_accessible(page, axe_path, url):
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    violations = axe_violations(page, axe_path)
    assert not violations, describe(url, violations)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.strip("/") or "home")
@pytest.mark.parametrize("language", LANGUAGES)
def test_public_page_is_accessible_at_every_width(site, axe_page, axe_path, language, path):
    """Every public page in every language at 320, 390 and 1280 px: no axe-core violation of
    WCAG 2.1 AA and nothing wider than the screen (no sideways scrolling)."""
    url = f"{site}/{language}/{path}"
    for width in WIDTHS:
        axe_page.set_viewport_size({"width": width, "height": 800})
        assert_accessible(axe_page, axe_path, url)
        expect(axe_page.locator("html")).to_have_attribute("lang", language)
        assert axe_page.evaluate(NO_SIDEWAYS_SCROLL), f"{url} scrolls sideways at {width} px"


def test_twins_side_by_side_is_accessible(site, axe_page, axe_path):
    axe_page.goto(f"{site}/el/twinning/")
    with translation.override("el"):
        side_by_side = translation.gettext("Side by side")
    axe_page.get_by_role("link", name=re.compile(re.escape(side_by_side))).first.click()
    for width in WIDTHS:
        axe_page.set_viewport_size({"width": width, "height": 800})
        assert_accessible(axe_page, axe_path, axe_page.url)
        assert axe_page.evaluate(NO_SIDEWAYS_SCROLL), f"twins page scrolls at {width} px"


def test_directory_with_no_results_is_accessible(site, axe_page, axe_path):
    assert_accessible(axe_page, axe_path, f"{site}/en/cities/?q=Atlantis")


def test_sign_in_page_is_accessible(site, axe_page, axe_path):
    url = f"{site}/en/accounts/login/"
    assert_accessible(axe_page, axe_path, url)

    # And once it shows an error for a wrong password.
    form = axe_page.locator('form[action="/en/accounts/login/"]')
    form.locator('input[name="login"]').fill("nobody@example.org")
    form.locator('input[name="password"]').fill("not the password")
    form.locator('button[type="submit"]').click()
    expect(axe_page.locator('input[name="login"]')).to_have_value("nobody@example.org")
    violations = axe_violations(axe_page, axe_path)
    assert not violations, describe(f"{url} (after a failed sign-in)", violations)


# --------------------------------------------------------------------------------------------
# Content Security Policy
# --------------------------------------------------------------------------------------------

# Registered through the DevTools protocol, so it runs despite the CSP and before any page code.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`
        + ` (${e.sourceFile || ''}:${e.lineNumber || ''})`);
});
"""

CSP_PAGES = [
    "/en/cities/palaio-faliro/",
    "/el/cities/palaio-faliro/",
    "/pl/cities/palaio-faliro/",
    "/en/",
    "/en/cities/",
    "/en/twinning/",
    "/en/networks/ilektron/",
    "/en/accounts/login/",
]


def is_csp_message(text: str) -> bool:
    text = text.lower()
    return "content security policy" in text or "content-security-policy" in text


def test_city_page_breaks_no_csp_rule(site, page):
    console = []
    page.on("console", lambda message: console.append(f"[{message.type}] {message.text}"))
    page.add_init_script(RECORD_CSP_VIOLATIONS)

    for path in CSP_PAGES:
        console.clear()
        response = page.goto(site + path)
        assert response.ok, f"{path} answered {response.status}"
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, policy
        # The stylesheet applied: the skip link sits off screen until focused.
        expect(page.locator(".skip-link")).not_to_be_in_viewport()
        page.wait_for_load_state("load")

        blocked = [text for text in console if is_csp_message(text)]
        assert not blocked, f"CSP violations reported on {path}:\n" + "\n".join(blocked)
        events = page.evaluate("window.__cspViolations")
        assert not events, f"CSP violations on {path}:\n" + "\n".join(events)

    # The listeners do notice a violation: an inline style is blocked and reported.
    page.evaluate(
        "() => { const s = document.createElement('style');"
        " s.textContent = 'body { color: red }'; document.head.appendChild(s); }"
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    expect(page.locator("body")).not_to_have_css("color", "rgb(255, 0, 0)")
    assert any(is_csp_message(text) for text in console), console


def test_admin_change_form_breaks_no_csp_rule(site, page):
    from missions.models import Milestone, Municipality
    from tests.missions.factories import EditorFactory

    from .test_journeys import sign_in

    palaio_faliro = Municipality.objects.get(slug="palaio-faliro")
    editor = EditorFactory(municipality=palaio_faliro)
    milestone = Milestone.objects.filter(municipality=palaio_faliro).first()
    console = []
    page.on("console", lambda message: console.append(f"[{message.type}] {message.text}"))
    sign_in(page, site, editor.email)

    console.clear()
    page.goto(f"{site}/admin/missions/milestone/{milestone.pk}/change/")
    expect(page.locator('select[name="status"]')).to_be_visible()
    page.wait_for_load_state("load")
    blocked = [text for text in console if is_csp_message(text)]
    assert not blocked, "CSP violations in the admin:\n" + "\n".join(blocked)
    expect(page.locator(".ui-tabs").first).to_be_visible()
