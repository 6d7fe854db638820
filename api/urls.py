"""The API's paths (``/api/v1/``, outside the language prefix) and the open-data pages, calendars
and portal feed (``page_patterns``, under the language prefix); see climateportal/urls.py."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from . import pages, views
from .feeds import PortalMilestonesFeed

app_name = "api"

router = SimpleRouter()
router.register("municipalities", views.MunicipalityViewSet, basename="municipality")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("missions", views.MissionViewSet, basename="mission")
router.register("participations", views.ParticipationViewSet, basename="participation")
router.register("contract-parts", views.ContractPartViewSet, basename="contract-part")
router.register("labels", views.MissionLabelViewSet, basename="label")
router.register("twinnings", views.TwinningViewSet, basename="twinning")
router.register("networks", views.NetworkViewSet, basename="network")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("consultations", views.ConsultationViewSet, basename="consultation")

urlpatterns = [
    path("", views.APIRootView.as_view(), name="root"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    re_path(
        r"^consultations/(?P<slug>[-a-zA-Z0-9_]+)/results/$",
        views.ConsultationResultsView.as_view(),
        name="consultation-results",
    ),
    *router.urls,
]

SLUG = r"(?P<slug>[-\w]+)"

page_patterns = [
    path("open-data/", pages.open_data, name="index"),
    path("open-data/catalogue.jsonld", pages.catalogue, name="catalogue"),
    re_path(
        r"^open-data/(?P<dataset>[-a-z]+)\.(?P<extension>csv|json)$",
        pages.download,
        name="download",
    ),
    re_path(rf"^cities/{SLUG}/calendar\.ics$", pages.city_calendar, name="city-calendar"),
    re_path(
        rf"^cities/{SLUG}/consultations\.ics$",
        pages.consultations_calendar,
        name="city-consultations-calendar",
    ),
    path(
        "consultations/calendar.ics",
        pages.consultations_calendar,
        name="consultations-calendar",
    ),
    path("feed/", PortalMilestonesFeed(), name="feed"),
]
