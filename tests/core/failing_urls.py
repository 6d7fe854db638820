"""The portal's URLs plus a page that fails and one that refuses, for the 500 and 403 pages'
tests."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.urls import path

from climateportal.urls import handler500
from climateportal.urls import urlpatterns as portal


def fails(request):
    raise RuntimeError("a bug")


def refuses(request):
    raise PermissionDenied


urlpatterns = [*portal, *i18n_patterns(path("fails/", fails), path("refuses/", refuses))]
__all__ = ["handler500", "urlpatterns"]
