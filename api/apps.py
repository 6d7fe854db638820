from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API and open data")

    def ready(self) -> None:
        from . import schema, services  # noqa: F401 - registers the writers and the schema's auth
