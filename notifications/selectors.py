"""Reads: what the follow form offers, what an update email tells, what a reminder lists.

Each read serves a whole batch of recipients in a fixed number of queries; the emails are then
put together in memory, in each reader's language.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import CharField, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone

from consultations.models import Consultation
from core.collation import collated, language
from core.models import language_codes
from missions.models import Milestone, Municipality, MunicipalityRole

from .emails import absolute, absolute_url
from .models import Announcement, Subscription

# --------------------------------------------------------------------------------------------
# The follow form
# --------------------------------------------------------------------------------------------


def municipalities_to_follow() -> QuerySet[Municipality]:
    """Published municipalities, sorted as the reader's language sorts."""
    name = Coalesce(f"name_{language()}", "name_en", output_field=CharField())
    return Municipality.objects.published().order_by(collated(name), "pk")


# --------------------------------------------------------------------------------------------
# Updates for subscribers
# --------------------------------------------------------------------------------------------


def announcements_for(
    subscriptions: list[Subscription], *, upto: int
) -> dict[int | None, list[Announcement]]:
    """The announcements (up to id ``upto``) that some of ``subscriptions`` have not been sent,
    of published cities and public consultations only, by municipality id (one query)."""
    city_marks = [s.last_announcement_id for s in subscriptions if s.municipality_id]
    portal_marks = [s.last_announcement_id for s in subscriptions if not s.municipality_id]
    wanted = Q(pk__in=[])
    if city_marks:
        cities = {s.municipality_id for s in subscriptions if s.municipality_id}
        wanted |= Q(municipality_id__in=cities, pk__gt=min(city_marks))
    if portal_marks:
        wanted |= Q(pk__gt=min(portal_marks))
    announcements = (
        Announcement.objects.filter(wanted, pk__lte=upto, municipality__is_published=True)
        .filter(Q(consultation__isnull=True) | Q(consultation__is_published=True))
        # A milestone moved to another city is told about only under the city it is in now.
        .filter(Q(milestone__isnull=True) | Q(milestone__municipality_id=F("municipality_id")))
        .select_related("municipality", "milestone", "consultation")
        .order_by("pk")
    )
    by_city: dict[int | None, list[Announcement]] = defaultdict(list)
    for announcement in announcements:
        by_city[announcement.municipality_id].append(announcement)
    return by_city


@dataclass
class Item:
    """One line of an update email."""

    kind: str
    title: str
    url: str
    when: str = ""
    status: str = ""
    status_before: str = ""


@dataclass
class Section:
    """The items of one city; ``text`` and ``html`` are filled in by whoever renders them."""

    municipality: Municipality
    url: str
    items: list[Item] = field(default_factory=list)
    text: str = ""
    html: str = ""


@dataclass
class Updates:
    sections: list[Section]
    total: int  # items, including those beyond the email's limit

    @property
    def shown(self) -> int:
        return sum(len(section.items) for section in self.sections)


def _milestone_item(first: Announcement, last: Announcement, added: bool, lang: str) -> Item:
    milestone = last.milestone
    before = (first.changes.get("status") or [None])[0]
    status_before = ""
    if not added and before and before != milestone.status:
        status_before = str(Milestone.Status(before).label)
    return Item(
        kind=Announcement.Kind.MILESTONE_ADDED if added else Announcement.Kind.MILESTONE_CHANGED,
        title=milestone.title,
        url=absolute_url("missions:city-detail", language=lang, slug=last.municipality.slug)
        + f"#milestone-{milestone.pk}",
        when=milestone.date_display,
        status=milestone.get_status_display(),
        status_before=status_before,
    )


def _consultation_item(announcement: Announcement, lang: str) -> Item:
    consultation = announcement.consultation
    page = (
        "consultations:results"
        if announcement.kind == Announcement.Kind.RESULTS_PUBLISHED
        else "consultations:detail"
    )
    when = ""
    if announcement.kind == Announcement.Kind.CONSULTATION_OPENED:
        when = formats.date_format(timezone.localtime(consultation.closes_at), "j E Y")
    return Item(
        kind=announcement.kind,
        title=consultation.title,
        url=absolute_url(page, language=lang, slug=consultation.slug),
        when=when,
    )


def _city_items(announcements: list[Announcement], lang: str) -> list[Item]:
    """One item per milestone however often it changed (added, or changed with its status
    before and now), and one per consultation announcement, in the order they happened."""
    milestones: dict[int, list[Announcement]] = defaultdict(list)
    for announcement in announcements:
        if announcement.milestone_id:
            milestones[announcement.milestone_id].append(announcement)
    items: list[Item] = []
    for announcement in announcements:
        if announcement.milestone_id:
            history = milestones.pop(announcement.milestone_id, None)
            if history:
                added = any(a.kind == Announcement.Kind.MILESTONE_ADDED for a in history)
                items.append(_milestone_item(history[0], history[-1], added, lang))
        elif announcement.consultation_id:
            items.append(_consultation_item(announcement, lang))
    return items


class UpdatesMemo(dict):
    """What subscribers of one batch share, built once: a city's items for a language and a
    last-sent announcement, and each city's section as rendered (subscribers who follow the
    same thing, read the same language and were sent the same before get the same email)."""


def updates_for(
    subscription: Subscription,
    by_city: dict[int | None, list[Announcement]],
    memo: UpdatesMemo | None = None,
) -> Updates:
    """What ``subscription`` is told, in its language (activate it first): each city's items,
    cities in the order of their names, at most NOTIFICATIONS_MAX_ITEMS in all."""
    memo = UpdatesMemo() if memo is None else memo
    lang = subscription.language
    mark = subscription.last_announcement_id
    if subscription.municipality_id:
        cities = [subscription.municipality_id]
    else:
        if ("cities", lang) not in memo:
            named = [
                (announcements[0].municipality.name, city_id)
                for city_id, announcements in by_city.items()
            ]
            memo["cities", lang] = [city_id for _name, city_id in sorted(named)]
        cities = memo["cities", lang]
    sections: list[Section] = []
    total = shown = 0
    for city_id in cities:
        key = ("items", lang, city_id, mark)
        if key not in memo:
            news = [a for a in by_city.get(city_id, ()) if a.pk > mark]
            memo[key] = _city_items(news, lang)
        items = memo[key]
        if not items:
            continue
        total += len(items)
        room = settings.NOTIFICATIONS_MAX_ITEMS - shown
        if room <= 0:
            continue
        key = ("section", lang, city_id, mark, min(room, len(items)))
        if key not in memo:
            municipality = by_city[city_id][0].municipality
            memo[key] = Section(
                municipality=municipality,
                url=absolute_url("missions:city-detail", language=lang, slug=municipality.slug),
                items=items[:room],
            )
        sections.append(memo[key])
        shown += len(memo[key].items)
    return Updates(sections=sections, total=total)


# --------------------------------------------------------------------------------------------
# Reminders for staff
# --------------------------------------------------------------------------------------------

CLOSING_SOON = datetime.timedelta(days=7)
LISTED = 10  # items listed per city and heading; the rest are counted


@dataclass
class Untranslated:
    kind: str  # the model's verbose name (lazy: rendered in the reader's language)
    title: str
    url: str
    languages: list[str]


@dataclass
class CityReminder:
    municipality: Municipality
    overdue: list[Milestone] = field(default_factory=list)
    closing: list[Consultation] = field(default_factory=list)
    untranslated: list[Untranslated] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.overdue or self.closing or self.untranslated)

    @property
    def overdue_listed(self) -> list[Milestone]:
        return self.overdue[:LISTED]

    @property
    def overdue_more(self) -> int:
        return max(0, len(self.overdue) - LISTED)

    @property
    def untranslated_listed(self) -> list[Untranslated]:
        return self.untranslated[:LISTED]

    @property
    def untranslated_more(self) -> int:
        return max(0, len(self.untranslated) - LISTED)


def _admin_url(model, pk: int) -> str:
    opts = model._meta
    return absolute(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk]))


def _missing(instance, fields: tuple[str, ...]) -> list[str]:
    """The languages (other than the default) in which a text of ``instance`` written in the
    default language is empty."""
    default, *others = language_codes()
    missing = []
    for code in others:
        for name in fields:
            if getattr(instance, f"{name}_{default}", "") and not getattr(
                instance, f"{name}_{code}", ""
            ):
                missing.append(code)
                break
    return missing


def _untranslated_filter(fields: tuple[str, ...]) -> Q:
    default, *others = language_codes()
    condition = Q(pk__in=[])
    for name in fields:
        for code in others:
            empty = Q(**{f"{name}_{code}": ""}) | Q(**{f"{name}_{code}__isnull": True})
            condition |= empty & ~Q(**{f"{name}_{default}": ""})
    return condition


MILESTONE_TEXTS = ("title", "description")
CONSULTATION_TEXTS = ("title", "description")
MUNICIPALITY_TEXTS = ("summary",)


def reminders_for(user_ids: list[int], *, moment: datetime.datetime) -> dict[int, list]:
    """Each editor's cities with what needs their attention: overdue milestones (past their
    date, neither completed nor cancelled), consultations closing within a week, texts missing
    a translation. Cities with nothing to say are left out. A fixed number of queries."""
    today = timezone.localdate(moment)
    roles = (
        MunicipalityRole.objects.filter(user_id__in=user_ids, role=MunicipalityRole.Role.EDITOR)
        .select_related("municipality")
        .order_by("municipality__name_en", "pk")
    )
    cities: dict[int, CityReminder] = {}
    users: dict[int, list[int]] = defaultdict(list)
    for role in roles:
        cities.setdefault(role.municipality_id, CityReminder(role.municipality))
        users[role.user_id].append(role.municipality_id)
    overdue = (
        Milestone.objects.filter(municipality_id__in=cities)
        .overdue(today)
        .order_by("date", "position", "pk")
    )
    for milestone in overdue:
        milestone.admin_url = _admin_url(Milestone, milestone.pk)
        cities[milestone.municipality_id].overdue.append(milestone)
    closing = Consultation.objects.filter(
        municipality_id__in=cities, opens_at__lte=moment, closes_at__gt=moment
    ).filter(closes_at__lte=moment + CLOSING_SOON)
    for consultation in closing.order_by("closes_at", "pk"):
        consultation.admin_url = _admin_url(Consultation, consultation.pk)
        cities[consultation.municipality_id].closing.append(consultation)
    texts = [
        (Milestone, MILESTONE_TEXTS, "title"),
        (Consultation, CONSULTATION_TEXTS, "title"),
    ]
    for model, fields, label in texts:
        rows = model.objects.filter(municipality_id__in=cities).filter(_untranslated_filter(fields))
        for row in rows.order_by("pk"):
            cities[row.municipality_id].untranslated.append(
                Untranslated(
                    kind=model._meta.verbose_name,
                    title=getattr(row, f"{label}_{language_codes()[0]}"),
                    url=_admin_url(model, row.pk),
                    languages=_missing(row, fields),
                )
            )
    for city in cities.values():
        missing = _missing(city.municipality, MUNICIPALITY_TEXTS)
        if missing:
            city.untranslated.insert(
                0,
                Untranslated(
                    kind=Municipality._meta.verbose_name,
                    title=getattr(city.municipality, f"name_{language_codes()[0]}"),
                    url=_admin_url(Municipality, city.municipality.pk),
                    languages=missing,
                ),
            )
    return {
        user_id: [cities[pk] for pk in city_ids if cities[pk]]
        for user_id, city_ids in users.items()
    }
