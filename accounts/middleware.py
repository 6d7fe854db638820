"""Account policies applied to every request: two-factor authentication before the admin and
the reports pages, and staff sessions that end after a while without activity."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.permissions import may_use_admin

from .mfa import mfa_missing

# The session key holding when a staff session was last active (seconds since the epoch).
LAST_SEEN_KEY = "portal_staff_last_seen"
# The stamp is renewed at most this often, so that a busy session is not written every request.
LAST_SEEN_RESOLUTION = 60


class RequireMFAMiddleware:
    """Staff and officials without an authenticator are sent to set one up before any page of
    the namespaces in ``PORTAL_MFA_PROTECTED_NAMESPACES`` (the admin, the reports)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        protected = set(getattr(settings, "PORTAL_MFA_PROTECTED_NAMESPACES", ()))
        if match is None or not protected.intersection(match.namespaces):
            return None
        if match.namespace == "admin" and match.url_name in {"logout", "login", "jsi18n"}:
            return None
        if not mfa_missing(getattr(request, "user", None)):
            return None
        messages.warning(
            request,
            _(
                "Set up two-factor authentication (an authenticator app or a passkey) to open "
                "the staff admin and the progress reports."
            ),
        )
        return redirect("mfa_index")


def touch(request, now: float | None = None) -> None:
    """Note that the session was active now (also called when someone signs in)."""
    request.session[LAST_SEEN_KEY] = int(now if now is not None else time.time())


class StaffSessionIdleMiddleware:
    """A staff session left unused for ``PORTAL_STAFF_SESSION_IDLE_SECONDS`` ends: the next
    request signs the user out and asks them to sign in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if may_use_admin(user) and hasattr(request, "session"):
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            idle = settings.PORTAL_STAFF_SESSION_IDLE_SECONDS
            if last_seen is not None and now - last_seen > idle:
                logout(request)
                messages.info(
                    request, _("You were signed out after a time without activity. Sign in again.")
                )
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
                touch(request, now)
        return self.get_response(request)
