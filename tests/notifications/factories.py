import factory
from django.utils import timezone

from notifications import tokens
from notifications.models import Subscription
from tests.missions.factories import MunicipalityFactory


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """A confirmed subscription to one city, weekly, in English."""

    class Meta:
        model = Subscription

    email = factory.Sequence(lambda n: f"reader{n}@example.net")
    language = "en"
    municipality = factory.SubFactory(MunicipalityFactory)
    frequency = Subscription.Frequency.WEEKLY
    secret = factory.LazyFunction(tokens.new_secret)
    confirmed_at = factory.LazyFunction(timezone.now)
