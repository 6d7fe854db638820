"""The Mission overview's reads: where the Mission's cities stand (contracts, Labels, twinning
cohorts, countries), each figure with the directory filter that lists the cities behind it.

Everything is computed from one list of the published cities with their stage (a fixed number
of queries whatever the number of cities); the figures are counted in Python from that list, so
a figure and the list its link opens cannot disagree.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.urls import reverse
from django_countries import countries

from .models import (
    EU_MISSION_SLUG,
    TWINNING_PROGRAMME_SLUG,
    MissionStage,
    Municipality,
    TwinningParticipant,
)

reached = MissionStage.at_least


@dataclass
class CityStage:
    """A published city as the overview sees it."""

    city: Municipality
    stage: str
    label_round: int | None
    label_awarded_on: datetime.date | None
    cohorts: dict[int, str] = field(default_factory=dict)  # cohort → "twin" or "pilot"

    @property
    def stage_label(self) -> str:
        return MissionStage(self.stage).label if self.stage else ""


def directory_url(**filters) -> str:
    """The directory filtered to the cities behind a figure."""
    query = urlencode({key: value for key, value in filters.items() if value not in (None, "")})
    return reverse("missions:city-list") + (f"?{query}" if query else "")


def city_stages() -> list[CityStage]:
    """Every published city with its stage and twinning cohorts, in three queries."""
    participations = TwinningParticipant.objects.filter(
        twinning__programme__slug=TWINNING_PROGRAMME_SLUG
    ).select_related("twinning")
    cities = (
        Municipality.objects.published()
        .with_stage()
        .prefetch_related(Prefetch("twinning_participations", queryset=participations))
        .order_by("name_en", "pk")
    )
    return [
        CityStage(
            city=city,
            stage=city.stage,
            label_round=city.label_round,
            label_awarded_on=city.label_awarded_on,
            cohorts={p.twinning.cohort: p.role for p in city.twinning_participations.all()},
        )
        for city in cities
    ]


@dataclass(frozen=True)
class Figure:
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class CountryRow:
    code: str
    name: str
    figures: list[Figure]


@dataclass
class Overview:
    cities: list[CityStage]
    totals: list[Figure]
    rounds: list[Figure]
    cohorts: list[Figure]
    countries: list[CountryRow]
    labels_over_time: list[tuple[str, int]]  # (YYYY-MM, Label holders by then)


def overview() -> Overview:
    from django.utils.translation import gettext as _

    cities = city_stages()
    mission = [c for c in cities if c.stage]
    stage_count = Counter(c.stage for c in mission)

    def at_least(stage: str) -> int:
        return sum(stage_count[s] for s in reached(stage))

    totals = [
        Figure(_("Mission cities"), len(mission), directory_url(mission=EU_MISSION_SLUG)),
        Figure(
            _("Drafting or further"),
            at_least(MissionStage.DRAFTING),
            directory_url(stage=MissionStage.DRAFTING),
        ),
        Figure(
            _("Climate City Contract submitted"),
            at_least(MissionStage.SUBMITTED),
            directory_url(stage=MissionStage.SUBMITTED),
        ),
        Figure(
            _("Hold the Mission Label"),
            at_least(MissionStage.LABELLED),
            directory_url(stage=MissionStage.LABELLED),
        ),
    ]
    rounds = Counter(c.label_round for c in mission if c.label_round)
    round_figures = [
        Figure(
            _("Round %(round)s") % {"round": number},
            rounds[number],
            directory_url(stage=MissionStage.LABELLED, round=number),
        )
        for number in sorted(rounds)
    ]
    cohorts = Counter(cohort for c in cities for cohort in c.cohorts)
    cohort_figures = [
        Figure(_("Cohort %(cohort)s") % {"cohort": n}, cohorts[n], directory_url(cohort=n))
        for n in sorted(cohorts)
    ]
    by_country: dict[str, list[CityStage]] = defaultdict(list)
    for c in mission:
        by_country[str(c.city.country)].append(c)
    country_rows = [
        CountryRow(
            code=code,
            name=str(countries.name(code)),
            figures=[
                Figure(
                    _("Mission cities"),
                    len(rows),
                    directory_url(country=code, mission=EU_MISSION_SLUG),
                ),
                Figure(
                    _("Contract submitted"),
                    sum(1 for r in rows if r.stage in reached(MissionStage.SUBMITTED)),
                    directory_url(country=code, stage=MissionStage.SUBMITTED),
                ),
                Figure(
                    _("Mission Label"),
                    sum(1 for r in rows if r.stage == MissionStage.LABELLED),
                    directory_url(country=code, stage=MissionStage.LABELLED),
                ),
                Figure(
                    _("In twinning"),
                    sum(1 for r in rows if r.cohorts),
                    directory_url(country=code, cohort="any"),
                ),
            ],
        )
        for code, rows in by_country.items()
    ]
    country_rows.sort(key=lambda row: row.name)
    months = Counter(c.label_awarded_on.strftime("%Y-%m") for c in mission if c.label_awarded_on)
    running, over_time = 0, []
    for month in sorted(months):
        running += months[month]
        over_time.append((month, running))
    return Overview(
        cities=cities,
        totals=totals,
        rounds=round_figures,
        cohorts=cohort_figures,
        countries=country_rows,
        labels_over_time=over_time,
    )
