"""Email updates and reminders: every write and every email of the notifications app.

Signing up never tells whether an address is known: ``subscription_request`` answers the same
and sends one email either way (a confirmation link, or "you already follow this"). The jobs
(``immediate_send``, ``digest_send``, ``reminders_send``) claim each email in the database
(a ``Delivery``, unique per recipient, kind and period) before sending it, in batches of a fixed
number of queries over one mail connection; a job that runs twice, or again after its worker
restarted, finds its claims and sends nothing twice. A message the mail server refuses gives its
claim back and is tried at the next run; a process killed mid-batch leaves claims without
``sent_at`` that are not tried again (an email at most once).
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, Max, OuterRef, Q, Value, When
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consultations.models import Consultation
from core import events, ratelimit
from core.models import language_codes
from core.permissions import acts_for_all
from core.services import model_delete, model_save
from missions.models import Milestone, Municipality, MunicipalityRole

from . import emails, selectors, tokens
from .models import Announcement, Delivery, Frequency, Subscription

logger = logging.getLogger(__name__)

# Announcements newer than this are left for the next run: an id is taken just before its row
# commits, so a smaller id could still be committing while a larger one is read.
SETTLING = datetime.timedelta(seconds=10)


def _check_system(acting_user) -> None:
    if not acts_for_all(acting_user):
        raise PermissionDenied(_("Only the system sends email updates."))


@dataclass
class Sent:
    """What a job did: emails accepted by the mail server, and those that will be tried again."""

    sent: int = 0
    failed: int = 0

    def __iadd__(self, other: Sent) -> Sent:
        self.sent += other.sent
        self.failed += other.failed
        return self


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------


def week_start(moment: datetime.datetime) -> datetime.datetime:
    """The start of the weekly period ``moment`` is in: the last NOTIFICATIONS_WEEKLY_AT
    (weekday, hour; Monday 07:00 by default) in the portal's time zone."""
    weekday, hour = settings.NOTIFICATIONS_WEEKLY_AT
    local = timezone.localtime(moment)
    start = local.replace(hour=hour, minute=0, second=0, microsecond=0) - datetime.timedelta(
        days=(local.weekday() - weekday) % 7
    )
    if start > local:
        start -= datetime.timedelta(days=7)
    # Rebuilt from the date, so a period that crosses a change of daylight saving time starts
    # at the same hour on the clock.
    return timezone.make_aware(datetime.datetime.combine(start.date(), datetime.time(hour)))


def week_period(moment: datetime.datetime) -> str:
    """The name of the weekly period ``moment`` is in: "2025-W23"."""
    year, week, _day = week_start(moment).isocalendar()
    return f"{year}-W{week:02d}"


def _last_settled_announcement(before: datetime.datetime) -> int:
    found = Announcement.objects.filter(created_at__lt=before).aggregate(last=Max("pk"))["last"]
    return found or 0


# --------------------------------------------------------------------------------------------
# Subscriptions
# --------------------------------------------------------------------------------------------


# A subscription belongs to an address, not to an account: it is written as nobody, whoever is
# signed in, so that the audit log (which records the writes of accounts and of the system)
# never keeps a copy of the address after it is unsubscribed.
NOBODY = None


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _target(municipality: Municipality | None) -> str:
    """What a subscription follows, in the active language."""
    if municipality is None:
        return _("the whole Climate Mission Portal")
    return municipality.name


def _unsubscribe(subscription: Subscription, language: str) -> emails.Unsubscribe:
    token = tokens.unsubscribe_token(subscription=subscription)
    return emails.Unsubscribe(
        url=emails.absolute_url("notifications:unsubscribe", language=language, token=token),
        token=token,
    )


def _request_email(*, subscription: Subscription, frequency: str, language: str, known: bool):
    """The one email a sign-up sends: a confirmation link, or (for an address that already
    follows this) what it receives now and links to change or stop it."""
    token = tokens.confirm_token(subscription=subscription, frequency=frequency)
    with translation.override(language):
        target = _target(subscription.municipality)
        context = {
            "target": target,
            "municipality": subscription.municipality,
            "confirm_url": emails.absolute_url(
                "notifications:confirm", language=language, token=token
            ),
            "frequency": Frequency(frequency).label,
            "current_frequency": Frequency(subscription.frequency).label,
            "changes_frequency": known and frequency != subscription.frequency,
            "days": settings.NOTIFICATIONS_CONFIRM_DAYS,
        }
        if known:
            subject = _("You already follow %(target)s") % {"target": target}
        else:
            subject = _("Confirm that you want to follow %(target)s") % {"target": target}
    return emails.build(
        to=subscription.email,
        language=language,
        template="already_subscribed" if known else "confirm",
        subject=subject,
        context=context,
        unsubscribe=_unsubscribe(subscription, language) if known else None,
    )


@transaction.atomic
def subscription_request(
    *,
    acting_user,
    email: str,
    municipality: Municipality | None,
    frequency: str,
    language: str,
) -> None:
    """Someone asks for updates about ``municipality`` (None: the whole portal) at ``email``.

    Whatever the address, the caller learns nothing: the same return, and one email rendered
    and sent once the transaction commits — a confirmation link for an address that does not
    follow this yet, or "you already follow this" (with a link to change the frequency) for one
    that does. The address is kept unconfirmed until the link is opened, and deleted
    NOTIFICATIONS_CONFIRM_DAYS later if it never is. Emails to one address are limited
    (NOTIFICATIONS_ADDRESS_RATE), so the form cannot be used to flood someone's mailbox."""
    email = normalise_email(email)
    validate_email(email)
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": _("Choose how often to receive updates.")})
    if municipality is not None and not municipality.is_published:
        raise ValidationError({"municipality": _("Choose a city from the list.")})
    if language not in language_codes():
        language = settings.LANGUAGE_CODE
    limit, window = settings.NOTIFICATIONS_ADDRESS_RATE
    address_key = ratelimit.fingerprint("notifications.address", email)
    if ratelimit.hit(f"follow-address:{address_key}", limit=limit, window=window):
        logger.info("Sign-up emails to one address paused by its rate limit")
        return

    def stored():
        return (
            Subscription.objects.select_for_update()
            .of_address(email)
            .filter(municipality=municipality)
            .first()
        )

    subscription = stored()
    if subscription is None:
        subscription = Subscription(
            email=email,
            language=language,
            municipality=municipality,
            frequency=frequency,
            secret=tokens.new_secret(),
        )
        try:
            with transaction.atomic():
                model_save(instance=subscription, acting_user=NOBODY)
        except (IntegrityError, ValidationError):
            # The same address signed up for the same thing at this very moment.
            subscription = stored()
            if subscription is None:
                raise
    elif subscription.confirmed_at is None:
        # Not confirmed yet: the latest request says what is wanted.
        subscription.language = language
        subscription.frequency = frequency
        subscription.requested_at = timezone.now()
        model_save(instance=subscription, acting_user=NOBODY)
    known = subscription.confirmed_at is not None
    message = _request_email(
        subscription=subscription, frequency=frequency, language=language, known=known
    )
    transaction.on_commit(lambda: emails.send_one(message))


def subscription_for_token(token: str, *, purpose: str) -> tuple[Subscription | None, str]:
    """The subscription a link names (None when it has been deleted since), and for a
    confirmation link the frequency it asks for. Raises ``tokens.InvalidToken`` for a link
    that is altered, not ours or expired."""
    if purpose == "confirm":
        data = tokens.read_confirm_token(token)
        if data.frequency not in Frequency.values:
            raise tokens.InvalidToken
        frequency = data.frequency
    else:
        data = tokens.read_unsubscribe_token(token)
        frequency = ""
    subscription = (
        Subscription.objects.select_related("municipality")
        .filter(pk=data.subscription_id, secret=data.secret)
        .first()
    )
    return subscription, frequency


@transaction.atomic
def subscription_confirm(*, acting_user, token: str) -> Subscription:
    """Open a confirmation link: the address follows from now on (only what happens from now
    on is sent to it), at the frequency the link asks for."""
    data = tokens.read_confirm_token(token)
    subscription = (
        Subscription.objects.select_for_update()
        .filter(pk=data.subscription_id, secret=data.secret)
        .first()
    )
    if subscription is None or data.frequency not in Frequency.values:
        raise tokens.InvalidToken
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.last_announcement_id = _last_settled_announcement(timezone.now() + SETTLING)
    subscription.frequency = data.frequency
    model_save(instance=subscription, acting_user=NOBODY)
    return subscription


@transaction.atomic
def subscription_unsubscribe(*, acting_user, token: str) -> Subscription | None:
    """Stop the emails of an unsubscribe link and delete the address. Returns the deleted
    subscription (None when it was already gone: unsubscribing twice is not an error)."""
    data = tokens.read_unsubscribe_token(token)
    subscription = (
        Subscription.objects.select_related("municipality")
        .select_for_update(of=("self",))
        .filter(pk=data.subscription_id, secret=data.secret)
        .first()
    )
    if subscription is not None:
        model_delete(instance=subscription, acting_user=NOBODY)
    return subscription


def subscriptions_purge(*, acting_user, moment: datetime.datetime | None = None) -> int:
    """Delete the addresses whose confirmation link expired unopened. Returns how many."""
    _check_system(acting_user)
    moment = moment or timezone.now()
    cutoff = moment - datetime.timedelta(days=settings.NOTIFICATIONS_CONFIRM_DAYS)
    deleted, _by_model = Subscription.objects.filter(
        confirmed_at__isnull=True, requested_at__lt=cutoff
    ).delete()
    return deleted


# --------------------------------------------------------------------------------------------
# Announcements: what followers are told
# --------------------------------------------------------------------------------------------

# What a follower notices of a milestone; other fields (its position, its kind) are not news.
# Texts by language: the untranslated field reads the active language's.
MILESTONE_NEWS = {"date", "date_precision", "status", "municipality_id"}
MILESTONE_NEWS |= {
    f"{name}_{code}" for name in ("title", "description") for code in language_codes()
}


@dataclass(frozen=True, slots=True)
class MilestoneChange:
    """A milestone write as its event told it, kept until its transaction commits. A creation
    keeps only the names of its fields (one small object per row: an import of 100,000 new
    milestones holds them all until it commits); a change keeps each field's before and after,
    to tell whether the database still holds it."""

    milestone_id: int
    created: bool
    fields: frozenset[str]  # the fields followers notice that the write wrote
    changes: dict | None = None  # a change's {field: (before, after)}; None for a creation

    def holds(self, stored: dict) -> bool:
        """Whether the milestone as committed (``stored``: its values by field) holds what this
        write wrote. A creation holds once the milestone exists (a later write may have changed
        its fields: that one is news)."""
        if self.created:
            return True
        return all(stored[name] == after for name, (_b, after) in self.changes.items())


# The sets of field names writes share (a few: the columns of an import, the fields of a form).
_field_sets: dict[frozenset[str], frozenset[str]] = {}


def milestone_change(*, milestone: Milestone, action: str, changes: dict) -> MilestoneChange | None:
    """What of a milestone write (``core.events``) followers would notice; no query."""
    if action not in (events.CREATE, events.UPDATE):
        return None
    news = {name: value for name, value in changes.items() if name in MILESTONE_NEWS}
    if action == events.UPDATE and not news:
        return None
    fields = frozenset(news)
    fields = _field_sets.setdefault(fields, fields)
    if action == events.CREATE:
        return MilestoneChange(milestone.pk, True, fields)
    return MilestoneChange(milestone.pk, False, fields, news)


# Milestones announced per round trip: an import's 100,000 announcements are made a chunk at a
# time, so memory does not grow with the import.
ANNOUNCE_CHUNK = 2000


def milestones_announce(changes: list[MilestoneChange]) -> int:
    """Announce the milestones added or changed by a committed transaction, a look-up and the
    inserts per ``ANNOUNCE_CHUNK`` milestones however many (an import writes thousands), all or
    none;
    several writes of one milestone make one announcement. Each is checked against the database,
    so that what a rolled-back savepoint undid is not announced: a milestone that is gone, or
    (for a change) whose fields hold what none of its writes wrote. Milestones of unpublished
    cities are not announced. Returns how many announcements were made."""
    by_milestone: dict[int, list[MilestoneChange]] = defaultdict(list)
    columns = {"pk", "municipality_id", "status"}
    for change in changes:
        by_milestone[change.milestone_id].append(change)
        if change.changes:
            columns.update(change.changes)
    ids = sorted(by_milestone)
    made = 0
    with transaction.atomic():
        for start in range(0, len(ids), ANNOUNCE_CHUNK):
            stored = (
                Milestone.objects.filter(
                    pk__in=ids[start : start + ANNOUNCE_CHUNK], municipality__is_published=True
                )
                .order_by("pk")
                .values(*columns)
            )
            new = [
                announcement
                for milestone in stored
                if (
                    announcement := _milestone_announcement(
                        milestone, by_milestone[milestone["pk"]]
                    )
                )
            ]
            Announcement.objects.bulk_create(new)
            made += len(new)
    return made


def _milestone_announcement(milestone: dict, writes: list[MilestoneChange]) -> Announcement | None:
    """The announcement of ``writes`` of one milestone (its stored values), or None when none
    of them is news any more."""
    created = any(write.created for write in writes)  # it exists: its creation committed
    kept = [n for n, write in enumerate(writes) if write.holds(milestone)]
    if not kept:
        return None
    writes = writes[: kept[-1] + 1]
    fields = sorted({name for write in writes for name in write.fields})
    recorded: dict = {"fields": fields}
    if not created:
        before = next((w.changes["status"][0] for w in writes if "status" in w.changes), None)
        if before and before != milestone["status"]:
            recorded["status"] = [before, milestone["status"]]
        elif fields == ["status"]:
            return None  # set back to what it was
    return Announcement(
        kind=Announcement.Kind.MILESTONE_ADDED if created else Announcement.Kind.MILESTONE_CHANGED,
        municipality_id=milestone["municipality_id"],
        milestone_id=milestone["pk"],
        changes=recorded,
    )


def announcements_collect(*, acting_user, moment: datetime.datetime | None = None) -> int:
    """Announce what the clock brought: published consultations that have opened, and those
    that closed within NOTIFICATIONS_LOOKBACK_DAYS, with their results when these are public
    (results made public later, within that time, are announced then). Each is announced once,
    whoever runs this and however often (a unique constraint). Returns how many."""
    _check_system(acting_user)
    moment = moment or timezone.now()
    since = moment - datetime.timedelta(days=settings.NOTIFICATIONS_LOOKBACK_DAYS)
    public = Consultation.objects.public()
    closed = public.filter(closes_at__lte=moment)
    wanted = [
        (Announcement.Kind.CONSULTATION_OPENED, public.open_at(moment), "opens_at"),
        (Announcement.Kind.CONSULTATION_CLOSED, closed.filter(closes_at__gt=since), "closes_at"),
        (
            Announcement.Kind.RESULTS_PUBLISHED,
            closed.filter(closes_at__gt=since).exclude(
                results_visibility=Consultation.ResultsVisibility.STAFF_ONLY
            ),
            "closes_at",
        ),
    ]
    new = []
    for kind, consultations, moment_field in wanted:
        told = Announcement.objects.filter(consultation=OuterRef("pk"), kind=kind)
        for consultation in consultations.exclude(Exists(told)).order_by(moment_field, "pk"):
            new.append(
                Announcement(
                    kind=kind,
                    municipality_id=consultation.municipality_id,
                    consultation=consultation,
                    happened_at=getattr(consultation, moment_field),
                )
            )
    Announcement.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# --------------------------------------------------------------------------------------------
# Updates to subscribers, as they happen or once a week
# --------------------------------------------------------------------------------------------


def _updates_email(subscription: Subscription, updates: selectors.Updates, *, digest: bool):
    lang = subscription.language
    for section in updates.sections:
        if not section.html:  # rendered once for every subscriber it is shared with
            section.text = render_to_string(
                f"{emails.TEMPLATES}/_section.txt", {"section": section}
            )
            section.html = render_to_string(
                f"{emails.TEMPLATES}/_section.html", {"section": section}
            )
    city = subscription.municipality
    if digest and city:
        subject = _("This week in %(city)s") % {"city": city.name}
    elif digest:
        subject = _("This week on the Climate Mission Portal")
    elif city:
        subject = _("News from %(city)s") % {"city": city.name}
    else:
        subject = _("News from the Climate Mission Portal")
    target = _target(city)
    return emails.build(
        to=subscription.email,
        language=lang,
        template="updates",
        subject=subject,
        context={
            "heading": subject,
            "target": target,
            "updates": updates,
            "more": updates.total - updates.shown,
            "frequency": subscription.get_frequency_display(),
            "follow_url": emails.page_url("notifications:follow", language=lang),
        },
        unsubscribe=_unsubscribe(subscription, lang),
    )


def _give_back(kind: str, period: str, subscription_ids: list[int], marks: dict, upto: int):
    """Claims of emails that were not sent: they are tried again at the next run."""
    if not subscription_ids:
        return
    restore = [pk for pk in subscription_ids if pk in marks]
    with transaction.atomic():
        if restore:
            Subscription.objects.filter(pk__in=restore, last_announcement_id=upto).update(
                last_announcement_id=Case(
                    *[When(pk=pk, then=Value(marks[pk])) for pk in restore],
                    default=Value(upto),
                )
            )
        Delivery.objects.filter(
            kind=kind, period=period, subscription_id__in=subscription_ids
        ).delete()


def _send_updates(*, frequency: str, kind: str, period: str, upto: int, batch_size: int) -> Sent:
    """Send ``frequency`` subscribers the announcements they have not been sent, up to id
    ``upto``, in batches: each a fixed number of queries and one mail connection."""
    result = Sent()
    new = Announcement.objects.filter(
        pk__gt=OuterRef("last_announcement_id"), pk__lte=upto, municipality__is_published=True
    )
    claimed = Delivery.objects.filter(subscription=OuterRef("pk"), kind=kind, period=period)
    candidates = (
        Subscription.objects.confirmed()
        .alias(
            has_news=Exists(new),
            has_city_news=Exists(new.filter(municipality_id=OuterRef("municipality_id"))),
        )
        .filter(frequency=frequency, last_announcement_id__lt=upto)
        .filter(
            Q(municipality__isnull=True, has_news=True)
            | Q(municipality__isnull=False, has_city_news=True)
        )
        .exclude(Exists(claimed))
    )
    after = 0
    while True:
        with transaction.atomic():
            batch = list(
                candidates.filter(pk__gt=after)
                .select_related("municipality")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            after = batch[-1].pk
            marks = {subscription.pk: subscription.last_announcement_id for subscription in batch}
            Subscription.objects.filter(pk__in=marks).update(last_announcement_id=upto)
            Delivery.objects.bulk_create(
                [Delivery(subscription=s, kind=kind, period=period) for s in batch]
            )
        by_city = selectors.announcements_for(batch, upto=upto)
        memo = selectors.UpdatesMemo()
        recipients, messages, empty = [], [], []
        for subscription in batch:
            with translation.override(subscription.language):
                updates = selectors.updates_for(subscription, by_city, memo)
                if not updates.sections:  # its news is no longer public
                    empty.append(subscription.pk)
                    continue
                messages.append(
                    _updates_email(subscription, updates, digest=kind == Delivery.Kind.DIGEST)
                )
            recipients.append(subscription.pk)
        accepted = emails.send_batch(messages)
        sent = [pk for pk, ok in zip(recipients, accepted, strict=True) if ok]
        failed = [pk for pk, ok in zip(recipients, accepted, strict=True) if not ok]
        Delivery.objects.filter(kind=kind, period=period, subscription_id__in=sent).update(
            sent_at=timezone.now()
        )
        _give_back(kind, period, failed, marks, upto)
        _give_back(kind, period, empty, {}, upto)
        result += Sent(sent=len(sent), failed=len(failed))
    return result


def immediate_send(
    *, acting_user, moment: datetime.datetime | None = None, batch_size: int | None = None
) -> Sent:
    """Send "as it happens" subscribers what was announced since their last email."""
    _check_system(acting_user)
    moment = moment or timezone.now()
    upto = _last_settled_announcement(moment - SETTLING)
    return _send_updates(
        frequency=Frequency.IMMEDIATE,
        kind=Delivery.Kind.IMMEDIATE,
        period=f"upto:{upto}",
        upto=upto,
        batch_size=batch_size or settings.NOTIFICATIONS_BATCH_SIZE,
    )


def digest_send(
    *, acting_user, moment: datetime.datetime | None = None, batch_size: int | None = None
) -> Sent:
    """Send weekly subscribers what was announced before this week's period began and since
    their last digest: at most one digest per subscriber and period, however often this runs
    (hourly, so that a missed run catches up)."""
    _check_system(acting_user)
    moment = moment or timezone.now()
    upto = _last_settled_announcement(min(week_start(moment), moment - SETTLING))
    return _send_updates(
        frequency=Frequency.WEEKLY,
        kind=Delivery.Kind.DIGEST,
        period=week_period(moment),
        upto=upto,
        batch_size=batch_size or settings.NOTIFICATIONS_BATCH_SIZE,
    )


# --------------------------------------------------------------------------------------------
# Reminders for staff
# --------------------------------------------------------------------------------------------


def _reminder_email(user, cities: list[selectors.CityReminder]):
    language = cities[0].municipality.reading_language
    with translation.override(language):
        names = ", ".join(str(city.municipality.name) for city in cities)
        subject = _("This week's reminders: %(cities)s") % {"cities": names}
        return emails.build(
            to=user.email,
            language=language,
            template="reminder",
            subject=subject,
            context={
                "user": user,
                "cities": cities,
                "listed": selectors.LISTED,
                "admin_url": emails.absolute("/admin/"),
            },
        )


def reminders_send(
    *, acting_user, moment: datetime.datetime | None = None, batch_size: int | None = None
) -> Sent:
    """Once a week, each editor (an active staff account with an editor role) gets one email
    with their cities' overdue milestones, consultations closing soon and texts missing a
    translation — when there is any. Sent within a day of the period's start (so a missed run
    catches up, but nobody gets a reminder mid-week), once per period."""
    _check_system(acting_user)
    moment = moment or timezone.now()
    if moment >= week_start(moment) + datetime.timedelta(days=1):
        return Sent()
    period = week_period(moment)
    kind = Delivery.Kind.REMINDER
    batch_size = batch_size or settings.NOTIFICATIONS_BATCH_SIZE
    editors = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .exclude(email="")
        .filter(
            Exists(
                MunicipalityRole.objects.filter(
                    user=OuterRef("pk"), role=MunicipalityRole.Role.EDITOR
                )
            )
        )
        .exclude(Exists(Delivery.objects.filter(user=OuterRef("pk"), kind=kind, period=period)))
    )
    result, after = Sent(), 0
    while True:
        with transaction.atomic():
            batch = list(
                editors.filter(pk__gt=after)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            after = batch[-1].pk
            reminders = selectors.reminders_for([user.pk for user in batch], moment=moment)
            due = [user for user in batch if reminders.get(user.pk)]
            Delivery.objects.bulk_create(
                [Delivery(user=user, kind=kind, period=period) for user in due]
            )
        messages = [_reminder_email(user, reminders[user.pk]) for user in due]
        accepted = emails.send_batch(messages)
        sent = [user.pk for user, ok in zip(due, accepted, strict=True) if ok]
        failed = [user.pk for user, ok in zip(due, accepted, strict=True) if not ok]
        Delivery.objects.filter(kind=kind, period=period, user_id__in=sent).update(
            sent_at=timezone.now()
        )
        Delivery.objects.filter(kind=kind, period=period, user_id__in=failed).delete()
        result += Sent(sent=len(sent), failed=len(failed))
    return result


# --------------------------------------------------------------------------------------------
# Progress reports
# --------------------------------------------------------------------------------------------

REPORT_MODEL = "reports.ProgressReport"


def report_finished_notify(*, acting_user, report) -> bool:
    """Tell whoever requested ``report`` (a ``reports.ProgressReport``, read through the
    instance only: this app does not import the reports app) that it is ready or has failed.
    Monthly reports were requested by nobody. Returns whether an email was sent."""
    _check_system(acting_user)
    status = report.status
    user = report.requested_by
    if status not in ("ready", "failed") or user is None or not user.is_active or not user.email:
        return False
    started = report.started_at.isoformat() if report.started_at else ""
    period = f"{report.pk}:{status}:{started}"[:80]
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(user=user, kind=Delivery.Kind.REPORT, period=period)
    except IntegrityError:
        return False  # told already
    language = report.language
    with translation.override(language):
        municipality = report.municipality.name
        if status == "ready":
            subject = _("Your progress report for %(city)s is ready") % {"city": municipality}
        else:
            subject = _("Your progress report for %(city)s could not be made") % {
                "city": municipality
            }
        message = emails.build(
            to=user.email,
            language=language,
            template=f"report_{status}",
            subject=subject,
            context={
                "municipality": municipality,
                "download_url": emails.absolute(report.get_download_url()),
                "reports_url": emails.absolute_url("reports:list", language=language),
            },
        )
    if emails.send_one(message):
        Delivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
        return True
    Delivery.objects.filter(pk=delivery.pk).delete()
    return False


# --------------------------------------------------------------------------------------------
# The jobs (beat's tasks and manage.py send_notifications)
# --------------------------------------------------------------------------------------------


def updates_job(*, acting_user) -> Sent:
    """Every few minutes: forget expired sign-ups, announce what the clock brought, send the
    "as it happens" emails."""
    subscriptions_purge(acting_user=acting_user)
    announcements_collect(acting_user=acting_user)
    return immediate_send(acting_user=acting_user)


def digests_job(*, acting_user) -> Sent:
    announcements_collect(acting_user=acting_user)
    return digest_send(acting_user=acting_user)
