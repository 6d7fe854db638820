"""Reads shared by the public pages, the feeds and the progress reports. What the public may see
is decided here and in the models' ``public()`` scopes: an unpublished municipality never
appears through another one (as a twinning partner, a network member or in a count)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import CharField, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from core.collation import collated, language

from .models import (
    Membership,
    Milestone,
    MissionParticipation,
    Municipality,
    Network,
    Twinning,
    TwinningParticipant,
)


@dataclass(frozen=True)
class ProgressSummary:
    total: int
    completed: int
    by_status: dict[str, int]

    @property
    def percent_completed(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0


def progress_summary(milestones) -> ProgressSummary:
    counts = Counter(m.status for m in milestones)
    return ProgressSummary(
        total=sum(counts.values()),
        completed=counts[Milestone.Status.COMPLETED],
        by_status={status: counts[status] for status in Milestone.Status.values},
    )


def municipality_directory(
    *, user, query: str = "", country: str = "", mission: str = "", network: str = ""
) -> QuerySet[Municipality]:
    cities = Municipality.objects.visible_to(user).annotate(
        milestone_count=Count("milestones", distinct=True),
        completed_count=Count(
            "milestones", filter=Q(milestones__status=Milestone.Status.COMPLETED), distinct=True
        ),
    )
    if query:
        cities = cities.filter(
            Q(name_en__icontains=query)
            | Q(name_el__icontains=query)
            | Q(name_pl__icontains=query)
            | Q(native_name__icontains=query)
            | Q(region__icontains=query)
        )
    if country:
        cities = cities.filter(country=country)
    if mission:
        cities = cities.filter(
            Exists(
                MissionParticipation.objects.filter(
                    municipality=OuterRef("pk"), mission__slug=mission
                )
            )
        )
    if network:
        cities = cities.filter(
            Exists(
                Membership.objects.filter(
                    organisation__municipality=OuterRef("pk"), network__slug=network
                )
            )
        )
    name = Coalesce(f"name_{language()}", "name_en", output_field=CharField())
    return cities.order_by(collated(name), "pk")


def municipality_for_page(*, user, slug: str, include_unpublished: bool = False) -> Municipality:
    """The city page's municipality with everything the page shows, in a fixed number of queries.

    ``include_unpublished`` is for callers that have checked access themselves (reports)."""
    from django.shortcuts import get_object_or_404

    # Partners are shown only when published (the city itself always, for its own page).
    participants = TwinningParticipant.objects.filter(
        Q(municipality__is_published=True) | Q(municipality__slug=slug)
    ).select_related("municipality")
    twinnings = Twinning.objects.select_related("programme").prefetch_related(
        Prefetch("participants", queryset=participants)
    )
    base = (
        Municipality.objects.all() if include_unpublished else Municipality.objects.visible_to(user)
    )
    queryset = base.prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("date", "position", "pk")),
        Prefetch("participations", queryset=MissionParticipation.objects.select_related("mission")),
        Prefetch(
            "twinning_participations",
            queryset=TwinningParticipant.objects.prefetch_related(
                Prefetch("twinning", queryset=twinnings)
            ),
        ),
    )
    municipality = get_object_or_404(queryset, slug=slug)
    municipality.network_memberships = list(
        Membership.objects.filter(organisation__municipality=municipality)
        .select_related("network")
        .order_by("network__name")
    )
    return municipality


def twinnings_for_public() -> QuerySet[Twinning]:
    participants = TwinningParticipant.objects.public().select_related("municipality")
    return (
        Twinning.objects.public()
        .select_related("programme")
        .prefetch_related(Prefetch("participants", queryset=participants))
        .order_by("programme__name", "cohort", "pk")
    )


def networks_for_public() -> QuerySet[Network]:
    public_members = Q(memberships__in=Membership.objects.public().current())
    return Network.objects.select_related("coordinator").annotate(
        member_count=Count("memberships", filter=public_members)
    )


def network_for_page(*, slug: str) -> Network:
    from django.shortcuts import get_object_or_404

    memberships = (
        Membership.objects.public()
        .select_related("organisation", "organisation__municipality")
        .order_by("role", "organisation__name")
    )
    return get_object_or_404(
        Network.objects.select_related("coordinator").prefetch_related(
            Prefetch("memberships", queryset=memberships)
        ),
        slug=slug,
    )


def latest_milestone_changes(*, limit: int = 6) -> QuerySet[Milestone]:
    return (
        Milestone.objects.public()
        .select_related("municipality")
        .order_by("-updated_at", "-pk")[:limit]
    )


def home_counts() -> dict[str, int]:
    return {
        "cities": Municipality.objects.published().count(),
        "completed": Milestone.objects.public().filter(status=Milestone.Status.COMPLETED).count(),
        "twinnings": Twinning.objects.public().count(),
    }
