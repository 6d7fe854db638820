"""The project's WSGI application with ``ROOT_URLCONF`` pointed at ``benchmarks.harness.urls``.

The settings module stays ``climateportal.settings.production`` (from the environment); only the
URLconf gains the trivial baseline view, so the portal's pages are served exactly as in
production.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "climateportal.settings.production")

settings.ROOT_URLCONF = "benchmarks.harness.urls"
application = get_wsgi_application()
