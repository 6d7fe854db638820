"""Celery application: Redis broker when REDIS_URL is set, tasks in-process otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "climateportal.settings.dev")

app = Celery("climateportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
