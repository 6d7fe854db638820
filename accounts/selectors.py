"""A person's data, as they download it (``/<lang>/account/data/``).

Accounts cannot import the apps above it (consultations, reports…), so the export walks the
account's reverse relations (``user._meta.related_objects``): every row of every model that
points at the account — identified consultation responses with their answers, requested reports,
roles, email addresses, authenticators, sessions, the audit entries and change history of their
own writes — whichever app adds one later. Values that are secrets (password hashes, keys,
tokens, the authenticators' secrets) are left out.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils import timezone

from core.audit import json_safe

# Never in a download: secrets, and hashes that identify a participant elsewhere.
SECRET_FIELDS = re.compile(r"password|secret|token|hash|session_key|(^|_)key$", re.IGNORECASE)
SECRET_VALUES = {("mfa", "authenticator", "data")}  # the TOTP seed, recovery codes, passkeys

ACCOUNT_FIELDS = (
    "username",
    "email",
    "display_name",
    "first_name",
    "last_name",
    "date_joined",
    "last_login",
    "is_staff",
    "is_superuser",
)


def _exported(field, model) -> bool:
    meta = model._meta
    return not (
        SECRET_FIELDS.search(field.name)
        or (meta.app_label, meta.model_name, field.name) in SECRET_VALUES
    )


def _value(instance, field):
    if field.is_relation:
        related_id = getattr(instance, field.attname)
        if related_id is None:
            return None
        related = getattr(instance, field.name)
        return {"id": json_safe(related_id), "name": str(related)}
    return json_safe(getattr(instance, field.attname))


def _row(instance, *, skip: str | None = None, nest: bool = False) -> dict:
    model = type(instance)
    row = {
        field.name: _value(instance, field)
        for field in model._meta.concrete_fields
        if field.name != skip and _exported(field, model)
    }
    if nest:
        # What belongs to this row and goes with it (a response's answers).
        for relation in model._meta.related_objects:
            if relation.one_to_many and relation.field.remote_field.on_delete is models.CASCADE:
                children = relation.related_model._default_manager.filter(
                    **{relation.field.name: instance}
                )
                rows = [_row(child, skip=relation.field.name) for child in children]
                if rows:
                    row[relation.related_model._meta.verbose_name_plural.__str__()] = rows
    return row


def account_export(*, user) -> dict:
    """Everything the portal holds about ``user``, JSON-safe."""
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {name: json_safe(getattr(user, name)) for name in ACCOUNT_FIELDS},
        "records": {},
    }
    for relation in user._meta.related_objects:
        model = relation.related_model
        rows = model._default_manager.filter(**{relation.field.name: user}).order_by("pk")
        if relation.many_to_many:
            found = [{"id": obj.pk, "name": str(obj)} for obj in rows]
        else:
            found = [_row(obj, skip=relation.field.name, nest=True) for obj in rows]
        if found:
            key = f"{model._meta.label_lower}.{relation.field.name}"
            data["records"][key] = {
                "kind": str(model._meta.verbose_name_plural),
                "rows": found,
            }
    return data
