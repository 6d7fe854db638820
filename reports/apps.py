from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Progress reports")

    def ready(self) -> None:
        # Register the tasks in every process (web, command line, worker): the services hand
        # reports over by task name and never import the tasks module.
        from . import services, tasks  # noqa: F401
