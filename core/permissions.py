"""Who a user is to the portal, decided in one place: every scope, admin and service asks here.

Scopes fail closed: no user, an anonymous visitor or an inactive account may do nothing. The
*system actor* is the explicit user that the command line, Celery beat and the demo loader act
as; it cannot sign in (it is inactive and has no usable password) but may change everything.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

SYSTEM_ACTOR_USERNAME = "system-actor"


def is_system_actor(user) -> bool:
    return bool(getattr(user, "is_system_actor", False))


def is_signed_in(user) -> bool:
    """A real, active, signed-in person (never ``None``, an anonymous visitor or the system)."""
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and not is_system_actor(user)
    )


def acts_for_all(user) -> bool:
    """Active superusers and the system actor may change every municipality's data."""
    return is_system_actor(user) or (is_signed_in(user) and user.is_superuser)


def may_use_admin(user) -> bool:
    """The one staff test: active staff accounts (superusers included) may open the admin."""
    return is_signed_in(user) and (user.is_staff or user.is_superuser)


def system_actor():
    """The user that the command line, beat and the demo loader act as (created once)."""
    User = get_user_model()
    actor = User.objects.filter(is_system_actor=True).first()
    if actor is None:
        username, n = SYSTEM_ACTOR_USERNAME, 2
        while User.objects.filter(username=username).exists():
            username, n = f"{SYSTEM_ACTOR_USERNAME}-{n}", n + 1
        actor = User(username=username, is_active=False, is_system_actor=True)
        actor.set_unusable_password()
        actor.save()
    return actor
