"""Accounts in the admin (superusers): saves, password changes and deletions go through
``accounts.services``, so the audit log records each of them; authenticators are read-only."""

import pytest
from allauth.mfa.models import Authenticator

from accounts.models import User
from core.models import AuditEntry
from tests.accounts.factories import UserFactory
from tests.accounts.support import give_totp

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a different long passphrase"


@pytest.fixture
def superuser(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_the_user_list_shows_who_has_two_factor_authentication(client, superuser):
    give_totp(UserFactory(username="protected"))
    page = client.get("/admin/accounts/user/")
    assert page.status_code == 200
    assert page.context["cl"].result_list.get(username="protected").mfa_set_up is True


def test_an_administrator_setting_a_password_is_recorded_without_it(client, superuser):
    person = UserFactory()
    response = client.post(
        f"/admin/accounts/user/{person.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(object_id=str(person.pk))
    assert (entry.source, entry.changes) == ("admin", {"password": ["***", "***"]})


def test_an_administrator_deleting_an_account_is_recorded(client, superuser):
    person = UserFactory()
    pk = person.pk
    client.post(f"/admin/accounts/user/{pk}/delete/", {"post": "yes"})
    assert not User.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(object_id=str(pk))
    assert (entry.action, entry.source, entry.actor) == ("delete", "admin", superuser)


def test_the_last_administrator_is_not_deleted(client, superuser):
    response = client.post(
        f"/admin/accounts/user/{superuser.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert User.objects.filter(pk=superuser.pk).exists()
    assert "only administrator account" in response.content.decode()


def test_authenticators_cannot_be_deleted_in_the_admin(client, superuser):
    give_totp(superuser)
    totp = Authenticator.objects.get(user=superuser, type="totp")
    response = client.post(f"/admin/mfa/authenticator/{totp.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Authenticator.objects.filter(pk=totp.pk).exists()
