from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ServiceWritesMixin
from core.permissions import acts_for_all

from . import services
from .models import User


@admin.register(User)
class UserAdmin(ServiceWritesMixin, DjangoUserAdmin):
    """Accounts, for superusers: every save and delete through ``accounts.services`` (so the
    audit log records it), and the "reset two-factor authentication" action."""

    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Portal"), {"fields": ("display_name",)}),
    )
    list_display = ("username", "email", "display_name", "is_staff", "is_active", "has_mfa")
    actions = ["reset_mfa"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                mfa_set_up=Exists(
                    Authenticator.objects.filter(
                        user=OuterRef("pk"),
                        type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN],
                    )
                )
            )
        )

    @admin.display(description=_("two-factor authentication"), boolean=True, ordering="mfa_set_up")
    def has_mfa(self, user) -> bool:
        return getattr(user, "mfa_set_up", False)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not acts_for_all(request.user):
            actions.pop("reset_mfa", None)
        return actions

    @admin.action(description=_("Reset two-factor authentication of the selected users"))
    def reset_mfa(self, request, queryset):
        try:
            with transaction.atomic():
                done = sum(
                    services.user_mfa_reset(acting_user=request.user, user=user)
                    for user in queryset
                )
        except PermissionDenied as error:
            messages.error(request, str(error))
            return
        messages.success(
            request,
            ngettext(
                "Two-factor authentication was reset for %(count)d user: they set it up again "
                "at their next visit to the admin or the reports.",
                "Two-factor authentication was reset for %(count)d users: they set it up again "
                "at their next visit to the admin or the reports.",
                done,
            )
            % {"count": done},
        )

    def save_related(self, request, form, formsets, change):
        user = form.instance
        names = ("groups", "user_permissions")
        before = {name: sorted(getattr(user, name).values_list("pk", flat=True)) for name in names}
        super().save_related(request, form, formsets, change)
        after = {name: sorted(getattr(user, name).values_list("pk", flat=True)) for name in names}
        services.user_relations_changed(
            acting_user=request.user,
            user=user,
            changes={n: (before[n], after[n]) for n in names if before[n] != after[n]},
        )

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, unquote(id))
                services.user_password_set(acting_user=request.user, user=user)
        return response


# allauth's own admin would let authenticators be deleted without a record: a read-only list.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Who has which authenticator (read only): a lost one is reset from the user list's
    action, which the audit log records."""

    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    list_select_related = ("user",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
