"""API tokens in the admin: an editor creates one (its key shown once), sees and revokes their
own; a superuser sees and revokes everyone's; nobody deletes one."""

import datetime

import pytest
from django.utils import timezone

from api.models import APIToken, key_digest
from api.services import api_token_create
from tests.accounts.factories import UserFactory
from tests.missions.factories import EditorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

ADD = "/admin/api/apitoken/add/"
LIST = "/admin/api/apitoken/"


def create(client, name="Town hall website"):
    expires = (timezone.localtime() + datetime.timedelta(days=30)).replace(microsecond=0)
    return client.post(
        ADD,
        {
            "name": name,
            "expires_at_0": expires.date().isoformat(),
            "expires_at_1": expires.time().isoformat(),
        },
        follow=True,
    )


def shown_key(response) -> str:
    (message,) = [str(m) for m in response.context["messages"] if "Key: " in str(m)]
    return message.rsplit("Key: ", 1)[1]


def test_an_editor_creates_a_token_and_sees_its_key_once(client, kozani_editor):
    client.force_login(kozani_editor)
    key = shown_key(create(client))
    token = APIToken.objects.get()
    assert (token.user, token.key_hash) == (kozani_editor, key_digest(key))
    assert key not in client.get(LIST).content.decode()
    assert key not in client.get(f"{LIST}{token.pk}/change/").content.decode()


def test_the_new_key_works(client, kozani_editor):
    client.force_login(kozani_editor)
    key = shown_key(create(client))
    client.logout()
    response = client.post(
        "/api/v1/milestones/",
        {"municipality": "kozani", "date": "2025", "title_en": "Via the API", "status": "upcoming"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201


def test_an_expiry_in_the_past_is_refused_on_the_form(client, kozani_editor):
    client.force_login(kozani_editor)
    response = client.post(
        ADD, {"name": "Old", "expires_at_0": "2020-01-01", "expires_at_1": "00:00:00"}
    )
    assert "Choose an expiry in the future." in response.content.decode()
    assert not APIToken.objects.exists()


def test_editors_see_only_their_own_tokens(client, kozani_editor, cities):
    api_token_create(acting_user=kozani_editor, name="Kozani website")
    other = EditorFactory(municipality=cities[1])
    theirs, _key = api_token_create(acting_user=other, name="Faliro website")
    client.force_login(kozani_editor)
    html = client.get(LIST).content.decode()
    assert ("Kozani website" in html, "Faliro website" in html) == (True, False)
    assert client.get(f"{LIST}{theirs.pk}/change/").status_code == 404


def test_a_superuser_sees_every_token(client, kozani_editor):
    api_token_create(acting_user=kozani_editor, name="Kozani website")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert "Kozani website" in client.get(LIST).content.decode()


def test_the_holder_revokes_a_token(client, kozani_editor):
    token, _key = api_token_create(acting_user=kozani_editor, name="Kozani website")
    client.force_login(kozani_editor)
    response = client.post(LIST, {"action": "revoke", "_selected_action": [token.pk]}, follow=True)
    token.refresh_from_db()
    assert (token.state(), "1 API token revoked." in response.content.decode()) == (
        "revoked",
        True,
    )


def test_an_editor_cannot_revoke_anothers_token(client, kozani_editor, cities):
    theirs, _key = api_token_create(acting_user=EditorFactory(municipality=cities[1]), name="F")
    client.force_login(kozani_editor)
    client.post(LIST, {"action": "revoke", "_selected_action": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_superuser_revokes_anyones_token(client, kozani_editor):
    token, _key = api_token_create(acting_user=kozani_editor, name="Kozani website")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.post(LIST, {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_no_token_is_ever_deleted(client, kozani_editor):
    token, _key = api_token_create(acting_user=kozani_editor, name="Kozani website")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.post(f"{LIST}{token.pk}/delete/", {"post": "yes"}).status_code == 403
    assert APIToken.objects.filter(pk=token.pk).exists()


def test_people_outside_the_staff_see_no_tokens(client, kozani_editor):
    api_token_create(acting_user=kozani_editor, name="Kozani website")
    client.force_login(UserFactory())
    assert client.get(LIST).status_code == 302  # to the sign-in page
