"""Two-factor authentication: required of staff and officials before the admin and the reports,
with an authenticator app (TOTP) and recovery codes; superusers reset it, on the record."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied

from accounts import services
from core.models import AuditEntry
from missions.models import MunicipalityRole
from tests.accounts.factories import UserFactory
from tests.accounts.support import (
    give_totp,
    reauthenticate,
    recovery_codes,
    sign_in,
    totp_code,
)
from tests.missions.factories import EditorFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

MFA_INDEX = "/en/accounts/2fa/"
AUTHENTICATE = "/en/accounts/2fa/authenticate/"


@pytest.fixture
def mfa_required(settings):
    settings.PORTAL_MFA_REQUIRED = True


@pytest.fixture
def official():
    user = UserFactory()
    MunicipalityRole.objects.create(
        user=user, municipality=MunicipalityFactory(), role=MunicipalityRole.Role.OFFICIAL
    )
    return user


# --- Who must set it up, and what stays closed until then -------------------------------------


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/missions/milestone/", "/admin/core/auditentry/"]
)
def test_staff_without_mfa_are_sent_to_set_it_up(client, mfa_required, path):
    editor = EditorFactory(municipality=MunicipalityFactory())
    sign_in(client, editor)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == MFA_INDEX


def test_a_superuser_without_mfa_cannot_open_the_admin(client, mfa_required):
    sign_in(client, UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/accounts/user/")["Location"] == MFA_INDEX


@pytest.mark.parametrize("path", ["/en/reports/", "/en/reports/status/", "/el/reports/1/download/"])
def test_officials_without_mfa_cannot_reach_the_reports(client, mfa_required, official, path):
    sign_in(client, official)
    response = client.get(path)
    assert response.status_code == 302
    # In the language of the page asked for.
    assert response["Location"] == MFA_INDEX.replace("/en/", path[:4])


def test_the_set_up_page_says_why(client, mfa_required, official):
    sign_in(client, official)
    page = client.get("/en/reports/", follow=True)
    assert "Set up two-factor authentication" in page.content.decode()


def test_people_of_no_municipality_are_not_asked(client, mfa_required):
    sign_in(client, UserFactory())
    assert client.get("/en/reports/").status_code == 200


def test_public_pages_stay_open_to_staff_without_mfa(client, mfa_required):
    sign_in(client, EditorFactory())
    assert client.get("/en/").status_code == 200


# --- TOTP and recovery codes ------------------------------------------------------------------


def test_an_editor_activates_an_authenticator_app_and_the_admin_opens(client, mfa_required):
    editor = EditorFactory(municipality=MunicipalityFactory())
    sign_in(client, editor)
    reauthenticate(client)  # allauth asks for the password again before adding one
    assert client.get("/en/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/en/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=editor, type="totp").exists()
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_activates_nothing(client, mfa_required):
    editor = EditorFactory()
    sign_in(client, editor)
    reauthenticate(client)
    client.get("/en/accounts/2fa/totp/activate/")
    response = client.post("/en/accounts/2fa/totp/activate/", {"code": "000000x"})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=editor).exists()


def test_signing_in_asks_for_the_code_and_accepts_the_apps(client, mfa_required):
    editor = EditorFactory(municipality=MunicipalityFactory())
    secret = give_totp(editor)
    response = sign_in(client, editor)
    assert response["Location"] == AUTHENTICATE
    assert client.get("/admin/").status_code == 302  # not signed in yet
    response = client.post(AUTHENTICATE, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_does_not_sign_in(client, mfa_required):
    editor = EditorFactory()
    give_totp(editor)
    sign_in(client, editor)
    response = client.post(AUTHENTICATE, {"code": "123456"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_signs_in_once(client, mfa_required):
    editor = EditorFactory(municipality=MunicipalityFactory())
    give_totp(editor)
    code = recovery_codes(editor)[0]
    sign_in(client, editor)
    client.post(AUTHENTICATE, {"code": code})
    assert client.get("/admin/").status_code == 200
    client.post("/en/accounts/logout/")
    sign_in(client, editor)
    client.post(AUTHENTICATE, {"code": code})
    assert "_auth_user_id" not in client.session


# --- Resets, on the record --------------------------------------------------------------------


def test_a_superuser_resets_someones_mfa_from_the_user_list(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    editor = EditorFactory()
    give_totp(editor)
    client.force_login(superuser)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "reset_mfa", "_selected_action": [editor.pk]},
    )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=editor).exists()


def test_the_reset_is_in_the_audit_log(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    editor = EditorFactory()
    give_totp(editor)
    client.force_login(superuser)
    client.post("/admin/accounts/user/", {"action": "reset_mfa", "_selected_action": [editor.pk]})
    entry = AuditEntry.objects.get(object_id=str(editor.pk), changes__has_key="mfa")
    assert (entry.actor, entry.source, entry.action) == (superuser, "admin", "update")
    assert entry.changes == {"mfa": [["recovery_codes", "totp"], []]}


def test_after_a_reset_the_admin_asks_for_mfa_again(client, mfa_required):
    editor = EditorFactory()
    secret = give_totp(editor)
    sign_in(client, editor)
    client.post(AUTHENTICATE, {"code": totp_code(secret)})
    services.user_mfa_reset(acting_user=UserFactory(is_staff=True, is_superuser=True), user=editor)
    assert client.get("/admin/")["Location"] == MFA_INDEX


def test_only_superusers_reset_mfa():
    victim = EditorFactory()
    give_totp(victim)
    with pytest.raises(PermissionDenied):
        services.user_mfa_reset(acting_user=EditorFactory(), user=victim)


def test_staff_see_no_reset_action(client):
    client.force_login(EditorFactory())
    assert client.get("/admin/accounts/user/").status_code == 403


def test_a_person_activating_mfa_is_recorded(
    client, mfa_required, django_capture_on_commit_callbacks
):
    editor = EditorFactory()
    sign_in(client, editor)
    reauthenticate(client)
    client.get("/en/accounts/2fa/totp/activate/")
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals it on commit
        client.post(
            "/en/accounts/2fa/totp/activate/",
            {"code": totp_code(client.session["mfa.totp.secret"])},
        )
    entry = AuditEntry.objects.get(changes__mfa=[None, "totp"])
    assert (entry.actor, entry.source) == (editor, "web")
