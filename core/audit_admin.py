"""The audit log in the admin: superusers read every entry, editors their cities' entries
(``AuditEntry.objects.visible_to``); nobody adds, changes or deletes one here (old entries go
by the retention setting only). ``PortalAdminSite`` registers it."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry
from .permissions import may_use_admin


def _field_label(entry: AuditEntry, name: str) -> str:
    model = entry.content_type.model_class() if entry.content_type_id else None
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    return str(value)


class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "who", "source", "action", "kind", "object_repr")
    list_filter = ("source", "action", ("content_type", admin.RelatedOnlyFieldListFilter))
    search_fields = ("object_repr", "actor_label")
    date_hierarchy = "at"
    list_select_related = ("content_type", "actor")
    list_per_page = 50
    fields = ("at", "who", "source", "action", "kind", "object_repr", "object_id", "changes_table")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_module_permission(self, request):
        return may_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        if not may_use_admin(request.user):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return False

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # An entry the user may not read is one that does not exist, to them: 404.
        raise Http404

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("who"), ordering="actor_label")
    def who(self, entry: AuditEntry) -> str:
        if entry.actor_label == "system":
            return str(_("System"))
        return entry.actor_label or str(entry.actor or "—")

    @admin.display(description=_("kind of object"), ordering="content_type")
    def kind(self, entry: AuditEntry) -> str:
        model = entry.content_type.model_class() if entry.content_type_id else None
        return str(model._meta.verbose_name) if model else "—"

    @admin.display(description=_("changes"))
    def changes_table(self, entry: AuditEntry):
        if not entry.changes:
            return "—"
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
            (
                (_field_label(entry, name), _shown(pair[0]), _shown(pair[1]))
                for name, pair in entry.changes.items()
            ),
        )
        return format_html(
            "<table class='audit-changes'><thead><tr><th scope='col'>{}</th>"
            "<th scope='col'>{}</th><th scope='col'>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("field"),
            _("before"),
            _("after"),
            rows,
        )
