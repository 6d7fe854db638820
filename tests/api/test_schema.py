"""The API checked against its own OpenAPI schema by a schema-driven tester (schemathesis, in
process against the WSGI application): every operation, with generated valid and invalid
requests, must answer only documented statuses, content types, headers and bodies."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from api.schema import generated_schema

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

# The schema the API serves at /api/v1/schema/ (the same function builds it), with its calls
# made in process to the WSGI application.
schema = schemathesis.openapi.from_dict(generated_schema("en"))
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def same_connection():
    """As Django's test client does: the end of a request must not close the database
    connection that holds the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def unlimited(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anonymous": None, "token": None},
    }


def test_the_served_schema_is_the_one_tested(client, db):
    assert client.get("/api/v1/schema/", {"format": "json"}).json() == generated_schema("en")


@schema.parametrize()
@hypothesis_settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same requests on every run (and no example database on disk)
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema(case, world, token_key):
    # A write the schema allows may still break a rule no schema can say (an unknown city, a
    # title the city already has): that 400 is expected, so writes skip "positive data is
    # accepted". Every other check applies to every operation.
    writes = case.method in ("POST", "PUT", "PATCH")
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token_key}"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance] if writes else None,
    )


# --------------------------------------------------------------------------------------------
# Every documented status, produced on purpose and held to the schema
# --------------------------------------------------------------------------------------------

DOCUMENTED = sorted(
    (method.upper(), path, status)
    for path, operations in generated_schema("en")["paths"].items()
    for method, operation in operations.items()
    for status in operation["responses"]
)


def _path_parameters(path: str, world, *, missing: bool = False) -> dict:
    known = {
        "/api/v1/municipalities/{slug}/": {"slug": "kozani"},
        "/api/v1/missions/{slug}/": {"slug": "greek-mission"},
        "/api/v1/networks/{slug}/": {"slug": "ilektron"},
        "/api/v1/consultations/{slug}/": {"slug": "kozani-transport"},
        "/api/v1/consultations/{slug}/results/": {"slug": "kozani-transport"},
        "/api/v1/twinnings/{id}/": {"id": world["twinning"].pk},
        "/api/v1/milestones/{id}/": {"id": world["milestone"].pk},
    }.get(path, {})
    if missing:
        unknown = {"slug": "results-later" if "results" in path else "atlantis", "id": 999999}
        return {name: unknown[name] for name in known}
    return known


def _valid_body(method: str) -> dict | None:
    if method == "POST":
        return {"municipality": "kozani", "date": "2025", "title_en": "New", "status": "upcoming"}
    if method == "PUT":
        return {
            "municipality": "kozani",
            "date": "2023-10",
            "title_en": "Renamed",
            "status": "delayed",
        }
    if method == "PATCH":
        return {"status": "delayed"}
    return None


def _request(method, path, status, world, key, palaio_faliro_milestone) -> dict:
    """The request that answers ``status`` (keyword arguments of ``operation.Case``)."""
    good = {"Authorization": f"Bearer {key}"}
    body = _valid_body(method)
    request = {"path_parameters": _path_parameters(path, world), "headers": good}
    if body is not None:
        request["body"] = body
    if status == "400":
        if method == "GET":
            request["query"] = {"lang": "xx"}
        else:
            request["body"] = {**(body or {}), "date": "soon"}
    elif status == "401":
        request["headers"] = {"Authorization": "Bearer cmp_unknown"}
    elif status == "403":
        if method == "POST":
            request["body"] = {**body, "municipality": "palaio-faliro"}
        else:
            request["path_parameters"] = {"id": palaio_faliro_milestone.pk}
    elif status == "404":
        if "{" in path:
            request["path_parameters"] = _path_parameters(path, world, missing=True)
        else:
            request["query"] = {"page": 999}
    elif status == "406":
        request["headers"] = {**good, "Accept": "text/html"}
    elif status == "415":
        request["headers"] = {**good, "Content-Type": "text/plain"}
        request["body"] = "status=delayed"
        request["media_type"] = "text/plain"
    return request


@pytest.mark.parametrize("method,path,status", DOCUMENTED)
def test_every_documented_status_answers_as_documented(
    method, path, status, world, token_key, settings
):
    from tests.missions.factories import MilestoneFactory

    theirs = MilestoneFactory(
        municipality=world["twinning"].participants.get(role="twin").municipality
    )
    operation = schema[path][method]
    request = _request(method, path, status, world, token_key, theirs)
    if status == "429":
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anonymous": "1/minute", "token": "1/minute"},
        }
        operation.Case(**request).call()
    if status == "304":
        first = operation.Case(**request).call()
        request["headers"] = {**request["headers"], "If-None-Match": first.headers["etag"][0]}
    media_type = request.pop("media_type", None)
    case = (
        operation.Case(**request, media_type=media_type)
        if media_type
        else operation.Case(**request)
    )
    response = case.call()
    assert response.status_code == int(status), response.text[:300]
    operation.validate_response(response)
