"""Municipalities, who may act for them, and what they publish: missions, milestones, Climate
City Contracts and Mission Labels, twinning and networks.

Change history (django-simple-history) is registered in ``translation.py``, after the
translated fields exist, so that history keeps every language.

Permission rules live on the QuerySets, once each: ``Municipality.objects.editable_by(user)``
says which municipalities a user may change, and the scopes of milestones, organisations and
memberships derive from it; ``TwinningProgramme.objects.managed_by(user)`` says whose
twinnings a user may change (the programme's coordinators and superusers), and
``Mission.objects.coordinated_by(user)`` whose Mission Labels (the mission's coordinators and
superusers; a city's editors change its Climate City Contract, not its Label). The services, the
admin, the imports and the views all call these scopes; with no user they return nothing.
"""

from __future__ import annotations

import calendar
import datetime
import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.languages import month_and_year
from core.models import (
    PortalModel,
    TimeStampedModel,
    choices_constraint,
    language_codes,
)
from core.permissions import acts_for_all, is_signed_in, may_use_admin
from core.text import natural_key

if TYPE_CHECKING:
    from accounts.models import User


def default_language_for_country(country) -> str:
    """The portal language a municipality of ``country`` reads by default: the first of the
    country's official languages (CLDR) that the portal speaks, else the portal's default."""
    from babel.languages import get_official_languages

    codes = language_codes()
    for code in get_official_languages(str(country or ""), de_facto=True):
        if code in codes:
            return code
    return settings.LANGUAGE_CODE


# --------------------------------------------------------------------------------------------
# Municipalities and roles
# --------------------------------------------------------------------------------------------


class MissionStage(models.TextChoices):
    """How far a Mission city has come, from its selection to the Mission Label."""

    SELECTED = "selected", _("Selected for the Mission")
    DRAFTING = "drafting", _("Drafting its Climate City Contract")
    SUBMITTED = "submitted", _("Climate City Contract submitted")
    LABELLED = "label", _("Holds the Mission Label")

    @classmethod
    def at_least(cls, stage: str) -> list[str]:
        """``stage`` and the stages after it ("submitted" takes in the labelled cities)."""
        order = list(cls.values)
        return order[order.index(stage) :] if stage in order else []


class MunicipalityQuerySet(models.QuerySet):
    def published(self) -> MunicipalityQuerySet:
        return self.filter(is_published=True)

    def with_stage(self) -> MunicipalityQuerySet:
        """Annotate ``stage`` (a ``MissionStage`` value, "" for a city outside the Mission),
        ``label_round`` and ``label_awarded_on``, computed in the database (both of them)."""
        label = MissionLabel.objects.filter(municipality=OuterRef("pk"))
        done = [ContractStatus.SUBMITTED, ContractStatus.UNDER_REVIEW, ContractStatus.APPROVED]
        submitted = (
            ContractPart.objects.filter(municipality=OuterRef("pk"), status__in=done)
            .order_by()
            .values("municipality")
            .annotate(parts=models.Count("pk"))
            .values("parts")
        )
        started = ContractPart.objects.filter(municipality=OuterRef("pk")).exclude(
            status=ContractStatus.NOT_STARTED
        )
        in_mission = MissionParticipation.objects.filter(
            municipality=OuterRef("pk"),
            mission__slug=EU_MISSION_SLUG,
            role=ParticipationRole.MISSION_CITY,
        )
        return self.annotate(
            label_round=models.Subquery(label.values("round")[:1]),
            label_awarded_on=models.Subquery(label.values("awarded_on")[:1]),
            submitted_parts=models.functions.Coalesce(
                models.Subquery(submitted, output_field=models.IntegerField()), 0
            ),
            stage=models.Case(
                models.When(label_round__isnull=False, then=models.Value(MissionStage.LABELLED)),
                models.When(
                    submitted_parts__gte=len(ContractPartKind.values),
                    then=models.Value(MissionStage.SUBMITTED),
                ),
                models.When(Exists(started), then=models.Value(MissionStage.DRAFTING)),
                models.When(Exists(in_mission), then=models.Value(MissionStage.SELECTED)),
                default=models.Value(""),
                output_field=models.CharField(),
            ),
        )

    def editable_by(self, user: User | None) -> MunicipalityQuerySet:
        """The municipalities ``user`` may change: superusers (and the system actor) all,
        staff those they hold an editor role for, anybody else none."""
        if acts_for_all(user):
            return self.all()
        if not may_use_admin(user):
            return self.none()
        return self.filter(
            pk__in=MunicipalityRole.objects.filter(
                user=user, role=MunicipalityRole.Role.EDITOR
            ).values("municipality_id")
        )

    def with_role_for(self, user: User | None) -> MunicipalityQuerySet:
        """The municipalities ``user`` acts for in any role (editor or official): who may
        request and read its progress reports. Superusers act for all."""
        if acts_for_all(user):
            return self.all()
        if not is_signed_in(user):
            return self.none()
        return self.filter(
            pk__in=MunicipalityRole.objects.filter(user=user).values("municipality_id")
        )

    def known_as(self, name: str) -> MunicipalityQuerySet:
        """Municipalities one of whose names (any language, native, other names) is ``name``,
        compared without case or accents."""
        key = natural_key(name)
        return self.filter(search_keys__contains=f"|{key}|") if key else self.none()

    def visible_to(self, user: User | None) -> MunicipalityQuerySet:
        """Published municipalities, plus unpublished ones the user may edit (preview)."""
        return self.filter(Q(is_published=True) | Q(pk__in=self.editable_by(user).values("pk")))


class Municipality(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    native_name = models.CharField(
        _("native name"),
        max_length=200,
        blank=True,
        help_text=_("The name in the municipality's own language, e.g. Παλαιό Φάληρο."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    country = CountryField(_("country"))
    region = models.CharField(_("region"), max_length=200, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    target_year = models.PositiveSmallIntegerField(
        _("climate-neutrality target year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2020), MaxValueValidator(2100)],
    )
    summary = models.TextField(_("summary"), blank=True)
    embed_origins = models.TextField(
        _("sites that may embed the timeline"),
        blank=True,
        help_text=_(
            "The addresses of the city's own sites that may show its timeline in a frame, one "
            "per line, e.g. https://www.palaiofaliro.gr"
        ),
    )
    other_names = models.TextField(
        _("other names"),
        blank=True,
        help_text=_(
            "Other names imports recognise, one per line: in other languages, "
            "“Nantes Métropole”, “Bucharest Sector 2”."
        ),
    )
    # Derived from the names on every save: compared the same way on SQLite and PostgreSQL
    # (case-folded, without accents), whatever the database's LOWER() would do.
    name_key = models.CharField(max_length=200, editable=False, default="")
    search_keys = models.TextField(editable=False, default="")
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "The language of its monthly reports and emails; empty: the country's language."
        ),
    )
    is_published = models.BooleanField(_("published"), default=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.UniqueConstraint(
                fields=["name_key", "country"],
                name="municipality_unique_name_per_country",
                violation_error_message=_(
                    "A municipality of this name already exists in this country."
                ),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="municipality_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="municipality_longitude_range",
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="municipality_slug_not_empty"),
            models.CheckConstraint(
                condition=Q(language="") | Q(language__in=language_codes()),
                name="municipality_language_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_keys()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key", "search_keys"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self.refresh_keys()
        for number, origin in enumerate(self.embed_origin_list, start=1):
            if not ORIGIN.match(origin):
                raise ValidationError(
                    {
                        "embed_origins": _(
                            "Line %(line)s is not a site's address such as "
                            "https://www.example.gr (scheme and host only, no path): "
                            "“%(value)s”."
                        )
                        % {"line": number, "value": origin}
                    }
                )
        self.embed_origins = "\n".join(self.embed_origin_list)

    @property
    def embed_origin_list(self) -> list[str]:
        return [line.strip() for line in (self.embed_origins or "").splitlines() if line.strip()]

    def all_names(self) -> list[str]:
        """Every name the municipality is known by: in each language, native, and others."""
        translated = [getattr(self, f"name_{code}", None) for code in language_codes()]
        others = (self.other_names or "").splitlines()
        return [name.strip() for name in [*translated, self.native_name, *others] if name]

    def refresh_keys(self) -> None:
        self.name_key = natural_key(self.name_en or self.name)
        keys = sorted({natural_key(name) for name in self.all_names()} - {""})
        self.search_keys = "|" + "|".join(keys) + "|" if keys else ""

    @property
    def native_language(self) -> str:
        """The language of the native name (the country's first official language, as a BCP 47
        tag for ``lang`` attributes), e.g. "el" for Greece, "fr" for France."""
        from babel.languages import get_official_languages

        official = get_official_languages(str(self.country or ""), de_facto=True)
        return official[0].replace("_", "-") if official else ""

    @property
    def reading_language(self) -> str:
        """The language its reports and emails are written in."""
        return self.language or default_language_for_country(self.country)

    def get_absolute_url(self) -> str:
        return reverse("missions:city-detail", kwargs={"slug": self.slug})


class MunicipalityRoleKind(models.TextChoices):
    EDITOR = "editor", _("Editor")
    OFFICIAL = "official", _("Official")


class MunicipalityRole(PortalModel):
    Role = MunicipalityRoleKind

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="municipality_roles",
        verbose_name=_("user"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="roles", verbose_name=_("municipality")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("municipality role")
        verbose_name_plural = _("municipality roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "role"], name="municipality_role_unique"
            ),
            choices_constraint("role", MunicipalityRoleKind, name="municipality_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.municipality} · {self.get_role_display()}"


# --------------------------------------------------------------------------------------------
# Missions
# --------------------------------------------------------------------------------------------


# The EU Mission "100 Climate-Neutral and Smart Cities by 2030", whose Label and Climate City
# Contracts the portal keeps (the demo and ``load_mission_data`` use this slug).
EU_MISSION_SLUG = "eu-cities-mission"
# A web origin as a Content-Security-Policy source: scheme, host and an optional port.
ORIGIN = re.compile(r"^https?://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$", re.IGNORECASE)
# The NetZeroCities Twinning Learning Programme, whose cohorts the Mission overview counts.
TWINNING_PROGRAMME_SLUG = "netzerocities-twinning"


class MissionQuerySet(models.QuerySet):
    def coordinated_by(self, user: User | None) -> MissionQuerySet:
        """The missions whose Labels ``user`` may award and change: superusers (and the system
        actor) all, the mission's coordinators theirs, anybody else none."""
        if acts_for_all(user):
            return self.all()
        if not may_use_admin(user):
            return self.none()
        return self.filter(coordinators=user)


class Mission(TimeStampedModel):
    name = models.CharField(_("name"), max_length=250)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    goal = models.CharField(_("goal"), max_length=300, blank=True)
    goal_year = models.PositiveSmallIntegerField(
        _("goal year"), null=True, blank=True, validators=[MinValueValidator(2000)]
    )
    website = models.URLField(_("website"), blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_missions",
        verbose_name=_("coordinators"),
        help_text=_("Staff who award and change this mission's Labels."),
    )

    objects = MissionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")

    def __str__(self) -> str:
        return self.short_name or self.name


class ParticipationRole(models.TextChoices):
    MISSION_CITY = "mission_city", _("Mission city")
    PILOT_CITY = "pilot_city", _("Pilot city")
    PARTICIPANT = "participant", _("Participant")


class MissionParticipation(PortalModel):
    Role = ParticipationRole

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("municipality"),
    )
    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="participations", verbose_name=_("mission")
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    source = models.URLField(
        _("source"), max_length=500, blank=True, help_text=_("A public page that says so.")
    )

    class Meta:
        ordering = ["joined_on", "mission__name"]
        verbose_name = _("mission participation")
        verbose_name_plural = _("mission participations")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "mission"], name="mission_participation_unique"
            ),
            choices_constraint("role", ParticipationRole, name="mission_participation_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} · {self.mission}"


# --------------------------------------------------------------------------------------------
# Milestones
# --------------------------------------------------------------------------------------------


class MilestoneQuerySet(models.QuerySet):
    def editable_by(self, user: User | None) -> MilestoneQuerySet:
        return self.filter(municipality__in=Municipality.objects.editable_by(user))

    def public(self) -> MilestoneQuerySet:
        return self.filter(municipality__is_published=True)

    def visible_to(self, user: User | None) -> MilestoneQuerySet:
        return self.filter(municipality__in=Municipality.objects.visible_to(user))

    def overdue(self, today: datetime.date | None = None) -> MilestoneQuerySet:
        """Milestones whose whole period has passed ("October 2023" from 1 November 2023 on),
        neither completed nor cancelled: the same rule as ``Milestone.is_overdue``."""
        return self.filter(overdue_milestones(today))

    def with_repeated_text(self) -> MilestoneQuerySet:
        """Annotate ``repeats_text``: another milestone of the same city has this description in
        some language — usually a copy-paste slip (as on Palaio Faliro's own page)."""
        repeats = Q()
        for language in language_codes():
            field = f"description_{language}"
            repeats |= Q(
                Exists(
                    Milestone.objects.filter(
                        municipality=OuterRef("municipality"), **{field: OuterRef(field)}
                    )
                    .exclude(pk=OuterRef("pk"))
                    .exclude(**{field: ""})
                    .exclude(**{f"{field}__isnull": True})
                )
            )
        return self.annotate(
            repeats_text=ExpressionWrapper(repeats, output_field=models.BooleanField())
        )


class MilestoneStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    DELAYED = "delayed", _("Delayed")
    CANCELLED = "cancelled", _("Cancelled")


# A milestone in one of these is never overdue.
FINISHED_STATUSES = (MilestoneStatus.COMPLETED, MilestoneStatus.CANCELLED)


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


def partial_date_display(date: datetime.date | None, precision: str) -> str:
    """``date`` at its precision, as the active language writes it: "2025", "Οκτώβριος 2023",
    "październik 2023", "5 października 2023"."""
    if date is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(date.year)
    if precision == DatePrecision.MONTH:
        return month_and_year(date)
    # "E" is the month's form inside a full date: "5 Οκτωβρίου 2023", "5 października 2023".
    return formats.date_format(date, "j E Y")


def period_end(date: datetime.date | None, precision: str) -> datetime.date | None:
    """The last day of the period a partial date stands for ("October 2023": 2023-10-31)."""
    if date is None:
        return None
    if precision == DatePrecision.YEAR:
        return date.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        return date.replace(day=calendar.monthrange(date.year, date.month)[1])
    return date


def overdue_milestones(today: datetime.date | None = None, *, prefix: str = "") -> Q:
    """The condition of ``MilestoneQuerySet.overdue`` (``prefix``: the path to the milestones,
    e.g. ``"milestones__"`` to count a city's)."""
    today = today or timezone.localdate()
    passed = (
        Q(**{f"{prefix}date_precision": DatePrecision.DAY, f"{prefix}date__lt": today})
        | Q(
            **{
                f"{prefix}date_precision": DatePrecision.MONTH,
                f"{prefix}date__lt": today.replace(day=1),
            }
        )
        | Q(
            **{
                f"{prefix}date_precision": DatePrecision.YEAR,
                f"{prefix}date__lt": today.replace(month=1, day=1),
            }
        )
    )
    return passed & ~Q(**{f"{prefix}status__in": FINISHED_STATUSES})


def normalise_partial_date(date: datetime.date, precision: str) -> datetime.date:
    """The first day of the period ``date`` stands for: "October 2023" is 2023-10-01."""
    if precision == DatePrecision.YEAR:
        return date.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return date.replace(day=1)
    return date


class MilestoneKind(models.TextChoices):
    GENERAL = "general", _("General")
    MISSION = "mission", _("Mission membership")
    TWINNING = "twinning", _("Twinning")
    GOVERNANCE = "governance", _("Governance")
    CONSULTATION = "consultation", _("Consultation")
    ACTION_PLAN = "action_plan", _("Climate City Contract: action plan")
    INVESTMENT_PLAN = "investment_plan", _("Climate City Contract: investment plan")
    COMMITMENTS = "commitments", _("Climate City Contract: commitments")


class Milestone(TimeStampedModel):
    Status = MilestoneStatus

    Precision = DatePrecision

    Kind = MilestoneKind

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("municipality"),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    date = models.DateField(
        _("date"), help_text=_("For month or year precision, the first day of that period.")
    )
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=Precision.choices, default=Precision.MONTH
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPCOMING
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Orders milestones that share a date.")
    )
    # The English title as compared for uniqueness (case-folded, without accents).
    title_key = models.CharField(max_length=300, editable=False, default="")

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["date", "position", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [models.Index(fields=["municipality", "date", "position"])]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "title_key"],
                name="milestone_unique_title_per_municipality",
                violation_error_message=_("This municipality has a milestone of this title."),
            ),
            choices_constraint("status", MilestoneStatus, name="milestone_status_valid"),
            choices_constraint("date_precision", DatePrecision, name="milestone_precision_valid"),
            choices_constraint("kind", MilestoneKind, name="milestone_kind_valid"),
            models.CheckConstraint(condition=~Q(title_en=""), name="milestone_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.municipality.get_absolute_url() + f"#milestone-{self.pk}"

    def save(self, *args, **kwargs):
        self.title_key = natural_key(self.title_en or self.title)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "title_key"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self.title_key = natural_key(self.title_en or self.title)
        if self.date and self.date_precision:
            # "October 2023" is stored as 2023-10-01, whichever day was typed.
            self.date = self.normalise_date(self.date, self.date_precision)

    @property
    def date_display(self) -> str:
        """The date as the page's language writes it: "Οκτώβριος 2023", "październik 2023"."""
        return partial_date_display(self.date, self.date_precision)

    @property
    def ends_on(self) -> datetime.date | None:
        """The last day of the milestone's period ("October 2023": 31 October 2023)."""
        return period_end(self.date, self.date_precision)

    @property
    def is_overdue(self) -> bool:
        """Its whole period has passed and it is neither completed nor cancelled."""
        ends_on = self.ends_on
        return (
            ends_on is not None
            and ends_on < timezone.localdate()
            and self.status not in FINISHED_STATUSES
        )

    @staticmethod
    def normalise_date(date: datetime.date, precision: str) -> datetime.date:
        return normalise_partial_date(date, precision)


# --------------------------------------------------------------------------------------------
# Climate City Contracts and Mission Labels
# --------------------------------------------------------------------------------------------


def document_links(text: str | None) -> list[str]:
    """The document URLs of a text field kept one per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ContractPartKind(models.TextChoices):
    # In the order a Climate City Contract presents them.
    COMMITMENTS = "commitments", _("Commitments")
    ACTION_PLAN = "action_plan", _("Action Plan")
    INVESTMENT_PLAN = "investment_plan", _("Investment Plan")


class ContractStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    DRAFTING = "drafting", _("Drafting")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved")


class ContractPartQuerySet(models.QuerySet):
    def editable_by(self, user: User | None) -> ContractPartQuerySet:
        """A contract belongs to its city: the city's editors (and superusers) change it."""
        return self.filter(municipality__in=Municipality.objects.editable_by(user))

    def public(self) -> ContractPartQuerySet:
        return self.filter(municipality__is_published=True)

    def visible_to(self, user: User | None) -> ContractPartQuerySet:
        return self.filter(municipality__in=Municipality.objects.visible_to(user))

    def in_contract_order(self) -> ContractPartQuerySet:
        """Commitments, Action Plan, Investment Plan: the contract's own order."""
        order = models.Case(
            *[
                models.When(part=value, then=models.Value(position))
                for position, value in enumerate(ContractPartKind.values)
            ],
            output_field=models.IntegerField(),
        )
        return self.order_by(order, "pk")


class ContractPart(TimeStampedModel):
    """One of the three parts of a city's Climate City Contract and where it stands."""

    Part = ContractPartKind

    Status = ContractStatus

    Precision = DatePrecision

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="contract_parts",
        verbose_name=_("municipality"),
    )
    part = models.CharField(_("part"), max_length=20, choices=Part.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_(
            "When the part reached this status; for month or year precision, the first day of "
            "that period."
        ),
    )
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    documents = models.TextField(
        _("documents"),
        blank=True,
        help_text=_("Links to the published documents (https://…), one per line."),
    )
    source = models.URLField(
        _("source"), max_length=500, blank=True, help_text=_("A public page that says so.")
    )

    objects = ContractPartQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "part"]
        verbose_name = _("Climate City Contract part")
        verbose_name_plural = _("Climate City Contract parts")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "part"],
                name="contract_part_unique_per_municipality",
                violation_error_message=_("This municipality's contract already has this part."),
            ),
            choices_constraint("part", ContractPartKind, name="contract_part_part_valid"),
            choices_constraint("status", ContractStatus, name="contract_part_status_valid"),
            choices_constraint(
                "date_precision", DatePrecision, name="contract_part_precision_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} · {self.get_part_display()}"

    def clean(self) -> None:
        super().clean()
        if self.date and self.date_precision:
            self.date = normalise_partial_date(self.date, self.date_precision)
        validate = URLValidator(schemes=["http", "https"])
        for number, link in enumerate(document_links(self.documents), start=1):
            try:
                validate(link)
            except ValidationError:
                raise ValidationError(
                    {
                        "documents": _(
                            "Line %(line)s is not a web address (https://…): “%(value)s”."
                        )
                        % {"line": number, "value": link}
                    }
                ) from None
        # Kept tidy: one address per line, no blank lines.
        self.documents = "\n".join(document_links(self.documents))

    @property
    def document_list(self) -> list[str]:
        return document_links(self.documents)

    @property
    def date_display(self) -> str:
        return partial_date_display(self.date, self.date_precision)


class MissionLabelQuerySet(models.QuerySet):
    def editable_by(self, user: User | None) -> MissionLabelQuerySet:
        """Labels are the Mission's: its coordinators (and superusers) award and change them."""
        return self.filter(mission__in=Mission.objects.coordinated_by(user))

    def visible_in_admin_to(self, user: User | None) -> MissionLabelQuerySet:
        """What the admin lists: the Labels a user may change, and (read-only) those of the
        municipalities they edit for."""
        return self.filter(
            Q(pk__in=self.editable_by(user).values("pk"))
            | Q(municipality__in=Municipality.objects.editable_by(user))
        )

    def public(self) -> MissionLabelQuerySet:
        return self.filter(municipality__is_published=True)


class MissionLabel(TimeStampedModel):
    """The EU Mission Label a city was awarded for its Climate City Contract."""

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        related_name="mission_label",
        verbose_name=_("municipality"),
    )
    mission = models.ForeignKey(
        Mission, on_delete=models.PROTECT, related_name="labels", verbose_name=_("mission")
    )
    awarded_on = models.DateField(
        _("awarded on"), help_text=_("The month of the award (stored as its first day).")
    )
    round = models.PositiveSmallIntegerField(
        _("round"),
        validators=[MinValueValidator(1)],
        help_text=_("The Commission's award round: 1 for the first cities labelled."),
    )
    source = models.URLField(
        _("source"), max_length=500, blank=True, help_text=_("A public page that says so.")
    )
    inferred = models.CharField(
        _("inferred"),
        max_length=200,
        blank=True,
        help_text=_("The fields deduced rather than stated by the source, if any."),
    )

    objects = MissionLabelQuerySet.as_manager()

    class Meta:
        ordering = ["awarded_on", "municipality__name"]
        verbose_name = _("Mission Label")
        verbose_name_plural = _("Mission Labels")
        constraints = [
            models.CheckConstraint(condition=Q(round__gte=1), name="mission_label_round_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} · {_('Mission Label')}"

    def clean(self) -> None:
        super().clean()
        if self.awarded_on:
            self.awarded_on = normalise_partial_date(self.awarded_on, DatePrecision.MONTH)

    @property
    def awarded_display(self) -> str:
        """The month of the award as the page's language writes it ("październik 2023")."""
        return partial_date_display(self.awarded_on, DatePrecision.MONTH)


# --------------------------------------------------------------------------------------------
# Twinning
# --------------------------------------------------------------------------------------------


class TwinningProgrammeQuerySet(models.QuerySet):
    def managed_by(self, user: User | None) -> TwinningProgrammeQuerySet:
        """The programmes whose twinnings ``user`` may change: superusers all, the
        programme's coordinators theirs, anybody else none."""
        if acts_for_all(user):
            return self.all()
        if not may_use_admin(user):
            return self.none()
        return self.filter(coordinators=user)


class TwinningProgramme(TimeStampedModel):
    name = models.CharField(_("name"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    mission = models.ForeignKey(
        Mission,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("mission"),
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_programmes",
        verbose_name=_("coordinators"),
        help_text=_("Staff who add, change and remove this programme's twinnings."),
    )

    objects = TwinningProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("twinning programme")
        verbose_name_plural = _("twinning programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="programme_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TwinningQuerySet(models.QuerySet):
    def editable_by(self, user: User | None) -> TwinningQuerySet:
        """Twinnings belong to their programme: its coordinators and superusers change them."""
        return self.filter(programme__in=TwinningProgramme.objects.managed_by(user))

    def involving(self, municipalities) -> TwinningQuerySet:
        return self.filter(
            pk__in=TwinningParticipant.objects.filter(municipality__in=municipalities).values(
                "twinning_id"
            )
        )

    def visible_in_admin_to(self, user: User | None) -> TwinningQuerySet:
        """What the admin lists: the twinnings a user may change, and (read-only) those of
        the municipalities they edit for."""
        return self.filter(
            Q(pk__in=self.editable_by(user).values("pk"))
            | Q(pk__in=self.involving(Municipality.objects.editable_by(user)).values("pk"))
        )

    def public(self) -> TwinningQuerySet:
        """Twinnings in which at least two published municipalities take part."""
        return self.annotate(
            published_participants=models.Count(
                "participants", filter=Q(participants__municipality__is_published=True)
            )
        ).filter(published_participants__gte=2)


class Twinning(TimeStampedModel):
    """A twin city learning from one pilot city or from a cluster of pilot cities."""

    programme = models.ForeignKey(
        TwinningProgramme,
        on_delete=models.PROTECT,
        related_name="twinnings",
        verbose_name=_("programme"),
    )
    cohort = models.PositiveSmallIntegerField(_("cohort"), default=1)
    title = models.CharField(_("title"), max_length=250, blank=True)
    description = models.TextField(_("description"), blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)

    objects = TwinningQuerySet.as_manager()

    class Meta:
        ordering = ["programme__name", "cohort", "pk"]
        verbose_name = _("twinning")
        verbose_name_plural = _("twinnings")
        constraints = [
            models.CheckConstraint(condition=Q(cohort__gte=1), name="twinning_cohort_positive"),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.programme} · {_('cohort')} {self.cohort}"


class TwinningParticipantQuerySet(models.QuerySet):
    def editable_by(self, user: User | None) -> TwinningParticipantQuerySet:
        return self.filter(twinning__in=Twinning.objects.editable_by(user))

    def public(self) -> TwinningParticipantQuerySet:
        return self.filter(municipality__is_published=True)


class ParticipantRole(models.TextChoices):
    PILOT = "pilot", _("Pilot city")
    TWIN = "twin", _("Twin city")


class TwinningParticipant(PortalModel):
    Role = ParticipantRole

    twinning = models.ForeignKey(
        Twinning, on_delete=models.CASCADE, related_name="participants", verbose_name=_("twinning")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="twinning_participations",
        verbose_name=_("municipality"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)

    objects = TwinningParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["role", "municipality__name"]
        verbose_name = _("twinning participant")
        verbose_name_plural = _("twinning participants")
        constraints = [
            models.UniqueConstraint(
                fields=["twinning", "municipality"], name="twinning_participant_unique"
            ),
            # Exactly one twin per twinning; pilots may be a cluster.
            models.UniqueConstraint(
                fields=["twinning"], condition=Q(role="twin"), name="twinning_single_twin"
            ),
            choices_constraint("role", ParticipantRole, name="twinning_participant_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} ({self.get_role_display()})"


# --------------------------------------------------------------------------------------------
# Networks, organisations, memberships
# --------------------------------------------------------------------------------------------


class OrganisationQuerySet(models.QuerySet):
    def editable_by(self, user: User | None) -> OrganisationQuerySet:
        """Superusers change every organisation; staff those of the municipalities they edit."""
        if acts_for_all(user):
            return self.all()
        return self.filter(municipality__in=Municipality.objects.editable_by(user))

    def public(self) -> OrganisationQuerySet:
        """Organisations of no municipality, or of a published one."""
        return self.filter(Q(municipality__isnull=True) | Q(municipality__is_published=True))


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    REGION = "region", _("Region")
    GOVERNMENT = "government", _("Government body")
    EMBASSY = "embassy", _("Embassy")
    NGO = "ngo", _("Non-governmental organisation")
    ACADEMIC = "academic", _("Academic or scientific body")
    BUSINESS = "business", _("Business")
    NETWORK = "network", _("Network of cities")
    OTHER = "other", _("Other")


class Organisation(TimeStampedModel):
    Kind = OrganisationKind

    name = models.CharField(_("name"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=250, unique=True, allow_unicode=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = CountryField(_("country"), blank=True)
    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="organisation",
        verbose_name=_("municipality"),
    )
    website = models.URLField(_("website"), blank=True)
    name_key = models.CharField(max_length=250, editable=False, default="")

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["name_key"],
                name="organisation_unique_name",
                violation_error_message=_("An organisation of this name already exists."),
            ),
            choices_constraint("kind", OrganisationKind, name="organisation_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = natural_key(self.name_en or self.name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self.name_key = natural_key(self.name_en or self.name)


class NetworkStatus(models.TextChoices):
    BEING_FOUNDED = "being_founded", _("Being founded")
    ACTIVE = "active", _("Active")
    DISSOLVED = "dissolved", _("Dissolved")


class NetworkKind(models.TextChoices):
    CITY_NETWORK = "city_network", _("Network of cities")
    PARTNERSHIP = "partnership", _("Partnership")
    ASSOCIATION = "association", _("Association")


class Network(TimeStampedModel):
    Kind = NetworkKind

    Status = NetworkStatus

    name = models.CharField(_("name"), max_length=250)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.CITY_NETWORK
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    description = models.TextField(_("description"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True, help_text=_("One per line."))
    means = models.TextField(_("means of action"), blank=True, help_text=_("One per line."))
    thematic_areas = models.TextField(_("thematic areas"), blank=True, help_text=_("One per line."))
    member_kinds = models.TextField(
        _("who may join"), blank=True, help_text=_("One kind of member per line.")
    )
    coordinator = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_networks",
        verbose_name=_("coordinator"),
    )
    non_profit = models.BooleanField(_("non-profit"), default=False)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        constraints = [
            choices_constraint("status", NetworkStatus, name="network_status_valid"),
            choices_constraint("kind", NetworkKind, name="network_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("missions:network-detail", kwargs={"slug": self.slug})

    @staticmethod
    def _lines(text: str) -> list[str]:
        return [line.strip(" •-\t") for line in (text or "").splitlines() if line.strip(" •-\t")]

    @property
    def objective_list(self) -> list[str]:
        return self._lines(self.objectives)

    @property
    def means_list(self) -> list[str]:
        return self._lines(self.means)

    @property
    def thematic_area_list(self) -> list[str]:
        return self._lines(self.thematic_areas)

    @property
    def member_kind_list(self) -> list[str]:
        return self._lines(self.member_kinds)


class MembershipQuerySet(models.QuerySet):
    def editable_by(self, user: User | None) -> MembershipQuerySet:
        return self.filter(organisation__in=Organisation.objects.editable_by(user))

    def public(self) -> MembershipQuerySet:
        """Memberships of organisations the public may see (no unpublished municipality)."""
        return self.filter(organisation__in=Organisation.objects.public())

    def current(self) -> MembershipQuerySet:
        return self.filter(left_on__isnull=True)


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    FOUNDING_MEMBER = "founding_member", _("Founding member")
    PARTNER = "partner", _("Partner")
    COORDINATOR = "coordinator", _("Coordinator")
    OBSERVER = "observer", _("Observer")


class Membership(PortalModel):
    Role = MembershipRole

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("network")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["network__name", "organisation__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["network", "organisation"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
            choices_constraint("role", MembershipRole, name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.network}"
