from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import ProgressReport


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
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
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        if not (request.user.is_active and request.user.is_staff):
            return False
        return (
            obj is None
            or ProgressReport.objects.visible_to(request.user).filter(pk=obj.pk).exists()
        )

    def has_add_permission(self, request):
        return False  # requested from the reports page, which offers the user's municipalities

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.action(description=_("Render again"))
    def render_again(self, request, queryset):
        reports = list(queryset.visible_to(request.user))
        for report in reports:
            services.report_requeue(report=report)
        self.message_user(
            request,
            ngettext("%(count)d report queued.", "%(count)d reports queued.", len(reports))
            % {"count": len(reports)},
            messages.SUCCESS,
        )
