"""Personal API tokens: what the model holds and refuses."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from api.models import APIToken, key_digest
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def token(**fields):
    return APIToken(
        user=UserFactory(is_staff=True),
        name="Town hall",
        key_prefix="cmp_abcdefgh",
        key_hash=key_digest("cmp_abcdefgh-secret"),
        **fields,
    )


def test_an_expiry_in_the_past_is_refused():
    with pytest.raises(ValidationError) as error:
        token(expires_at=timezone.now() - datetime.timedelta(minutes=1)).full_clean()
    assert error.value.message_dict == {"expires_at": ["Choose an expiry in the future."]}


def test_a_token_lasts_at_most_a_year():
    with pytest.raises(ValidationError) as error:
        token(expires_at=timezone.now() + datetime.timedelta(days=400)).full_clean()
    assert "at most a year" in error.value.message_dict["expires_at"][0]


def test_a_new_token_expires_in_ninety_days_unless_told():
    expires = token().expires_at - timezone.now()
    assert datetime.timedelta(days=89) < expires <= datetime.timedelta(days=90)


@pytest.mark.parametrize(
    "fields,state",
    [
        ({}, "active"),
        ({"revoked_at": timezone.now()}, "revoked"),
        ({"expires_at": timezone.now() - datetime.timedelta(seconds=1)}, "expired"),
    ],
)
def test_state(fields, state):
    assert token(**fields).state() == state


def test_the_digest_is_sha256_of_the_key():
    assert key_digest("cmp_x") == hashlib.sha256(b"cmp_x").hexdigest()
