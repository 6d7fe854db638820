"""Creating, revoking and using personal API tokens."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from api.models import APIToken, key_digest
from api.services import (
    api_token_create,
    api_token_delete,
    api_token_revoke,
    api_token_save,
    api_token_touch,
)
from core import events
from tests.accounts.factories import UserFactory
from tests.missions.factories import EditorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_the_key_is_returned_once_and_only_its_digest_is_stored(kozani_editor):
    token, key = api_token_create(acting_user=kozani_editor, name="Website")
    stored = APIToken.objects.get(pk=token.pk)
    assert key.startswith("cmp_") and len(key) > 50
    assert stored.key_hash == key_digest(key)
    assert key not in {value for value in vars(stored).values() if isinstance(value, str)}
    assert stored.key_prefix == key[:12]


def test_the_token_belongs_to_whoever_creates_it(kozani_editor):
    token, _key = api_token_create(acting_user=kozani_editor, name="Website")
    assert token.user == kozani_editor


def test_every_token_has_its_own_key(kozani_editor):
    keys = {api_token_create(acting_user=kozani_editor, name=f"t{n}")[1] for n in range(5)}
    assert len(keys) == 5


def test_only_staff_hold_tokens(db):
    with pytest.raises(PermissionDenied):
        api_token_create(acting_user=UserFactory(), name="Mine")
    assert not APIToken.objects.exists()


def test_creating_a_token_is_a_recorded_write(kozani_editor):
    seen = []

    def receiver(sender, **kwargs):
        seen.append((sender, kwargs["action"], kwargs["acting_user"]))

    events.written.connect(receiver)
    try:
        api_token_create(acting_user=kozani_editor, name="Website")
    finally:
        events.written.disconnect(receiver)
    assert seen == [(APIToken, events.CREATE, kozani_editor)]


def test_the_holder_revokes_their_token(kozani_editor):
    token, _key = api_token_create(acting_user=kozani_editor, name="Website")
    api_token_revoke(acting_user=kozani_editor, token=token)
    assert APIToken.objects.get(pk=token.pk).revoked_at is not None


def test_a_superuser_revokes_anyones_token(kozani_editor):
    token, _key = api_token_create(acting_user=kozani_editor, name="Website")
    api_token_revoke(acting_user=UserFactory(is_staff=True, is_superuser=True), token=token)
    assert APIToken.objects.get(pk=token.pk).state() == "revoked"


def test_another_editor_cannot_revoke_it(kozani_editor, cities):
    token, _key = api_token_create(acting_user=kozani_editor, name="Website")
    with pytest.raises(PermissionDenied):
        api_token_revoke(acting_user=EditorFactory(municipality=cities[1]), token=token)
    assert APIToken.objects.get(pk=token.pk).revoked_at is None


def test_a_revoked_token_cannot_be_changed_again(kozani_editor):
    token, _key = api_token_create(acting_user=kozani_editor, name="Website")
    api_token_revoke(acting_user=kozani_editor, token=token)
    token = APIToken.objects.get(pk=token.pk)
    token.expires_at = timezone.now() + datetime.timedelta(days=30)
    with pytest.raises(PermissionDenied):
        api_token_save(acting_user=kozani_editor, instance=token)


def test_tokens_are_revoked_not_deleted(kozani_editor):
    token, _key = api_token_create(acting_user=kozani_editor, name="Website")
    with pytest.raises(PermissionDenied):
        api_token_delete(acting_user=kozani_editor, instance=token)
    assert APIToken.objects.filter(pk=token.pk).exists()


def test_use_is_noted_at_most_once_a_minute(kozani_editor, django_assert_num_queries):
    token, _key = api_token_create(acting_user=kozani_editor, name="Website")
    now = timezone.now()
    with django_assert_num_queries(1):
        api_token_touch(token=token, moment=now)
    with django_assert_num_queries(0):
        api_token_touch(token=token, moment=now + datetime.timedelta(seconds=30))
    assert APIToken.objects.get(pk=token.pk).last_used_at == now
