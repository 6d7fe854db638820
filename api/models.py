"""Personal API tokens: how a city's own system writes milestones through the API, acting as the
editor who created the token.

The key is shown once, when the token is created, and never stored: the database keeps the
SHA-256 digest of the key and its first characters (to tell tokens apart). A plain digest is
enough, and a password hasher would be wrong here: the key is 40 random bytes (320 bits), so
no dictionary or brute-force search can find it from its digest, while PBKDF2's deliberate
slowness — there to protect guessable passwords — would be paid on every API request. The
digest also lets a request find its token with one indexed lookup.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.permissions import acts_for_all, may_use_admin

KEY_PREFIX = "cmp_"
# Characters of the key kept in clear: "cmp_" and eight random characters.
SHOWN_CHARACTERS = 12
DEFAULT_LIFETIME = datetime.timedelta(days=90)
MAX_LIFETIME = datetime.timedelta(days=366)


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(40)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def default_expiry() -> datetime.datetime:
    return timezone.now() + DEFAULT_LIFETIME


class APITokenQuerySet(models.QuerySet):
    def visible_to(self, user) -> APITokenQuerySet:
        """Superusers see every token; other staff their own; anybody else none."""
        if acts_for_all(user):
            return self.all()
        if not may_use_admin(user):
            return self.none()
        return self.filter(user=user)

    def usable(self, moment: datetime.datetime | None = None) -> APITokenQuerySet:
        moment = moment or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=moment)


class APIToken(TimeStampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
        editable=False,
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What uses the token, e.g. “Town hall website”."),
    )
    key_prefix = models.CharField(_("key starts with"), max_length=20, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(
        _("expires at"),
        default=default_expiry,
        help_text=_("A token lasts at most a year; create a new one before it expires."),
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = APITokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(condition=~Q(key_hash=""), name="api_token_hash_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    def clean(self) -> None:
        super().clean()
        if self.expires_at is None:
            return
        changed = self._state.adding or "expires_at" in self.changed_fields()
        if not changed:
            return
        now = timezone.now()
        if self.expires_at <= now:
            raise ValidationError({"expires_at": _("Choose an expiry in the future.")})
        if self.expires_at > (self.created_at or now) + MAX_LIFETIME:
            raise ValidationError(
                {"expires_at": _("A token lasts at most a year: choose an earlier expiry.")}
            )

    def state(self, moment: datetime.datetime | None = None) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= (moment or timezone.now()):
            return "expired"
        return "active"

    def get_state_display(self) -> str:
        return {
            "revoked": _("Revoked"),
            "expired": _("Expired"),
            "active": _("Active"),
        }[self.state()]
