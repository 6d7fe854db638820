from django.urls import path, register_converter

from . import views


class UnicodeSlugConverter:
    """Slugs as municipalities have them (``allow_unicode``): letters of any script, digits,
    hyphens and underscores — nothing a database would refuse, such as a NUL byte."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UnicodeSlugConverter, "uslug")

app_name = "missions"

# The city page ("missions:city-detail") shows consultations too, so the project composes it
# (climateportal/views.py) and adds it to this namespace (climateportal/urls.py).

urlpatterns = [
    path("", views.home, name="home"),
    path("mission/", views.mission_overview, name="mission-overview"),
    path("cities/", views.city_list, name="city-list"),
    path("cities/<uslug:slug>/feed/", views.CityMilestonesFeed(), name="city-feed"),
    path("cities/<uslug:slug>/embed/", views.city_embed, name="city-embed"),
    path("twinning/", views.twinning_list, name="twinning-list"),
    path("twinning/<int:pk>/", views.twinning_detail, name="twinning-detail"),
    path("networks/", views.network_list, name="network-list"),
    path("networks/<slug:slug>/", views.network_detail, name="network-detail"),
]
