"""Reads shared by the public pages, the feeds and the progress reports. What the public may see
is decided here and in the models' ``public()`` scopes: an unpublished municipality never
appears through another one (as a twinning partner, a network member or in a count)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from core.collation import collated, language
from core.text import natural_key

from .models import (
    TWINNING_PROGRAMME_SLUG,
    ContractPart,
    Membership,
    Milestone,
    MissionLabel,
    MissionParticipation,
    MissionStage,
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
    overdue: int = 0

    @property
    def percent_completed(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0


def progress_summary(milestones) -> ProgressSummary:
    counts = Counter(m.status for m in milestones)
    return ProgressSummary(
        total=sum(counts.values()),
        completed=counts[Milestone.Status.COMPLETED],
        by_status={status: counts[status] for status in Milestone.Status.values},
        overdue=sum(1 for m in milestones if m.is_overdue),
    )


def municipality_directory(
    *,
    user,
    query: str = "",
    country: str = "",
    mission: str = "",
    network: str = "",
    stage: str = "",
    label_round: int | None = None,
    cohort: str = "",
) -> QuerySet[Municipality]:
    """The directory's cities, filtered; each with its Mission stage, its progress and its
    twinning roles (prefetched: the page's queries do not grow with the cities)."""
    participations = TwinningParticipant.objects.filter(
        twinning__programme__slug=TWINNING_PROGRAMME_SLUG
    ).select_related("twinning")
    milestones = (
        Milestone.objects.filter(municipality=OuterRef("pk")).order_by().values("municipality")
    )
    cities = (
        Municipality.objects.visible_to(user)
        .with_stage()
        .annotate(
            milestone_count=Coalesce(
                Subquery(
                    milestones.annotate(n=Count("pk")).values("n"), output_field=IntegerField()
                ),
                0,
            ),
            completed_count=Coalesce(
                Subquery(
                    milestones.filter(status=Milestone.Status.COMPLETED)
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
        )
        .prefetch_related(Prefetch("twinning_participations", queryset=participations))
    )
    if query:
        # Names are searched by their stored keys (case-folded, without accents), so "κοζανη",
        # "φαληρο" or "lodz" find their city on SQLite and PostgreSQL alike.
        key = natural_key(query)
        cities = cities.filter(Q(search_keys__contains=key) | Q(region__icontains=query))
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
    if stage:
        cities = cities.filter(stage__in=MissionStage.at_least(stage))
    if label_round:
        cities = cities.filter(label_round=label_round)
    if cohort:
        in_programme = TwinningParticipant.objects.filter(
            municipality=OuterRef("pk"), twinning__programme__slug=TWINNING_PROGRAMME_SLUG
        )
        if cohort != "any":
            in_programme = in_programme.filter(twinning__cohort=int(cohort))
        cities = cities.filter(Exists(in_programme))
    name = Coalesce(f"name_{language()}", "name_en", output_field=CharField())
    return cities.order_by(collated(name), "pk")


@dataclass(frozen=True)
class ClimateCityContract:
    """What a city's page and report show of its Climate City Contract: the parts recorded, in
    the contract's order, and the Mission Label when it has one."""

    parts: list[ContractPart]
    label: MissionLabel | None

    def __bool__(self) -> bool:
        return bool(self.parts) or self.label is not None


def climate_city_contract(municipality: Municipality) -> ClimateCityContract:
    """From a municipality loaded by ``municipality_for_page`` (no further query)."""
    try:
        label = municipality.mission_label
    except MissionLabel.DoesNotExist:
        label = None
    return ClimateCityContract(parts=list(municipality.contract_parts.all()), label=label)


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
    queryset = base.select_related("mission_label").prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("date", "position", "pk")),
        Prefetch("contract_parts", queryset=ContractPart.objects.in_contract_order()),
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
    municipality.contract = climate_city_contract(municipality)
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


def embed_snippet(city: Municipality) -> str:
    """The HTML a city's web team pastes to show its timeline in a frame on its own site."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils.translation import gettext as _

    source = settings.PORTAL_BASE_URL.rstrip("/") + reverse(
        "missions:city-embed", kwargs={"slug": city.slug}
    )
    title = _("%(city)s: mission timeline") % {"city": city.name}
    return (
        f'<iframe src="{source}" title="{title}" width="100%" height="600" loading="lazy"></iframe>'
    )


@dataclass
class TwinSide:
    """One city of a twinning, as the side-by-side page shows it."""

    participant: TwinningParticipant
    city: Municipality
    done_since: list[Milestone]  # completed since the twinning began


@dataclass
class TwinningPage:
    twinning: Twinning
    began: object  # a date, or None when unknown
    sides: list[TwinSide]
    months: list[tuple[object, list[tuple[Municipality, Milestone]]]]  # newest first


def twinning_for_page(*, pk: int) -> TwinningPage:
    """A public twinning with its published cities side by side: their stages, their timelines
    aligned by month, and what each has done since the twinning began (a fixed number of
    queries whatever the size of the cluster)."""
    from django.shortcuts import get_object_or_404

    cities = Municipality.objects.with_stage().prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("date", "position", "pk"))
    )
    participants = (
        TwinningParticipant.objects.public()
        .order_by("-role", "municipality__name_en")  # the twin first, then the pilots
        .prefetch_related(Prefetch("municipality", queryset=cities))
    )
    twinning = get_object_or_404(
        Twinning.objects.public()
        .select_related("programme")
        .prefetch_related(Prefetch("participants", queryset=participants)),
        pk=pk,
    )
    began = twinning.started_on or twinning.programme.starts_on
    sides, by_month = [], {}
    for participant in twinning.participants.all():
        city = participant.municipality
        milestones = list(city.milestones.all())
        done = [
            m
            for m in milestones
            if m.status == Milestone.Status.COMPLETED and (began is None or m.date >= began)
        ]
        sides.append(TwinSide(participant=participant, city=city, done_since=done))
        for milestone in milestones:
            month = milestone.date.replace(day=1)
            by_month.setdefault(month, []).append((city, milestone))
    months = sorted(by_month.items(), key=lambda item: item[0], reverse=True)
    return TwinningPage(twinning=twinning, began=began, sides=sides, months=months)
