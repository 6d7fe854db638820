from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from core.caching import connect_invalidation

        from . import cache_tags, services  # noqa: F401 - services register their writers

        cache_tags.register()
        # Citizens' responses appear on no cached page; a busy consultation must not keep
        # emptying the page cache.
        connect_invalidation(self.label, except_models=("Response", "Answer"))
