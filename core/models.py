"""Model building blocks every app shares."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .text import has_control_characters


def language_codes() -> list[str]:
    """The portal's languages (``settings.LANGUAGES``), the default first."""
    codes = [code for code, _name in settings.LANGUAGES]
    return sorted(codes, key=lambda code: code != settings.LANGUAGE_CODE)


def choices_constraint(field: str, choices: type[models.Choices], *, name: str):
    """A database check that ``field`` holds one of ``choices`` (derived, never copied)."""
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


def language_constraint(field: str, *, name: str):
    return models.CheckConstraint(condition=Q(**{f"{field}__in": language_codes()}), name=name)


class PortalModel(models.Model):
    """The base of the portal's models.

    It remembers the values a row was loaded with, so a service can tell what a change changes
    and check the row as it is stored (a milestone moved to another city must be editable in
    both) without loading it again; and its validation refuses control characters in every text
    field, whichever way the text arrives (admin, import, API)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.remember_saved_values()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = {
            name: value
            for name, value in zip(field_names, values, strict=True)
            if value is not models.DEFERRED
        }
        return instance

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if exclude and field.name in exclude or field.name in errors:
                continue
            if isinstance(field, (models.CharField, models.TextField)):
                value = getattr(self, field.attname)
                if isinstance(value, str) and has_control_characters(value):
                    errors[field.name] = [
                        ValidationError(
                            _("Remove the control characters (invisible characters such as NUL).")
                        )
                    ]
        if errors:
            raise ValidationError(errors)

    def _stored_values(self) -> dict:
        """The row as the database holds it: as loaded, or read now (one query)."""
        if self.pk is None or self._state.adding:
            return {}
        if getattr(self, "_loaded_values", None) is None:
            row = (
                type(self)
                ._default_manager.filter(pk=self.pk)
                .values(*[f.attname for f in self._meta.concrete_fields])
            )
            self._loaded_values = dict(row.first() or {})
        return self._loaded_values

    def stored_value(self, attname: str):
        """``attname`` as the database holds it now (None for a new row)."""
        stored = self._stored_values()
        if attname not in stored and stored:
            stored.update(
                type(self)._default_manager.filter(pk=self.pk).values(attname).first() or {}
            )
        return stored.get(attname)

    def changed_fields(self) -> list[str]:
        """Concrete fields (attnames) that differ from the stored row; all for a new row."""
        names = [f.attname for f in self._meta.concrete_fields if not f.primary_key]
        stored = self._stored_values()
        if not stored:
            return names
        return [name for name in names if name not in stored or getattr(self, name) != stored[name]]

    def remember_saved_values(self) -> None:
        self._loaded_values = {
            f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields
        }

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self.remember_saved_values()


class TimeStampedModel(PortalModel):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


# --------------------------------------------------------------------------------------------
# The audit log (core.audit records it; nobody edits it)
# --------------------------------------------------------------------------------------------


class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, user) -> AuditEntryQuerySet:
        """Superusers read every entry; other staff the entries of the municipalities they
        edit (``core.audit.register_scopes``); anybody else none."""
        from .audit import municipalities_readable_by
        from .permissions import acts_for_all, may_use_admin

        if acts_for_all(user):
            return self.all()
        if not may_use_admin(user):
            return self.none()
        readable = municipalities_readable_by(user)
        if readable is None:
            return self.none()
        return self.filter(municipality_id__in=readable)


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")


class AuditSource(models.TextChoices):
    ADMIN = "admin", _("Admin")
    IMPORT = "import", _("Import")
    API = "api", _("API")
    COMMAND_LINE = "command_line", _("Command line")
    BEAT = "beat", _("Scheduled task")
    WEB = "web", _("Website")


class AuditEntry(PortalModel):
    """One write: who made it, when, from where, to which object, and what it changed."""

    Action = AuditAction
    Source = AuditSource

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("who"),
    )
    # Who it was, as text: still there after the account is deleted.
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    source = models.CharField(_("from"), max_length=20, choices=AuditSource.choices)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("kind of object"),
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    # The municipality the object belongs to (a plain id: core knows no municipalities), so
    # that editors read their cities' entries; empty for objects of no one city.
    municipality_id = models.BigIntegerField(_("municipality id"), null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["municipality_id", "at"], name="audit_municipality_at"),
            models.Index(fields=["content_type", "object_id"], name="audit_object"),
        ]
        constraints = [
            choices_constraint("action", AuditAction, name="audit_action_valid"),
            choices_constraint("source", AuditSource, name="audit_source_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} · {self.actor_label or '—'} · {self.object_repr}"


# The log records every service write from the moment the models are loaded.
from . import audit as _audit  # noqa: E402

_audit.connect()
