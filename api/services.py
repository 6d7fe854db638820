"""Writes of the api app: personal API tokens. Each goes through ``core.services.model_save``
(validated, recorded as every write is), on behalf of ``acting_user``."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import acts_for_all, may_use_admin
from core.services import Writer, model_save, register_writer

from .models import SHOWN_CHARACTERS, APIToken, key_digest, new_key

# How often a token's "last used" time is written: once a minute is precise enough to tell an
# idle token from a busy one, and spares a write on every request.
TOUCH_INTERVAL = datetime.timedelta(minutes=1)


def api_token_check(*, acting_user, instance: APIToken) -> None:
    """Staff hold tokens; a token is changed by its holder or a superuser; a revoked token
    stays as it is."""
    if not may_use_admin(acting_user):
        raise PermissionDenied(_("Only staff members can hold API tokens."))
    if instance._state.adding or instance.pk is None:
        return
    if instance.stored_value("user_id") != acting_user.pk and not acts_for_all(acting_user):
        raise PermissionDenied(_("This API token is someone else's."))
    if instance.stored_value("revoked_at") is not None:
        raise PermissionDenied(_("This API token is revoked and can no longer be changed."))


@transaction.atomic
def api_token_save(*, acting_user, instance: APIToken) -> APIToken:
    """Save a token's name or expiry. A new token belongs to ``acting_user`` and gets its key,
    which is returned once as ``instance.key`` and never stored."""
    adding = instance._state.adding or instance.pk is None
    key = None
    if adding:
        instance.user = acting_user
        key = new_key()
        instance.key_prefix = key[:SHOWN_CHARACTERS]
        instance.key_hash = key_digest(key)
        instance.last_used_at = None
        instance.revoked_at = None
    api_token_check(acting_user=acting_user, instance=instance)
    model_save(instance=instance, acting_user=acting_user)
    if key is not None:
        instance.key = key
    return instance


def api_token_create(
    *, acting_user, name: str, expires_at: datetime.datetime | None = None
) -> tuple[APIToken, str]:
    """A new token of ``acting_user`` and its key (to show once)."""
    token = APIToken(name=name)
    if expires_at is not None:
        token.expires_at = expires_at
    token = api_token_save(acting_user=acting_user, instance=token)
    return token, token.key


@transaction.atomic
def api_token_revoke(*, acting_user, token: APIToken) -> APIToken:
    """Refuse the token from now on (kept, with its history, rather than deleted)."""
    if token.revoked_at is not None:
        return token
    api_token_check(acting_user=acting_user, instance=token)
    token.revoked_at = timezone.now()
    model_save(instance=token, acting_user=acting_user)
    return token


def api_token_delete(*, acting_user, instance: APIToken) -> None:
    raise PermissionDenied(
        _("API tokens are revoked, not deleted, so that their use stays on record.")
    )


def api_token_touch(*, token: APIToken, moment: datetime.datetime | None = None) -> None:
    """Note that ``token`` was just used (at most once per ``TOUCH_INTERVAL``). Bookkeeping of
    the request itself, not a change anybody makes: written directly, without history."""
    moment = moment or timezone.now()
    if token.last_used_at is not None and moment - token.last_used_at < TOUCH_INTERVAL:
        return
    APIToken.objects.filter(pk=token.pk).update(last_used_at=moment)
    token.last_used_at = moment


register_writer(
    APIToken, Writer(check=api_token_check, save=api_token_save, delete=api_token_delete)
)
