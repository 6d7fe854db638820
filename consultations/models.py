"""Consultations: staff build questionnaires, citizens answer once, results are published.

One response per participant is a database guarantee (a unique constraint on the consultation
and a participant key). The key is a keyed hash: of a random token kept in a signed cookie for
anonymous consultations, of the account for identified ones. No IP address is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import PortalModel, choices_constraint
from missions.models import Municipality


class ConsultationQuerySet(models.QuerySet):
    def editable_by(self, user) -> ConsultationQuerySet:
        return self.filter(municipality__in=Municipality.objects.editable_by(user))

    def public(self) -> ConsultationQuerySet:
        return self.filter(is_published=True, municipality__is_published=True)

    def visible_to(self, user) -> ConsultationQuerySet:
        return self.filter(
            Q(pk__in=self.public().values("pk")) | Q(pk__in=self.editable_by(user).values("pk"))
        )

    def open_at(self, moment) -> ConsultationQuerySet:
        return self.filter(opens_at__lte=moment, closes_at__gt=moment)


class QuestionQuerySet(models.QuerySet):
    def editable_by(self, user) -> QuestionQuerySet:
        return self.filter(consultation__in=Consultation.objects.editable_by(user))

    def shown(self) -> QuestionQuerySet:
        """The questions new responses answer."""
        return self.filter(is_hidden=False)


class OptionQuerySet(models.QuerySet):
    def editable_by(self, user) -> OptionQuerySet:
        return self.filter(question__in=Question.objects.editable_by(user))

    def shown(self) -> OptionQuerySet:
        return self.filter(is_hidden=False)


class ConsultationMode(models.TextChoices):
    ANONYMOUS = "anonymous", _("Anonymous")
    IDENTIFIED = "identified", _("Identified (signed-in participants)")


class ResultsVisibility(models.TextChoices):
    LIVE = "live", _("Live, while it is open")
    AFTER_CLOSING = "after_closing", _("After it closes")
    STAFF_ONLY = "staff_only", _("Staff only")


class Consultation(PortalModel):
    Mode = ConsultationMode

    ResultsVisibility = ResultsVisibility

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="consultations",
        verbose_name=_("municipality"),
    )
    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(
        _("audience"),
        max_length=300,
        blank=True,
        help_text=_("Who is invited, e.g. local bodies, residents and visitors."),
    )
    topics = models.TextField(_("topics"), blank=True, help_text=_("One per line."))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    mode = models.CharField(
        _("participation"), max_length=20, choices=Mode.choices, default=Mode.ANONYMOUS
    )
    results_visibility = models.CharField(
        _("results visible"),
        max_length=20,
        choices=ResultsVisibility.choices,
        default=ResultsVisibility.AFTER_CLOSING,
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="consultation_closes_after_opening"
            ),
            choices_constraint("mode", ConsultationMode, name="consultation_mode_valid"),
            choices_constraint(
                "results_visibility", ResultsVisibility, name="consultation_visibility_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", kwargs={"slug": self.slug})

    def get_results_url(self) -> str:
        return reverse("consultations:results", kwargs={"slug": self.slug})

    @property
    def topic_list(self) -> list[str]:
        return [line.strip() for line in (self.topics or "").splitlines() if line.strip()]

    def state(self, moment=None) -> str:
        moment = moment or timezone.now()
        if moment < self.opens_at:
            return "upcoming"
        if moment >= self.closes_at:
            return "closed"
        return "open"

    @property
    def is_open(self) -> bool:
        return self.state() == "open"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SCALE = "scale", _("Scale")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")


class Question(PortalModel):
    Kind = QuestionKind

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)
    TEXT_KINDS = (Kind.SHORT_TEXT, Kind.LONG_TEXT)

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("consultation"),
    )
    order = models.PositiveSmallIntegerField(_("order"), validators=[MinValueValidator(1)])
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    required = models.BooleanField(_("required"), default=False)
    topic = models.CharField(_("topic"), max_length=150, blank=True)
    max_choices = models.PositiveSmallIntegerField(
        _("maximum choices"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Multiple choice only: how many options one may pick at most."),
    )
    scale_min = models.SmallIntegerField(_("scale from"), default=1)
    scale_max = models.SmallIntegerField(_("scale to"), default=5)
    scale_min_label = models.CharField(_("label of the lowest value"), max_length=100, blank=True)
    scale_max_label = models.CharField(_("label of the highest value"), max_length=100, blank=True)
    number_min = models.DecimalField(
        _("minimum"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    number_max = models.DecimalField(
        _("maximum"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    is_hidden = models.BooleanField(
        _("hidden from new responses"),
        default=False,
        help_text=_(
            "A question with answers cannot be deleted; hide it instead. Its answers stay in "
            "the results."
        ),
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["consultation", "order"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "order"], name="question_order_unique"),
            choices_constraint("kind", QuestionKind, name="question_kind_valid"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")), name="question_scale_range"
            ),
            models.CheckConstraint(
                condition=Q(number_min__isnull=True)
                | Q(number_max__isnull=True)
                | Q(number_max__gte=F("number_min")),
                name="question_number_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"

    @property
    def is_choice(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    @property
    def is_text(self) -> bool:
        return self.kind in self.TEXT_KINDS


class Option(PortalModel):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("option"), max_length=300)
    is_hidden = models.BooleanField(
        _("hidden from new responses"),
        default=False,
        help_text=_("An option that was chosen cannot be deleted; hide it instead."),
    )

    objects = OptionQuerySet.as_manager()

    class Meta:
        ordering = ["question", "order"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="option_order_unique"),
        ]

    def __str__(self) -> str:
        return self.text


class Response(PortalModel):
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("consultation"),
    )
    # A keyed hash (HMAC) identifying the participant; never the raw token or account.
    participant_key = models.CharField(_("participant key"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_responses",
        verbose_name=_("user"),
        help_text=_("Only for identified consultations."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "participant_key"], name="one_response_per_participant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation} · {self.submitted_at:%Y-%m-%d %H:%M}"


class Answer(PortalModel):
    """One answer to one question; a multiple-choice answer is one row per chosen option."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    # Citizens' answers are never deleted with a question or an option (hide those instead).
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    option = models.ForeignKey(
        Option,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("option"),
    )
    number = models.DecimalField(
        _("number"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            # Results count answers per (question, option, number) in one index-only pass.
            models.Index(fields=["question", "option", "number"], name="answer_question_counts"),
            models.Index(fields=["question", "number"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "option"],
                name="answer_option_once",
                condition=Q(option__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["response", "question"],
                name="answer_value_once",
                condition=Q(option__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.option_id or self.number or self.text[:40]}"
