"""The EU Mission's own data: its 112 cities, their Mission Labels, and the NetZeroCities
Twinning Learning Programme's pairs, from the curated files in ``missions/data/`` (see
``missions/data/README.md`` for their columns and sources). ``manage.py load_mission_data``
runs it.

Each city row finds its municipality by any of its names within its country (the English
name first, then the file's other names, then its native name: the demo's "Nantes" is the
file's "Nantes Métropole"), or creates it. Only what is empty is filled in (native name,
coordinates); the file's names a city is not yet known by become its other names, so imports
match them. The Mission participation and the Label follow the file.

Everything is checked before anything is written: a malformed row stops the load with a message
naming the file, the row (data rows counted from 1, as in imports) and the column. Everything
is written through the services, as the system actor, in one transaction, and only what
differs: a second run writes nothing, history included.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django_countries import countries

from core.permissions import system_actor
from core.services import writer_for
from core.text import natural_key

from . import services
from .models import (
    EU_MISSION_SLUG,
    TWINNING_PROGRAMME_SLUG,
    Mission,
    MissionLabel,
    MissionParticipation,
    Municipality,
    TwinningProgramme,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
CITIES_FILE = DATA_DIR / "mission_cities.csv"
PAIRS_FILE = DATA_DIR / "twinning_pairs.csv"

PROGRAMME_SLUG = TWINNING_PROGRAMME_SLUG

# Created only when missing, with the demo's values (climateportal/demo/*.toml), so that the
# demo loaded afterwards finds them unchanged.
MISSION_DEFAULTS = {
    "name_en": "EU Mission: Climate-Neutral and Smart Cities",
    "name_el": "Ευρωπαϊκή Αποστολή για Κλιματικά Ουδέτερες και Έξυπνες Πόλεις",
    "name_pl": "Misja na rzecz miast neutralnych dla klimatu i inteligentnych",
    "short_name_en": "EU Cities Mission",
    "short_name_el": "Ευρωπαϊκή Αποστολή των Πόλεων",
    "short_name_pl": "Misja Miast",
    "goal_year": 2030,
    "website": (
        "https://research-and-innovation.ec.europa.eu/funding/funding-opportunities/"
        "funding-programmes-and-open-calls/horizon-europe/eu-missions-horizon-europe/"
        "climate-neutral-and-smart-cities_en"
    ),
}
PROGRAMME_DEFAULTS = {
    "name_en": "NetZeroCities Twinning Programme",
    "name_el": "Πρόγραμμα Δίδυμων Πόλεων NetZeroCities",
    "name_pl": "Program partnerski NetZeroCities (Twinning)",
    "organiser": "NetZeroCities",
    "starts_on": datetime.date(2023, 9, 1),
    "ends_on": datetime.date(2025, 8, 31),
}

CITY_COLUMNS = (
    "name_en",
    "native_name",
    "country",
    "aliases",
    "selected_on",
    "label_awarded_on",
    "label_round",
    "latitude",
    "longitude",
    "source",
    "label_source",
    "coordinates_source",
    "inferred",
    "notes",
)
PAIR_COLUMNS = (
    "cohort",
    "twin_city",
    "twin_country",
    "pilot_city",
    "pilot_country",
    "cluster",
    "source",
    "inferred",
    "notes",
)
# The Label's fields, and the file's columns they come from (for its ``inferred`` note).
LABEL_COLUMNS = {"label_awarded_on": "awarded_on", "label_round": "round", "label_source": "source"}


class MissionDataError(ValueError):
    """A data file cannot be loaded as it is; the message names the file, row and column."""


@dataclass(frozen=True)
class CityRow:
    number: int
    name_en: str
    native_name: str
    country: str
    aliases: tuple[str, ...]
    selected_on: datetime.date
    label_awarded_on: datetime.date | None
    label_round: int | None
    latitude: Decimal | None
    longitude: Decimal | None
    source: str
    label_source: str
    inferred: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        """Every name of the row, the English one first."""
        return [self.name_en, *self.aliases, *([self.native_name] if self.native_name else [])]


@dataclass(frozen=True)
class PairRow:
    number: int
    cohort: int
    twin_city: str
    twin_country: str
    pilot_city: str
    pilot_country: str
    cluster: str
    source: str


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def wrote(self) -> bool:
        return bool(self.created or self.changed)


# --------------------------------------------------------------------------------------------
# Reading and checking the files (nothing is written until both files are good)
# --------------------------------------------------------------------------------------------


class _Reader:
    """Reads one CSV file; ``error`` raises a MissionDataError naming the file and row."""

    def __init__(self, path: Path, columns: tuple[str, ...]):
        self.path = path
        self.columns = columns
        self.number = 0

    def error(self, column: str, message: str):
        where = f"{self.path.name}: row {self.number}"
        raise MissionDataError(f"{where}, column “{column}”: {message}")

    def rows(self):
        try:
            with self.path.open(encoding="utf-8-sig", newline="") as file:
                reader = csv.DictReader(file)
                headers = [(name or "").strip() for name in reader.fieldnames or []]
                missing = [column for column in self.columns if column not in headers]
                if missing:
                    raise MissionDataError(
                        f"{self.path.name}: missing column(s): {', '.join(missing)}"
                    )
                for self.number, row in enumerate(reader, start=1):
                    if None in row:
                        raise MissionDataError(
                            f"{self.path.name}: row {self.number}: more cells than columns"
                        )
                    yield {key.strip(): (value or "").strip() for key, value in row.items()}
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise MissionDataError(f"{self.path.name}: cannot be read: {error}") from error

    def required(self, row: dict, column: str) -> str:
        if not row[column]:
            self.error(column, "a value is required")
        return row[column]

    def country(self, row: dict, column: str) -> str:
        code = self.required(row, column).upper()
        if code not in countries:
            self.error(column, f"“{row[column]}” is not an ISO 3166 alpha-2 country code")
        return code

    def url(self, row: dict, column: str, *, required: bool = True) -> str:
        value = self.required(row, column) if required else row[column]
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                self.error(column, f"“{value}” is not a web address")
        return value

    def date(self, row: dict, column: str, *, month: bool = False) -> datetime.date | None:
        value = row[column]
        if not value:
            return None
        try:
            if month:
                year, number = value.split("-")
                return datetime.date(int(year), int(number), 1)
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.error(column, f"“{value}” is not a date ({'YYYY-MM' if month else 'YYYY-MM-DD'})")

    def positive(self, row: dict, column: str) -> int | None:
        value = row[column]
        if not value:
            return None
        if not (value.isascii() and value.isdigit()) or int(value) < 1:
            self.error(column, f"“{value}” is not a positive whole number")
        return int(value)

    def decimal(self, row: dict, column: str, limit: int) -> Decimal | None:
        value = row[column]
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) > limit:
            self.error(column, f"“{value}” is not a number between -{limit} and {limit}")
        return number

    def inferred(self, row: dict) -> tuple[str, ...]:
        names = tuple(name.strip() for name in row["inferred"].split("|") if name.strip())
        for name in names:
            if name not in self.columns:
                self.error("inferred", f"“{name}” is not a column of this file")
        return names


def read_cities(path: Path = CITIES_FILE) -> list[CityRow]:
    reader = _Reader(path, CITY_COLUMNS)
    cities: list[CityRow] = []
    seen: dict[tuple[str, str], int] = {}
    for row in reader.rows():
        name = reader.required(row, "name_en")
        country = reader.country(row, "country")
        key = (natural_key(name), country)
        if key in seen:
            reader.error("name_en", f"row {seen[key]} already has “{name}”")
        seen[key] = reader.number
        selected_on = reader.date(row, "selected_on")
        if selected_on is None:
            reader.error("selected_on", "a value is required")
        awarded_on = reader.date(row, "label_awarded_on", month=True)
        label_round = reader.positive(row, "label_round")
        if (awarded_on is None) != (label_round is None):
            reader.error("label_round", "give both label_awarded_on and label_round, or neither")
        latitude = reader.decimal(row, "latitude", 90)
        longitude = reader.decimal(row, "longitude", 180)
        if (latitude is None) != (longitude is None):
            reader.error("longitude", "give both latitude and longitude, or neither")
        cities.append(
            CityRow(
                number=reader.number,
                name_en=name,
                native_name=row["native_name"],
                country=country,
                aliases=tuple(a.strip() for a in row["aliases"].split("|") if a.strip()),
                selected_on=selected_on,
                label_awarded_on=awarded_on,
                label_round=label_round,
                latitude=latitude,
                longitude=longitude,
                source=reader.url(row, "source"),
                label_source=reader.url(row, "label_source", required=label_round is not None),
                inferred=reader.inferred(row),
            )
        )
    return cities


def read_pairs(path: Path = PAIRS_FILE) -> list[PairRow]:
    reader = _Reader(path, PAIR_COLUMNS)
    pairs: list[PairRow] = []
    for row in reader.rows():
        cohort = reader.positive(row, "cohort")
        if cohort is None:
            reader.error("cohort", "a value is required")
        pilot_city = row["pilot_city"]
        pairs.append(
            PairRow(
                number=reader.number,
                cohort=cohort,
                twin_city=reader.required(row, "twin_city"),
                twin_country=reader.country(row, "twin_country"),
                pilot_city=pilot_city,
                pilot_country=reader.country(row, "pilot_country") if pilot_city else "",
                cluster=row["cluster"],
                source=reader.url(row, "source"),
            )
        )
        reader.inferred(row)
    return pairs


# --------------------------------------------------------------------------------------------
# Writing, through the services, only what differs
# --------------------------------------------------------------------------------------------


def _messages(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error)


class Loader:
    def __init__(self, report: LoadReport):
        self.report = report
        self.actor = system_actor()
        # (name key, country) → municipality, for every name of the cities file's rows.
        self.mission_cities: dict[tuple[str, str], Municipality] = {}
        # (name key, country) → municipality, for every name of every municipality, read once
        # (as ``Municipality.objects.known_as``: the first by id for a name two share).
        self.known: dict[tuple[str, str], Municipality] = {}
        for municipality in Municipality.objects.order_by("pk"):
            self.remember(municipality)

    def remember(self, municipality: Municipality) -> None:
        for key in filter(None, municipality.search_keys.split("|")):
            self.known.setdefault((key, str(municipality.country)), municipality)

    def save(self, instance, *, where: str) -> None:
        """Save through the model's services when something differs."""
        creating = instance.pk is None
        if not creating and not instance.changed_fields():
            return
        try:
            writer_for(type(instance)).save(acting_user=self.actor, instance=instance)
        except (ValidationError, PermissionDenied) as error:
            raise MissionDataError(f"{where}: {_messages(error)}") from error
        (self.report.created if creating else self.report.changed).append(
            f"{instance._meta.verbose_name}: {instance}"
        )

    # Reference data, created with the demo's values when missing.

    def mission(self) -> Mission:
        mission = Mission.objects.filter(slug=EU_MISSION_SLUG).first()
        if mission is None:
            mission = Mission(slug=EU_MISSION_SLUG, **MISSION_DEFAULTS)
            self.save(mission, where="the EU Mission")
        return mission

    def programme(self, mission: Mission) -> TwinningProgramme:
        programme = TwinningProgramme.objects.filter(slug=PROGRAMME_SLUG).first()
        if programme is None:
            programme = TwinningProgramme(
                slug=PROGRAMME_SLUG, mission=mission, **PROGRAMME_DEFAULTS
            )
            self.save(programme, where="the NetZeroCities programme")
        return programme

    # Municipalities.

    def find(self, names: list[str], country: str) -> Municipality | None:
        """The municipality of ``country`` known by the first of ``names`` that one is known
        by (in any language, native or other names)."""
        for name in names:
            found = self.known.get((natural_key(name), country))
            if found is not None:
                return found
        return None

    def create(self, name: str, country: str, *, where: str, **values) -> Municipality:
        try:
            municipality = services.municipality_create(
                acting_user=self.actor, data={"name_en": name, "country": country, **values}
            )
        except (ValidationError, PermissionDenied) as error:
            raise MissionDataError(f"{where}: {_messages(error)}") from error
        self.report.created.append(f"{municipality._meta.verbose_name}: {municipality}")
        self.remember(municipality)
        return municipality

    @staticmethod
    def new_names(names: list[str], known: set[str]) -> list[str]:
        """``names`` not among the ``known`` keys, once each."""
        added = []
        for name in names:
            key = natural_key(name)
            if key and key not in known:
                added.append(name)
                known.add(key)
        return added

    def city(self, row: CityRow, *, where: str) -> Municipality:
        municipality = self.find(row.names, row.country)
        if municipality is None:
            known = {natural_key(row.name_en), natural_key(row.native_name)}
            return self.create(
                row.name_en,
                row.country,
                where=where,
                native_name=row.native_name,
                latitude=row.latitude,
                longitude=row.longitude,
                other_names="\n".join(self.new_names(row.names, known)),
            )
        if not municipality.native_name and row.native_name:
            municipality.native_name = row.native_name
        if municipality.latitude is None and municipality.longitude is None:
            municipality.latitude, municipality.longitude = row.latitude, row.longitude
        # The names it is not yet known by become other names, so that imports match them.
        added = self.new_names(row.names, set(municipality.search_keys.split("|")))
        if added:
            municipality.other_names = "\n".join(
                [*filter(None, municipality.other_names.splitlines()), *added]
            )
        self.save(municipality, where=where)
        self.remember(municipality)
        return municipality

    def participation(self, municipality: Municipality, mission: Mission, row: CityRow, where):
        participation = self.participations.get(municipality.pk)
        if participation is None:
            participation = MissionParticipation(
                municipality=municipality,
                mission=mission,
                role=MissionParticipation.Role.MISSION_CITY,
            )
        elif participation.role == MissionParticipation.Role.PARTICIPANT:
            # A Mission city (a pilot city, as the demo has Kozani, stays one).
            participation.role = MissionParticipation.Role.MISSION_CITY
        participation.joined_on = participation.joined_on or row.selected_on
        participation.source = participation.source or row.source
        self.save(participation, where=where)

    def label(self, municipality: Municipality, mission: Mission, row: CityRow, where):
        if row.label_round is None:
            return  # no Label found in the sources: an existing one is left as it is
        label = self.labels.get(municipality.pk) or MissionLabel(municipality=municipality)
        label.mission = mission
        label.awarded_on = row.label_awarded_on
        label.round = row.label_round
        label.source = row.label_source
        label.inferred = "|".join(
            LABEL_COLUMNS[column] for column in row.inferred if column in LABEL_COLUMNS
        )
        self.save(label, where=where)

    def cities(self, rows: list[CityRow], mission: Mission, *, file: str) -> None:
        matched: dict[int, int] = {}  # municipality → the row that named it
        self.participations = {
            participation.municipality_id: participation
            for participation in MissionParticipation.objects.filter(mission=mission)
        }
        self.labels = {label.municipality_id: label for label in MissionLabel.objects.all()}
        for row in rows:
            where = f"{file}: row {row.number}"
            municipality = self.city(row, where=where)
            first = matched.setdefault(municipality.pk, row.number)
            if first != row.number:
                raise MissionDataError(
                    f"{where}: “{row.name_en}” is {municipality.name} ({municipality.slug}), "
                    f"which row {first} names already"
                )
            for name in row.names:
                self.mission_cities.setdefault((natural_key(name), row.country), municipality)
            self.participation(municipality, mission, row, where)
            self.label(municipality, mission, row, where)

    # Twinning.

    def pair_city(self, name: str, country: str, *, where: str) -> Municipality:
        """A Mission city by any of the file's names for it, else a municipality the portal
        knows, else a new one (a twin city, or a pilot city outside the Mission)."""
        return (
            self.mission_cities.get((natural_key(name), country))
            or self.find([name], country)
            or self.create(name, country, where=where)
        )

    def pairs(self, rows: list[PairRow], programme: TwinningProgramme, *, file: str) -> None:
        for row in rows:
            where = f"{file}: row {row.number}"
            if not row.pilot_city:
                self.report.notes.append(
                    f"{where}: skipped: the source names no pilot city for {row.twin_city}."
                )
                continue
            twin = self.pair_city(row.twin_city, row.twin_country, where=where)
            pilot = self.pair_city(row.pilot_city, row.pilot_country, where=where)
            try:
                participant, created = services.twinning_pair(
                    acting_user=self.actor,
                    programme=programme,
                    cohort=row.cohort,
                    twin=twin,
                    pilot=pilot,
                )
            except (ValidationError, PermissionDenied) as error:
                raise MissionDataError(f"{where}: {_messages(error)}") from error
            if created:
                self.report.created.append(f"{participant._meta.verbose_name}: {participant}")
            twinning = participant.twinning
            if row.cluster and not twinning.title_en:
                twinning.title_en = row.cluster
                self.save(twinning, where=where)


@transaction.atomic
def load_mission_data(
    *, cities_path: Path = CITIES_FILE, pairs_path: Path = PAIRS_FILE
) -> LoadReport:
    """Load both files (all or nothing); returns what was created and changed, and notes."""
    cities = read_cities(cities_path)
    pairs = read_pairs(pairs_path)
    report = LoadReport()
    loader = Loader(report)
    mission = loader.mission()
    programme = loader.programme(mission)
    loader.cities(cities, mission, file=cities_path.name)
    loader.pairs(pairs, programme, file=pairs_path.name)
    return report
