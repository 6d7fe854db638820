"""The emails as a mail server receives them (aiosmtpd, started by the test): the subscription
flow end to end, the headers of each kind of email, batches over one connection."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from core.permissions import system_actor
from missions import services as mission_services
from notifications import emails, services
from notifications.models import Announcement, Delivery, Subscription
from tests.missions.factories import EditorFactory, MilestoneFactory, MunicipalityFactory

from .conftest import html_of, links_in, text_of
from .factories import SubscriptionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def city():
    return MunicipalityFactory(name_en="Kozani", name_el="Κοζάνη", slug="kozani")


def path_of(url: str) -> str:
    return urlsplit(url).path


def next_period() -> datetime.datetime:
    return services.week_start(timezone.now()) + datetime.timedelta(weeks=1, hours=1)


def test_the_subscription_flow_end_to_end(
    client, mail_server, city, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    settings.NOTIFICATIONS_SUBJECT_PREFIX = "[Mission] "
    # 1. The form sends a confirmation link, and nothing else.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/el/follow/",
            {"email": "anna@example.net", "city": "kozani", "frequency": "weekly"},
        )
    assert response.status_code == 302
    (confirmation,) = mail_server.messages
    assert mail_server.recipients == [["anna@example.net"]]
    assert confirmation["Subject"].strip().startswith("[Mission] ")  # unfolded
    assert "Κοζάνη" in confirmation["Subject"]
    assert confirmation["Content-Language"] == "el"
    assert confirmation["List-Unsubscribe"] is None
    (link,) = [url for url in links_in(confirmation) if "/confirm/" in url]
    assert link.startswith("https://portal.example.org/el/follow/confirm/")

    # 2. The link shows a button; the button confirms.
    assert client.get(path_of(link)).status_code == 200
    assert Subscription.objects.get().confirmed_at is None
    assert client.post(path_of(link)).status_code == 200
    assert Subscription.objects.get().confirmed_at is not None

    # 3. A milestone is added: the weekly digest tells it, in Greek, with one-click unsubscribe.
    with django_capture_on_commit_callbacks(execute=True):
        mission_services.milestone_create(
            acting_user=system_actor(),
            municipality=city,
            data={
                "title_en": "Energy office",
                "title_el": "Γραφείο ενέργειας",
                "date": datetime.date(2030, 5, 1),
            },
        )
    Announcement.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert services.digest_send(acting_user=system_actor(), moment=next_period()).sent == 1
    digest = mail_server.messages[1]
    assert digest.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in digest.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert "Γραφείο ενέργειας" in text_of(digest)
    assert '<html lang="el">' in html_of(digest)
    assert "https://portal.example.org/el/cities/kozani/#milestone-" in text_of(digest)
    assert digest["Content-Language"] == "el"
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert digest["Auto-Submitted"] == "auto-generated"
    unsubscribe = digest["List-Unsubscribe"].strip()  # unfolded
    assert unsubscribe.startswith("<https://portal.example.org/el/follow/unsubscribe/")
    assert unsubscribe.endswith("/>")

    # 4. The mail program's one-click POST unsubscribes and deletes the address.
    response = client.post(
        path_of(unsubscribe.strip("<>")),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    assert not Delivery.objects.exists()


def test_list_unsubscribe_offers_a_mailbox_when_there_is_one(mail_server, city, settings):
    settings.NOTIFICATIONS_UNSUBSCRIBE_MAILTO = "unsubscribe@portal.example.org"
    subscription = SubscriptionFactory(municipality=city)
    unsubscribe = services._unsubscribe(subscription, "en")
    message = emails.build(
        to=subscription.email,
        language="en",
        template="updates",
        subject="News",
        context={"updates": services.selectors.Updates(sections=[], total=0)},
        unsubscribe=unsubscribe,
    )
    assert emails.send_one(message)
    header = mail_server.messages[0]["List-Unsubscribe"].strip()
    web, mailbox = [target.strip() for target in header.split(",")]
    assert web == f"<{unsubscribe.url}>"
    assert mailbox.startswith("<mailto:unsubscribe@portal.example.org?subject=unsubscribe%20")


def test_a_batch_goes_over_one_connection(mail_server, city):
    for _ in range(5):
        SubscriptionFactory(municipality=city)
    MilestoneFactory(municipality=city)
    Announcement.objects.create(
        kind="milestone_added",
        municipality=city,
        milestone=city.milestones.get(),
    )
    Announcement.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert services.digest_send(acting_user=system_actor(), moment=next_period()).sent == 5
    assert len(mail_server.messages) == 5
    assert mail_server.connections == 1


def test_a_staff_reminder_as_received(mail_server, city):
    editor = EditorFactory(municipality=city, email="editor@kozani.example.org")
    moment = services.week_start(timezone.now()) + datetime.timedelta(hours=1)
    MilestoneFactory(
        municipality=city,
        title_en="Action plan",
        date=timezone.localdate(moment) - datetime.timedelta(days=90),
    )
    assert services.reminders_send(acting_user=system_actor(), moment=moment).sent == 1
    (message,) = mail_server.to(editor.email)
    assert message.get_content_type() == "multipart/alternative"
    assert "Action plan" in text_of(message) and "Action plan" in html_of(message)
    assert message["List-Unsubscribe"] is None  # work mail, not a list
    assert message["Content-Language"] == "el"  # Kozani reads Greek
