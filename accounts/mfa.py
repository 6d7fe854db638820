"""Who must use two-factor authentication, decided in one place.

Every staff user (superusers included) must, and so must whoever another app says acts for a
municipality (officials and editors: the missions app registers that check, since accounts
cannot import it). Until they have set up an authenticator app or a passkey, the admin and the
reports pages stay closed to them (``accounts.middleware.RequireMFAMiddleware``).
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings

from core.permissions import is_signed_in, may_use_admin

# Authenticators that prove a second factor on their own (recovery codes only back them up).
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

_requirements: list[Callable[..., bool]] = []


def register_requirement(check: Callable[..., bool]) -> None:
    """``check(user) -> bool``: True when ``user`` must use two-factor authentication."""
    if check not in _requirements:
        _requirements.append(check)


def mfa_required(user) -> bool:
    if not getattr(settings, "PORTAL_MFA_REQUIRED", True) or not is_signed_in(user):
        return False
    if may_use_admin(user):
        return True
    return any(check(user) for check in _requirements)


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


def mfa_missing(user) -> bool:
    """The user must use two-factor authentication and has not set it up yet."""
    return mfa_required(user) and not has_second_factor(user)
