"""Conditional requests: ETag and Last-Modified on every read, 304 for a repeated one — without
a query — and a new ETag as soon as the content changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from missions.services import milestone_update
from tests.api.conftest import bearer
from tests.consultations.factories import add_question, submit_answers

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

URL = "/api/v1/milestones/"


def test_every_read_carries_validators(client, world):
    response = client.get(URL)
    assert (response.has_header("ETag"), response.has_header("Last-Modified")) == (True, True)


def test_the_same_etag_is_not_modified(client, world):
    etag = client.get(URL)["ETag"]
    response = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert (response.status_code, response.content, response["ETag"]) == (304, b"", etag)


def test_a_weak_etag_matches_too(client, world):
    etag = client.get(URL)["ETag"]
    assert client.get(URL, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304


def test_an_unchanged_answer_costs_no_query(client, world):
    etag = client.get(URL)["ETag"]
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert len(queries) == 0


def test_a_repeated_read_is_answered_from_the_cache_without_a_query(client, world):
    first = client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(URL)
    assert (len(queries), again.content, again["ETag"]) == (0, first.content, first["ETag"])


def test_if_modified_since_is_honoured_without_an_etag(client, world):
    last_modified = client.get(URL)["Last-Modified"]
    assert client.get(URL, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304


def test_an_edit_changes_the_etag(client, world, kozani_editor):
    etag = client.get(URL)["ETag"]
    milestone_update(
        acting_user=kozani_editor, milestone=world["milestone"], data={"status": "delayed"}
    )
    response = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert (response.status_code, response.json()["results"][0]["status"]) == (200, "delayed")


def test_each_language_has_its_own_etag(client, world):
    assert client.get(URL, {"lang": "el"})["ETag"] != client.get(URL, {"lang": "en"})["ETag"]


def test_each_page_and_filter_has_its_own_etag(client, world):
    assert client.get(URL, {"city": "kozani"})["ETag"] != client.get(URL)["ETag"]


def test_a_token_reads_with_the_same_validators(client, world, token_key):
    assert client.get(URL, **bearer(token_key))["ETag"] == client.get(URL)["ETag"]


def test_live_results_change_their_etag_with_each_response(client, world, settings):
    settings.CONSULTATION_RESULTS_CACHE_SECONDS = 0
    consultation = world["consultation"]
    question = add_question(consultation, 1, "single", options=["Bus", "Bike"])
    url = "/api/v1/consultations/kozani-transport/results/"
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    submit_answers(consultation, 1, {question: {"options": (question.options.first().pk,)}})
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_schema_in_each_format_has_its_own_answer(client, db):
    yaml = client.get("/api/v1/schema/")
    json_ = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert (yaml["Content-Type"].split(";")[0], json_["Content-Type"].split(";")[0]) == (
        "application/vnd.oai.openapi",
        "application/vnd.oai.openapi+json",
    )
