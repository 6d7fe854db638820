"""The follow form and the pages the links in emails open."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from notifications import tokens
from notifications.models import Subscription
from tests.missions.factories import MunicipalityFactory

from .factories import SubscriptionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

FOLLOW = "/en/follow/"


@pytest.fixture
def city():
    return MunicipalityFactory(name_en="Kozani", slug="kozani")


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def post(data, *, path=FOLLOW, ip="203.0.113.7", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data, REMOTE_ADDR=ip, **extra)

    return post


def sign_up(city, email="anna@example.net", frequency="weekly"):
    return {"email": email, "city": city.slug if city else "", "frequency": frequency}


class TestFollowPage:
    def test_the_form_offers_published_cities_and_the_whole_portal(self, client, city):
        MunicipalityFactory(name_en="Hidden town", is_published=False)
        html = client.get(FOLLOW).content.decode()
        assert 'value="kozani"' in html
        assert "The whole portal: every city" in html
        assert "Hidden town" not in html
        assert '<html lang="en">' in html

    def test_a_city_page_link_chooses_its_city(self, client, city):
        html = client.get(f"{FOLLOW}?city=kozani").content.decode()
        assert '<option value="kozani" selected>' in html

    def test_the_page_runs_the_same_queries_however_many_cities(self, client):
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(FOLLOW).status_code == 200
            return len(queries)

        MunicipalityFactory()
        few = count()
        for _ in range(30):
            MunicipalityFactory()
        assert count() == few

    def test_signing_up_sends_a_link_and_shows_where_it_went(self, client, post, city):
        response = post(sign_up(city))
        assert response.status_code == 302
        assert response["Location"] == "/en/follow/sent/"
        assert Subscription.objects.get().confirmed_at is None
        assert len(mail.outbox) == 1
        assert "Check your inbox" in client.get(response["Location"]).content.decode()

    def test_known_and_unknown_addresses_get_the_same_answer(self, post, city):
        SubscriptionFactory(email="known@example.net", municipality=city)
        known = post(sign_up(city, "known@example.net"))
        unknown = post(sign_up(city, "unknown@example.net"))
        assert (known.status_code, known["Location"], known.content) == (
            unknown.status_code,
            unknown["Location"],
            unknown.content,
        )
        assert len(mail.outbox) == 2

    def test_the_sign_up_language_is_the_pages(self, post, city):
        post(sign_up(city), path="/pl/follow/")
        assert Subscription.objects.get().language == "pl"
        assert "/pl/follow/confirm/" in mail.outbox[0].body

    def test_bad_input_gets_a_message_and_changes_nothing(self, post, city):
        hidden = MunicipalityFactory(slug="hidden", is_published=False)
        response = post({"email": "anna@", "city": hidden.slug, "frequency": "hourly"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Enter a valid email address." in html
        assert "Choose a city from the list." in html
        assert 'href="#id_frequency_0"' in html
        assert not Subscription.objects.exists() and not mail.outbox

    def test_bots_filling_the_hidden_field_are_sent_nothing(self, post, city):
        response = post({**sign_up(city), "website": "http://spam.example"})
        assert response.status_code == 302
        assert not Subscription.objects.exists() and not mail.outbox

    def test_sign_ups_are_limited_per_ip_address(self, post, city, settings):
        settings.NOTIFICATIONS_SIGNUP_RATE = (2, 600)
        assert post(sign_up(city, "a@example.net")).status_code == 302
        assert post(sign_up(city, "b@example.net")).status_code == 302
        limited = post(sign_up(city, "c@example.net"))
        assert limited.status_code == 429
        assert "Too many sign-ups" in limited.content.decode()
        assert post(sign_up(city, "c@example.net"), ip="203.0.113.8").status_code == 302
        assert len(mail.outbox) == 3


class TestConfirmPage:
    def test_the_link_shows_a_button_that_confirms(self, client, city):
        subscription = SubscriptionFactory(municipality=city, confirmed_at=None)
        token = tokens.confirm_token(subscription=subscription, frequency="immediate")
        path = f"/en/follow/confirm/{token}/"
        page = client.get(path)
        assert page.status_code == 200
        assert "Kozani" in page.content.decode()
        subscription.refresh_from_db()
        assert subscription.confirmed_at is None  # opening the link confirms nothing
        confirmed = client.post(path)
        assert confirmed.status_code == 200
        assert "You are following" in confirmed.content.decode()
        subscription.refresh_from_db()
        assert subscription.confirmed_at is not None and subscription.frequency == "immediate"

    def test_a_broken_link_says_so(self, client):
        response = client.get("/en/follow/confirm/1.abc.weekly:xyz:nope/")
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()


class TestUnsubscribePage:
    def path(self, subscription, language="en"):
        token = tokens.unsubscribe_token(subscription=subscription)
        return f"/{language}/follow/unsubscribe/{token}/"

    def test_the_link_asks_before_unsubscribing(self, client, city):
        subscription = SubscriptionFactory(municipality=city)
        page = client.get(self.path(subscription))
        assert page.status_code == 200
        assert "Kozani" in page.content.decode()
        assert Subscription.objects.filter(pk=subscription.pk).exists()

    def test_the_button_unsubscribes_and_deletes_the_address(self, city):
        subscription = SubscriptionFactory(municipality=city)
        client = Client(enforce_csrf_checks=True)  # one-click POSTs carry no CSRF token
        response = client.post(
            self.path(subscription),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert "You have unsubscribed" in response.content.decode()
        assert not Subscription.objects.filter(email=subscription.email).exists()

    def test_unsubscribing_twice_is_not_an_error(self, client, city):
        subscription = SubscriptionFactory(municipality=city)
        path = self.path(subscription)
        client.post(path)
        assert client.post(path).status_code == 200
        assert client.get(path).status_code == 200

    def test_an_altered_link_changes_nothing(self, client, city):
        subscription = SubscriptionFactory(municipality=city)
        response = client.post(self.path(subscription)[:-3] + "x/")
        assert response.status_code == 400
        assert Subscription.objects.filter(pk=subscription.pk).exists()
