"""Security headers and the Content Security Policy's report endpoint (core/middleware.py)."""

import json
import logging

import pytest

pytestmark = pytest.mark.django_db

REPORT = {
    "csp-report": {
        "document-uri": "https://portal.example.org/en/",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "blocked-uri": "inline",
        "line-number": 12,
    }
}


def test_every_response_has_a_permissions_policy(client):
    policy = client.get("/en/")["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy


def test_passkeys_stay_allowed_on_the_site_itself(client):
    policy = client.get("/en/accounts/login/")["Permissions-Policy"]
    assert "publickey-credentials-get=(self)" in policy


def test_the_policy_names_where_violations_are_reported(client):
    assert "report-uri /csp-report/" in client.get("/en/")["Content-Security-Policy"]


def test_a_violation_report_is_logged_and_answered_204(client, caplog):
    with caplog.at_level(logging.WARNING, logger="climateportal.csp"):
        response = client.post(
            "/csp-report/", json.dumps(REPORT), content_type="application/csp-report"
        )
    assert response.status_code == 204
    assert caplog.messages == [
        "CSP violation on https://portal.example.org/en/: script-src-elem blocked inline"
    ]


def test_reporting_api_reports_are_logged_too(client, caplog):
    body = [{"type": "csp-violation", "body": {"documentURL": "/en/", "blockedURL": "eval"}}]
    with caplog.at_level(logging.WARNING, logger="climateportal.csp"):
        client.post("/csp-report/", json.dumps(body), content_type="application/reports+json")
    assert caplog.messages == ["CSP violation on /en/:  blocked eval"]


def test_a_report_needs_no_csrf_token(client, caplog):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/csp-report/", json.dumps(REPORT), content_type="application/json")
    assert response.status_code == 204


def test_garbage_is_ignored(client, caplog):
    with caplog.at_level(logging.WARNING, logger="climateportal.csp"):
        response = client.post("/csp-report/", b"\xff\xfe not json", content_type="text/plain")
    assert response.status_code == 204
    assert caplog.messages == []


def test_an_oversized_report_is_refused(client):
    body = json.dumps({"csp-report": {"blocked-uri": "x" * 20_000}})
    assert client.post("/csp-report/", body, content_type="application/json").status_code == 400


def test_the_endpoint_takes_only_posts(client):
    assert client.get("/csp-report/").status_code == 405
