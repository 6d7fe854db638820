from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.caching import cache_public_page
from core.text import clean_text

from . import selectors
from .forms import DirectoryFilterForm
from .models import Milestone, Mission, Municipality


@require_safe
@cache_public_page
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "missions/home.html",
        {
            "mission": Mission.objects.filter(slug="eu-cities-mission").first(),
            "counts": selectors.home_counts(),
            "latest": selectors.latest_milestone_changes(),
        },
    )


@require_safe
def city_list(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cities = selectors.municipality_directory(
        user=request.user,
        query=filters.get("q", ""),
        country=filters.get("country", ""),
        mission=filters.get("mission", ""),
        network=filters.get("network", ""),
    )
    page = Paginator(cities, settings.PORTAL_PAGE_SIZE, allow_empty_first_page=True).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "missions/city_list.html",
        {"form": form, "page": page, "querystring": query.urlencode()},
    )


@require_safe
@cache_public_page
def twinning_list(request: HttpRequest) -> HttpResponse:
    twinnings = list(selectors.twinnings_for_public())
    programmes: dict = {}
    for twinning in twinnings:
        cohorts = programmes.setdefault(twinning.programme, {})
        cohorts.setdefault(twinning.cohort, []).append(twinning)
    return render(request, "missions/twinning_list.html", {"programmes": programmes})


@require_safe
@cache_public_page
def network_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "missions/network_list.html", {"networks": selectors.networks_for_public()}
    )


@require_safe
@cache_public_page
def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(
        request, "missions/network_detail.html", {"network": selectors.network_for_page(slug=slug)}
    )


class CityMilestonesFeed(Feed):
    """Atom feed of a city's milestone changes, newest first."""

    feed_type = Atom1Feed

    def get_object(self, request, slug):
        self.request = request
        return get_object_or_404(Municipality.objects.visible_to(request.user), slug=slug)

    def title(self, city):
        return _("%(city)s: mission milestones") % {"city": city.name}

    def link(self, city):
        return city.get_absolute_url()

    def subtitle(self, city):
        return _("Changes to the climate-neutrality mission timeline of %(city)s.") % {
            "city": city.name
        }

    def items(self, city):
        return Milestone.objects.filter(municipality=city).order_by("-updated_at", "-pk")[:50]

    def item_title(self, item):
        return clean_text(f"{item.title} — {item.get_status_display()} ({item.date_display})")

    def item_description(self, item):
        # Validation refuses control characters, which XML cannot hold; rows stored before
        # it did must not break the feed.
        return clean_text(item.description)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.created_at
