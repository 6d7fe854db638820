"""The portal's URLs plus one page that fails, for the 500 page's tests."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from climateportal.urls import handler500
from climateportal.urls import urlpatterns as portal


def fails(request):
    raise RuntimeError("a bug")


urlpatterns = [*portal, *i18n_patterns(path("fails/", fails))]
__all__ = ["handler500", "urlpatterns"]
