from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = _("Missions")

    def ready(self) -> None:
        from core.caching import connect_invalidation

        from . import services  # noqa: F401 - registers the services that write each model

        connect_invalidation(self.label)
