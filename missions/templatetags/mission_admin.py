"""The admin's start page for a city's editors: each of their cities with its timeline, what
is overdue, what still needs a translation, and the way to import and to reports."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.db.models import Count
from django.urls import reverse

from core.languages import missing_in
from core.models import language_codes

from ..models import Municipality, MunicipalityRole, overdue_milestones

register = template.Library()

TEXTS = ("title", "description")


@dataclass(frozen=True)
class Missing:
    language: str
    count: int
    url: str


@dataclass(frozen=True)
class CityStart:
    city: Municipality
    change_url: str
    milestones_url: str
    milestone_total: int
    overdue: int
    overdue_url: str
    missing: list[Missing]
    import_url: str


@register.simple_tag
def editor_start(user) -> list[CityStart]:
    """The cities ``user`` holds an editor role for, with their counts (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    others = language_codes()[1:]
    cities = (
        Municipality.objects.filter(
            pk__in=MunicipalityRole.objects.filter(
                user=user, role=MunicipalityRole.Role.EDITOR
            ).values("municipality_id")
        )
        .annotate(
            milestone_total=Count("milestones", distinct=True),
            overdue_count=Count(
                "milestones", filter=overdue_milestones(prefix="milestones__"), distinct=True
            ),
            **{
                f"missing_{code}": Count(
                    "milestones",
                    filter=missing_in(code, TEXTS, prefix="milestones__"),
                    distinct=True,
                )
                for code in others
            },
        )
        .order_by("name_en")
    )
    names = dict(settings.LANGUAGES)
    changelist = reverse("admin:missions_milestone_changelist")
    start = []
    for city in cities:
        own = {"municipality__id__exact": city.pk}
        start.append(
            CityStart(
                city=city,
                change_url=reverse("admin:missions_municipality_change", args=[city.pk]),
                milestones_url=f"{changelist}?{urlencode(own)}",
                milestone_total=city.milestone_total,
                overdue=city.overdue_count,
                overdue_url=f"{changelist}?{urlencode({**own, 'overdue': 'yes'})}",
                missing=[
                    Missing(
                        names[code],
                        getattr(city, f"missing_{code}"),
                        f"{changelist}?{urlencode({**own, 'missing_language': code})}",
                    )
                    for code in others
                ],
                import_url=reverse("admin:missions_milestone_import"),
            )
        )
    return start
