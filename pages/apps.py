from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Portal pages")

    def ready(self) -> None:
        from core.caching import connect_invalidation

        from . import services  # noqa: F401 - registers the services that write each model
        from .content import create_missing_pages_after_migrate

        connect_invalidation(self.label)
        # Like django.contrib.sites' default site: every database that has the table has the
        # four pages, also after a test run empties it (flush sends post_migrate).
        post_migrate.connect(
            create_missing_pages_after_migrate, sender=self, dispatch_uid="pages.create_missing"
        )
