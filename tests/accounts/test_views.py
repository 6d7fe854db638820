"""Signing up and resetting a password (django-allauth), and a person's own account pages."""

import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.middleware import LAST_SEEN_KEY
from accounts.models import User
from core.models import AuditEntry
from tests.accounts.factories import UserFactory
from tests.accounts.hashers import CountingHasher
from tests.accounts.support import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


def test_signup_requires_email_verification(client):
    response = client.post(
        "/en/accounts/signup/",
        {
            "email": "eleni@example.org",
            "password1": "Kl1matiko-Oudetero",
            "password2": "Kl1matiko-Oudetero",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    user = User.objects.get(email="eleni@example.org")
    assert not user.emailaddress_set.get().verified
    assert len(mail.outbox) == 1
    # Not signed in until the address is confirmed.
    response = client.post(
        "/en/accounts/login/", {"login": "eleni@example.org", "password": "Kl1matiko-Oudetero"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    link = next(
        line for line in mail.outbox[-1].body.splitlines() if "/en/accounts/confirm-email/" in line
    )
    path = link[link.index("/en/accounts/confirm-email/") :].strip()
    client.post(path)
    assert user.emailaddress_set.get().verified
    response = client.post(
        "/en/accounts/login/", {"login": "eleni@example.org", "password": "Kl1matiko-Oudetero"}
    )
    assert response.status_code == 302 and response["Location"] == "/en/"


def test_password_reset_sends_mail(client):
    user = UserFactory()
    response = client.post("/en/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and user.email in mail.outbox[0].to


def test_account_emails_name_the_portal_in_the_readers_language(client, settings):
    """Finding 9.10: "[example.com]" in email subjects (the sites framework's default)."""
    settings.PORTAL_BASE_URL = "https://klima.example.gr"
    user = UserFactory()
    client.post("/el/accounts/password/reset/", {"email": user.email})
    (message,) = mail.outbox
    assert message.subject.startswith("[Πύλη της Κλιματικής Αποστολής] ")
    assert "example.com" not in message.subject + message.body
    assert "klima.example.gr" in message.body


# --------------------------------------------------------------------------------------------
# Accounts people can trust: the same work for known and unknown addresses, password rules,
# the account pages (data download, deletion), staff sessions, "sign out everywhere".
# --------------------------------------------------------------------------------------------

NEW_PASSWORD = "Kl1matiko-Oudetero"


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CountingHasher"]
    CountingHasher.hashed = 0
    return CountingHasher


def signup(client, email):
    return client.post(
        "/en/accounts/signup/",
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def test_signup_for_a_new_address_hashes_a_password(client, counting_hasher):
    signup(client, "new@example.org")
    assert counting_hasher.hashed == 1


def test_signup_for_a_known_address_hashes_a_password_too(client, counting_hasher):
    known = UserFactory(email="known@example.org")
    counting_hasher.hashed = 0
    signup(client, known.email)
    assert counting_hasher.hashed == 1


def test_signup_answers_the_same_for_known_and_unknown_addresses(client):
    UserFactory(email="known@example.org")
    known, unknown = signup(client, "known@example.org"), signup(client, "nobody@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 2  # one mail each: "you already have an account", "confirm"


def reset_queries(client, email) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/en/accounts/password/reset/", {"email": email})
    assert response.status_code == 302
    return len(queries)


def test_password_reset_does_the_same_work_for_known_and_unknown_addresses(client):
    user = UserFactory(email="known@example.org")
    reset_queries(client, "warm-up@example.org")  # the first request loads what is cached
    known, unknown = reset_queries(client, user.email), reset_queries(client, "nobody@example.org")
    assert known == unknown


def test_password_reset_sends_one_mail_to_known_and_unknown_addresses(client):
    UserFactory(email="known@example.org")
    client.post("/en/accounts/password/reset/", {"email": "known@example.org"})
    client.post("/en/accounts/password/reset/", {"email": "nobody@example.org"})
    assert [message.to for message in mail.outbox] == [
        ["known@example.org"],
        ["nobody@example.org"],
    ]


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaaaaaa", "abcabcabcabc", "qwerty123456", "Short1-pass", "123456789012345"],
)
def test_weak_passwords_are_refused_at_signup(client, password):
    response = client.post(
        "/en/accounts/signup/",
        {"email": "weak@example.org", "password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="weak@example.org").exists()


def test_a_repeated_password_is_refused_with_a_reason(client):
    response = client.post(
        "/en/accounts/signup/",
        {"email": "weak@example.org", "password1": "aaaaaaaaaaaa", "password2": "aaaaaaaaaaaa"},
    )
    assert "repeats the same characters" in response.content.decode()


# --- The account pages ------------------------------------------------------------------------


def test_the_account_page_links_everything(client):
    client.force_login(UserFactory())
    page = client.get("/en/account/").content.decode()
    for link in (
        "/en/accounts/sessions/",
        "/en/account/data/",
        "/en/account/delete/",
        "/en/accounts/2fa/",
    ):
        assert f'href="{link}"' in page


def test_the_account_pages_need_a_signed_in_person(client):
    response = client.get("/en/account/data/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_a_person_downloads_their_data_as_json(client):
    user = UserFactory(email="eleni@example.org")
    client.force_login(user)
    response = client.get("/en/account/data/")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="climate-portal-')
    assert response.json()["account"]["email"] == "eleni@example.org"


def test_deleting_the_account_asks_for_the_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/en/account/delete/", {"password": "not my password at all"})
    assert response.status_code == 200
    assert "That is not your password. Nothing was deleted." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_a_person_deletes_their_account_and_is_signed_out(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/el/account/delete/", {"password": "correct horse battery staple"})
    assert response.status_code == 302 and response["Location"] == "/el/"
    assert not User.objects.filter(pk=user.pk).exists()
    assert "_auth_user_id" not in client.session


def test_deleting_signs_the_account_out_everywhere(client):
    user = UserFactory()
    elsewhere = Client()
    sign_in(elsewhere, user)
    sign_in(client, user)
    client.post("/en/account/delete/", {"password": "correct horse battery staple"})
    assert elsewhere.get("/en/account/").status_code == 302


def test_the_delete_page_is_translated(client):
    client.force_login(UserFactory())
    page = client.get("/pl/account/delete/")
    assert page.status_code == 200 and 'lang="pl"' in page.content.decode()


# --- Sessions ---------------------------------------------------------------------------------


def test_a_staff_session_ends_after_inactivity(client, settings):
    settings.PORTAL_STAFF_SESSION_IDLE_SECONDS = 600
    client.force_login(UserFactory(is_staff=True))
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 601
    session.save()
    response = client.get("/en/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_an_active_staff_session_goes_on(client, settings):
    settings.PORTAL_STAFF_SESSION_IDLE_SECONDS = 600
    client.force_login(UserFactory(is_staff=True))
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 599
    session.save()
    assert client.get("/en/account/").status_code == 200


def test_other_peoples_sessions_have_no_inactivity_limit(client, settings):
    settings.PORTAL_STAFF_SESSION_IDLE_SECONDS = 600
    client.force_login(UserFactory())
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 6000
    session.save()
    assert client.get("/en/account/").status_code == 200


def test_sign_out_everywhere_ends_the_other_sessions(client):
    user = UserFactory()
    laptop, phone = Client(), Client()
    sign_in(laptop, user)
    sign_in(phone, user)
    sign_in(client, user)
    response = client.post("/en/accounts/sessions/")
    assert response.status_code == 302
    assert [laptop.get("/en/account/").status_code, phone.get("/en/account/").status_code] == [
        302,
        302,
    ]
    assert client.get("/en/account/").status_code == 200


# --------------------------------------------------------------------------------------------
# What a person changes in their own account on allauth's pages is in the audit log: that the
# password changed (never the password), which email addresses came and went.
# --------------------------------------------------------------------------------------------


def own_changes(user) -> list[dict]:
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).order_by("pk")
    assert all((e.actor, e.action) == (user, "update") for e in entries)
    return [entry.changes for entry in entries]


def test_changing_ones_password_is_recorded_without_the_password(client):
    """Finding (second release): a password changed on the account pages left no entry."""
    user = UserFactory()
    sign_in(client, user)
    response = client.post(
        "/en/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert own_changes(user) == [{"password": ["***", "***"]}]
    assert AuditEntry.objects.get().source == "web"


def test_setting_a_first_password_is_recorded(client):
    user = UserFactory()
    user.set_unusable_password()  # an account made without one
    user.save()
    client.force_login(user)
    response = client.post(
        "/en/accounts/password/set/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert own_changes(user) == [{"password": [False, "***"]}]


def test_resetting_a_forgotten_password_is_recorded(client):
    user = UserFactory()
    client.post("/en/accounts/password/reset/", {"email": user.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/key/" in line)
    form = client.get(link[link.index("/en/accounts/") :].strip())  # the key moves to the session
    assert form.status_code == 302
    response = client.post(form["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert own_changes(user) == [{"password": ["***", "***"]}]


def test_email_addresses_added_made_primary_and_removed_are_recorded(client):
    user = UserFactory()
    first = user.email
    sign_in(client, user)
    client.post("/en/accounts/email/", {"action_add": "", "email": "second@example.org"})
    EmailAddress.objects.filter(email="second@example.org").update(verified=True)  # confirmed
    client.post("/en/accounts/email/", {"action_primary": "", "email": "second@example.org"})
    client.post("/en/accounts/email/", {"action_remove": "", "email": first})
    assert own_changes(user) == [
        {"email_addresses": [None, "second@example.org"]},
        {"email": [first, "second@example.org"]},
        {"email_addresses": [first, None]},
    ]
