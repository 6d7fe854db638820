"""Whole-page caching of public pages for anonymous visitors."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.permissions import system_actor
from missions.models import Milestone, Municipality
from tests.missions.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


class TestPageCache:
    def test_anonymous_pages_come_from_the_cache_until_content_changes(
        self, client, demo, django_capture_on_commit_callbacks
    ):
        url = "/en/cities/palaio-faliro/"
        first = client.get(url).content
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).content == first
        assert len(queries) == 0
        milestone = Milestone.objects.get(title_en__startswith="Work starts on the Action Plan")
        with django_capture_on_commit_callbacks(execute=True):  # the edit's commit
            milestone.status = Milestone.Status.COMPLETED
            milestone.save(update_fields=["status"])
        assert "4 of 5 milestones completed" in client.get(url).content.decode()

    def test_an_import_makes_cached_pages_stale(
        self, client, demo, tmp_path, django_capture_on_commit_callbacks
    ):
        from core.importing.files import dataset_from_bytes
        from missions.importing import run_import

        url = "/en/cities/palaio-faliro/"
        assert "3 of 5 milestones completed" in client.get(url).content.decode()
        dataset = dataset_from_bytes(
            b"municipality,date,status,title_en\n"
            b'palaio-faliro,2025-01,completed,"Work starts on the Action Plan, the Investment '
            b'Plan and the Commitment Plan for climate neutrality"\n',
            file_format="csv",
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert (
                run_import(kind="milestones", dataset=dataset, acting_user=system_actor()).updated
                == 1
            )
        assert "4 of 5 milestones completed" in client.get(url).content.decode()

    def test_signed_in_users_get_fresh_pages(self, client, demo):
        from tests.accounts.factories import UserFactory

        client.get("/en/")
        client.force_login(UserFactory())
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/en/").content.decode()
        assert len(queries) > 0
        assert "Sign out" in html

    def test_language_links_point_to_the_same_page(self, client, demo):
        html = client.get("/el/cities/palaio-faliro/").content.decode()
        assert 'href="/en/cities/palaio-faliro/" hreflang="en"' in html
        assert 'href="/pl/cities/palaio-faliro/" hreflang="pl"' in html
        assert "csrfmiddlewaretoken" not in html  # nothing per-visitor in a cached page


def test_query_strings_do_not_fill_the_page_cache(client, demo):
    from django.core.cache import cache

    client.get("/en/")
    keys_before = len(cache._cache.get_client().keys("*"))
    for n in range(5):
        assert client.get(f"/en/?x={n}").status_code == 200
    assert len(cache._cache.get_client().keys("*")) == keys_before


def test_an_edit_to_one_city_leaves_another_citys_page_cached(client, demo):
    """Issue: any save anywhere made every cached page stale at once; with 112 cities at work
    that emptied the cache all day."""
    from missions.services import milestone_update_status

    warsaw, kozani = "/en/cities/warsaw/", "/en/cities/kozani/"
    client.get(warsaw)
    client.get(kozani)
    kozani_milestone = MilestoneFactory(municipality=Municipality.objects.get(slug="kozani"))
    client.get(kozani)
    milestone_update_status(
        milestone=kozani_milestone, status="completed", acting_user=system_actor()
    )
    with CaptureQueriesContext(connection) as queries:
        assert client.get(warsaw).status_code == 200
    assert len(queries) == 0  # Warsaw's page still comes from the cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(kozani).status_code == 200
    assert len(queries) > 0  # Kozani's was made stale
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/cities/")
    assert len(queries) > 0  # and so were the lists it appears on


def test_the_directory_is_served_from_the_cache_until_a_city_changes(client, demo):
    """Benchmark 10: the directory of 112 cities was rendered for every visitor (0.02 of a
    trivial view's throughput); its unfiltered page is now cached like the other lists."""
    client.get("/en/cities/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/cities/").status_code == 200
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/cities/?country=GR").status_code == 200
    assert len(queries) > 0  # a filtered page is made for its visitor
    MilestoneFactory(municipality=Municipality.objects.get(slug="kozani"))
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/cities/")
    assert len(queries) > 0
