"""What the API and the open-data downloads may show: only the public scopes and selectors of
the apps below (``published()``, ``public()``, ``missions.selectors``), whoever asks — a token
lets a city's system write, never read more. Each function loads what its serializer shows, so
the number of queries does not grow with the rows."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from consultations.models import Consultation
from missions import selectors as mission_selectors
from missions.models import (
    ContractPart,
    Membership,
    Milestone,
    Mission,
    MissionLabel,
    MissionParticipation,
    Municipality,
    Network,
    Twinning,
)


def municipalities(
    *, country: str = "", changed_since: datetime.datetime | None = None
) -> QuerySet[Municipality]:
    queryset = Municipality.objects.published()
    if country:
        queryset = queryset.filter(country=country.upper())
    if changed_since:
        queryset = queryset.filter(updated_at__gte=changed_since)
    return queryset.order_by("slug", "pk")


def milestones(
    *,
    city: str = "",
    status: str = "",
    kind: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    changed_since: datetime.datetime | None = None,
) -> QuerySet[Milestone]:
    queryset = Milestone.objects.public().select_related("municipality")
    if city:
        queryset = queryset.filter(municipality__slug=city)
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if date_from:
        queryset = queryset.filter(date__gte=date_from)
    if date_to:
        queryset = queryset.filter(date__lte=date_to)
    if changed_since:
        queryset = queryset.filter(updated_at__gte=changed_since)
    if city:
        return queryset.order_by("date", "position", "pk")  # the timeline's order (indexed)
    # Across cities, in the order they were added: pages stay put as rows are added, and the
    # primary key's index serves them without sorting every milestone.
    return queryset.order_by("pk")


def milestones_of(municipality: Municipality) -> QuerySet[Milestone]:
    """A published city's milestones (its calendar)."""
    return (
        Milestone.objects.public()
        .filter(municipality=municipality)
        .order_by("date", "position", "pk")
    )


def missions() -> QuerySet[Mission]:
    return Mission.objects.order_by("slug", "pk")


def participations(*, city: str = "", mission: str = "") -> QuerySet[MissionParticipation]:
    queryset = MissionParticipation.objects.filter(municipality__is_published=True).select_related(
        "municipality", "mission"
    )
    if city:
        queryset = queryset.filter(municipality__slug=city)
    if mission:
        queryset = queryset.filter(mission__slug=mission)
    return queryset.order_by("municipality__slug", "mission__slug", "pk")


def contract_parts(*, city: str = "", part: str = "", status: str = "") -> QuerySet[ContractPart]:
    queryset = ContractPart.objects.public().select_related("municipality")
    if city:
        queryset = queryset.filter(municipality__slug=city)
    if part:
        queryset = queryset.filter(part=part)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("municipality__slug", "part", "pk")


def labels(*, city: str = "", mission: str = "") -> QuerySet[MissionLabel]:
    queryset = MissionLabel.objects.public().select_related("municipality", "mission")
    if city:
        queryset = queryset.filter(municipality__slug=city)
    if mission:
        queryset = queryset.filter(mission__slug=mission)
    return queryset.order_by("awarded_on", "municipality__slug", "pk")


def twinnings(*, city: str = "", programme: str = "") -> QuerySet[Twinning]:
    """Twinnings with at least two published cities, listing only their published cities."""
    queryset = mission_selectors.twinnings_for_public()
    if city:
        queryset = queryset.involving(Municipality.objects.published().filter(slug=city))
    if programme:
        queryset = queryset.filter(programme__slug=programme)
    return queryset.order_by("programme__slug", "cohort", "pk")


def networks() -> QuerySet[Network]:
    return mission_selectors.networks_for_public().order_by("slug", "pk")


def memberships(*, network: str = "", city: str = "") -> QuerySet[Membership]:
    queryset = Membership.objects.public().select_related(
        "network", "organisation", "organisation__municipality"
    )
    if network:
        queryset = queryset.filter(network__slug=network)
    if city:
        queryset = queryset.filter(organisation__municipality__slug=city)
    return queryset.order_by("network__slug", "organisation__name_en", "pk")


def consultations(
    *, city: str = "", changed_since: datetime.datetime | None = None
) -> QuerySet[Consultation]:
    queryset = Consultation.objects.public().select_related("municipality")
    if city:
        queryset = queryset.filter(municipality__slug=city)
    if changed_since:
        queryset = queryset.filter(updated_at__gte=changed_since)
    return queryset.order_by("-opens_at", "pk")
