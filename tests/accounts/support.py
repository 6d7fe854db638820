"""Helpers of the accounts tests: signing in through allauth, TOTP codes, authenticators."""

from __future__ import annotations

import time

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

PASSWORD = "correct horse battery staple"


def totp_code(secret: str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps_ahead`` periods from now)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + steps_ahead))


def give_totp(user) -> str:
    """Activate an authenticator app (and recovery codes, as allauth does) for ``user``."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def recovery_codes(user) -> list[str]:
    from allauth.mfa.models import Authenticator

    return RecoveryCodes(
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()


def sign_in(client, user, password: str = PASSWORD):
    """Sign in with the password (through allauth, as a person would)."""
    return client.post("/en/accounts/login/", {"login": user.email, "password": password})


def reauthenticate(client, password: str = PASSWORD):
    """Confirm the password again, as allauth asks before changing authenticators."""
    return client.post("/en/accounts/reauthenticate/", {"password": password})
