"""Every write to the portal's pages: administrators edit them; nobody deletes them, since every
footer links to each one. The four pages themselves are created by the migrations
(``content.py``), not by a person."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from core.permissions import acts_for_all
from core.services import Writer, model_save, register_writer

from .models import Page


def page_check(*, acting_user, instance: Page) -> None:
    if not acts_for_all(acting_user):
        raise PermissionDenied(_("Only an administrator can change the portal's pages."))


@transaction.atomic
def page_save(*, acting_user, instance: Page) -> Page:
    page_check(acting_user=acting_user, instance=instance)
    model_save(instance=instance, acting_user=acting_user)
    return instance


def page_update(*, acting_user, page: Page, data: Mapping[str, Any]) -> Page:
    for field, value in data.items():
        setattr(page, field, value)
    return page_save(acting_user=acting_user, instance=page)


def page_delete_check(*, acting_user, instance: Page) -> None:
    raise PermissionDenied(
        _("The portal's pages cannot be deleted: every footer links to them. Edit their text.")
    )


@transaction.atomic
def page_delete(*, acting_user, instance: Page) -> None:
    page_delete_check(acting_user=acting_user, instance=instance)


register_writer(
    Page,
    Writer(check=page_check, save=page_save, delete=page_delete, check_delete=page_delete_check),
)
