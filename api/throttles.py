"""Per-client rate limits, counted in the shared cache: an anonymous client by its address (as
``REST_FRAMEWORK["NUM_PROXIES"]`` says to take it), a token client by its token."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .models import APIToken


class ClientRateThrottle(SimpleRateThrottle):
    cache_format = "api-throttle:%(scope)s:%(ident)s"

    def __init__(self):
        # The rate is read per request (below), so a settings change applies at once.
        pass

    def allow_request(self, request, view) -> bool:
        self.scope = "token" if isinstance(request.auth, APIToken) else "anonymous"
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, APIToken):
            ident = f"token-{request.auth.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
