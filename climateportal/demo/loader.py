"""Load the demo data: the TOML files next to this module, one per source page.

Each file holds what the portal models from one source page (the seed file is named on its
first line), in sections: ``[[missions]]``, ``[[programmes]]``, ``[[municipalities]]``,
``[[milestones]]``, ``[[participations]]``, ``[[twinnings]]``, ``[[organisations]]``,
``[[networks]]``, ``[[memberships]]`` and ``[[consultations]]`` (with their questions and
options). A translated text is a table with its languages side by side (``en``, ``el``, ``pl``);
a "one per line" field is a list of such tables, one a line. Objects refer to one another by
slug, across files; each object is defined once.

``load_demo()`` is idempotent: it finds every object by its natural key and saves, through the
model's services and as the system actor, only what differs, so running it twice leaves the
database (history included) unchanged. Everything happens in one transaction.

Not content: the demo accounts, and the consultation's sample responses, which are generated
(seeded, so reproducible) so that the results page has something to show.
"""

from __future__ import annotations

import datetime
import random
import secrets
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from modeltranslation.translator import translator

from consultations.models import Answer, Consultation, Option, Question, Response
from consultations.services import participant_key_for_token
from core import audit
from core.models import language_codes
from core.permissions import system_actor
from core.services import writer_for
from missions.models import (
    Membership,
    Milestone,
    Mission,
    MissionParticipation,
    Municipality,
    MunicipalityRole,
    Network,
    Organisation,
    Twinning,
    TwinningParticipant,
    TwinningProgramme,
)
from missions.services import municipality_role_grant, twinning_pair

DATA_DIR = Path(__file__).resolve().parent

# Accounts for trying the portal out: a superuser, and a staff editor of each of these cities.
SUPERUSER_EMAIL = "admin@example.org"
EDITED_MUNICIPALITIES = ("palaio-faliro", "kozani", "warsaw")


class DemoDataError(ValueError):
    """A data file names an unknown object or field, or defines an object twice."""


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)


def data_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.toml"))


@dataclass
class Entry:
    """One object of a data file: its table and where it comes from (for error messages)."""

    data: dict[str, Any]
    source: str


def read_data(files: Iterable[Path] | None = None) -> dict[str, list[Entry]]:
    """Every file's tables, gathered by section (``missions``, ``municipalities``, …)."""
    sections: dict[str, list[Entry]] = defaultdict(list)
    for path in data_files() if files is None else files:
        with path.open("rb") as file:
            document = tomllib.load(file)
        for section, tables in document.items():
            if section not in SECTIONS:
                raise DemoDataError(f"{path.name}: unknown section [[{section}]]")
            sections[section].extend(Entry(table, path.name) for table in tables)
    return sections


# --------------------------------------------------------------------------------------------
# Saving through the services
# --------------------------------------------------------------------------------------------


def upsert(model: type[models.Model], lookup: dict, values: dict, report: DemoReport):
    """Find ``model`` by ``lookup`` and save it with ``values`` through its services, as the
    system actor; only what differs is written."""
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        return create(model(**lookup, **values), report)
    return update(instance, values)


def create(instance: models.Model, report: DemoReport):
    writer_for(type(instance)).save(acting_user=system_actor(), instance=instance)
    report.created.append(f"{instance._meta.verbose_name}: {instance}")
    return instance


def update(instance: models.Model, values: dict):
    for name, value in values.items():
        setattr(instance, name, value)
    if instance.changed_fields():
        writer_for(type(instance)).save(acting_user=system_actor(), instance=instance)
    return instance


# --------------------------------------------------------------------------------------------
# From a table to field values
# --------------------------------------------------------------------------------------------


def _is_texts(value: Any) -> bool:
    """``{en = …, el = …, pl = …}``: one text in several languages."""
    return isinstance(value, dict) and bool(value) and set(value) <= set(language_codes())


def translated_fields(model: type[models.Model]) -> set[str]:
    """The model's fields kept in every language (django-modeltranslation)."""
    if model not in translator.get_registered_models():
        return set()
    return set(translator.get_options_for_model(model).fields)


def field_values(model: type[models.Model], table: dict, *, source: str) -> dict[str, Any]:
    """The model's field values for ``table``: a translated field's table gives one value per
    language (a language left out has none, and the portal falls back); a list of such tables
    gives one line each (the "one per line" fields); decimals keep their written digits."""
    translated = translated_fields(model)
    values: dict[str, Any] = {}
    for name, value in table.items():
        is_lines = isinstance(value, list) and value and all(_is_texts(v) for v in value)
        if _is_texts(value) or is_lines:
            if name not in translated:
                raise DemoDataError(f"{source}: {model.__name__}.{name} is not translated")
            for language in language_codes():
                if not is_lines:
                    values[f"{name}_{language}"] = value.get(language)
                    continue
                lines = [line[language] for line in value if language in line]
                if lines and len(lines) != len(value):
                    raise DemoDataError(f"{source}: {model.__name__}.{name}: lines lack {language}")
                values[f"{name}_{language}"] = "\n".join(lines) if lines else None
            continue
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            raise DemoDataError(f"{source}: {model.__name__} has no field {name!r}") from None
        if isinstance(value, dict):
            raise DemoDataError(f"{source}: {model.__name__}.{name}: unknown languages {value}")
        if isinstance(model_field, models.DecimalField) and value is not None:
            exponent = Decimal(1).scaleb(-model_field.decimal_places)
            value = Decimal(str(value)).quantize(exponent)
        values[name] = value
    return values


def required(values: dict, name: str, *, source: str):
    """Take ``name`` out of ``values``: the natural key the object is found by."""
    if values.get(name) in (None, ""):
        raise DemoDataError(f"{source}: {name} is missing")
    return values.pop(name)


def milestone_date(text: str, *, source: str) -> tuple[datetime.date, str]:
    """ "2025" (year), "2023-10" (month) or "2024-11-05" (day): the date and its precision."""
    parts = str(text).split("-")
    precision = {
        1: Milestone.Precision.YEAR,
        2: Milestone.Precision.MONTH,
        3: Milestone.Precision.DAY,
    }.get(len(parts))
    try:
        numbers = [int(part) for part in parts] + [1] * (3 - len(parts))
        return datetime.date(*numbers), precision
    except (TypeError, ValueError):
        raise DemoDataError(f"{source}: {text!r} is not a year, a month or a day") from None


# --------------------------------------------------------------------------------------------
# The loader
# --------------------------------------------------------------------------------------------


class Loader:
    def __init__(self, sections: dict[str, list[Entry]], report: DemoReport):
        self.sections = sections
        self.report = report
        self.loaded: dict[type[models.Model], dict[str, models.Model]] = defaultdict(dict)
        self.defined: set[tuple] = set()

    def once(self, model: type[models.Model], key, *, source: str) -> None:
        """Each object is defined once, in the file of the page it comes from."""
        if (model, key) in self.defined:
            raise DemoDataError(f"{source}: {model._meta.verbose_name} {key!r} is defined twice")
        self.defined.add((model, key))

    # References by slug, to objects defined in any file.

    def remember(self, instance: models.Model, slug: str) -> None:
        self.loaded[type(instance)][slug] = instance

    def get(self, model: type[models.Model], slug: str, *, source: str):
        try:
            return self.loaded[model][slug]
        except KeyError:
            raise DemoDataError(f"{source}: no {model._meta.verbose_name} {slug!r}") from None

    def resolve(self, table: dict, references: dict[str, type[models.Model]], *, source: str):
        table = dict(table)
        for name, model in references.items():
            if table.get(name) is not None:
                table[name] = self.get(model, table[name], source=source)
        return table

    def by_slug(self, model, references=None):
        for entry in self.sections.get(SECTION_OF[model], []):
            table = self.resolve(entry.data, references or {}, source=entry.source)
            values = field_values(model, table, source=entry.source)
            slug = required(values, "slug", source=entry.source)
            self.once(model, slug, source=entry.source)
            self.remember(upsert(model, {"slug": slug}, values, self.report), slug)

    # Sections, in an order where every reference is loaded before it is used.

    def run(self) -> None:
        self.by_slug(Mission)
        self.by_slug(TwinningProgramme, {"mission": Mission})
        self.by_slug(Municipality)
        self.milestones()
        self.participations()
        self.twinnings()
        self.by_slug(Organisation, {"municipality": Municipality})
        self.by_slug(Network, {"coordinator": Organisation})
        self.memberships()
        self.consultations()
        self.accounts()

    def milestones(self) -> None:
        positions: dict[int, int] = defaultdict(int)  # page order, per municipality
        for entry in self.sections.get("milestones", []):
            table = self.resolve(entry.data, {"municipality": Municipality}, source=entry.source)
            municipality = table.pop("municipality")
            date, precision = milestone_date(table.pop("date"), source=entry.source)
            values = field_values(Milestone, table, source=entry.source)
            title_en = required(values, "title_en", source=entry.source)
            self.once(Milestone, (municipality.slug, title_en), source=entry.source)
            values.update(date=date, date_precision=precision, position=positions[municipality.pk])
            positions[municipality.pk] += 1
            upsert(
                Milestone,
                {"municipality": municipality, "title_en": title_en},
                values,
                self.report,
            )

    def participations(self) -> None:
        references = {"municipality": Municipality, "mission": Mission}
        for entry in self.sections.get("participations", []):
            table = self.resolve(entry.data, references, source=entry.source)
            values = field_values(MissionParticipation, table, source=entry.source)
            lookup = {"municipality": values.pop("municipality"), "mission": values.pop("mission")}
            key = (lookup["municipality"].slug, lookup["mission"].slug)
            self.once(MissionParticipation, key, source=entry.source)
            upsert(MissionParticipation, lookup, values, self.report)

    def twinnings(self) -> None:
        """A twin city's twinning in a programme, and its pilot city or cluster of pilots."""
        actor = system_actor()
        for entry in self.sections.get("twinnings", []):
            source = entry.source
            table = self.resolve(
                entry.data, {"programme": TwinningProgramme, "twin": Municipality}, source=source
            )
            programme, twin = table.pop("programme"), table.pop("twin")
            self.once(Twinning, (programme.slug, twin.slug), source=source)
            pilots = [self.get(Municipality, slug, source=source) for slug in table.pop("pilots")]
            values = field_values(Twinning, table, source=source)
            twinning = Twinning.objects.filter(
                programme=programme,
                participants__municipality=twin,
                participants__role=TwinningParticipant.Role.TWIN,
            ).first()
            if twinning is None:
                twinning = create(Twinning(programme=programme, **values), self.report)
                create(
                    TwinningParticipant(
                        twinning=twinning, municipality=twin, role=TwinningParticipant.Role.TWIN
                    ),
                    self.report,
                )
            else:
                update(twinning, values)
            for pilot in pilots:
                participant, created = twinning_pair(
                    acting_user=actor,
                    programme=programme,
                    cohort=twinning.cohort,
                    twin=twin,
                    pilot=pilot,
                )
                if created:
                    self.report.created.append(f"{participant._meta.verbose_name}: {participant}")

    def memberships(self) -> None:
        references = {"network": Network, "organisation": Organisation}
        for entry in self.sections.get("memberships", []):
            table = self.resolve(entry.data, references, source=entry.source)
            values = field_values(Membership, table, source=entry.source)
            lookup = {"network": values.pop("network"), "organisation": values.pop("organisation")}
            key = (lookup["network"].slug, lookup["organisation"].slug)
            self.once(Membership, key, source=entry.source)
            upsert(Membership, lookup, values, self.report)

    def consultations(self) -> None:
        for entry in self.sections.get("consultations", []):
            source = entry.source
            table = self.resolve(entry.data, {"municipality": Municipality}, source=source)
            questions = table.pop("questions", [])
            values = field_values(Consultation, table, source=source)
            slug = required(values, "slug", source=source)
            self.once(Consultation, slug, source=source)
            consultation = upsert(Consultation, {"slug": slug}, values, self.report)
            for question_table in questions:
                question_table = dict(question_table)
                options = question_table.pop("options", [])
                values = field_values(Question, question_table, source=source)
                lookup = {
                    "consultation": consultation,
                    "order": required(values, "order", source=source),
                }
                self.once(Question, (slug, lookup["order"]), source=source)
                question = upsert(Question, lookup, values, self.report)
                for order, option_texts in enumerate(options, start=1):
                    values = field_values(Option, {"text": option_texts}, source=source)
                    upsert(Option, {"question": question, "order": order}, values, self.report)
            if slug == SAMPLE_RESPONSES_FOR and not consultation.responses.exists():
                created = generate_sample_responses(consultation)
                self.report.created.append(f"{created} demo responses")

    def accounts(self) -> None:
        demo_user(SUPERUSER_EMAIL, superuser=True, report=self.report)
        actor = system_actor()
        for slug in EDITED_MUNICIPALITIES:
            municipality = self.get(Municipality, slug, source="demo accounts")
            editor = demo_user(f"editor-{slug}@example.org", superuser=False, report=self.report)
            role = MunicipalityRole.Role.EDITOR
            exists = MunicipalityRole.objects.filter(
                user=editor, municipality=municipality, role=role
            ).exists()
            grant = municipality_role_grant(
                acting_user=actor, user=editor, municipality=municipality, role=role
            )
            if not exists:
                self.report.created.append(f"{grant._meta.verbose_name}: {grant}")


SECTION_OF = {
    Mission: "missions",
    TwinningProgramme: "programmes",
    Municipality: "municipalities",
    Organisation: "organisations",
    Network: "networks",
}
SECTIONS = {
    *SECTION_OF.values(),
    "milestones",
    "participations",
    "twinnings",
    "memberships",
    "consultations",
}


def demo_user(email: str, *, superuser: bool, report: DemoReport):
    """A demo account with a verified address; a new one gets a random password, reported once."""
    from allauth.account.models import EmailAddress

    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        password = secrets.token_urlsafe(12)
        username = email.split("@")[0]
        if superuser:
            user = User.objects.create_superuser(username=username, email=email, password=password)
        else:
            user = User.objects.create_user(
                username=username, email=email, password=password, is_staff=True
            )
        report.passwords[email] = password
        report.created.append(f"user: {email}")
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def load_demo() -> DemoReport:
    """Create or update the demo data; returns what was created and the new accounts'
    passwords (shown once: existing accounts keep theirs)."""
    report = DemoReport()
    with audit.source(audit.COMMAND_LINE):  # the demo loader acts as the system actor
        Loader(read_data(), report).run()
    return report


# --------------------------------------------------------------------------------------------
# Generated sample data (not content): responses to Palaio Faliro's consultation
# --------------------------------------------------------------------------------------------

SAMPLE_RESPONSES_FOR = "palaio-faliro-climate-neutrality"

# Free-text answers to question 7, picked at random.
SAMPLE_PROPOSALS = [
    "Περισσότερο πράσινο και σκιά στις πλατείες.",
    "Κάδοι κομποστοποίησης σε κάθε γειτονιά.",
    "Ποδηλατόδρομος κατά μήκος της παραλίας.",
    "Φωτοβολταϊκά στα σχολεία.",
    "More shade trees along the seafront, please.",
]


def generate_sample_responses(consultation: Consultation, count: int = 200) -> int:
    """Write ``count`` synthetic responses in bulk, so the results page has something to show.
    Seeded, so every run generates the same answers; the weights follow the questions of
    ``palaio_faliro.toml`` (question order → answers). Called only while there are none."""
    rng = random.Random(2024)  # noqa: S311 - demo data, reproducible on purpose
    questions = {q.order: q for q in consultation.questions.prefetch_related("options")}
    options = {order: list(q.options.all()) for order, q in questions.items()}
    responses = [
        Response(
            consultation=consultation,
            participant_key=participant_key_for_token(f"demo-participant-{i}", consultation),
            submitted_at=consultation.opens_at
            + datetime.timedelta(days=int(rng.triangular(0, 60, 3)), minutes=rng.randint(0, 1439)),
        )
        for i in range(count)
    ]
    Response.objects.bulk_create(responses)
    answers = []
    for response in responses:
        answers.append(
            Answer(
                response=response,
                question=questions[1],
                option=rng.choices(options[1], weights=[70, 10, 20])[0],
            )
        )
        answers.append(
            Answer(
                response=response,
                question=questions[2],
                number=Decimal(rng.choices([1, 2, 3, 4, 5], weights=[15, 25, 30, 20, 10])[0]),
            )
        )
        if rng.random() < 0.85:
            for option in rng.sample(options[3], k=rng.choice([1, 2])):
                answers.append(Answer(response=response, question=questions[3], option=option))
        answers.append(
            Answer(
                response=response,
                question=questions[4],
                option=rng.choices(options[4], weights=[45, 40, 15])[0],
            )
        )
        if rng.random() < 0.9:
            for option in rng.sample(options[5], k=rng.choice([1, 2, 3])):
                answers.append(Answer(response=response, question=questions[5], option=option))
        if rng.random() < 0.6:
            answers.append(
                Answer(
                    response=response,
                    question=questions[6],
                    number=Decimal(rng.randrange(0, 400, 10)),
                )
            )
        if rng.random() < 0.15:
            answers.append(
                Answer(response=response, question=questions[7], text=rng.choice(SAMPLE_PROPOSALS))
            )
    Answer.objects.bulk_create(answers)
    return len(responses)
