"""django-allauth adapters: sign-up and password reset that do the same work whether or not the
address has an account (so their timing tells nothing), and WebAuthn's relying party from the
settings rather than from whatever Host header a request carries. Emails name the portal (in
the reader's language) and its configured address, never the sites framework's default domain."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils.crypto import get_random_string
from django.utils.translation import gettext

UNKNOWN_ACCOUNT_MAIL = "account/email/unknown_account"


@dataclass(frozen=True)
class PortalSite:
    """What allauth's emails say of the site (``current_site.name``, ``.domain``)."""

    name: str
    domain: str


def portal_site() -> PortalSite:
    return PortalSite(gettext("Climate Mission Portal"), urlsplit(settings.PORTAL_BASE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject) -> str:
        return f"[{gettext('Climate Mission Portal')}] {subject}"

    def send_account_already_exists_mail(self, email: str) -> None:
        # A sign-up for a new address hashes its password (the slowest step by far); one for a
        # known address creates nothing, so without this it would answer in a fraction of the
        # time and tell who has an account. Hash a throwaway password with the same hasher.
        make_password(get_random_string(32))
        super().send_account_already_exists_mail(email)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        if template_prefix == UNKNOWN_ACCOUNT_MAIL:
            # A reset for a known address makes a reset token; make one for a stand-in account
            # so that both answers do the same work.
            from allauth.account.forms import default_token_generator

            stand_in = get_user_model()(password=make_password(None))
            default_token_generator.make_token(stand_in)
        super().send_mail(template_prefix, email, {"current_site": portal_site(), **context})


class MFAAdapter(DefaultMFAAdapter):
    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        entity = super().get_public_key_credential_rp_entity()
        rp_id = getattr(settings, "PORTAL_WEBAUTHN_RP_ID", "")
        if rp_id:
            entity["id"] = rp_id
        return entity
