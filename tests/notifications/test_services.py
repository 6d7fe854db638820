"""Subscriptions, announcements, update emails, staff reminders and report emails, through the
services (emails to Django's in-memory outbox; tests/notifications/test_emails.py sends them
through a real SMTP server)."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.permissions import system_actor
from missions import services as mission_services
from missions.models import Milestone, MunicipalityRole
from notifications import services, tokens
from notifications.models import Announcement, Delivery, Subscription
from tests.accounts.factories import UserFactory
from tests.consultations.factories import ConsultationFactory
from tests.missions.factories import EditorFactory, MilestoneFactory, MunicipalityFactory

from .factories import SubscriptionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

DAY = datetime.timedelta(days=1)


@pytest.fixture
def actor():
    return system_actor()


@pytest.fixture
def city():
    return MunicipalityFactory(name_en="Kozani", name_el="Κοζάνη", slug="kozani")


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what waits for the commit (events, emails) as the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def period_start(weeks: int = 0) -> datetime.datetime:
    """An hour into the weekly period ``weeks`` from now's."""
    return services.week_start(timezone.now()) + datetime.timedelta(weeks=weeks, hours=1)


def request(commits, **kwargs):
    data = {"email": "anna@example.net", "municipality": None, "frequency": "weekly"}
    data["language"] = "en"
    data.update(kwargs)
    with commits():
        services.subscription_request(acting_user=None, **data)


def add_milestone(commits, city, **data):
    data = {"title_en": "Energy office opens", "date": datetime.date(2030, 1, 1), **data}
    with commits():
        return mission_services.milestone_create(
            acting_user=system_actor(), municipality=city, data=data
        )


def update_milestone(commits, milestone, **data):
    with commits():
        milestone = Milestone.objects.get(pk=milestone.pk)
        return mission_services.milestone_update(
            acting_user=system_actor(), milestone=milestone, data=data
        )


def settle(moment=None):
    """Announcements are sent once they are older than the settling delay."""
    Announcement.objects.update(created_at=(moment or timezone.now()) - datetime.timedelta(hours=1))


# --------------------------------------------------------------------------------------------
# Signing up
# --------------------------------------------------------------------------------------------


class TestSubscriptionRequest:
    def test_a_new_address_gets_a_confirmation_link_and_is_kept_unconfirmed(self, commits, city):
        request(commits, email=" Anna@Example.NET ", municipality=city, language="el")
        subscription = Subscription.objects.get()
        assert subscription.email == "anna@example.net"
        assert subscription.confirmed_at is None and subscription.language == "el"
        (message,) = mail.outbox
        assert message.to == ["anna@example.net"]
        assert "/el/follow/confirm/" in message.body
        assert "List-Unsubscribe" not in message.extra_headers  # nobody is subscribed yet

    def test_an_address_that_already_follows_gets_one_email_and_nothing_changes(
        self, commits, city
    ):
        subscription = SubscriptionFactory(email="anna@example.net", municipality=city)
        request(commits, email="ANNA@example.net", municipality=city, frequency="immediate")
        assert Subscription.objects.get().frequency == "weekly"
        (message,) = mail.outbox
        assert "already" in message.subject
        # The email offers the change it was asked for, and a way out.
        assert "/en/follow/confirm/" in message.body
        unsubscribe = tokens.unsubscribe_token(subscription=subscription)
        assert f"/en/follow/unsubscribe/{unsubscribe}/" in message.body

    def test_known_and_unknown_addresses_cost_one_email_each(self, commits, city):
        SubscriptionFactory(email="known@example.net", municipality=city)
        request(commits, email="known@example.net", municipality=city)
        request(commits, email="unknown@example.net", municipality=city)
        assert [message.to for message in mail.outbox] == [
            ["known@example.net"],
            ["unknown@example.net"],
        ]

    def test_an_unconfirmed_address_asking_again_gets_a_link_for_what_it_asks_now(
        self, commits, city
    ):
        request(commits, municipality=city, frequency="weekly")
        request(commits, municipality=city, frequency="immediate", language="pl")
        subscription = Subscription.objects.get()
        assert (subscription.frequency, subscription.language) == ("immediate", "pl")
        assert len(mail.outbox) == 2

    def test_emails_to_one_address_are_limited(self, commits, city, settings):
        settings.NOTIFICATIONS_ADDRESS_RATE = (2, 600)
        for _ in range(3):
            request(commits, municipality=city)
        assert len(mail.outbox) == 2

    def test_the_audit_log_keeps_no_copy_of_the_address(self, commits, city):
        from core.models import AuditEntry

        request(commits, municipality=city, email="staff@example.net")
        subscription = Subscription.objects.get()
        token = tokens.confirm_token(subscription=subscription, frequency="weekly")
        services.subscription_confirm(acting_user=EditorFactory(municipality=city), token=token)
        unsubscribe = tokens.unsubscribe_token(subscription=subscription)
        services.subscription_unsubscribe(acting_user=EditorFactory(), token=unsubscribe)
        assert not AuditEntry.objects.filter(object_repr__contains="staff@example.net").exists()
        assert "staff@example.net" not in str(list(AuditEntry.objects.values_list("changes")))

    def test_a_bad_address_changes_nothing(self, commits):
        with pytest.raises(ValidationError):
            request(commits, email="not an address")
        assert not Subscription.objects.exists() and not mail.outbox

    def test_an_unpublished_city_cannot_be_followed(self, commits):
        hidden = MunicipalityFactory(is_published=False)
        with pytest.raises(ValidationError):
            request(commits, municipality=hidden)
        assert not Subscription.objects.exists() and not mail.outbox


class TestConfirm:
    def test_confirming_starts_after_what_was_already_announced(self, commits, city):
        add_milestone(commits, city)
        request(commits, municipality=city)
        token = tokens.confirm_token(subscription=Subscription.objects.get(), frequency="weekly")
        subscription = services.subscription_confirm(acting_user=None, token=token)
        assert subscription.confirmed_at is not None
        assert subscription.last_announcement_id == Announcement.objects.get().pk

    def test_the_link_in_an_already_following_email_changes_the_frequency(self, city):
        subscription = SubscriptionFactory(municipality=city, last_announcement_id=7)
        token = tokens.confirm_token(subscription=subscription, frequency="immediate")
        services.subscription_confirm(acting_user=None, token=token)
        subscription.refresh_from_db()
        assert (subscription.frequency, subscription.last_announcement_id) == ("immediate", 7)

    def test_the_link_of_a_deleted_subscription_does_nothing(self, city):
        subscription = SubscriptionFactory(municipality=city, confirmed_at=None)
        token = tokens.confirm_token(subscription=subscription, frequency="weekly")
        subscription.delete()
        with pytest.raises(tokens.InvalidToken):
            services.subscription_confirm(acting_user=None, token=token)


class TestUnsubscribe:
    def test_unsubscribing_deletes_the_address(self, city):
        subscription = SubscriptionFactory(municipality=city)
        token = tokens.unsubscribe_token(subscription=subscription)
        assert services.subscription_unsubscribe(acting_user=None, token=token).municipality == city
        assert not Subscription.objects.filter(email=subscription.email).exists()
        assert services.subscription_unsubscribe(acting_user=None, token=token) is None

    def test_expired_sign_ups_are_deleted(self, actor, settings):
        settings.NOTIFICATIONS_CONFIRM_DAYS = 3
        old = timezone.now() - 4 * DAY
        expired = SubscriptionFactory(confirmed_at=None, requested_at=old)
        waiting = SubscriptionFactory(confirmed_at=None)
        confirmed = SubscriptionFactory(requested_at=old)
        assert services.subscriptions_purge(acting_user=actor) == 1
        remaining = set(Subscription.objects.values_list("pk", flat=True))
        assert remaining == {waiting.pk, confirmed.pk}
        assert expired.pk not in remaining

    def test_only_the_system_runs_the_jobs(self):
        with pytest.raises(PermissionDenied):
            services.subscriptions_purge(acting_user=UserFactory())


# --------------------------------------------------------------------------------------------
# Announcements
# --------------------------------------------------------------------------------------------


class TestAnnouncements:
    def test_a_milestone_added_to_a_published_city_is_announced(self, commits, city):
        milestone = add_milestone(commits, city)
        announcement = Announcement.objects.get()
        assert (announcement.kind, announcement.milestone) == ("milestone_added", milestone)

    def test_milestones_of_unpublished_cities_are_not_announced(self, commits):
        add_milestone(commits, MunicipalityFactory(is_published=False))
        assert not Announcement.objects.exists()

    def test_a_change_followers_notice_is_announced_with_the_status_before(self, commits, city):
        milestone = add_milestone(commits, city)
        update_milestone(commits, milestone, position=4)  # not news
        update_milestone(commits, milestone, status="completed")
        changed = Announcement.objects.get(kind="milestone_changed")
        assert changed.changes["status"] == ["upcoming", "completed"]
        assert Announcement.objects.count() == 2

    def test_a_translated_title_changed_is_announced_with_its_field(self, commits, city):
        milestone = add_milestone(commits, city)
        update_milestone(commits, milestone, title_el="Ανοίγει το γραφείο ενέργειας")
        changed = Announcement.objects.get(kind="milestone_changed")
        assert changed.changes == {"fields": ["title_el"]}

    def test_a_milestone_added_and_changed_in_one_transaction_is_announced_once(
        self, commits, city
    ):
        with commits(), transaction.atomic():
            milestone = mission_services.milestone_create(
                acting_user=system_actor(),
                municipality=city,
                data={"title_en": "Energy office", "date": datetime.date(2030, 1, 1)},
            )
            mission_services.milestone_update(
                acting_user=system_actor(),
                milestone=milestone,
                data={"title_en": "Energy office opens", "status": "completed"},
            )
        announcement = Announcement.objects.get()
        assert announcement.kind == "milestone_added"
        assert {"title_en", "status"} <= set(announcement.changes["fields"])

    def test_a_write_undone_by_a_savepoint_is_not_announced(self, commits, city):
        with commits(), transaction.atomic():
            kept = mission_services.milestone_create(
                acting_user=system_actor(),
                municipality=city,
                data={"title_en": "Kept", "date": datetime.date(2030, 1, 1)},
            )
            try:
                with transaction.atomic():
                    mission_services.milestone_create(
                        acting_user=system_actor(),
                        municipality=city,
                        data={"title_en": "Undone", "date": datetime.date(2030, 1, 1)},
                    )
                    mission_services.milestone_update_status(
                        milestone=kept, status="completed", acting_user=system_actor()
                    )
                    raise RuntimeError("the import failed here")
            except RuntimeError:
                pass
        announcement = Announcement.objects.get()
        assert (announcement.milestone, announcement.kind) == (kept, "milestone_added")

    def test_an_import_is_announced_in_two_queries_a_chunk_however_large(
        self, city, django_capture_on_commit_callbacks, monkeypatch
    ):
        """A chunk at a time (an import of 100,000 milestones took 400 MB to announce at once):
        a look-up and an insert per chunk, in one transaction."""
        monkeypatch.setattr(services, "ANNOUNCE_CHUNK", 25)

        def queries_to_announce(count: int) -> int:
            milestones = [
                Milestone(
                    municipality=city,
                    title_en=f"Imported {count} {n}",
                    date=datetime.date(2030, 1, 1),
                )
                for n in range(count)
            ]
            for milestone in milestones:
                milestone.full_clean()
            with django_capture_on_commit_callbacks() as callbacks:
                mission_services.milestones_write_many(
                    acting_user=system_actor(), created=milestones, updated=[], update_fields=[]
                )
            with CaptureQueriesContext(connection) as queries:
                for callback in callbacks:
                    callback()
            return len([q for q in queries if "SAVEPOINT" not in q["sql"]])

        assert queries_to_announce(3) == queries_to_announce(25) == 2
        assert queries_to_announce(60) == 2 * 3
        assert Announcement.objects.count() == 3 + 25 + 60

    def test_consultations_opening_and_closing_are_announced_once(self, actor, city):
        now = timezone.now()
        open_now = ConsultationFactory(municipality=city)
        closed = ConsultationFactory(municipality=city, opens_at=now - 9 * DAY, closes_at=now - DAY)
        staff_only = ConsultationFactory(
            municipality=city,
            opens_at=now - 9 * DAY,
            closes_at=now - DAY,
            results_visibility="staff_only",
        )
        ConsultationFactory(municipality=city, is_published=False)
        ConsultationFactory(municipality=city, opens_at=now - 90 * DAY, closes_at=now - 60 * DAY)
        assert services.announcements_collect(acting_user=actor) == 4
        assert services.announcements_collect(acting_user=actor) == 0
        told = set(Announcement.objects.values_list("consultation", "kind"))
        assert told == {
            (open_now.pk, "consultation_opened"),
            (closed.pk, "consultation_closed"),
            (closed.pk, "results_published"),
            (staff_only.pk, "consultation_closed"),
        }


# --------------------------------------------------------------------------------------------
# Update emails
# --------------------------------------------------------------------------------------------


class TestImmediateUpdates:
    def test_news_is_sent_once_in_one_email(self, commits, actor, city):
        subscription = SubscriptionFactory(municipality=city, frequency="immediate")
        first = add_milestone(commits, city, title_en="Energy office opens")
        add_milestone(commits, city, title_en="Solar roofs on schools")
        update_milestone(commits, first, status="completed")
        settle()
        assert services.immediate_send(acting_user=actor).sent == 1
        assert services.immediate_send(acting_user=actor).sent == 0
        (message,) = mail.outbox
        assert message.to == [subscription.email]
        assert message.body.count("Energy office opens") == 1  # added, then completed: once
        assert "New milestone: Energy office opens" in message.body
        assert "Completed" in message.body
        assert "Solar roofs on schools" in message.body

    def test_weekly_subscribers_wait_for_their_digest(self, commits, actor, city):
        SubscriptionFactory(municipality=city, frequency="weekly")
        add_milestone(commits, city)
        settle()
        assert services.immediate_send(acting_user=actor).sent == 0

    def test_news_settling_in_the_database_waits_for_the_next_run(self, commits, actor, city):
        SubscriptionFactory(municipality=city, frequency="immediate")
        add_milestone(commits, city)
        assert services.immediate_send(acting_user=actor).sent == 0
        settle()
        assert services.immediate_send(acting_user=actor).sent == 1

    def test_news_of_a_city_unpublished_since_is_not_sent(self, commits, actor, city):
        SubscriptionFactory(municipality=None, frequency="immediate")
        add_milestone(commits, city)
        settle()
        city.is_published = False
        city.save()
        assert services.immediate_send(acting_user=actor).sent == 0
        assert not mail.outbox

    def test_the_whole_portal_gets_each_citys_news_under_its_name(self, commits, actor, city):
        SubscriptionFactory(municipality=None, frequency="immediate", language="el")
        other = MunicipalityFactory(name_en="Warsaw", name_el="Βαρσοβία")
        add_milestone(commits, city, title_en="Energy office opens", title_el="Γραφείο ενέργειας")
        add_milestone(commits, other, title_en="Tram line", title_el="Γραμμή τραμ")
        settle()
        services.immediate_send(acting_user=actor)
        (message,) = mail.outbox
        assert "Κοζάνη" in message.body and "Βαρσοβία" in message.body
        assert "Γραφείο ενέργειας" in message.body and "Γραμμή τραμ" in message.body
        assert "/el/cities/kozani/#milestone-" in message.body
        assert message.extra_headers["Content-Language"] == "el"


class TestDigests:
    def test_a_digest_is_sent_once_per_period(self, commits, actor, city):
        SubscriptionFactory(municipality=city)
        add_milestone(commits, city)
        settle()
        moment = period_start(weeks=1)
        assert services.digest_send(acting_user=actor, moment=moment).sent == 1
        add_milestone(commits, city, title_en="Tram line")
        settle()
        # Later in the same period: nothing more, however often the job runs.
        later = moment + 2 * DAY
        assert services.digest_send(acting_user=actor, moment=later).sent == 0
        assert services.digest_send(acting_user=actor, moment=later).sent == 0
        # The next period tells what came since.
        assert services.digest_send(acting_user=actor, moment=period_start(weeks=2)).sent == 1
        first, second = mail.outbox
        assert "Energy office opens" in first.body and "Tram line" not in first.body
        assert "Tram line" in second.body and "Energy office opens" not in second.body

    def test_news_after_the_period_began_waits_for_the_next_digest(self, commits, actor, city):
        SubscriptionFactory(municipality=city)
        add_milestone(commits, city)
        settle(period_start(weeks=0))  # made an hour into this period
        assert services.digest_send(acting_user=actor, moment=period_start(weeks=0)).sent == 0
        assert services.digest_send(acting_user=actor, moment=period_start(weeks=1)).sent == 1

    def test_a_refused_email_is_sent_at_the_next_run(self, commits, actor, city, settings):
        SubscriptionFactory(municipality=city)
        add_milestone(commits, city)
        settle()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
        moment = period_start(weeks=1)
        assert services.digest_send(acting_user=actor, moment=moment) == services.Sent(0, 1)
        assert not Delivery.objects.exists()
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert services.digest_send(acting_user=actor, moment=moment).sent == 1
        assert "Energy office opens" in mail.outbox[0].body

    def test_queries_per_batch_do_not_grow_with_the_batch(self, commits, actor):
        def run(subscribers: int) -> int:
            cities = [MunicipalityFactory() for _ in range(3)]
            for n in range(subscribers):
                SubscriptionFactory(municipality=cities[n % 3] if n % 4 else None)
            for city in cities:
                add_milestone(commits, city)
            ConsultationFactory(municipality=cities[0])
            services.announcements_collect(acting_user=actor)
            settle()
            moment = period_start(weeks=1)
            with CaptureQueriesContext(connection) as queries:
                sent = services.digest_send(acting_user=actor, moment=moment, batch_size=1000)
            assert sent.sent == subscribers
            Subscription.objects.all().delete()
            Announcement.objects.all().delete()
            return len(queries)

        assert run(4) == run(40)


# --------------------------------------------------------------------------------------------
# Staff reminders
# --------------------------------------------------------------------------------------------


@pytest.fixture
def editor(city):
    return EditorFactory(municipality=city, email="editor@kozani.example.org")


def reminders(actor, moment):
    return services.reminders_send(acting_user=actor, moment=moment)


class TestReminders:
    def test_an_editor_is_reminded_once_per_period(self, actor, city, editor):
        moment = period_start()
        MilestoneFactory(municipality=city, date=timezone.localdate(moment) - 60 * DAY)
        assert reminders(actor, moment).sent == 1
        assert reminders(actor, moment + datetime.timedelta(hours=3)).sent == 0
        assert reminders(actor, period_start(weeks=1)).sent == 1
        assert [message.to for message in mail.outbox] == [[editor.email]] * 2

    def test_reminders_are_not_sent_mid_week(self, actor, city, editor):
        moment = period_start()
        MilestoneFactory(municipality=city, date=timezone.localdate(moment) - 60 * DAY)
        assert reminders(actor, moment + 2 * DAY).sent == 0

    def test_what_an_editor_is_reminded_of(self, actor, city, editor):
        moment = period_start()
        today = timezone.localdate(moment)
        month_ago = (today.replace(day=1) - DAY).replace(day=1)
        MilestoneFactory(municipality=city, title_en="Overdue plan", date=month_ago)
        MilestoneFactory(
            municipality=city, title_en="Done plan", date=month_ago, status="completed"
        )
        MilestoneFactory(  # this month: not over yet
            municipality=city, title_en="Month plan", date=today.replace(day=1)
        )
        MilestoneFactory(
            municipality=city,
            title_en="Translated",
            title_el="Μετάφραση",
            title_pl="Tłumaczenie",
            description_en="",
        )
        for title, closes_in in [("Closing survey", 3), ("Later survey", 30)]:
            ConsultationFactory(
                municipality=city,
                title_en=title,
                opens_at=moment - DAY,
                closes_at=moment + closes_in * DAY,
            )
        city.language = "en"  # Kozani's emails are in Greek by default
        city.save()
        reminders(actor, moment)
        (message,) = mail.outbox
        overdue, rest = message.body.split("Consultations closing within a week:")
        closing, untranslated = rest.split("texts are missing a translation:")
        assert "Overdue plan (" in overdue
        assert "Done plan (" not in overdue and "Month plan (" not in overdue
        assert "/admin/missions/milestone/" in overdue
        assert "Closing survey (closes" in closing and "Later survey" not in closing
        assert "Milestone: Month plan (Greek, Polish)" in untranslated
        assert "Milestone: Translated" not in untranslated

    def test_editors_with_nothing_to_do_and_other_accounts_get_nothing(self, actor, city, editor):
        moment = period_start()
        other = MunicipalityFactory()
        MilestoneFactory(
            municipality=other,
            date=timezone.localdate(moment) - 60 * DAY,
            title_el="Α",
            title_pl="B",
        )
        EditorFactory(municipality=other, is_active=False)
        official = UserFactory()
        MunicipalityRole.objects.create(user=official, municipality=other, role="official")
        assert reminders(actor, moment).sent == 0


# --------------------------------------------------------------------------------------------
# Progress reports
# --------------------------------------------------------------------------------------------


class TestReports:
    def report(self, city, **fields):
        from reports.models import ProgressReport

        return ProgressReport.objects.create(municipality=city, language="el", **fields)

    def test_whoever_requested_a_report_hears_when_it_is_ready(self, commits, city, media_root):
        from reports.services import report_render

        user = UserFactory(email="official@kozani.example.org")
        report = self.report(city, requested_by=user)
        with commits():
            report_render(report_id=report.pk)
        (message,) = mail.outbox
        assert message.to == [user.email]
        assert message.extra_headers["Content-Language"] == "el"
        assert f"/reports/{report.pk}/" in message.body
        assert "Κοζάνη" in message.subject

    def test_and_when_it_has_failed_for_good(self, commits, city):
        from reports.services import report_render

        user = UserFactory()
        report = self.report(city, requested_by=user, attempts=settings.REPORTS_MAX_ATTEMPTS)
        with commits():
            report_render(report_id=report.pk)
        (message,) = mail.outbox
        # In the report's language (Greek).
        assert "Δεν ήταν δυνατή η δημιουργία της αναφοράς προόδου σας" in message.subject
        assert "Κοζάνη" in message.subject
        assert "/el/reports/" in message.body

    def test_monthly_reports_are_requested_by_nobody(self, commits, city, media_root):
        from reports.services import report_render

        report = self.report(city)
        with commits():
            report_render(report_id=report.pk)
        assert not mail.outbox

    def test_a_report_is_told_once(self, city, actor):
        report = self.report(city, requested_by=UserFactory(), status="failed")
        assert services.report_finished_notify(acting_user=actor, report=report)
        assert not services.report_finished_notify(acting_user=actor, report=report)
        assert len(mail.outbox) == 1
