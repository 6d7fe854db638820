"""Personal API tokens in the admin: staff create their own (the key is shown once, in a
message), see and revoke them; superusers see and revoke everyone's. Tokens are never deleted:
revoked, they stay listed with their last use."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ServiceWritesMixin
from core.permissions import acts_for_all, may_use_admin

from . import services
from .models import APIToken


@admin.register(APIToken)
class APITokenAdmin(ServiceWritesMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "key_prefix",
        "user",
        "created_at",
        "expires_at",
        "last_used_at",
        "state_display",
    )
    list_filter = ("revoked_at",)
    search_fields = ("name", "key_prefix")
    actions = ["revoke"]
    readonly_fields = ("key_prefix", "user", "created_at", "last_used_at", "revoked_at")

    def get_queryset(self, request):
        return APIToken.objects.visible_to(request.user).select_related("user")

    def get_list_display(self, request):
        display = list(super().get_list_display(request))
        if not acts_for_all(request.user):
            display.remove("user")  # their own, all of them
        return display

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "expires_at")
        return (
            "name",
            "key_prefix",
            "user",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.revoked_at is not None:
            return self.get_fields(request, obj)
        return self.readonly_fields

    @admin.display(description=_("state"))
    def state_display(self, obj: APIToken) -> str:
        return obj.get_state_display()

    def _in_scope(self, request, obj) -> bool:
        if not may_use_admin(request.user):
            return False
        return obj is None or APIToken.objects.visible_to(request.user).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return may_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._in_scope(request, obj)

    def has_add_permission(self, request):
        return may_use_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            messages.warning(
                request,
                _(
                    "Copy the key of “%(name)s” now: it is shown only this once. "
                    "Send it as “Authorization: Bearer <key>”. Key: %(key)s"
                )
                % {"name": obj.name, "key": obj.key},
            )

    @admin.action(description=_("Revoke the selected API tokens"))
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                services.api_token_revoke(acting_user=request.user, token=token)
            except PermissionDenied as error:
                messages.error(request, f"{token}: {error}")
                continue
            count += 1
        messages.success(
            request,
            ngettext("%(count)d API token revoked.", "%(count)d API tokens revoked.", count)
            % {"count": count},
        )
