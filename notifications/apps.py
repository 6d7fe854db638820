from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Email updates")

    def ready(self) -> None:
        # Connect to core.events, and register the tasks in every process (web, command
        # line, worker).
        from . import receivers, tasks  # noqa: F401
