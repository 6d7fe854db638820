"""The read API: only published cities and results already public, in the language asked
for, paged with absolute links, filtered, in a constant number of queries; CORS for reads."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from missions.models import Milestone
from tests.api.conftest import bearer
from tests.missions.factories import MilestoneFactory, MunicipalityFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

LISTS = [
    "/api/v1/municipalities/",
    "/api/v1/milestones/",
    "/api/v1/missions/",
    "/api/v1/participations/",
    "/api/v1/contract-parts/",
    "/api/v1/labels/",
    "/api/v1/twinnings/",
    "/api/v1/networks/",
    "/api/v1/memberships/",
    "/api/v1/consultations/",
]
HIDDEN = ["hidden-city", "Hidden City", "Secret plan", "Hidden Municipality", "draft-consultation"]


# --------------------------------------------------------------------------------------------
# Scope: unpublished and not-yet-public never appear
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", LISTS)
def test_unpublished_cities_never_appear(client, world, url):
    body = client.get(url, {"page_size": 500}).content.decode()
    assert not [text for text in HIDDEN if text in body]


@pytest.mark.parametrize("url", LISTS)
def test_a_token_reads_no_more_than_anyone(client, world, url):
    from api.services import api_token_create
    from tests.missions.factories import EditorFactory

    editor = EditorFactory(municipality=world["hidden_milestone"].municipality)
    _token, key = api_token_create(acting_user=editor, name="Hidden City's website")
    body = client.get(url, {"page_size": 500}, **bearer(key)).content.decode()
    assert not [text for text in HIDDEN if text in body]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/municipalities/hidden-city/",
        "/api/v1/consultations/hidden-consultation/",
        "/api/v1/consultations/draft-consultation/",
        "/api/v1/consultations/hidden-consultation/results/",
    ],
)
def test_unpublished_objects_are_not_found(client, world, url):
    assert client.get(url).status_code == 404


def test_the_milestone_of_an_unpublished_city_is_not_found(client, world):
    assert client.get(f"/api/v1/milestones/{world['hidden_milestone'].pk}/").status_code == 404


def test_a_twinning_needs_two_published_cities(client, world):
    ids = [t["id"] for t in client.get("/api/v1/twinnings/").json()["results"]]
    assert ids == [world["twinning"].pk]


@pytest.mark.parametrize("slug", ["results-later", "results-for-staff"])
def test_results_not_yet_public_are_not_found(client, world, slug):
    response = client.get(f"/api/v1/consultations/{slug}/results/")
    assert response.json() == {"detail": "The results of this consultation are not public yet."}


def test_results_kept_for_staff_stay_hidden_from_the_citys_own_token(client, world, token_key):
    response = client.get("/api/v1/consultations/results-for-staff/results/", **bearer(token_key))
    assert response.status_code == 404


def test_public_results_are_counted(client, world):
    from tests.consultations.factories import add_question, submit_answers

    consultation = world["consultation"]
    question = add_question(consultation, 1, "single", options=["Bus", "Bike"])
    bus = question.options.get(text_en="Bus")
    submit_answers(consultation, 1, {question: {"options": (bus.pk,)}})
    results = client.get("/api/v1/consultations/kozani-transport/results/").json()
    assert results["questions"][0]["options"][0] == {"label": "Bus", "count": 1, "percent": 100.0}


# --------------------------------------------------------------------------------------------
# Languages
# --------------------------------------------------------------------------------------------


def test_lang_chooses_the_language(client, world):
    response = client.get("/api/v1/milestones/", {"lang": "el"})
    milestone = response.json()["results"][0]
    assert (milestone["title"], milestone["status_label"], milestone["municipality_name"]) == (
        "Γραφείο για το κλίμα",
        "Ολοκληρώθηκε",
        "Κοζάνη",
    )


def test_the_answer_says_its_language(client, world):
    assert client.get("/api/v1/milestones/", {"lang": "pl"})["Content-Language"] == "pl"


def test_accept_language_chooses_the_language_too(client, world):
    response = client.get("/api/v1/milestones/", HTTP_ACCEPT_LANGUAGE="el")
    assert response.json()["results"][0]["title"] == "Γραφείο για το κλίμα"


def test_content_missing_in_a_language_falls_back_to_english(client, world):
    milestone = client.get("/api/v1/milestones/", {"lang": "pl"}).json()["results"][0]
    assert milestone["title"] == "Climate office opens"


def test_page_links_are_in_the_language_asked_for(client, world):
    milestone = client.get("/api/v1/milestones/", {"lang": "el"}).json()["results"][0]
    assert milestone["page_url"].endswith(f"/el/cities/kozani/#milestone-{milestone['id']}")


def test_an_unknown_language_is_a_bad_request(client, world):
    response = client.get("/api/v1/milestones/", {"lang": "de"})
    assert (response.status_code, response.json()) == (
        400,
        {"lang": ["Choose one of: en, el, pl."]},
    )


# --------------------------------------------------------------------------------------------
# Pages, links, filters
# --------------------------------------------------------------------------------------------


def test_links_are_absolute_from_the_portal_base_url(client, world, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    response = client.get("/api/v1/municipalities/", {"page_size": 1}, HTTP_HOST="localhost")
    body = response.json()
    assert body["next"] == "https://portal.example.org/api/v1/municipalities/?page=2&page_size=1"
    assert body["results"][0]["url"] == "https://portal.example.org/api/v1/municipalities/kozani/"


def test_a_page_holds_at_most_500(client, cities):
    Milestone.objects.bulk_create(
        Milestone(
            municipality=cities[0],
            title_en=f"M{n}",
            title_key=f"m{n}",
            date=datetime.date(2024, 1, 1),
        )
        for n in range(501)
    )
    response = client.get("/api/v1/milestones/", {"page_size": 1000})
    assert len(response.json()["results"]) == 500


def test_a_page_past_the_end_is_not_found(client, world):
    assert client.get("/api/v1/milestones/", {"page": 9}).status_code == 404


@pytest.mark.parametrize(
    "params,titles",
    [
        ({"city": "kozani"}, ["Early", "Climate office opens", "Late"]),
        ({"city": "palaio-faliro"}, ["Elsewhere"]),
        ({"status": "completed"}, ["Climate office opens"]),
        ({"kind": "governance"}, ["Climate office opens"]),
        ({"date_from": "2023-01-01", "date_to": "2023-12-31"}, ["Climate office opens"]),
        ({"date_from": "2024-01-01"}, ["Late", "Elsewhere"]),
    ],
)
def test_milestone_filters(client, world, params, titles):
    kozani = world["milestone"].municipality
    MilestoneFactory(municipality=kozani, title_en="Early", date=datetime.date(2020, 1, 1))
    MilestoneFactory(municipality=kozani, title_en="Late", date=datetime.date(2024, 5, 1))
    MilestoneFactory(
        municipality=world["twinning"].participants.get(role="twin").municipality,
        title_en="Elsewhere",
        date=datetime.date(2025, 1, 1),
    )
    found = client.get("/api/v1/milestones/", params).json()["results"]
    assert [milestone["title"] for milestone in found] == titles


def test_changed_since(client, world):
    Milestone.objects.filter(pk=world["milestone"].pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=10)
    )
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert client.get("/api/v1/milestones/", {"changed_since": since}).json()["count"] == 0


@pytest.mark.parametrize(
    "params,errors",
    [
        ({"status": "done"}, {"status": ['"done" is not a valid choice.']}),
        (
            {"date_from": "yesterday"},
            {"date_from": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        ({"city": ""}, {"city": ["This field may not be blank."]}),
        ({"page_size": "ten"}, {"page_size": ["Give a whole number from 1."]}),
    ],
)
def test_bad_filters_are_named(client, world, params, errors):
    response = client.get("/api/v1/milestones/", params)
    assert (response.status_code, response.json()) == (400, errors)


def test_filter_messages_follow_the_language(client, world):
    response = client.get("/api/v1/milestones/", {"status": "done", "lang": "el"})
    assert "done" in response.json()["status"][0]
    assert "is not a valid choice" not in response.json()["status"][0]


# --------------------------------------------------------------------------------------------
# Queries: constant whatever the amount of data
# --------------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(world, n):
    from tests.consultations.factories import ConsultationFactory
    from tests.missions.factories import (
        ContractPartFactory,
        MembershipFactory,
        MissionLabelFactory,
        NetworkFactory,
        OrganisationFactory,
        make_twinning,
    )

    for _ in range(n):
        city = MunicipalityFactory()
        MilestoneFactory(municipality=city)
        make_twinning(twin=city, pilots=[MunicipalityFactory(), MunicipalityFactory()])
        MembershipFactory(
            network=NetworkFactory(), organisation=OrganisationFactory(municipality=city)
        )
        ContractPartFactory(municipality=city)
        MissionLabelFactory(municipality=city, mission=world["label"].mission)
        ConsultationFactory(municipality=city)
        world["participation"].__class__.objects.create(
            municipality=city, mission=world["participation"].mission
        )


@pytest.mark.parametrize("url", LISTS)
def test_a_page_costs_the_same_queries_whatever_the_data(client, world, url):
    few = _queries(client, url)
    _grow(world, 6)
    assert _queries(client, url) == few


# --------------------------------------------------------------------------------------------
# CORS, the root, unknown paths
# --------------------------------------------------------------------------------------------


def test_any_origin_may_read(client, world):
    response = client.get("/api/v1/milestones/", HTTP_ORIGIN="https://city.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_no_origin_may_write_from_a_browser(client, world):
    response = client.options(
        "/api/v1/milestones/",
        HTTP_ORIGIN="https://city.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )
    allowed = {m.strip() for m in response["Access-Control-Allow-Methods"].split(",")}
    assert (allowed, response["Access-Control-Allow-Headers"]) == (
        {"GET", "HEAD", "OPTIONS"},
        "accept, accept-language, if-modified-since, if-none-match",
    )


def test_pages_outside_the_api_send_no_cors_headers(client, world):
    response = client.get("/en/open-data/", HTTP_ORIGIN="https://city.example.org")
    assert "Access-Control-Allow-Origin" not in response


def test_the_root_lists_every_collection(client, world):
    root = client.get("/api/v1/").json()
    assert [client.get(root[key]).status_code for key in root if key.endswith("s")] == [200] * 10


def test_an_unknown_path_answers_in_json(client):
    response = client.get("/api/v1/cities/")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")


def test_a_missing_slash_is_explained(client):
    assert client.get("/api/v1/milestones").json() == {
        "detail": "Paths of the API end with a slash: /api/v1/milestones/"
    }


# --------------------------------------------------------------------------------------------
# The documentation page
# --------------------------------------------------------------------------------------------


def test_the_documentation_lists_every_operation(client, db):
    html = client.get("/api/v1/docs/").content.decode()
    schema = json.loads(client.get("/api/v1/schema/", {"format": "json"}).content)
    ids = [op["operationId"] for ops in schema["paths"].values() for op in ops.values()]
    assert [i for i in ids if f'id="op-{i}"' not in html] == []


def test_the_documentation_needs_no_inline_script_or_style(client, db):
    html = client.get("/api/v1/docs/").content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)|<style|\sstyle=", html)
    assert inline == []


def test_the_documentation_follows_the_language(client, db):
    html = client.get("/api/v1/docs/", HTTP_ACCEPT_LANGUAGE="el").content.decode()
    assert '<html lang="el">' in html
