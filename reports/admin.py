from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ServiceWritesMixin
from core.permissions import acts_for_all, may_use_admin

from . import services
from .models import ProgressReport


@admin.register(ProgressReport)
class ProgressReportAdmin(ServiceWritesMixin, admin.ModelAdmin):
    list_display = (
        "municipality",
        "language",
        "status",
        "requested_at",
        "finished_at",
        "attempts",
        "requested_by",
    )
    list_filter = ("status", "language")
    list_select_related = ("municipality", "requested_by")
    readonly_fields = (
        "municipality",
        "language",
        "requested_by",
        "status",
        "file",
        "error",
        "attempts",
        "requested_at",
        "started_at",
        "finished_at",
        "render_seconds",
    )
    actions = ["render_again"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_module_permission(self, request):
        return may_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        if not may_use_admin(request.user):
            return False
        return (
            obj is None
            or ProgressReport.objects.visible_to(request.user).filter(pk=obj.pk).exists()
        )

    def has_add_permission(self, request):
        return False  # requested from the reports page, which offers the user's municipalities

    def has_change_permission(self, request, obj=None):
        return False  # rendered by workers; "Render again" asks for a new rendering

    def has_delete_permission(self, request, obj=None):
        return acts_for_all(request.user)

    @admin.action(description=_("Render again"))
    def render_again(self, request, queryset):
        reports = list(queryset.visible_to(request.user))
        for report in reports:
            services.report_render_again(acting_user=request.user, report=report)
        self.message_user(
            request,
            ngettext("%(count)d report queued.", "%(count)d reports queued.", len(reports))
            % {"count": len(reports)},
            messages.SUCCESS,
        )
