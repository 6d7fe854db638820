from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from missions.caching import connect_invalidation

        # Citizens' responses appear on no cached page; a busy consultation must not keep
        # emptying the page cache.
        connect_invalidation(self.label, except_models=("Response", "Answer"))
