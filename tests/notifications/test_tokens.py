"""The tokens in email links: signed, bound to their subscription row; confirmation tokens
carry the frequency asked for and expire."""

import time

import pytest
from django.core import signing

from notifications import tokens

from .factories import SubscriptionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def confirm_token_signed_at(subscription, frequency, moment: float) -> str:
    """A confirmation token as ``confirm_token`` would have made it at ``moment``."""
    signer = signing.TimestampSigner(salt=tokens.CONFIRM_SALT)
    value = f"{subscription.pk}.{subscription.secret}.{frequency}"
    return signing.Signer.sign(signer, f"{value}:{signing.b62_encode(int(moment))}")


def test_a_confirmation_token_names_its_subscription_and_frequency():
    subscription = SubscriptionFactory()
    token = tokens.confirm_token(subscription=subscription, frequency="immediate")
    assert tokens.read_confirm_token(token) == tokens.ConfirmToken(
        subscription.pk, subscription.secret, "immediate"
    )


def test_an_altered_token_is_refused():
    subscription = SubscriptionFactory()
    token = tokens.unsubscribe_token(subscription=subscription)
    other = token.replace(f"{subscription.pk}.", f"{subscription.pk + 1}.", 1)
    with pytest.raises(tokens.InvalidToken):
        tokens.read_unsubscribe_token(other)


def test_a_token_of_one_purpose_does_not_serve_the_other():
    subscription = SubscriptionFactory()
    with pytest.raises(tokens.InvalidToken):
        tokens.read_confirm_token(tokens.unsubscribe_token(subscription=subscription))


def test_a_confirmation_token_expires(settings):
    settings.NOTIFICATIONS_CONFIRM_DAYS = 3
    subscription = SubscriptionFactory()
    fresh = confirm_token_signed_at(subscription, "weekly", time.time() - 2 * 86400)
    stale = confirm_token_signed_at(subscription, "weekly", time.time() - 4 * 86400)
    assert tokens.read_confirm_token(fresh).subscription_id == subscription.pk
    with pytest.raises(tokens.InvalidToken):
        tokens.read_confirm_token(stale)


def test_an_unsubscribe_token_never_expires():
    subscription = SubscriptionFactory()
    signer = signing.Signer(salt=tokens.UNSUBSCRIBE_SALT)
    token = signer.sign(f"{subscription.pk}.{subscription.secret}")
    assert tokens.read_unsubscribe_token(token).secret == subscription.secret


@pytest.mark.parametrize("token", ["", "garbage", "1.x:y", "a.b.c:d:e"])
def test_nonsense_is_refused(token):
    with pytest.raises(tokens.InvalidToken):
        tokens.read_unsubscribe_token(token)
    with pytest.raises(tokens.InvalidToken):
        tokens.read_confirm_token(token)
