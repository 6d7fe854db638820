from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "core"
    verbose_name = _("Portal core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .collation import register_sqlite_collations

        connection_created.connect(register_sqlite_collations, dispatch_uid="icu-collations")


class PortalAdminConfig(admin_apps.AdminConfig):
    """The admin, on the portal's own site (one staff test, scoped object shortcuts)."""

    default = False
    default_site = "core.admin.PortalAdminSite"
