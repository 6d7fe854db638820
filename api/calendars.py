"""iCalendar feeds (RFC 5545, built with the icalendar library): a city's milestones, at the
precision known — a month milestone is an all-day event spanning its month, a year milestone
its year — and the consultations, from opening to closing.

Building an event with icalendar costs about half a millisecond, so each event's text is
remembered (per process) under the row's ``updated_at``, the language and the links it holds:
a calendar of 500 milestones is then assembled, not rebuilt, after an edit to one of them.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from consultations.models import Consultation
from core.text import clean_text
from missions.models import Milestone, Municipality, period_end

from .links import absolute_url, base_url

REFRESH = datetime.timedelta(hours=6)
MEMO_SIZE = 20_000
_events: dict[tuple, bytes] = {}

# How a milestone's status reads to a calendar: still to happen (tentative), happening or
# done (confirmed), or not happening.
CALENDAR_STATUS = {
    Milestone.Status.UPCOMING: "TENTATIVE",
    Milestone.Status.DELAYED: "TENTATIVE",
    Milestone.Status.IN_PROGRESS: "CONFIRMED",
    Milestone.Status.COMPLETED: "CONFIRMED",
    Milestone.Status.CANCELLED: "CANCELLED",
}


def _host() -> str:
    return urlsplit(base_url()).hostname or "localhost"


def _remember(key: tuple, event: bytes) -> bytes:
    if len(_events) >= MEMO_SIZE:
        _events.clear()
    _events[key] = event
    return event


def _memo(key: tuple, build) -> bytes:
    event = _events.get(key)
    return event if event is not None else _remember(key, build().to_ical())


def _calendar(*, uid: str, name: str, description: str, url: str, events: list[bytes]) -> bytes:
    calendar = Calendar.new(
        uid=f"{uid}@{_host()}",
        prodid=f"-//{settings.OPEN_DATA_PUBLISHER}//{get_language()}",
        name=clean_text(name),
        description=clean_text(description),
        url=url,
        language=get_language(),
        method="PUBLISH",
        calscale="GREGORIAN",
        refresh_interval=REFRESH,
    )
    head, end = calendar.to_ical().rsplit(b"END:VCALENDAR", 1)
    return b"".join([head, *events, b"END:VCALENDAR", end])


# --------------------------------------------------------------------------------------------
# A city's milestones
# --------------------------------------------------------------------------------------------


def _milestone_event(milestone: Milestone, city: Municipality) -> Event:
    status = milestone.get_status_display()
    description = clean_text(milestone.description)
    lines = [description] if description else []
    lines.append(_("Status: %(status)s") % {"status": status})
    return Event.new(
        uid=f"milestone-{milestone.pk}@{_host()}",
        stamp=milestone.updated_at,
        last_modified=milestone.updated_at,
        start=milestone.date,
        # All day, to the end of its period: DTEND is the day after (exclusive).
        end=period_end(milestone.date, milestone.date_precision) + datetime.timedelta(days=1),
        summary=clean_text(f"{milestone.title} — {status}"),
        description="\n\n".join(lines),
        url=absolute_url(city.get_absolute_url() + f"#milestone-{milestone.pk}"),
        status=CALENDAR_STATUS.get(milestone.status, "CONFIRMED"),
        categories=[str(milestone.get_kind_display())],
        transparency="TRANSPARENT",
    )


def city_calendar(city: Municipality, milestones) -> bytes:
    """``milestones`` (a QuerySet) as a calendar: their versions are read first, and only the
    milestones whose event is not remembered are loaded (a second query, when any)."""
    language, base = get_language(), base_url()
    versions = list(milestones.values_list("pk", "updated_at"))
    keys = {pk: ("milestone", pk, updated, language, city.slug, base) for pk, updated in versions}
    found = {pk: _events[key] for pk, key in keys.items() if key in _events}
    missing = [pk for pk in keys if pk not in found]
    if missing:
        for milestone in milestones.filter(pk__in=missing):
            key = keys[milestone.pk]
            found[milestone.pk] = _remember(key, _milestone_event(milestone, city).to_ical())
    events = [found[pk] for pk, _updated in versions if pk in found]
    return _calendar(
        uid=f"milestones-{city.pk}",
        name=_("%(city)s: mission milestones") % {"city": city.name},
        description=_("The climate-neutrality mission timeline of %(city)s.") % {"city": city.name},
        url=absolute_url(city.get_absolute_url()),
        events=events,
    )


# --------------------------------------------------------------------------------------------
# Consultations
# --------------------------------------------------------------------------------------------


def _consultation_event(consultation: Consultation) -> Event:
    return Event.new(
        uid=f"consultation-{consultation.pk}@{_host()}",
        stamp=consultation.updated_at,
        last_modified=consultation.updated_at,
        start=consultation.opens_at.astimezone(datetime.UTC),
        end=consultation.closes_at.astimezone(datetime.UTC),
        summary=clean_text(
            _("Consultation: %(title)s (%(city)s)")
            % {"title": consultation.title, "city": consultation.municipality.name}
        ),
        description=clean_text(consultation.description),
        url=absolute_url(consultation.get_absolute_url()),
        status="CONFIRMED",
        transparency="TRANSPARENT",
    )


def consultations_calendar(consultations, *, city: Municipality | None = None) -> bytes:
    language, base = get_language(), base_url()
    events = [
        _memo(
            (
                "consultation",
                consultation.pk,
                consultation.updated_at,
                consultation.municipality.updated_at,
                language,
                base,
            ),
            lambda consultation=consultation: _consultation_event(consultation),
        )
        for consultation in consultations
    ]
    if city is None:
        name = _("Consultations")
        url = absolute_url(reverse("consultations:list"))
    else:
        name = _("%(city)s: consultations") % {"city": city.name}
        url = absolute_url(city.get_absolute_url())
    return _calendar(
        uid=f"consultations-{city.pk}" if city is not None else "consultations",
        name=name,
        description=_("Citizens' consultations, from opening to closing."),
        url=url,
        events=events,
    )
