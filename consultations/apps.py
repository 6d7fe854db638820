from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from core.caching import connect_invalidation

        from . import services  # noqa: F401 - registers the services that write each model

        # Citizens' responses appear on no cached page; a busy consultation must not keep
        # emptying the page cache.
        connect_invalidation(self.label, except_models=("Response", "Answer"))
