"""What accounts does when allauth or Django report something about an account."""

from __future__ import annotations

from allauth.mfa import signals as mfa_signals
from django.contrib.auth import get_user_model

from . import services
from .middleware import touch


def session_started(sender, request, user, **kwargs) -> None:
    """A new session starts active now (the staff inactivity limit counts from here)."""
    if request is not None and hasattr(request, "session"):
        touch(request)


def authenticators_changed(sender, signal, user=None, authenticator=None, **kwargs) -> None:
    """A person added, removed or renewed an authenticator: the audit log records it."""
    if user is None or authenticator is None:
        return
    # allauth passes the request's lazy user: the account itself is what the log names.
    user = get_user_model()._default_manager.get(pk=user.pk)
    kind = str(authenticator.type)
    if signal is mfa_signals.authenticator_removed:
        services.mfa_changed(user=user, change=(kind, None))
    elif signal is mfa_signals.authenticator_added:
        services.mfa_changed(user=user, change=(None, kind))
    else:  # renewed (new recovery codes)
        services.mfa_changed(user=user, change=(kind, kind))
