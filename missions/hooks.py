"""What the missions app tells the apps below it, which cannot import it: which municipality an
audited object belongs to and whose audit entries an editor reads (``core.audit``), and that
officials and editors must use two-factor authentication (``accounts.mfa``). Registered in
``MissionsConfig.ready``."""

from __future__ import annotations

from django.db import models

from .models import Municipality, MunicipalityRole

# How far the owner of an object is looked for (Option → Question → Consultation → city).
MAX_DEPTH = 3


def municipality_of(instance, depth: int = 0) -> int | None:
    """The municipality an object belongs to: itself, its ``municipality``, or that of the
    object it belongs to (a foreign key it is deleted with), e.g. a consultation's question
    or an organisation's membership. None for objects of no one city (networks, users)."""
    if isinstance(instance, Municipality):
        return instance.pk
    own = getattr(instance, "municipality_id", None)
    if own is not None or depth >= MAX_DEPTH:
        return own
    for field in instance._meta.concrete_fields:
        if not (field.many_to_one or field.one_to_one) or field.remote_field is None:
            continue
        if field.remote_field.on_delete is not models.CASCADE:
            continue  # a reference (a network's coordinator), not an owner
        if getattr(instance, field.attname) is None:
            continue
        parent = getattr(instance, field.name)
        found = municipality_of(parent, depth + 1)
        if found is not None:
            return found
    return None


def municipalities_readable_by(user):
    """Editors read the entries of the municipalities they edit."""
    return Municipality.objects.editable_by(user).values("pk")


def acts_for_a_municipality(user) -> bool:
    """Officials and editors reach their city's unpublished data and reports."""
    return MunicipalityRole.objects.filter(user=user).exists()


def register() -> None:
    from accounts import mfa
    from core import audit

    audit.register_scopes(municipality_of=municipality_of, readable_by=municipalities_readable_by)
    mfa.register_requirement(acts_for_a_municipality)
