"""The open-data page: every dataset in CSV and JSON, the licence, the catalogue, the API's
documentation; in each language, with a constant number of queries and no inline code."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.datasets import DATASETS

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.mark.parametrize("language", ["en", "el", "pl"])
def test_every_dataset_is_linked_in_both_formats(client, db, language):
    html = client.get(f"/{language}/open-data/").content.decode()
    missing = [
        (dataset.slug, extension)
        for dataset in DATASETS
        for extension in ("csv", "json")
        if f'href="/{language}/open-data/{dataset.slug}.{extension}"' not in html
    ]
    assert missing == []


@pytest.mark.parametrize(
    "link",
    [
        'href="https://creativecommons.org/licenses/by/4.0/" rel="license"',
        'href="/en/open-data/catalogue.jsonld"',
        'href="/api/v1/docs/"',
        'href="/en/feed/"',
        'href="/en/consultations/calendar.ics"',
    ],
)
def test_the_page_links_the_licence_catalogue_api_and_feeds(client, db, link):
    assert link in client.get("/en/open-data/").content.decode()


def test_the_page_is_in_its_language(client, db):
    assert '<html lang="el">' in client.get("/el/open-data/").content.decode()


def test_no_inline_script_or_style(client, db):
    html = client.get("/en/open-data/").content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)|<style|\sstyle=", html) == []


def test_a_constant_number_of_queries(client, world):
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/open-data/")
    from tests.api.test_views import _grow

    _grow(world, 3)
    with CaptureQueriesContext(connection) as more:
        client.get("/pl/open-data/")
    assert len(more) == len(queries)


def test_each_calendar_and_feed_is_reachable_from_a_city_page_url(client, world):
    # The pages of other apps link here (see the README); these are the addresses they use.
    codes = [
        client.get(url).status_code
        for url in [
            "/en/cities/kozani/calendar.ics",
            "/en/cities/kozani/consultations.ics",
            "/en/cities/kozani/feed/",
            "/en/consultations/calendar.ics",
            "/en/feed/",
        ]
    ]
    assert codes == [200] * 5
