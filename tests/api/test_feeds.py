"""Atom feeds with absolute links from PORTAL_BASE_URL: the portal's and each city's."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.missions.factories import MilestoneFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, url):
    response = client.get(url)
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 - the portal's own feed


def links(root) -> list[str]:
    return [link.get("href") for link in root.iter(f"{ATOM}link")]


@pytest.fixture
def base(settings):
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    return "https://portal.example.org"


def test_the_portal_feed_lists_every_published_citys_changes(client, world, base):
    titles = [
        entry.findtext(f"{ATOM}title") for entry in feed(client, "/en/feed/").iter(f"{ATOM}entry")
    ]
    assert titles == ["Kozani: Climate office opens — Completed (October 2023)"]


def test_the_portal_feeds_links_are_absolute(client, world, base):
    assert links(feed(client, "/en/feed/")) == [
        f"{base}/en/",
        f"{base}/en/feed/",
        f"{base}/en/cities/kozani/#milestone-{world['milestone'].pk}",
    ]


def test_the_portal_feed_is_in_its_language(client, world, base):
    root = feed(client, "/el/feed/")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "el"


def test_a_citys_feed_links_are_absolute(client, world, base):
    assert links(feed(client, "/el/cities/kozani/feed/")) == [
        f"{base}/el/cities/kozani/",
        f"{base}/el/cities/kozani/feed/",
        f"{base}/el/cities/kozani/#milestone-{world['milestone'].pk}",
    ]


@pytest.mark.parametrize("url", ["/en/feed/", "/en/cities/kozani/feed/"])
def test_a_feed_costs_the_same_queries_however_many_entries(client, cities, url):
    MilestoneFactory(municipality=cities[0])
    client.get(url)  # the sites framework remembers its one row after the first feed
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(20):
        MilestoneFactory(municipality=cities[0])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
