"""Public pages and files under the language prefix: the open-data page and its downloads, the
DCAT-AP catalogue, the calendars. Cached whole for anonymous visitors like every public page
(``core.caching``), and answered 304 to a conditional request."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import conditional_page, require_safe

from consultations.cache_tags import CONSULTATIONS
from core.caching import LISTS, cache_public_page, city_tag
from missions.models import Municipality

from . import calendars, datasets, dcat, selectors
from .links import LICENCE_NAME, LICENCE_URL, absolute_url

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def every_city(request, *args, **kwargs) -> list[str]:
    """The page-cache tags of what shows every city's data (``lists``: any city's change bumps
    it) and the consultations' questions."""
    return [LISTS, CONSULTATIONS]


def one_city(request, *args, slug: str = "", **kwargs) -> list[str]:
    return [city_tag(slug), CONSULTATIONS] if slug else every_city(request)


@require_safe
@cache_public_page
def open_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "api/open_data.html",
        {
            "datasets": datasets.DATASETS,
            "formats": list(datasets.FORMATS),
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
            "api_url": absolute_url(reverse("api:root")),
        },
    )


@cache_public_page(tags=every_city)
def _dataset_file(request: HttpRequest, dataset: str, extension: str) -> HttpResponse:
    found = datasets.dataset(dataset)
    return HttpResponse(datasets.render(found, extension), content_type=datasets.FORMATS[extension])


@require_safe
@conditional_page
def download(request: HttpRequest, dataset: str, extension: str) -> HttpResponse:
    found = datasets.dataset(dataset)
    if found is None or extension not in datasets.FORMATS:
        raise Http404
    response = _dataset_file(request, dataset, extension)
    response["Content-Disposition"] = (
        f'attachment; filename="{datasets.file_name(found, extension)}"'
    )
    return response


@require_safe
@conditional_page
@cache_public_page(tags=every_city)
def catalogue(request: HttpRequest) -> HttpResponse:
    """The DCAT-AP catalogue (JSON-LD)."""
    return HttpResponse(
        json.dumps(dcat.catalogue(), ensure_ascii=False, indent=1),
        content_type="application/ld+json",
    )


@cache_public_page(tags=one_city)
def _city_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    city = get_object_or_404(Municipality.objects.published(), slug=slug)
    return HttpResponse(
        calendars.city_calendar(city, selectors.milestones_of(city)), content_type=CALENDAR_TYPE
    )


@require_safe
@conditional_page
def city_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """A published city's milestones (iCalendar)."""
    response = _city_calendar(request, slug=slug)
    if response.status_code == 200:
        response["Content-Disposition"] = f'attachment; filename="{slug}-milestones.ics"'
    return response


@cache_public_page(tags=one_city)
def _consultations_calendar(request: HttpRequest, slug: str = "") -> HttpResponse:
    city = get_object_or_404(Municipality.objects.published(), slug=slug) if slug else None
    consultations = selectors.consultations(city=slug) if slug else selectors.consultations()
    return HttpResponse(
        calendars.consultations_calendar(consultations, city=city), content_type=CALENDAR_TYPE
    )


@require_safe
@conditional_page
def consultations_calendar(request: HttpRequest, slug: str = "") -> HttpResponse:
    """The published consultations, of every city or of one (iCalendar)."""
    response = _consultations_calendar(request, slug=slug)
    if response.status_code == 200:
        name = f"{slug}-consultations.ics" if slug else "consultations.ics"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
