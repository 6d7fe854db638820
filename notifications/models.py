"""Email updates for citizens and reminders for staff.

A **Subscription** is an email address following one city, or the whole portal (no city). The
address is kept only while it is subscribed: an unconfirmed sign-up is deleted once its link
has expired, and unsubscribing deletes the row. Links in emails carry signed tokens made from
the row's id and its random ``secret`` (``notifications.tokens``), so a link dies with its row.

An **Announcement** is something followers are told about: a milestone added or changed, a
consultation opening or closing, results published. Each subscription remembers the last
announcement it was sent (``last_announcement_id``), so every announcement reaches it once.

A **Delivery** records an email claimed for sending before it is sent: unique per recipient,
kind and period, so no job, however often it runs or restarts, sends the same email twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.models import Consultation
from core.models import PortalModel, choices_constraint, language_constraint
from missions.models import Milestone, Municipality


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("As it happens")
    WEEKLY = "weekly", _("Once a week")


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self) -> SubscriptionQuerySet:
        return self.filter(confirmed_at__isnull=False)

    def of_address(self, email: str) -> SubscriptionQuerySet:
        return self.annotate(email_lower=Lower("email")).filter(email_lower=email.lower())


class Subscription(PortalModel):
    Frequency = Frequency

    email = models.EmailField(_("email address"), max_length=254)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("municipality"),
        help_text=_("Empty: the whole portal."),
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    # Part of every token for this row: a link stops working when its row is deleted, even if
    # a later row gets the same id.
    secret = models.CharField(max_length=32, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # When a confirmation was last asked for: an unconfirmed address is deleted once its link
    # has expired (NOTIFICATIONS_CONFIRM_DAYS after this).
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    last_announcement_id = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "municipality",
                condition=Q(municipality__isnull=False),
                name="subscription_unique_per_city",
                violation_error_message=_("This address already follows this city."),
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(municipality__isnull=True),
                name="subscription_unique_for_portal",
                violation_error_message=_("This address already follows the whole portal."),
            ),
            choices_constraint("frequency", Frequency, name="subscription_frequency_valid"),
            language_constraint("language", name="subscription_language_valid"),
        ]
        indexes = [models.Index(fields=["frequency", "confirmed_at"])]

    def __str__(self) -> str:
        return f"{self.email} · {self.municipality or _('whole portal')}"


class AnnouncementKind(models.TextChoices):
    MILESTONE_ADDED = "milestone_added", _("Milestone added")
    MILESTONE_CHANGED = "milestone_changed", _("Milestone changed")
    CONSULTATION_OPENED = "consultation_opened", _("Consultation opened")
    CONSULTATION_CLOSED = "consultation_closed", _("Consultation closed")
    RESULTS_PUBLISHED = "results_published", _("Results published")


class Announcement(PortalModel):
    Kind = AnnouncementKind

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # What changed, for a changed milestone: {"status": ["upcoming", "completed"]}, or the names
    # of other changed fields with no values.
    changes = models.JSONField(default=dict, blank=True)
    happened_at = models.DateTimeField(_("happened at"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        indexes = [models.Index(fields=["municipality", "id"])]
        constraints = [
            # What the clock announces (opening, closing, results) is announced once.
            models.UniqueConstraint(
                fields=["consultation", "kind"],
                condition=Q(consultation__isnull=False),
                name="announcement_once_per_consultation",
            ),
            choices_constraint("kind", AnnouncementKind, name="announcement_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.municipality}"


class DeliveryKind(models.TextChoices):
    IMMEDIATE = "immediate", _("Update")
    DIGEST = "digest", _("Weekly digest")
    REMINDER = "reminder", _("Staff reminder")
    REPORT = "report", _("Report finished")


class Delivery(PortalModel):
    Kind = DeliveryKind

    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Which email of its kind: "2025-W23" (a week), "upto:1234" (announcements up to that id),
    # "17:failed:…" (a report's outcome).
    period = models.CharField(_("period"), max_length=80)
    claimed_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    sent_at = models.DateTimeField(
        _("sent at"),
        null=True,
        blank=True,
        help_text=_("Empty: claimed but not known to be sent (its process stopped mid-way)."),
    )

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "kind", "period"],
                condition=Q(subscription__isnull=False),
                name="delivery_once_per_subscription",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "period"],
                condition=Q(user__isnull=False),
                name="delivery_once_per_user",
            ),
            models.CheckConstraint(
                condition=Q(subscription__isnull=True, user__isnull=False)
                | Q(subscription__isnull=False, user__isnull=True),
                name="delivery_one_recipient",
            ),
            choices_constraint("kind", DeliveryKind, name="delivery_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.period}"
