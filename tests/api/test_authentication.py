"""``Authorization: Bearer <key>``: a revoked, expired or unknown token is refused (401), with a
message saying which."""

import datetime

import pytest
from django.utils import timezone

from api.models import APIToken
from api.services import api_token_revoke
from missions.models import Milestone
from tests.api.conftest import bearer

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

MILESTONES = "/api/v1/milestones/"


def write(client, key, **data):
    body = {"municipality": "kozani", "date": "2025-03", "title_en": "New", "status": "upcoming"}
    return client.post(MILESTONES, {**body, **data}, content_type="application/json", **bearer(key))


def test_a_valid_token_writes(client, token_key):
    assert write(client, token_key).status_code == 201


def test_the_token_notes_its_last_use(client, token_key):
    write(client, token_key)
    assert APIToken.objects.get().last_used_at is not None


def test_a_revoked_token_is_refused(client, token_key, kozani_editor):
    api_token_revoke(acting_user=kozani_editor, token=APIToken.objects.get())
    response = write(client, token_key)
    assert response.status_code == 401
    assert response.json() == {"detail": "This API token was revoked."}


def test_an_expired_token_is_refused(client, token_key):
    APIToken.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = write(client, token_key)
    assert response.status_code == 401
    assert response.json()["detail"].startswith("This API token expired on")


def test_an_unknown_token_is_refused(client, token_key):
    response = write(client, token_key + "x")
    assert response.json() == {"detail": "Unknown API token."}


def test_a_refused_token_is_refused_for_reads_too(client, token_key, kozani_editor):
    api_token_revoke(acting_user=kozani_editor, token=APIToken.objects.get())
    assert client.get(MILESTONES, **bearer(token_key)).status_code == 401


def test_the_token_of_an_inactive_account_is_refused(client, token_key, kozani_editor):
    kozani_editor.is_active = False
    kozani_editor.save()
    assert write(client, token_key).status_code == 401


def test_a_401_says_how_to_authenticate(client, cities):
    response = client.post(MILESTONES, {}, content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_malformed_header_says_how_to_send_the_token(client, cities):
    response = client.get(MILESTONES, HTTP_AUTHORIZATION="Bearer two parts")
    assert response.json() == {"detail": "Send the token as “Authorization: Bearer <key>”."}


def test_other_schemes_are_anonymous_reads(client, cities):
    assert client.get(MILESTONES, HTTP_AUTHORIZATION="Basic dXNlcjpwdw==").status_code == 200


def test_nothing_is_written_with_a_refused_token(client, token_key, kozani_editor):
    api_token_revoke(acting_user=kozani_editor, token=APIToken.objects.get())
    write(client, token_key)
    assert not Milestone.objects.exists()
