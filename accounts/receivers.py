"""What accounts does when allauth or Django report something about an account."""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import get_user_model

from . import services
from .middleware import touch


def session_started(sender, request, user, **kwargs) -> None:
    """A new session starts active now (the staff inactivity limit counts from here)."""
    if request is not None and hasattr(request, "session"):
        touch(request)


def _account(user):
    # allauth passes the request's lazy user: the account itself is what the log names.
    return get_user_model()._default_manager.get(pk=user.pk)


def authenticators_changed(sender, signal, user=None, authenticator=None, **kwargs) -> None:
    """A person added, removed or renewed an authenticator: the audit log records it."""
    if user is None or authenticator is None:
        return
    kind = str(authenticator.type)
    if signal is mfa_signals.authenticator_removed:
        change = (kind, None)
    elif signal is mfa_signals.authenticator_added:
        change = (None, kind)
    else:  # renewed (new recovery codes)
        change = (kind, kind)
    services.own_account_changed(user=_account(user), changes={"mfa": change})


def password_changed(sender, signal, user=None, **kwargs) -> None:
    """A person set, changed or reset their password: the audit log records that it changed
    (never the password)."""
    if user is None:
        return
    had_one = signal is not account_signals.password_set
    services.own_account_changed(user=_account(user), changes={"password": (had_one, True)})


def email_addresses_changed(sender, signal, user=None, **kwargs) -> None:
    """A person added or removed an email address, or made another one their primary one."""
    if user is None:
        return
    if signal is account_signals.email_changed:
        before, after = kwargs.get("from_email_address"), kwargs.get("to_email_address")
        changes = {"email": (getattr(before, "email", None), getattr(after, "email", None))}
    else:
        address = kwargs["email_address"].email
        added = signal is account_signals.email_added
        changes = {"email_addresses": (None, address) if added else (address, None)}
    services.own_account_changed(user=_account(user), changes=changes)
