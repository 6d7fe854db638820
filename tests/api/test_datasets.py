"""Downloads: every public dataset as CSV and JSON, from the API's selectors and serializers;
unpublished cities and unpublished results never included; formulas neutralised."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.datasets import DATASETS
from core.caching import bump_content_version
from missions.models import Milestone
from tests.api.test_views import HIDDEN
from tests.consultations.factories import add_question, submit_answers
from tests.missions.factories import MilestoneFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

SLUGS = [dataset.slug for dataset in DATASETS]


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("extension", ["csv", "json"])
def test_unpublished_data_is_never_downloaded(client, world, slug, extension):
    body = client.get(f"/en/open-data/{slug}.{extension}").content.decode()
    assert [text for text in HIDDEN if text in body] == []


@pytest.mark.parametrize("slug", SLUGS)
def test_the_json_items_are_the_apis(client, world, slug):
    document = client.get(f"/en/open-data/{slug}.json").json()
    api_url = {
        "consultation-results": None,
        "contract-parts": "/api/v1/contract-parts/",
    }.get(slug, f"/api/v1/{slug}/")
    if api_url is None:
        assert document["items"][0]["consultation"] == "kozani-transport"
        return
    assert document["items"] == client.get(api_url, {"page_size": 500}).json()["results"]


def test_the_json_names_its_licence_and_language(client, world):
    document = client.get("/el/open-data/milestones.json").json()
    assert (document["licence"]["url"], document["language"]) == (
        "https://creativecommons.org/licenses/by/4.0/",
        "el",
    )


def test_the_csv_has_a_row_per_item_in_the_pages_language(client, world):
    found = rows(client.get("/el/open-data/milestones.csv"))
    assert [(row["municipality"], row["title"], row["status_label"]) for row in found] == [
        ("kozani", "Γραφείο για το κλίμα", "Ολοκληρώθηκε")
    ]


def test_an_empty_dataset_still_has_its_header(client, db):
    header = client.get("/en/open-data/milestones.csv").content.decode().splitlines()[0]
    assert header.startswith("id,municipality,municipality_name,title,description,date,")


def test_formulas_are_neutralised(client, cities):
    MilestoneFactory(municipality=cities[0], title_en='=HYPERLINK("http://evil")')
    assert rows(client.get("/en/open-data/milestones.csv"))[0]["title"] == (
        '\'=HYPERLINK("http://evil")'
    )


def test_nested_objects_and_lists_are_flattened(client, world):
    row = rows(client.get("/en/open-data/twinnings.csv"))[0]
    assert (row["programme_slug"], row["participants"]) == (
        "netzerocities-twinning",
        "kozani (pilot) | palaio-faliro (twin)",
    )


def test_results_are_one_row_per_option(client, world):
    consultation = world["consultation"]
    question = add_question(consultation, 1, "single", options=["Bus", "Bike"])
    submit_answers(consultation, 1, {question: {"options": (question.options.first().pk,)}})
    found = rows(client.get("/en/open-data/consultation-results.csv"))
    assert [(row["option"], row["count"], row["percent"]) for row in found] == [
        ("Bus", "1", "100.0"),
        ("Bike", "0", "0.0"),
    ]


def test_files_are_named_for_download(client, db):
    response = client.get("/pl/open-data/networks.csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="climate-portal-networks-pl.csv"'
    )


def test_a_repeated_download_is_not_modified(client, world):
    etag = client.get("/en/open-data/milestones.json")["ETag"]
    assert client.get("/en/open-data/milestones.json", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_an_unknown_dataset_is_not_found(client, db):
    assert client.get("/en/open-data/secrets.csv").status_code == 404


def test_a_download_costs_the_same_queries_whatever_its_size(client, cities):
    MilestoneFactory(municipality=cities[0])
    with CaptureQueriesContext(connection) as few:
        client.get("/en/open-data/milestones.csv")
    Milestone.objects.bulk_create(
        Milestone(municipality=cities[1], title_en=f"M{n}", title_key=f"m{n}", date="2024-01-01")
        for n in range(50)
    )
    bump_content_version()  # as imports do after a bulk write
    with CaptureQueriesContext(connection) as many:
        client.get("/en/open-data/milestones.csv")
    assert len(many) == len(few)


def test_json_is_valid_utf8_text(client, world):
    raw = client.get("/el/open-data/municipalities.json").content
    assert json.loads(raw.decode("utf-8"))["items"][0]["name"] == "Κοζάνη"
