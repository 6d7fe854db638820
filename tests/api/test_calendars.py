"""iCalendar feeds, read back with the icalendar library: a city's milestones at the precision
known, the consultations from opening to closing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from missions.services import milestone_update
from tests.missions.factories import MilestoneFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def events(response) -> dict[str, object]:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def span(event) -> tuple:
    return event.decoded("DTSTART"), event.decoded("DTEND")


@pytest.fixture
def kozani(cities):
    return cities[0]


@pytest.mark.parametrize(
    "date,precision,start,end",
    [
        (
            datetime.date(2023, 10, 1),
            "month",
            datetime.date(2023, 10, 1),
            datetime.date(2023, 11, 1),
        ),
        (
            datetime.date(2024, 12, 1),
            "month",
            datetime.date(2024, 12, 1),
            datetime.date(2025, 1, 1),
        ),
        (datetime.date(2025, 1, 1), "year", datetime.date(2025, 1, 1), datetime.date(2026, 1, 1)),
        (datetime.date(2024, 2, 29), "day", datetime.date(2024, 2, 29), datetime.date(2024, 3, 1)),
    ],
)
def test_a_milestone_spans_the_period_it_is_known_to(client, kozani, date, precision, start, end):
    milestone = MilestoneFactory(municipality=kozani, date=date, date_precision=precision)
    found = events(client.get("/en/cities/kozani/calendar.ics"))
    assert span(found[f"milestone-{milestone.pk}@127.0.0.1"]) == (start, end)


def test_an_event_says_what_and_where(client, kozani, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    milestone = MilestoneFactory(
        municipality=kozani, title_en="Climate office opens", status="completed"
    )
    event = events(client.get("/en/cities/kozani/calendar.ics"))[
        f"milestone-{milestone.pk}@portal.example.org"
    ]
    assert (str(event["SUMMARY"]), str(event["URL"]), str(event["STATUS"])) == (
        "Climate office opens — Completed",
        f"https://portal.example.org/en/cities/kozani/#milestone-{milestone.pk}",
        "CONFIRMED",
    )


def test_a_cancelled_milestone_is_a_cancelled_event(client, kozani):
    MilestoneFactory(municipality=kozani, status="cancelled")
    (event,) = events(client.get("/en/cities/kozani/calendar.ics")).values()
    assert str(event["STATUS"]) == "CANCELLED"


def test_the_calendar_is_in_the_urls_language(client, kozani):
    MilestoneFactory(municipality=kozani, title_en="Office", title_el="Γραφείο", status="completed")
    (event,) = events(client.get("/el/cities/kozani/calendar.ics")).values()
    assert str(event["SUMMARY"]) == "Γραφείο — Ολοκληρώθηκε"


def test_the_calendar_names_its_city(client, kozani):
    calendar = Calendar.from_ical(client.get("/en/cities/kozani/calendar.ics").content)
    assert str(calendar["X-WR-CALNAME"]) == "Kozani: mission milestones"


def test_an_unpublished_city_has_no_calendar(client, cities):
    MilestoneFactory(municipality=cities[2])
    assert client.get("/en/cities/hidden-city/calendar.ics").status_code == 404


def test_an_edit_shows_in_the_calendar(client, kozani, kozani_editor):
    milestone = MilestoneFactory(municipality=kozani, title_en="Before")
    client.get("/en/cities/kozani/calendar.ics")
    milestone_update(acting_user=kozani_editor, milestone=milestone, data={"title_en": "After"})
    (event,) = events(client.get("/en/cities/kozani/calendar.ics")).values()
    assert str(event["SUMMARY"]).startswith("After")


def test_a_calendar_costs_the_same_queries_however_many_milestones(client, kozani):
    MilestoneFactory(municipality=kozani)
    with CaptureQueriesContext(connection) as few:
        client.get("/en/cities/kozani/calendar.ics")
    for _ in range(30):
        MilestoneFactory(municipality=kozani)
    with CaptureQueriesContext(connection) as many:
        client.get("/en/cities/kozani/calendar.ics")
    assert len(many) == len(few)


def test_a_repeated_calendar_request_is_not_modified(client, kozani):
    MilestoneFactory(municipality=kozani)
    etag = client.get("/en/cities/kozani/calendar.ics")["ETag"]
    response = client.get("/en/cities/kozani/calendar.ics", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


# --------------------------------------------------------------------------------------------
# Consultations
# --------------------------------------------------------------------------------------------


def test_a_consultation_runs_from_opening_to_closing(client, world):
    consultation = world["consultation"]
    event = events(client.get("/en/consultations/calendar.ics"))[
        f"consultation-{consultation.pk}@127.0.0.1"
    ]
    assert span(event) == (
        consultation.opens_at.replace(microsecond=0),
        consultation.closes_at.replace(microsecond=0),
    )


def test_only_published_consultations_of_published_cities(client, world):
    uids = set(events(client.get("/en/consultations/calendar.ics")))
    hidden = {
        f"consultation-{world[key].pk}@127.0.0.1"
        for key in ("draft_consultation", "hidden_consultation")
    }
    assert uids & hidden == set()


def test_a_citys_consultations(client, world):
    from tests.consultations.factories import ConsultationFactory

    ConsultationFactory(municipality=world["twinning"].participants.get(role="twin").municipality)
    uids = set(events(client.get("/en/cities/kozani/consultations.ics")))
    assert uids == {
        f"consultation-{world[key].pk}@127.0.0.1"
        for key in ("consultation", "results_later", "results_for_staff")
    }
