"""Every write to accounts that the portal makes itself: an administrator's edits of an account,
resetting someone's two-factor authentication, and deleting an account. Each sends
``core.events.written``, so the audit log records it.

(Sign-up, email confirmation, a person's own password, email addresses and authenticators are
allauth's flows; their changes are recorded too, from allauth's signals: ``own_account_changed``.)
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from core import events
from core.permissions import acts_for_all, is_signed_in, is_system_actor
from core.services import Writer, register_writer


def _may_administer(acting_user) -> None:
    if not acts_for_all(acting_user):
        raise PermissionDenied(_("Only an administrator can change other people's accounts."))


def _stored(user, names: list[str]) -> dict:
    if user.pk is None or user._state.adding:
        return {}
    return type(user)._default_manager.filter(pk=user.pk).values(*names).first() or {}


@transaction.atomic
def user_save(*, acting_user, instance) -> list[str]:
    """An administrator saves an account (the admin's user form). Returns the fields changed."""
    _may_administer(acting_user)
    names = [f.attname for f in instance._meta.concrete_fields if not f.primary_key]
    creating = instance._state.adding or instance.pk is None
    before = _stored(instance, names)
    changed = [name for name in names if creating or before.get(name) != getattr(instance, name)]
    instance.full_clean(exclude=["password"])
    if creating:
        instance.save()
    elif changed:
        instance.save(update_fields=[instance._meta.get_field(name).name for name in changed])
    if changed:
        events.send(
            instance=instance,
            action=events.CREATE if creating else events.UPDATE,
            changes={name: (before.get(name), getattr(instance, name)) for name in changed},
            acting_user=acting_user,
        )
    return changed


def user_relations_changed(*, acting_user, user, changes: dict) -> None:
    """Record what an administrator changed in an account's groups or permissions
    (``changes``: {name: (ids before, ids after)}, only those that differ)."""
    _may_administer(acting_user)
    if changes:
        events.send(instance=user, action=events.UPDATE, changes=changes, acting_user=acting_user)


def user_password_set(*, acting_user, user) -> None:
    """Record that an administrator set an account's password (the value is never logged)."""
    _may_administer(acting_user)
    events.send(
        instance=user,
        action=events.UPDATE,
        changes={"password": ("***", "***")},
        acting_user=acting_user,
    )


def _second_factor_types(user) -> list[str]:
    return sorted(set(Authenticator.objects.filter(user_id=user.pk).values_list("type", flat=True)))


@transaction.atomic
def user_mfa_reset(*, acting_user, user) -> bool:
    """An administrator removes every authenticator of ``user`` (a lost phone or key): they
    sign in with their password again and must set up two-factor authentication anew before
    the admin or the reports open. Returns whether there was anything to remove."""
    _may_administer(acting_user)
    before = _second_factor_types(user)
    if not before:
        return False
    Authenticator.objects.filter(user_id=user.pk).delete()
    events.send(
        instance=user, action=events.UPDATE, changes={"mfa": (before, [])}, acting_user=acting_user
    )
    return True


def own_account_changed(*, user, changes: dict) -> None:
    """Record a change a person made to their own account through allauth's flows, from its
    signals: ``{"mfa": (type removed or None, type added or None)}`` (both for renewed codes),
    ``{"password": (had one, has one)}`` (the log masks it), ``{"email": (old, new)}`` for the
    primary address, ``{"email_addresses": (removed or None, added or None)}``."""
    events.send(instance=user, action=events.UPDATE, changes=changes, acting_user=user)


def _set_null_relations(user):
    """The reverse relations that keep their rows when the account goes (their link is set to
    NULL): identified consultation responses, requested reports, authored log entries…"""
    for relation in user._meta.related_objects:
        if relation.many_to_many or relation.field.remote_field.on_delete is not models.SET_NULL:
            continue
        yield relation


@transaction.atomic
def account_delete(*, acting_user, user) -> dict[str, int]:
    """Delete ``user``'s account, at their own request or an administrator's.

    What belongs to the account goes with it (email addresses, authenticators, sessions, roles).
    What others rely on stays, no longer linked to the person: their identified consultation
    responses are still counted in the results, and the reports they requested stay with the
    city. Returns how many rows of each kind were unlinked."""
    own = is_signed_in(acting_user) and acting_user.pk == user.pk
    if not own:
        _may_administer(acting_user)
    if is_system_actor(user):
        raise PermissionDenied(_("The system account cannot be deleted."))
    User = get_user_model()
    if (
        user.is_superuser
        and not User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk).exists()
    ):
        raise ValidationError(
            _("This is the only administrator account; make another administrator first.")
        )
    unlinked: dict[str, int] = {}
    for relation in _set_null_relations(user):
        count = relation.related_model._base_manager.filter(**{relation.field.name: user}).count()
        if count:
            unlinked[f"{relation.related_model._meta.label}.{relation.field.name}"] = count
    _end_sessions(user)
    # Recorded before the row goes: the entry names the account (its link becomes NULL).
    events.send(
        instance=user,
        action=events.DELETE,
        changes={
            "username": (user.username, None),
            "email": (user.email, None),
            **{name: (count, 0) for name, count in unlinked.items()},
        },
        acting_user=acting_user,
    )
    try:
        user.delete()
    except (ProtectedError, RestrictedError) as error:
        raise ValidationError(
            _("This account cannot be deleted: other records depend on it.")
        ) from error
    return unlinked


def _end_sessions(user) -> None:
    """Sign the account out everywhere (its sessions would otherwise outlive it)."""
    from allauth.usersessions.models import UserSession

    for session in UserSession.objects.filter(user_id=user.pk):
        session.end()


# The admin (and any generic caller) writes accounts through these services.
def user_check(*, acting_user, instance) -> None:
    _may_administer(acting_user)


def user_delete(*, acting_user, instance) -> None:
    account_delete(acting_user=acting_user, user=instance)


register_writer(get_user_model(), Writer(check=user_check, save=user_save, delete=user_delete))
