"""The tokens in the links of emails, signed with the secret key (``django.core.signing``).

A token names a subscription by its id and its random ``secret``: a forged or altered token
fails its signature, and a token of a deleted subscription matches no row. Confirmation tokens
also carry the frequency asked for and expire; unsubscribe tokens never expire (a link in an
old email must keep working while the address is subscribed).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "notifications.confirm"
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


class InvalidToken(Exception):
    """The link is not one of ours, has been altered or has expired."""


@dataclass(frozen=True)
class ConfirmToken:
    subscription_id: int
    secret: str
    frequency: str


@dataclass(frozen=True)
class UnsubscribeToken:
    subscription_id: int
    secret: str


def new_secret() -> str:
    return secrets.token_urlsafe(16)


def confirm_token(*, subscription, frequency: str) -> str:
    value = f"{subscription.pk}.{subscription.secret}.{frequency}"
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(value)


def read_confirm_token(token: str) -> ConfirmToken:
    max_age = settings.NOTIFICATIONS_CONFIRM_DAYS * 24 * 60 * 60
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=max_age)
        pk, secret, frequency = value.split(".")
        return ConfirmToken(int(pk), secret, frequency)
    except (signing.BadSignature, ValueError):  # SignatureExpired is a BadSignature
        raise InvalidToken from None


def unsubscribe_token(*, subscription) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(f"{subscription.pk}.{subscription.secret}")


def read_unsubscribe_token(token: str) -> UnsubscribeToken:
    try:
        pk, secret = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token).split(".")
        return UnsubscribeToken(int(pk), secret)
    except (signing.BadSignature, ValueError):
        raise InvalidToken from None
