from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = _("Missions")

    def ready(self) -> None:
        from core.caching import connect_invalidation

        from . import cache_tags, services  # noqa: F401 - services register their writers

        cache_tags.register()
        connect_invalidation(self.label)

        # Audit log scopes and the MFA policy for officials (accounts & audit log work).
        from . import hooks

        hooks.register()
