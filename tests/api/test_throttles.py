"""Per-client rate limits: an address without a token, a token with one; 429 beyond them."""

import pytest

from api.services import api_token_create
from tests.api.conftest import bearer

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

URL = "/api/v1/missions/"


@pytest.fixture
def rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anonymous": "3/minute", "token": "5/minute"},
    }


def statuses(client, n, **extra):
    return [client.get(URL, **extra).status_code for _ in range(n)]


def test_an_anonymous_client_is_limited(client, db, rates):
    assert statuses(client, 4) == [200, 200, 200, 429]


def test_the_answer_says_when_to_come_back(client, db, rates):
    statuses(client, 3)
    response = client.get(URL)
    assert (
        response.json()["detail"].startswith("Request was throttled"),
        response.has_header("Retry-After"),
    ) == (True, True)


def test_each_address_counts_alone(client, db, rates):
    statuses(client, 3)
    assert client.get(URL, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_forged_forwarded_header_gains_nothing(client, db, rates):
    codes = [client.get(URL, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(4)]
    assert codes[-1] == 429


def test_a_token_has_its_own_limit(client, kozani_editor, rates):
    _token, key = api_token_create(acting_user=kozani_editor, name="Website")
    statuses(client, 3)
    assert statuses(client, 6, **bearer(key)) == [200] * 5 + [429]


def test_an_empty_rate_means_no_limit(client, db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anonymous": None, "token": None},
    }
    assert set(statuses(client, 20)) == {200}
