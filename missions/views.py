from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from core.caching import cache_public_page, for_city, for_lists
from core.charts import column_chart, responsive
from core.text import clean_text

from . import overview, selectors
from .forms import DirectoryFilterForm, OverviewFilterForm
from .maps import legend, mission_map
from .models import Milestone, Mission, MissionStage, Municipality


@require_safe
@cache_public_page(tags=for_lists)
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
@cache_public_page(tags=for_lists)  # the unfiltered first page; filtered pages are rendered
def city_list(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cities = selectors.municipality_directory(
        user=request.user,
        query=filters.get("q", ""),
        country=filters.get("country", ""),
        mission=filters.get("mission", ""),
        network=filters.get("network", ""),
        stage=filters.get("stage", ""),
        label_round=filters.get("round"),
        cohort=filters.get("cohort", ""),
    )
    page = Paginator(cities, settings.PORTAL_PAGE_SIZE, allow_empty_first_page=True).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    located = cities.filter(latitude__isnull=False, longitude__isnull=False).only(
        "name_en", "name_el", "name_pl", "slug", "latitude", "longitude", "country"
    )
    return render(
        request,
        "missions/city_list.html",
        {
            "form": form,
            "page": page,
            "querystring": query.urlencode(),
            "filtered": any(value for name, value in filters.items() if name != "q"),
            "map": mission_map(located.prefetch_related(None), title=_("Map of these cities")),
            "legend": legend(),
        },
    )


@require_safe
@cache_public_page(tags=for_lists)
def twinning_list(request: HttpRequest) -> HttpResponse:
    twinnings = list(selectors.twinnings_for_public())
    programmes: dict = {}
    for twinning in twinnings:
        cohorts = programmes.setdefault(twinning.programme, {})
        cohorts.setdefault(twinning.cohort, []).append(twinning)
    return render(request, "missions/twinning_list.html", {"programmes": programmes})


@require_safe
@cache_public_page(tags=for_lists)
def network_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "missions/network_list.html", {"networks": selectors.networks_for_public()}
    )


@require_safe
@cache_public_page(tags=for_lists)
def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(
        request, "missions/network_detail.html", {"network": selectors.network_for_page(slug=slug)}
    )


class CityMilestonesFeed(Feed):
    """Atom feed of a city's milestone changes, newest first. Its links are absolute from
    ``PORTAL_BASE_URL`` (Django's default would take the domain of the sites table)."""

    feed_type = Atom1Feed

    @staticmethod
    def absolute(path: str) -> str:
        return settings.PORTAL_BASE_URL.rstrip("/") + path

    def get_object(self, request, slug):
        self.request = request
        return get_object_or_404(Municipality.objects.visible_to(request.user), slug=slug)

    def title(self, city):
        return _("%(city)s: mission milestones") % {"city": city.name}

    def link(self, city):
        return self.absolute(city.get_absolute_url())

    def feed_url(self, city):
        return self.absolute(self.request.path)

    def subtitle(self, city):
        return _("Changes to the climate-neutrality mission timeline of %(city)s.") % {
            "city": city.name
        }

    def items(self, city):
        milestones = list(
            Milestone.objects.filter(municipality=city).order_by("-updated_at", "-pk")[:50]
        )
        for milestone in milestones:
            milestone.municipality = city  # its link names the city: no query per entry
        return milestones

    def item_title(self, item):
        return clean_text(f"{item.title} — {item.get_status_display()} ({item.date_display})")

    def item_description(self, item):
        # Validation refuses control characters, which XML cannot hold; rows stored before
        # it did must not break the feed.
        return clean_text(item.description)

    def item_link(self, item):
        return self.absolute(item.get_absolute_url())

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.created_at


OVERVIEW_SORTS = {
    "city": lambda item: str(item.city.name),
    "country": lambda item: (str(item.city.country.name), str(item.city.name)),
    # The furthest first: the Label, a submitted contract, drafting, selected.
    "stage": lambda item: -MissionStage.values.index(item.stage) if item.stage else 1,
    "label": lambda item: (item.label_awarded_on is None, item.label_awarded_on or 0),
}


@require_safe
@cache_public_page(tags=for_lists)
def mission_overview(request: HttpRequest) -> HttpResponse:
    """Where the Mission's cities stand: figures that link to the cities behind them, the Labels
    over time, a map and a table of every city, sortable and filterable without JavaScript."""
    data = overview.overview()
    form = OverviewFilterForm(request.GET or None, cities=data.cities)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = [item for item in data.cities if item.stage]
    if filters.get("country"):
        rows = [item for item in rows if str(item.city.country) == filters["country"]]
    if filters.get("stage"):
        rows = [item for item in rows if item.stage in MissionStage.at_least(filters["stage"])]
    sort = filters.get("sort") or "city"
    rows.sort(key=OVERVIEW_SORTS[sort])
    chart = (
        responsive(
            column_chart,
            data.labels_over_time,
            title=_("Cities holding the Mission Label, month by month"),
            description=_("%(count)d cities hold the Label.")
            % {"count": data.labels_over_time[-1][1]},
            chart_id="labels-over-time",
        )
        if data.labels_over_time
        else ""
    )
    return render(
        request,
        "missions/overview.html",
        {
            "overview": data,
            "rows": rows,
            "form": form,
            "sort": sort,
            "chart": chart,
            "map": mission_map(data.cities, title=_("Map of the Mission's cities")),
            "legend": legend(),
        },
    )


@cache_public_page(tags=for_city)
def _city_embed_page(request: HttpRequest, slug: str) -> HttpResponse:
    city = get_object_or_404(Municipality.objects.published(), slug=slug)
    milestones = list(city.milestones.order_by("date", "position", "pk"))
    return render(
        request,
        "missions/city_embed.html",
        {
            "city": city,
            "milestones": milestones,
            "progress": selectors.progress_summary(milestones),
            "full_page": settings.PORTAL_BASE_URL.rstrip("/") + city.get_absolute_url(),
        },
    )


@require_safe
@xframe_options_exempt
def city_embed(request: HttpRequest, slug: str) -> HttpResponse:
    """A city's timeline alone, for an ``<iframe>`` on the city's own site: only the origins its
    editors listed may frame it (every other page of the portal stays ``frame-ancestors
    'none'``). The headers are set here, outside the page cache, which keeps bodies only."""
    response = _city_embed_page(request, slug=slug)
    if response.status_code == 200:
        origins = (
            Municipality.objects.filter(slug=slug).values_list("embed_origins", flat=True).first()
        )
        allowed = [line.strip() for line in (origins or "").splitlines() if line.strip()]
        response._csp_replace = {"frame-ancestors": allowed or ["'none'"]}
    return response


@require_safe
@cache_public_page(tags=for_lists)
def twinning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A twin city and its pilot city or cities side by side."""
    return render(
        request, "missions/twinning_detail.html", {"page": selectors.twinning_for_page(pk=pk)}
    )
