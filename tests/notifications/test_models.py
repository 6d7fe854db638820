"""What the database holds to: one subscription per address and city (or the whole portal),
whatever the case of the address; one delivery per recipient, kind and period."""

import pytest
from django.db import IntegrityError, transaction

from notifications.models import Announcement, Delivery, Subscription
from tests.consultations.factories import ConsultationFactory
from tests.missions.factories import MunicipalityFactory

from .factories import SubscriptionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        SubscriptionFactory(**fields)


def test_an_address_follows_a_city_once_whatever_its_case():
    city = MunicipalityFactory()
    SubscriptionFactory(email="anna@example.net", municipality=city)
    refused(email="Anna@Example.NET", municipality=city)


def test_an_address_follows_the_whole_portal_once_whatever_its_case():
    SubscriptionFactory(email="anna@example.net", municipality=None)
    refused(email="ANNA@example.net", municipality=None)


def test_an_address_may_follow_several_cities_and_the_portal():
    SubscriptionFactory(email="anna@example.net")
    SubscriptionFactory(email="anna@example.net")
    SubscriptionFactory(email="anna@example.net", municipality=None)
    assert Subscription.objects.of_address("ANNA@example.net").count() == 3


def test_frequency_and_language_are_checked_by_the_database():
    refused(frequency="hourly")
    refused(language="de")


def test_a_delivery_is_claimed_once_per_subscription_kind_and_period():
    subscription = SubscriptionFactory()
    Delivery.objects.create(subscription=subscription, kind="digest", period="2025-W23")
    Delivery.objects.create(subscription=subscription, kind="digest", period="2025-W24")
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(subscription=subscription, kind="digest", period="2025-W23")


def test_a_delivery_has_exactly_one_recipient():
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(kind="digest", period="2025-W23")


def test_a_consultation_is_announced_opened_once():
    consultation = ConsultationFactory()
    fields = {
        "kind": Announcement.Kind.CONSULTATION_OPENED,
        "municipality": consultation.municipality,
        "consultation": consultation,
    }
    Announcement.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Announcement.objects.create(**fields)


def test_unsubscribing_forgets_what_was_sent_with_the_address():
    subscription = SubscriptionFactory()
    Delivery.objects.create(subscription=subscription, kind="digest", period="2025-W23")
    subscription.delete()
    assert not Delivery.objects.exists()
