"""What the API and the open-data downloads show of each public object, in the active language
(content missing in it falls back to English, as on the pages), and the milestone a city's own
system writes.

Read serializers take rows from ``api.selectors``, which decide what is public; they follow no
relation those selectors did not load, so a page of any size costs the same queries.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consultations.models import Consultation
from core.importing.widgets import ChoiceWidget, NaturalKeyWidget
from missions.models import (
    ContractPart,
    Membership,
    Milestone,
    Mission,
    MissionLabel,
    MissionParticipation,
    Municipality,
    Network,
    OrganisationKind,
    ParticipantRole,
    Twinning,
    period_end,
)
from missions.resources import parse_partial_date, render_partial_date

from .links import absolute_url

# --------------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------------


_MARK = "zzportalzz0"  # matches every path converter the portal uses (slugs, numbers)


@lru_cache(maxsize=512)
def _link_template(viewname: str, kwarg: str, language: str, base: str) -> str:
    """The absolute URL of ``viewname`` with a marker where ``kwarg`` goes (``reverse`` once per
    language rather than once per row)."""
    marker = "9876543210" if kwarg in ("pk", "id") else _MARK
    return absolute_url(reverse(viewname, kwargs={kwarg: marker})).replace(marker, "{}")


def link(viewname: str, kwarg: str, value) -> str:
    template = _link_template(viewname, kwarg, get_language(), settings.PORTAL_BASE_URL)
    return template.replace("{}", quote(str(value), safe="-_.~"), 1)


@extend_schema_field(OpenApiTypes.URI)
class LinkField(serializers.Field):
    """The absolute URL of ``viewname`` for the object (``PORTAL_BASE_URL`` + path): an API
    resource, or a page in the active language."""

    def __init__(self, viewname: str, lookup: str = "slug", kwarg: str | None = None, **kwargs):
        self.viewname, self.lookup, self.kwarg = viewname, lookup, kwarg or lookup
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, instance) -> str:
        value = instance
        for part in self.lookup.split("."):
            value = getattr(value, part)
        return link(self.viewname, self.kwarg, value)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class LinesField(serializers.Field):
    """Text kept one item per line, as a list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value) -> list[str]:
        return [line.strip(" •-\t") for line in (value or "").splitlines() if line.strip(" •-\t")]


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
        "description": _("YYYY, YYYY-MM or YYYY-MM-DD: the date at its precision."),
    }
)
class PartialDateField(serializers.Field):
    """A date at its precision, written as the imports write it: "2023", "2023-10",
    "2023-10-05"."""

    def __init__(self, precision_source: str = "date_precision", **kwargs):
        self.precision_source = precision_source
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, instance):
        date = getattr(instance, self.field_name)
        if date is None:
            return None
        return render_partial_date(date, getattr(instance, self.precision_source))


class BlankAsNullField(serializers.Field):
    """An optional web address or email address: null when there is none (never "")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class OptionalURLField(BlankAsNullField):
    pass


@extend_schema_field({"type": "string", "format": "email", "nullable": True})
class OptionalEmailField(BlankAsNullField):
    pass


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
        "description": _("YYYY, YYYY-MM or YYYY-MM-DD: the date at its precision (or none)."),
    }
)
class OptionalPartialDateField(PartialDateField):
    pass


@lru_cache(maxsize=256)
def _labels(choices: type[models.Choices], language: str) -> dict[str, str]:
    return {choice.value: str(choice.label) for choice in choices}


@extend_schema_field(OpenApiTypes.STR)
class LabelField(serializers.Field):
    """The label of a choice (the field ``field``, of ``choices``) in the active language; the
    labels of each language are looked up once, not per row."""

    def __init__(self, field: str, choices: type[models.Choices], **kwargs):
        self.choices = choices
        kwargs.update(source=field, read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return _labels(self.choices, get_language()).get(value, value)


# --------------------------------------------------------------------------------------------
# Municipalities, missions, milestones
# --------------------------------------------------------------------------------------------


class MunicipalitySerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True)
    country_name = serializers.CharField(source="country.name", read_only=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, coerce_to_string=False, read_only=True, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, coerce_to_string=False, read_only=True, allow_null=True
    )
    website = OptionalURLField()
    email = OptionalEmailField()
    url = LinkField("api:municipality-detail")
    page_url = LinkField("missions:city-detail")

    class Meta:
        model = Municipality
        fields = [
            "slug",
            "name",
            "native_name",
            "country",
            "country_name",
            "region",
            "population",
            "latitude",
            "longitude",
            "target_year",
            "summary",
            "website",
            "email",
            "phone",
            "address",
            "updated_at",
            "url",
            "page_url",
        ]
        read_only_fields = fields


class MissionSerializer(serializers.ModelSerializer):
    website = OptionalURLField()
    url = LinkField("api:mission-detail")

    class Meta:
        model = Mission
        fields = [
            "slug",
            "name",
            "short_name",
            "description",
            "goal",
            "goal_year",
            "website",
            "updated_at",
            "url",
        ]
        read_only_fields = fields


class ParticipationSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    mission = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    role_label = LabelField("role", MissionParticipation.Role)
    source = OptionalURLField()

    class Meta:
        model = MissionParticipation
        fields = ["municipality", "mission", "role", "role_label", "joined_on", "source"]
        read_only_fields = fields


class MilestoneSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    date = PartialDateField()
    starts_on = serializers.DateField(source="date", read_only=True)
    ends_on = serializers.SerializerMethodField()
    status_label = LabelField("status", Milestone.Status)
    kind_label = LabelField("kind", Milestone.Kind)
    url = LinkField("api:milestone-detail", lookup="pk")
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = [
            "id",
            "municipality",
            "municipality_name",
            "title",
            "description",
            "date",
            "date_precision",
            "starts_on",
            "ends_on",
            "status",
            "status_label",
            "kind",
            "kind_label",
            "position",
            "created_at",
            "updated_at",
            "url",
            "page_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATE)
    def get_ends_on(self, milestone) -> str:
        return period_end(milestone.date, milestone.date_precision).isoformat()

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, milestone) -> str:
        city = link("missions:city-detail", "slug", milestone.municipality.slug)
        return f"{city}#milestone-{milestone.pk}"


class ContractPartSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    part_label = LabelField("part", ContractPart.Part)
    status_label = LabelField("status", ContractPart.Status)
    date = OptionalPartialDateField()
    documents = LinesField()
    source = OptionalURLField()

    class Meta:
        model = ContractPart
        fields = [
            "municipality",
            "part",
            "part_label",
            "status",
            "status_label",
            "date",
            "date_precision",
            "documents",
            "source",
            "updated_at",
        ]
        read_only_fields = fields


class MissionLabelSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    mission = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    awarded_on = serializers.SerializerMethodField()
    source = OptionalURLField()

    class Meta:
        model = MissionLabel
        fields = ["municipality", "mission", "awarded_on", "round", "source", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(
        {"type": "string", "pattern": r"^\d{4}-\d{2}$", "description": _("The month: YYYY-MM.")}
    )
    def get_awarded_on(self, label) -> str:
        return f"{label.awarded_on:%Y-%m}"


# --------------------------------------------------------------------------------------------
# Twinning and networks
# --------------------------------------------------------------------------------------------


class ProgrammeSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class TwinningParticipantSerializer(serializers.Serializer):
    municipality = serializers.CharField(source="municipality.slug", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    role = serializers.ChoiceField(choices=[("pilot", "pilot"), ("twin", "twin")], read_only=True)
    role_label = LabelField("role", ParticipantRole)


class TwinningSerializer(serializers.ModelSerializer):
    programme = ProgrammeSerializer(read_only=True)
    participants = TwinningParticipantSerializer(many=True, read_only=True)
    url = LinkField("api:twinning-detail", lookup="pk")

    class Meta:
        model = Twinning
        fields = [
            "id",
            "programme",
            "cohort",
            "title",
            "description",
            "started_on",
            "participants",
            "updated_at",
            "url",
        ]
        read_only_fields = fields


class NetworkSerializer(serializers.ModelSerializer):
    kind_label = LabelField("kind", Network.Kind)
    status_label = LabelField("status", Network.Status)
    objectives = LinesField()
    means = LinesField()
    thematic_areas = LinesField()
    member_kinds = LinesField()
    coordinator = serializers.CharField(
        source="coordinator.name", read_only=True, allow_null=True, default=None
    )
    member_count = serializers.IntegerField(read_only=True)
    website = OptionalURLField()
    contact_email = OptionalEmailField()
    url = LinkField("api:network-detail")
    page_url = LinkField("missions:network-detail")

    class Meta:
        model = Network
        fields = [
            "slug",
            "name",
            "short_name",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "description",
            "objectives",
            "means",
            "thematic_areas",
            "member_kinds",
            "coordinator",
            "non_profit",
            "website",
            "contact_email",
            "founded_on",
            "member_count",
            "updated_at",
            "url",
            "page_url",
        ]
        read_only_fields = fields


class OrganisationSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    kind_label = LabelField("kind", OrganisationKind)
    country = serializers.SerializerMethodField()
    municipality = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "nullable": True})
    def get_country(self, organisation) -> str | None:
        return organisation.country.code or None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_municipality(self, organisation) -> str | None:
        # Public memberships only name published municipalities (``Membership.public``).
        municipality = organisation.municipality
        return municipality.slug if municipality is not None else None


class MembershipSerializer(serializers.ModelSerializer):
    network = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation = OrganisationSerializer(read_only=True)
    role_label = LabelField("role", Membership.Role)

    class Meta:
        model = Membership
        fields = ["network", "organisation", "role", "role_label", "joined_on", "left_on"]
        read_only_fields = fields


# --------------------------------------------------------------------------------------------
# Consultations and their published results
# --------------------------------------------------------------------------------------------


class ConsultationSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    topics = LinesField()
    results_public_from = serializers.SerializerMethodField()
    url = LinkField("api:consultation-detail")
    page_url = LinkField("consultations:detail")
    results_url = LinkField("api:consultation-results")

    class Meta:
        model = Consultation
        fields = [
            "slug",
            "municipality",
            "title",
            "description",
            "audience",
            "topics",
            "opens_at",
            "closes_at",
            "mode",
            "results_visibility",
            "results_public_from",
            "updated_at",
            "url",
            "page_url",
            "results_url",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_results_public_from(self, consultation) -> str | None:
        """When the results become public: at opening (live), at closing, or never (staff)."""
        moment = {
            Consultation.ResultsVisibility.LIVE: consultation.opens_at,
            Consultation.ResultsVisibility.AFTER_CLOSING: consultation.closes_at,
        }.get(consultation.results_visibility)
        return serializers.DateTimeField().to_representation(moment) if moment else None


class OptionResultSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField()


class QuestionResultSerializer(serializers.Serializer):
    order = serializers.IntegerField(source="question.order")
    text = serializers.CharField(source="question.text")
    kind = serializers.CharField(source="question.kind")
    respondents = serializers.IntegerField()
    options = OptionResultSerializer(many=True)
    average = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    minimum = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    maximum = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    text_count = serializers.IntegerField(
        help_text=_("How many answered in words (their answers are not published).")
    )


class DayCountSerializer(serializers.Serializer):
    date = serializers.DateField()
    responses = serializers.IntegerField()

    def to_representation(self, instance):
        day, count = instance
        return {"date": day, "responses": count}


class ResultsSerializer(serializers.Serializer):
    consultation = serializers.CharField(source="consultation.slug")
    responses = serializers.IntegerField()
    questions = QuestionResultSerializer(many=True)
    per_day = DayCountSerializer(many=True)


# --------------------------------------------------------------------------------------------
# Writes: a milestone from a city's own system
# --------------------------------------------------------------------------------------------


def _visible_municipalities(user):
    return Municipality.objects.visible_to(user)


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$",
        "description": _("YYYY, YYYY-MM or YYYY-MM-DD; the precision follows from the form."),
    }
)
class PartialDateInputField(serializers.Field):
    def to_internal_value(self, data):
        try:
            return parse_partial_date(data if isinstance(data, str) else str(data))
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None


class ChoiceInputField(serializers.CharField):
    """A choice's code (or its label in any of the portal's languages), with the imports'
    messages."""

    def __init__(self, choices, **kwargs):
        self.widget = ChoiceWidget(choices)
        self.choices_class = choices
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return self.widget.clean(super().to_internal_value(data))
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None


class TextInputField(serializers.CharField):
    """Text as given: the model refuses control characters, NUL included, with its message."""

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", True)
        super().__init__(**kwargs)
        self.validators = [
            validator
            for validator in self.validators
            if not isinstance(validator, ProhibitNullCharactersValidator)
        ]


class MilestoneWriteSerializer(serializers.Serializer):
    """The import's columns for a milestone (see the README's *Importing data*). Only the
    format of each value is checked here; every rule — who may write for which city, unique
    titles, required English title, no control characters — is the missions services' and the
    model's, with their messages."""

    municipality = serializers.CharField(help_text=_("The municipality's slug, e.g. kozani."))
    date = PartialDateInputField()
    status = ChoiceInputField(Milestone.Status)
    kind = ChoiceInputField(Milestone.Kind, required=False)
    title_en = TextInputField(allow_blank=True)
    title_el = TextInputField(required=False, allow_blank=True, allow_null=True)
    title_pl = TextInputField(required=False, allow_blank=True, allow_null=True)
    description_en = TextInputField(required=False, allow_blank=True, allow_null=True)
    description_el = TextInputField(required=False, allow_blank=True, allow_null=True)
    description_pl = TextInputField(required=False, allow_blank=True, allow_null=True)
    position = serializers.IntegerField(required=False)

    def validate_municipality(self, value: str) -> Municipality:
        widget = NaturalKeyWidget(_visible_municipalities, "slug", "municipality")
        widget.acting_user = self.context["request"].user
        try:
            return widget.clean(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None

    def to_model_data(self) -> dict:
        """The validated values as the model's fields (``date`` gives date and precision)."""
        data = dict(self.validated_data)
        if "date" in data:
            data["date"], data["date_precision"] = data["date"]
        for name in ("title_el", "title_pl", "description_en", "description_el", "description_pl"):
            # A text left empty is "not translated" (NULL), as the admin stores it.
            if name in data and data[name] in ("", None):
                data[name] = None
        return data
