"""Every write to the missions domain goes through here: keyword-only, typed, atomic, validated."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from .models import Milestone


def model_update(*, instance: models.Model, data: dict[str, Any]) -> tuple[models.Model, bool]:
    """Set the fields in ``data`` that differ, validate, and save only those fields."""
    changed = [field for field, value in data.items() if getattr(instance, field) != value]
    if not changed:
        return instance, False
    for field in changed:
        setattr(instance, field, data[field])
    instance.full_clean()
    update_fields = changed
    if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
        update_fields = [*changed, "updated_at"]
    instance.save(update_fields=update_fields)
    return instance, True


@transaction.atomic
def milestone_update_status(
    *, milestone: Milestone, status: str, acting_user, reason: str = ""
) -> Milestone:
    """Change a milestone's status on behalf of ``acting_user``, who must be allowed to edit it."""
    if not Milestone.objects.editable_by(acting_user).filter(pk=milestone.pk).exists():
        raise PermissionDenied(_("You may not change this municipality's milestones."))
    if status not in Milestone.Status.values:
        raise ValueError(_("Unknown status: %(status)s") % {"status": status})
    milestone._history_user = acting_user
    milestone, changed = model_update(instance=milestone, data={"status": status})
    if changed and reason:
        update_change_reason(milestone, reason)
    return milestone


@transaction.atomic
def milestones_bulk_update_status(*, milestones, status: str, acting_user) -> int:
    """Set ``status`` on every milestone of ``milestones`` the user may edit; return the count."""
    count = 0
    for milestone in milestones.editable_by(acting_user).exclude(status=status):
        milestone_update_status(milestone=milestone, status=status, acting_user=acting_user)
        count += 1
    return count
