"""The portal's URLs plus one trivial view, the baseline of the benchmarks under load.

Used only by ``benchmarks.harness.wsgi`` (the server under load); the project's own URLconf is
unchanged.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from climateportal.urls import urlpatterns as portal_urlpatterns

from .servers import TRIVIAL_PATH


def trivial(request: HttpRequest) -> HttpResponse:
    """No database, no template: the cost of Django's request cycle and middleware alone."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(TRIVIAL_PATH.lstrip("/"), trivial, name="bench-trivial"), *portal_urlpatterns]
