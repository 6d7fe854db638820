"""Anyone reads; writes need a personal API token. Which cities a token may write for is not
decided here but by the missions services, as for the admin and the imports."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.permissions import is_signed_in

from .models import APIToken


class ReadOrTokenWrite(BasePermission):
    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return isinstance(request.auth, APIToken) and is_signed_in(request.user)
