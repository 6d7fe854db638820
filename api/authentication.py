"""``Authorization: Bearer <key>``: the request acts as the user who holds the token."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from core.permissions import is_signed_in

from .models import APIToken, key_digest
from .services import api_token_touch

SCHEMES = (b"bearer", b"token")


class APITokenAuthentication(BaseAuthentication):
    """A personal API token (created in the admin). Requests without one are anonymous and may
    only read; a token that is unknown, revoked or expired is refused (401), even for reads,
    so that a client notices at once."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in SCHEMES:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Send the token as “Authorization: Bearer <key>”."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("Unknown API token.")) from None
        token = APIToken.objects.select_related("user").filter(key_hash=key_digest(key)).first()
        if token is None:
            raise AuthenticationFailed(_("Unknown API token."))
        now = timezone.now()
        if token.revoked_at is not None:
            raise AuthenticationFailed(_("This API token was revoked."))
        if token.expires_at <= now:
            raise AuthenticationFailed(
                _("This API token expired on %(date)s.")
                % {"date": formats.date_format(timezone.localtime(token.expires_at), "DATE_FORMAT")}
            )
        if not is_signed_in(token.user):
            raise AuthenticationFailed(_("The account holding this API token is inactive."))
        api_token_touch(token=token, moment=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
