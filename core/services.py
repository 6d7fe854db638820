"""Write helpers that every app's services share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from anyascii import anyascii
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.text import slugify

from . import events


def model_update(*, instance, data: dict[str, Any], acting_user) -> tuple[models.Model, bool]:
    """Set the fields in ``data``, validate, and save the ones that changed (``model_save``).
    Returns the instance and whether anything changed."""
    for field, value in data.items():
        setattr(instance, field, value)
    changed = model_save(instance=instance, acting_user=acting_user)
    return instance, bool(changed)


def model_save(*, instance, acting_user) -> list[str]:
    """Validate and save ``instance`` on behalf of ``acting_user``, who is recorded as the
    author in the change history where one is kept. An existing row writes only the fields that
    changed since it was loaded. Returns the names of the fields written."""
    instance.full_clean()
    instance._history_user = acting_user
    changed = instance.changed_fields()
    creating = instance._state.adding or instance.pk is None
    before = {} if creating else instance._stored_values()
    if creating:
        instance.save()
    elif changed:
        update_fields = {instance._meta.get_field(name).name for name in changed}
        if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
            update_fields.add("updated_at")
        instance.save(update_fields=sorted(update_fields))
    if creating or changed:
        events.send(
            instance=instance,
            action=events.CREATE if creating else events.UPDATE,
            changes={name: (before.get(name), getattr(instance, name)) for name in changed},
            acting_user=acting_user,
        )
    instance.remember_saved_values()
    return changed


def model_delete(*, instance, acting_user) -> None:
    instance._history_user = acting_user
    before = {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if not f.primary_key
    }
    pk = instance.pk
    instance.delete()
    instance.pk = pk  # receivers name what was deleted
    events.send(
        instance=instance,
        action=events.DELETE,
        changes={name: (value, None) for name, value in before.items()},
        acting_user=acting_user,
    )


def unique_slug(model: type[models.Model], text: str, *, suffix: str = "", exclude_pk=None) -> str:
    """A slug for ``text`` that no other row of ``model`` has: transliterated first, so
    "Łódź" → "lodz" and "Θεσσαλονίκη" → "thessaloniki"; ``suffix`` (a country) tells apart
    namesakes before a number does."""
    base = slugify(anyascii(text)) or model._meta.model_name
    taken = model._default_manager.exclude(pk=exclude_pk)
    if suffix and taken.filter(slug=base).exists():
        base = f"{base}-{suffix.lower()}"
    slug, n = base, 2
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# --------------------------------------------------------------------------------------------
# Writers: the services that write each model, so that generic callers (the admin's forms,
# inlines and delete actions) reach the same service, and so the same rules, as every other path.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Writer:
    """``check`` raises ValidationError or PermissionDenied when ``acting_user`` may not save
    ``instance`` as it is; ``save`` checks and saves; ``delete`` checks and deletes
    (``check_delete`` says why not, before a form is accepted)."""

    check: Callable[..., None]
    save: Callable[..., models.Model]
    delete: Callable[..., None]
    check_delete: Callable[..., None] | None = None


_writers: dict[type[models.Model], Writer] = {}


def register_writer(model: type[models.Model], writer: Writer) -> None:
    _writers[model] = writer


def writer_for(model: type[models.Model]) -> Writer:
    try:
        return _writers[model]
    except KeyError:
        # Fail closed: a model without services cannot be written through generic paths.
        raise ImproperlyConfigured(f"No services write {model._meta.label}.") from None
