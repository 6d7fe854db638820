from django.apps import AppConfig


class ClimatePortalConfig(AppConfig):
    name = "climateportal"
    verbose_name = "Climate Mission Portal"
