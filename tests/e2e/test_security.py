"""Accounts people can trust, in Chromium: a passkey (WebAuthn) registered and used with a
virtual authenticator (Chrome DevTools Protocol), and the third-party admin pages working under
the Content Security Policy."""

import json
import re
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from accounts.models import User
from core.models import AuditEntry
from tests.accounts.factories import UserFactory
from tests.missions.factories import EditorFactory, MilestoneFactory, MunicipalityFactory

from .test_accessibility import RECORD_CSP_VIOLATIONS, axe_violations, describe, is_csp_message
from .test_journeys import PASSWORD, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def mfa_required(settings):
    settings.PORTAL_MFA_REQUIRED = True


@pytest.fixture
def editor(transactional_db):
    return EditorFactory(municipality=MunicipalityFactory(name_en="Palaio Faliro"))


def virtual_authenticator(page) -> tuple[object, str]:
    """A platform authenticator that holds passkeys and verifies its user without asking."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    found = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, found["authenticatorId"]


def open_add_key_page(page, site) -> None:
    page.goto(f"{site}/en/accounts/2fa/webauthn/add/")
    if "/en/accounts/reauthenticate/" in page.url:  # allauth asks for the password again first
        main = page.get_by_role("main")
        main.locator('input[name="password"]').fill(PASSWORD)
        main.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/en/accounts/2fa/webauthn/add/"))


def watch_csp(page) -> list[str]:
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    return console


def assert_no_csp_violation(page, console: list[str], where: str) -> None:
    page.wait_for_load_state("load")
    blocked = [text for text in console if is_csp_message(text)]
    blocked += page.evaluate("window.__cspViolations || []")
    assert not blocked, f"CSP violations on {where}:\n" + "\n".join(blocked)


def test_an_editor_registers_a_passkey_and_signs_in_with_it(
    live_server, editor, page, mfa_required
):
    site = live_server.url
    cdp, authenticator_id = virtual_authenticator(page)
    console = watch_csp(page)

    # Without a second factor the admin sends the editor to set one up.
    sign_in(page, site, editor.email)
    page.goto(f"{site}/admin/")
    expect(page).to_have_url(f"{site}/en/accounts/2fa/")

    open_add_key_page(page, site)
    page.get_by_label("Passwordless").check()  # a passkey: signs in without a password
    page.locator("#mfa_webauthn_add").click()
    expect(page).not_to_have_url(re.compile(r"/webauthn/add/"))
    assert Authenticator.objects.filter(user=editor, type="webauthn").exists()
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(credentials["credentials"]) == 1
    assert_no_csp_violation(page, console, "the passkey pages")

    response = page.goto(f"{site}/admin/")
    assert response.status == 200
    expect(page.locator("#site-name")).to_contain_text("Climate Mission Portal")

    # Signed out, the passkey alone signs the editor in, and the admin opens.
    page.context.clear_cookies()
    page.goto(f"{site}/en/accounts/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page).not_to_have_url(re.compile(r"/en/accounts/login/"))
    response = page.goto(f"{site}/admin/")
    assert response.status == 200 and page.url == f"{site}/admin/"
    assert_no_csp_violation(page, console, "the sign-in with a passkey")

    # The new authenticator is on the record.
    assert AuditEntry.objects.filter(actor=editor, changes__mfa=[None, "webauthn"]).exists()


def test_a_security_key_is_the_second_factor_after_the_password(
    live_server, editor, page, mfa_required
):
    site = live_server.url
    virtual_authenticator(page)
    sign_in(page, site, editor.email)
    open_add_key_page(page, site)
    page.locator("#mfa_webauthn_add").click()
    expect(page).not_to_have_url(re.compile(r"/webauthn/add/"))

    page.context.clear_cookies()
    page.goto(f"{site}/en/accounts/login/")
    form = page.locator('form[action="/en/accounts/login/"]')
    form.locator('input[name="login"]').fill(editor.email)
    form.locator('input[name="password"]').fill(PASSWORD)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(f"{site}/en/accounts/2fa/authenticate/")
    page.get_by_role("button", name="Use a security key").click()
    expect(page).not_to_have_url(re.compile(r"/en/accounts/2fa/authenticate/"))
    assert page.goto(f"{site}/admin/").status == 200


def test_select_all_on_the_admins_export_page_works_under_the_csp(live_server, editor, page):
    site = live_server.url
    console = watch_csp(page)
    sign_in(page, site, editor.email)
    response = page.goto(f"{site}/admin/missions/milestone/export/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    toggle = page.get_by_label("Select all")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]:not(.select-toggle)')
    expect(fields.first).to_be_visible()
    count = fields.count()
    assert count > 3
    expect(toggle).to_be_checked()

    toggle.uncheck()
    for n in range(count):
        expect(fields.nth(n)).not_to_be_checked()
    toggle.check()
    for n in range(count):
        expect(fields.nth(n)).to_be_checked()
    assert_no_csp_violation(page, console, "the export page")


def test_the_history_list_breaks_no_csp_rule(live_server, editor, page):
    site = live_server.url
    milestone = MilestoneFactory(municipality=editor.municipality_roles.get().municipality)
    console = watch_csp(page)
    sign_in(page, site, editor.email)
    page.goto(f"{site}/admin/missions/milestone/{milestone.pk}/history/")
    expect(page.locator("#change-history")).to_be_visible()
    expect(page.locator("p.paginator")).to_have_css("border-top-width", "0px")
    assert_no_csp_violation(page, console, "the history list")


def test_a_blocked_inline_script_is_reported_to_the_csp_endpoint(live_server, page, caplog):
    site = live_server.url
    page.goto(f"{site}/en/")
    with caplog.at_level("WARNING", logger="climateportal.csp"):
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.pwned = 1'; document.body.appendChild(s); }"
        )
        page.wait_for_timeout(100)
        for _ in range(50):  # the browser sends the report on its own time
            if any("CSP violation" in record.message for record in caplog.records):
                break
            page.wait_for_timeout(100)
    assert page.evaluate("window.pwned") is None
    assert any("script-src" in record.message for record in caplog.records), caplog.text


@pytest.mark.parametrize(
    "path", ["/en/account/", "/el/account/delete/", "/en/accounts/2fa/", "/en/accounts/sessions/"]
)
def test_the_account_pages_are_accessible(live_server, editor, new_page, axe_path, path):
    page = new_page(bypass_csp=True)  # axe-core is injected as an inline script
    sign_in(page, live_server.url, editor.email)
    response = page.goto(live_server.url + path)
    assert response.ok
    violations = axe_violations(page, axe_path)
    assert not violations, describe(path, violations)


def test_a_person_downloads_their_data_then_deletes_their_account(live_server, new_page):
    person = UserFactory(email="eleni@example.org", display_name="Eleni")
    site, page = live_server.url, new_page(accept_downloads=True)
    sign_in(page, site, person.email)
    page.goto(f"{site}/en/account/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download your data (JSON)").click()
    data = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert (data["account"]["email"], data["account"]["display_name"]) == (
        "eleni@example.org",
        "Eleni",
    )

    page.get_by_role("link", name="Delete your account…").click()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page).to_have_url(f"{site}/en/")
    expect(page.get_by_role("status")).to_contain_text("Your account has been deleted.")
    assert not User.objects.filter(email="eleni@example.org").exists()
