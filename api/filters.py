"""The query parameters of each list, checked before anything is read: a bad value is a 400
naming the parameter, in the request's language. The OpenAPI schema documents them from these
classes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from missions.models import ContractPart, Milestone

from .language import LANGUAGE_CHOICES

# A text parameter given is taken as it is, even empty (?city= is no city): the schema says so.
OPTIONAL = {"required": False, "trim_whitespace": False}


class LanguageParameter(serializers.Serializer):
    lang = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES,
        required=False,
        help_text=_(
            "The language of the answer (else the Accept-Language header's); content missing "
            "in it falls back to English."
        ),
    )


class CityFilter(serializers.Serializer):
    city = serializers.CharField(
        **OPTIONAL, help_text=_("A municipality's slug, e.g. palaio-faliro.")
    )


class ChangedSinceFilter(serializers.Serializer):
    changed_since = serializers.DateTimeField(
        required=False,
        help_text=_(
            "Only what changed at or after this moment (ISO 8601, e.g. 2024-05-01T00:00Z)."
        ),
    )


class MunicipalityFilters(ChangedSinceFilter):
    country = serializers.CharField(
        **OPTIONAL, max_length=2, min_length=2, help_text=_("An ISO 3166 code, e.g. GR.")
    )


class MilestoneFilters(CityFilter, ChangedSinceFilter):
    status = serializers.ChoiceField(choices=Milestone.Status.choices, required=False)
    kind = serializers.ChoiceField(choices=Milestone.Kind.choices, required=False)
    date_from = serializers.DateField(
        required=False,
        help_text=_("Milestones dated on or after this day (a month milestone: its first day)."),
    )
    date_to = serializers.DateField(
        required=False, help_text=_("Milestones dated on or before this day.")
    )


class ParticipationFilters(CityFilter):
    mission = serializers.CharField(**OPTIONAL, help_text=_("A mission's slug."))


class ContractPartFilters(CityFilter):
    part = serializers.ChoiceField(choices=ContractPart.Part.choices, required=False)
    status = serializers.ChoiceField(choices=ContractPart.Status.choices, required=False)


class LabelFilters(CityFilter):
    mission = serializers.CharField(**OPTIONAL, help_text=_("A mission's slug."))


class TwinningFilters(CityFilter):
    programme = serializers.CharField(
        **OPTIONAL, help_text=_("A twinning programme's slug, e.g. netzerocities-twinning.")
    )


class MembershipFilters(CityFilter):
    network = serializers.CharField(**OPTIONAL, help_text=_("A network's slug."))


class ConsultationFilters(CityFilter, ChangedSinceFilter):
    pass


def read_filters(filter_class, request) -> dict:
    """The list's filters from the query string (only the ones given)."""
    # A plain dict, not the QueryDict: DRF would take an empty value of a form for "absent".
    serializer = filter_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
