"""The public datasets, downloaded as CSV and JSON from the open-data page: the same selectors
(what is public) and serializers (what is shown) as the API, in the page's language.

CSV cells that a spreadsheet would run as formulas are written with a leading apostrophe
(``core.exports.neutralise_formula``), as in every spreadsheet the portal writes.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max, Prefetch
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework.utils.encoders import JSONEncoder

from consultations import selectors as consultation_selectors
from consultations.models import Consultation, Option, Question
from core.exports import neutralise_formula

from . import selectors, serializers
from .links import LICENCE_NAME, LICENCE_URL, base_url

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    rows: Callable[[], Iterable]
    serializer: type | None = None
    #: Whether its rows have ``updated_at``, which says when the dataset last changed.
    dated: bool = False
    keywords: tuple[str, ...] = field(default_factory=tuple)

    def items(self) -> list[dict]:
        if self.serializer is None:
            return list(self.rows())
        return list(self.serializer(self.rows(), many=True).data)

    def modified(self) -> datetime.datetime | None:
        """When a public row last changed (a deletion is not seen: no row is left to say)."""
        if not self.dated:
            return None
        return self.rows().order_by().aggregate(latest=Max("updated_at"))["latest"]


def _public_results() -> list[dict]:
    """The results of every consultation whose results are public now."""
    options = Option.objects.order_by("order")
    questions = Question.objects.order_by("order").prefetch_related(
        Prefetch("options", queryset=options)
    )
    consultations = (
        Consultation.objects.public()
        .select_related("municipality")
        .prefetch_related(Prefetch("questions", queryset=questions))
        .order_by("-opens_at", "pk")
    )
    return [
        serializers.ResultsSerializer(
            consultation_selectors.consultation_results(consultation=consultation)
        ).data
        for consultation in consultations
        if consultation_selectors.results_visible(consultation=consultation, user=None)
    ]


DATASETS = [
    Dataset(
        "municipalities",
        _("Municipalities"),
        _("The municipalities published on the portal: names, country, population, contacts."),
        selectors.municipalities,
        serializers.MunicipalitySerializer,
        True,
        ("municipality", "climate neutrality"),
    ),
    Dataset(
        "milestones",
        _("Milestones"),
        _(
            "Each city's climate-neutrality milestones: date at its precision, status, kind "
            "and description."
        ),
        selectors.milestones,
        serializers.MilestoneSerializer,
        True,
        ("milestone", "climate neutrality", "timeline"),
    ),
    Dataset(
        "missions",
        _("Missions"),
        _("The missions cities take part in, with their goals."),
        selectors.missions,
        serializers.MissionSerializer,
        True,
        ("mission",),
    ),
    Dataset(
        "participations",
        _("Mission participations"),
        _("Which city takes part in which mission, in which role, since when."),
        selectors.participations,
        serializers.ParticipationSerializer,
        False,
        ("mission", "municipality"),
    ),
    Dataset(
        "contract-parts",
        _("Climate City Contracts"),
        _("The parts of each city's Climate City Contract and where each stands."),
        selectors.contract_parts,
        serializers.ContractPartSerializer,
        True,
        ("climate city contract",),
    ),
    Dataset(
        "labels",
        _("Mission Labels"),
        _("The EU Mission Labels awarded to cities, with their award round."),
        selectors.labels,
        serializers.MissionLabelSerializer,
        True,
        ("mission label",),
    ),
    Dataset(
        "twinnings",
        _("Twinnings"),
        _("Twin cities and the pilot cities they learn from, by programme and cohort."),
        selectors.twinnings,
        serializers.TwinningSerializer,
        True,
        ("twinning",),
    ),
    Dataset(
        "networks",
        _("Networks"),
        _("Networks and partnerships of cities, with their objectives and member counts."),
        selectors.networks,
        serializers.NetworkSerializer,
        True,
        ("network", "partnership"),
    ),
    Dataset(
        "memberships",
        _("Network memberships"),
        _("The members of each network: organisations, their role, when they joined and left."),
        selectors.memberships,
        serializers.MembershipSerializer,
        False,
        ("network", "membership"),
    ),
    Dataset(
        "consultations",
        _("Consultations"),
        _("Citizens' consultations: what they ask, who is invited, when they open and close."),
        selectors.consultations,
        serializers.ConsultationSerializer,
        True,
        ("consultation", "participation"),
    ),
    Dataset(
        "consultation-results",
        _("Consultation results"),
        _(
            "The results of the consultations whose results are public: answers counted per "
            "question and option (free-text answers are counted, not published)."
        ),
        _public_results,
        None,
        False,
        ("consultation", "results"),
    ),
]
BY_SLUG = {dataset.slug: dataset for dataset in DATASETS}


def dataset(slug: str) -> Dataset | None:
    return BY_SLUG.get(slug)


def file_name(dataset: Dataset, extension: str) -> str:
    return f"climate-portal-{dataset.slug}-{get_language()}.{extension}"


# --------------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------------


def as_json(dataset: Dataset) -> bytes:
    document = {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "language": get_language(),
        "publisher": settings.OPEN_DATA_PUBLISHER,
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
        "source": base_url() + "/",
        "items": dataset.items(),
    }
    return json.dumps(document, cls=JSONEncoder, ensure_ascii=False, indent=1).encode("utf-8")


# --------------------------------------------------------------------------------------------
# CSV: one row per item; nested objects flattened, lists joined by " | "
# --------------------------------------------------------------------------------------------


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " | ".join(str(_cell(item)) for item in value)
    return neutralise_formula(value if isinstance(value, (int, float)) else str(value))


def _flatten(item: dict, prefix: str = "") -> dict:
    row = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            row.update(_flatten(value, f"{name}_"))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            # Participants of a twinning: "kozani (twin) | palaio-faliro (pilot)".
            row[name] = " | ".join(
                f"{entry.get('municipality', '')} ({entry.get('role', '')})" for entry in value
            )
        else:
            row[name] = value
    return row


def _columns(serializer_class) -> list[str]:
    """The CSV header from the serializer's fields, so an empty dataset has one too."""
    columns = []
    for name, field_ in serializer_class().fields.items():
        nested = getattr(field_, "fields", None)
        if nested is not None and not getattr(field_, "many", False):
            columns += [f"{name}_{child}" for child in nested]
        else:
            columns.append(name)
    return columns


RESULT_COLUMNS = [
    "consultation",
    "responses",
    "question_order",
    "question",
    "question_kind",
    "respondents",
    "option",
    "count",
    "percent",
    "average",
    "minimum",
    "maximum",
]


def _result_rows(results: list[dict]) -> Iterable[dict]:
    for result in results:
        for question in result["questions"]:
            base = {
                "consultation": result["consultation"],
                "responses": result["responses"],
                "question_order": question["order"],
                "question": question["text"],
                "question_kind": question["kind"],
                "respondents": question["respondents"],
                "average": question["average"],
                "minimum": question["minimum"],
                "maximum": question["maximum"],
            }
            if not question["options"]:
                yield base
            for option in question["options"]:
                yield {**base, "option": option["label"], **option}


def as_csv(dataset: Dataset) -> bytes:
    if dataset.serializer is None:
        columns, rows = RESULT_COLUMNS, _result_rows(dataset.items())
    else:
        columns, rows = _columns(dataset.serializer), map(_flatten, dataset.items())
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n"
    )
    writer.writerow({column: neutralise_formula(column) for column in columns})
    for row in rows:
        writer.writerow({column: _cell(row.get(column)) for column in columns})
    return buffer.getvalue().encode("utf-8")


def render(dataset: Dataset, extension: str) -> bytes:
    return as_csv(dataset) if extension == "csv" else as_json(dataset)
