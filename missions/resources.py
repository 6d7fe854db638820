"""Import/export formats (django-import-export) of the missions domain, shared by the admin and
``manage.py import_data``.

Every resource is built for an acting user (the system actor at the command line): natural
keys are looked up among what that user may see, and each row is checked and written by the
model's services (``missions.services``), so an import obeys the same rules as the admin.
"""

from __future__ import annotations

import datetime
import difflib
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields

from core.importing.resources import ScopedResource
from core.importing.widgets import (
    ChoiceWidget,
    CountryWidget,
    DecimalNumberWidget,
    LinesWidget,
    NaturalKeyWidget,
    OptionalDateWidget,
    WholeNumberWidget,
    country_code,
    text_of,
)
from core.text import natural_key

from . import services
from .models import (
    EU_MISSION_SLUG,
    ContractPart,
    Membership,
    Milestone,
    Mission,
    MissionLabel,
    Municipality,
    Network,
    Organisation,
    Twinning,
    TwinningParticipant,
    TwinningProgramme,
)


def visible_municipalities(user):
    return Municipality.objects.visible_to(user)


def visible_organisations(user):
    return Organisation.objects.public() | Organisation.objects.editable_by(user)


def all_networks(user):
    return Network.objects.all()


def find_municipality(user, name: str, country: str) -> Municipality | None:
    """A municipality the user may see in ``country`` known by ``name`` — its English name
    first, else any of its names (other languages, native name, other names) — compared
    without case or accents, the same on both databases."""
    candidates = visible_municipalities(user).filter(country=country)
    return (
        candidates.filter(name_key=natural_key(name)).first()
        or candidates.known_as(name).order_by("pk").first()
    )


def close_municipalities(name: str, country: str, *, user) -> list[Municipality]:
    """Municipalities of ``country`` whose name is close to ``name`` (not the same): one
    name's words contain the other's ("Nantes" / "Nantes Métropole"), or they differ by little
    ("Bucuresti" / "București")."""
    key = natural_key(name)
    words = set(key.split())
    close = []
    for city in visible_municipalities(user).filter(country=country).order_by("name_en"):
        for other in filter(None, city.search_keys.split("|")):
            other_words = set(other.split())
            similar = difflib.SequenceMatcher(None, key, other).ratio() >= 0.8
            if similar or (
                words and other_words and (words <= other_words or other_words <= words)
            ):
                close.append(city)
                break
    return close


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def parse_partial_date(value) -> tuple[datetime.date, str]:
    """'2023' → year precision, '2023-10' → month, '2023-10-05' (or a spreadsheet date) → day."""
    if isinstance(value, datetime.datetime):
        return value.date(), Milestone.Precision.DAY
    if isinstance(value, datetime.date):
        return value, Milestone.Precision.DAY
    text = text_of(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = str(int(value))
    if not text:
        raise ValueError(_("A date is required."))
    match = _PARTIAL_DATE.match(text)
    try:
        if not match:
            raise ValueError
        year, month, day = match.groups()
        if day:
            return datetime.date(int(year), int(month), int(day)), Milestone.Precision.DAY
        if month:
            return datetime.date(int(year), int(month), 1), Milestone.Precision.MONTH
        return datetime.date(int(year), 1, 1), Milestone.Precision.YEAR
    except ValueError:
        raise ValueError(
            _("“%(value)s” is not a date: use YYYY-MM-DD, YYYY-MM or YYYY.") % {"value": text}
        ) from None


def render_partial_date(date: datetime.date | None, precision: str) -> str:
    if date is None:
        return ""
    if precision == Milestone.Precision.YEAR:
        return f"{date.year:04d}"
    if precision == Milestone.Precision.MONTH:
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()


class PartialDateField(fields.Field):
    """The milestone's date and its precision, from one cell."""

    def clean(self, row, **kwargs):
        return parse_partial_date(row[self.column_name])

    def save(self, instance, row, is_m2m=False, **kwargs):
        date, precision = self.clean(row, **kwargs)
        instance.date = date
        instance.date_precision = precision

    def export(self, instance, **kwargs):
        return render_partial_date(instance.date, instance.date_precision)


# --------------------------------------------------------------------------------------------
# Resources
# --------------------------------------------------------------------------------------------


class MunicipalityResource(ScopedResource):
    # The row of the admin's import template (real data: the demo's Kozani).
    example_row = {
        "name": "Kozani",
        "name_el": "Κοζάνη",
        "name_pl": "Kozani",
        "native_name": "Δήμος Κοζάνης",
        "country": "GR",
        "region": "Western Macedonia",
        "region_el": "Δυτική Μακεδονία",
        "region_pl": "Macedonia Zachodnia",
        "latitude": "40.3007",
        "longitude": "21.7890",
    }
    required_columns = ("name", "country")

    name = fields.Field(attribute="name_en", column_name="name")
    name_el = fields.Field(attribute="name_el", column_name="name_el")
    name_pl = fields.Field(attribute="name_pl", column_name="name_pl")
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())
    region = fields.Field(attribute="region_en", column_name="region")
    region_el = fields.Field(attribute="region_el", column_name="region_el")
    region_pl = fields.Field(attribute="region_pl", column_name="region_pl")
    population = fields.Field(
        attribute="population", column_name="population", widget=WholeNumberWidget()
    )
    latitude = fields.Field(
        attribute="latitude", column_name="latitude", widget=DecimalNumberWidget()
    )
    longitude = fields.Field(
        attribute="longitude", column_name="longitude", widget=DecimalNumberWidget()
    )
    other_names = fields.Field(
        attribute="other_names", column_name="other_names", widget=LinesWidget()
    )

    class Meta:
        model = Municipality
        fields = (
            "name",
            "name_el",
            "name_pl",
            "native_name",
            "country",
            "region",
            "region_el",
            "region_pl",
            "population",
            "website",
            "email",
            "phone",
            "latitude",
            "longitude",
            "other_names",
            "slug",
        )
        export_order = fields
        import_id_fields = ("name", "country")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    permission_column = "name"
    made_by_services = ("slug",)

    def get_instance(self, instance_loader, row):
        same_as = text_of(row.get("same_as"))
        if same_as:  # the file maps this row to a municipality the portal already has
            city = visible_municipalities(self.acting_user).filter(slug=same_as).first()
            if city is None:
                raise ValidationError(
                    {"same_as": _("No municipality “%(value)s” is known.") % {"value": same_as}}
                )
            return city
        try:
            code = country_code(row.get("country"))
        except ValueError:
            return None  # reported by the country column
        return find_municipality(self.acting_user, text_of(row.get("name")), code)

    def import_instance(self, instance, row, **kwargs):
        row.pop("slug", None)  # slugs are made by the services, never taken from a file
        stored_name = instance.name_en if instance.pk else None
        super().import_instance(instance, row, **kwargs)
        name = text_of(row.get("name"))
        if instance.pk is None:
            self.warn_about_close_names(name, instance.country, column="name")
            return
        # A row names an existing municipality; it does not rename it. A name it is not yet
        # known by (a mapped row: "Nantes Métropole" for Nantes) becomes one of its other names.
        instance.name_en = stored_name
        if name and natural_key(name) not in instance.search_keys.split("|"):
            instance.other_names = "\n".join(filter(None, [instance.other_names, name]))

    def warn_about_close_names(self, name: str, country: str, *, column: str) -> None:
        for city in close_municipalities(name, country, user=self.acting_user):
            self.warn(
                column,
                _(
                    "“%(name)s” would be a new municipality, but “%(city)s” (%(slug)s) exists in "
                    "the same country. If it is the same, add the name to its other names, or "
                    "give its slug in the column “%(same_as)s”."
                )
                % {
                    "name": name,
                    "city": city.name,
                    "slug": city.slug,
                    "same_as": "same_as" if column == "name" else f"{column[:-5]}_same_as",
                },
            )

    def export_scope(self, queryset):
        return queryset.filter(pk__in=Municipality.objects.editable_by(self.acting_user))

    def get_import_fields(self):
        return [f for f in super().get_import_fields() if f.column_name != "slug"]


class MilestoneResource(ScopedResource):
    # The row of the admin's import template (real data: Palaio Faliro's timeline).
    example_row = {
        "municipality": "palaio-faliro",
        "date": "2023-10",
        "status": "completed",
        "kind": "mission",
        "title_en": "Joins the Greek Cities Mission",
        "title_el": "Ένταξη του Δήμου στην Ελληνική Αποστολή των Πόλεων",
    }
    required_columns = ("municipality", "date", "title_en", "status")
    permission_column = "municipality"
    supports_skipping_diff = True

    municipality = fields.Field(
        attribute="municipality",
        column_name="municipality",
        widget=NaturalKeyWidget(visible_municipalities, "slug", "municipality"),
    )
    date = PartialDateField(attribute="date", column_name="date")
    status = fields.Field(
        attribute="status", column_name="status", widget=ChoiceWidget(Milestone.Status)
    )
    kind = fields.Field(
        attribute="kind",
        column_name="kind",
        widget=ChoiceWidget(Milestone.Kind, default=Milestone.Kind.GENERAL),
    )

    class Meta:
        model = Milestone
        fields = (
            "municipality",
            "date",
            "status",
            "kind",
            "title_en",
            "title_el",
            "title_pl",
            "description_en",
            "description_el",
            "description_pl",
            "position",
        )
        export_order = fields
        import_id_fields = ("municipality", "title_en")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        # Rows are validated one by one, then written in batches with their history.
        use_bulk = True
        batch_size = 1000

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.access = services.MunicipalityAccess(self.acting_user)
        # One query for every milestone the file may touch, instead of one per row.
        slugs = {text_of(slug) for slug in dataset["municipality"]}
        self._existing = {
            (milestone.municipality.slug, milestone.title_key): milestone
            for milestone in Milestone.objects.filter(municipality__slug__in=slugs).select_related(
                "municipality"
            )
        }
        self._rows_by_key: dict[tuple[str, str], int] = {}

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self._row_number = kwargs.get("row_number")

    def get_instance(self, instance_loader, row):
        title = text_of(row.get("title_en"))
        slug = text_of(row.get("municipality"))
        if not title or not slug:
            return None
        key = (slug, natural_key(title))
        first = self._rows_by_key.setdefault(key, self._row_number)
        if first != self._row_number:
            raise ValidationError(
                {"title_en": _("Row %(row)s of this file already has this title.") % {"row": first}}
            )
        return self._existing.get(key)

    COMPARED_FIELDS = (
        "municipality_id",
        "date",
        "date_precision",
        "status",
        "kind",
        "position",
        "title_en",
        "title_el",
        "title_pl",
        "description_en",
        "description_el",
        "description_pl",
    )

    def _values(self, milestone) -> tuple:
        return tuple(getattr(milestone, name) for name in self.COMPARED_FIELDS)

    def after_init_instance(self, instance, new, row=None, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        # What the row is compared with to report it unchanged (works without import-export's
        # per-row deep copies, which the command line skips).
        instance._imported_from = None if new else self._values(instance)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None:
            return False
        return instance._imported_from == self._values(instance)

    UPDATE_FIELDS = [name for name in COMPARED_FIELDS if name != "municipality_id"] + ["updated_at"]

    def _write(self, *, created, updated, dry_run, using_transactions, raise_errors, result):
        if not (created or updated) or not (using_transactions or not dry_run):
            return
        try:
            services.milestones_write_many(
                acting_user=self.acting_user,
                created=created,
                updated=updated,
                update_fields=self.UPDATE_FIELDS,
                batch_size=self._meta.batch_size,
            )
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            created.clear()
            updated.clear()

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._write(
            created=self.create_instances,
            updated=[],
            dry_run=dry_run,
            using_transactions=using_transactions,
            raise_errors=raise_errors,
            result=result,
        )

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._write(
            created=[],
            updated=self.update_instances,
            dry_run=dry_run,
            using_transactions=using_transactions,
            raise_errors=raise_errors,
            result=result,
        )

    def save_instance(self, instance, is_create, row, **kwargs):
        instance.updated_at = timezone.now()
        super().save_instance(instance, is_create, row, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # Field validation only: uniqueness was checked against the preloaded titles above,
        # and the database's constraints (checked again on every insert) back up the rest.
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[*errors.keys(), "municipality"],  # resolved above, no query needed
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
        try:
            services.milestone_check(
                acting_user=self.acting_user, instance=instance, access=self.access
            )
        except PermissionDenied as error:
            raise self.permission_error(error) from error

    def dehydrate_municipality(self, milestone):
        return milestone.municipality.slug


class TwinningResource(ScopedResource):
    """One row per twin ↔ pilot pair; a twin with several pilots in a programme is a cluster."""

    # The row of the admin's import template (real data: Kozani's twinning, cohort 1).
    example_row = {
        "twin_city": "Alba Iulia",
        "twin_country": "RO",
        "pilot_city": "Kozani",
        "pilot_country": "GR",
        "programme": "netzerocities-twinning",
        "cohort": "1",
    }

    required_columns = (
        "twin_city",
        "twin_country",
        "pilot_city",
        "pilot_country",
        "programme",
        "cohort",
    )

    twin_city = fields.Field(column_name="twin_city")
    twin_country = fields.Field(column_name="twin_country")
    pilot_city = fields.Field(column_name="pilot_city")
    pilot_country = fields.Field(column_name="pilot_country")
    programme = fields.Field(column_name="programme")
    cohort = fields.Field(column_name="cohort")

    class Meta:
        model = TwinningParticipant
        fields = ("twin_city", "twin_country", "pilot_city", "pilot_country", "programme", "cohort")
        export_order = fields
        import_id_fields = ()
        report_skipped = True

    def get_queryset(self):
        return (
            TwinningParticipant.objects.filter(role=TwinningParticipant.Role.PILOT)
            .select_related("municipality", "twinning__programme")
            .prefetch_related("twinning__participants__municipality")
        )

    def export_scope(self, queryset):
        """Pairs of the twinnings the user may see in the admin, between cities they may see."""
        visible = Municipality.objects.visible_to(self.acting_user)
        return queryset.filter(
            twinning__in=Twinning.objects.visible_in_admin_to(self.acting_user),
            municipality__in=visible,
            twinning__participants__role=TwinningParticipant.Role.TWIN,
            twinning__participants__municipality__in=visible,
        )

    def _city(self, row, prefix: str, errors: dict) -> Municipality | tuple[str, str] | None:
        """The named municipality, or (name, country) of one an administrator's row may add.
        A column ``<prefix>_same_as`` (a slug) maps the row to a municipality the portal has."""
        same_as = text_of(row.get(f"{prefix}_same_as"))
        if same_as:
            city = visible_municipalities(self.acting_user).filter(slug=same_as).first()
            if city is None:
                errors[f"{prefix}_same_as"] = _("No municipality “%(value)s” is known.") % {
                    "value": same_as
                }
            return city
        name = text_of(row.get(f"{prefix}_city"))
        if not name:
            errors[f"{prefix}_city"] = _("A city name is required.")
            return None
        try:
            code = country_code(row.get(f"{prefix}_country"))
        except ValueError as error:
            errors[f"{prefix}_country"] = str(error)
            return None
        city = find_municipality(self.acting_user, name, code)
        if city is None:
            if not self.access.everything:
                errors[f"{prefix}_city"] = _(
                    "No municipality “%(name)s” is known; an administrator can add it."
                ) % {"name": name}
                return None
            self.warn_about_close_names(name, code, column=f"{prefix}_city")
            return name, code
        return city

    warn_about_close_names = MunicipalityResource.warn_about_close_names

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.access = services.MunicipalityAccess(self.acting_user)

    def get_or_init_instance(self, instance_loader, row):
        """Resolve the row's names (writing nothing yet): the pair, or a new pilot to add."""
        errors: dict[str, str] = {}
        programme_name = text_of(row.get("programme"))
        programme = None
        if not programme_name:
            errors["programme"] = _("A programme is required.")
        else:
            programme = next(
                (
                    candidate
                    for candidate in TwinningProgramme.objects.all()
                    if natural_key(candidate.name_en) == natural_key(programme_name)
                    or candidate.slug == programme_name
                ),
                None,
            )
            if programme is None:
                errors["programme"] = _("No programme “%(value)s” is known.") % {
                    "value": programme_name
                }
            else:
                try:
                    services.programme_check(acting_user=self.acting_user, programme=programme)
                except PermissionDenied as error:
                    errors["programme"] = str(error)
        cohort = None
        try:
            cohort = int(text_of(row.get("cohort")) or "1")
            if cohort < 1:
                raise ValueError
        except ValueError:
            errors["cohort"] = _("“%(value)s” is not a cohort number.") % {
                "value": text_of(row.get("cohort"))
            }
        twin = self._city(row, "twin", errors)
        pilot = self._city(row, "pilot", errors)
        if twin is not None and twin == pilot:
            errors["pilot_city"] = _("A city cannot be twinned with itself.")
        if errors:
            raise ValidationError(errors)
        if isinstance(twin, Municipality) and isinstance(pilot, Municipality):
            existing = TwinningParticipant.objects.filter(
                twinning__programme=programme,
                twinning__participants__municipality=twin,
                twinning__participants__role=TwinningParticipant.Role.TWIN,
                municipality=pilot,
                role=TwinningParticipant.Role.PILOT,
            ).first()
            if existing is not None:
                if existing.twinning.cohort != cohort:
                    raise ValidationError(
                        {
                            "cohort": _(
                                "%(twin)s is already in cohort %(cohort)s of this programme."
                            )
                            % {"twin": twin.name, "cohort": existing.twinning.cohort}
                        }
                    )
                return existing, False
        participant = TwinningParticipant(role=TwinningParticipant.Role.PILOT)
        participant.pair = (programme, cohort, twin, pilot)
        return participant, True

    def import_instance(self, instance, row, **kwargs):
        pass  # everything was resolved in get_or_init_instance

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return instance.pk is not None and not import_validation_errors

    def _municipality(self, city) -> Municipality:
        if isinstance(city, Municipality):
            return city
        name, country = city
        return services.municipality_create(
            acting_user=self.acting_user, data={"name_en": name, "country": country}
        )

    def do_instance_save(self, instance, is_create):
        programme, cohort, twin, pilot = instance.pair
        try:
            participant, _created = services.twinning_pair(
                acting_user=self.acting_user,
                programme=programme,
                cohort=cohort,
                twin=self._municipality(twin),
                pilot=self._municipality(pilot),
            )
        except PermissionDenied as error:
            raise ValidationError({"programme": str(error)}) from error
        instance.pk = participant.pk
        instance.twinning = participant.twinning
        instance.municipality = participant.municipality

    def _twin(self, participant):
        for other in participant.twinning.participants.all():
            if other.role == TwinningParticipant.Role.TWIN:
                return other.municipality
        return None

    def dehydrate_twin_city(self, participant):
        twin = self._twin(participant)
        return twin.name_en if twin else ""

    def dehydrate_twin_country(self, participant):
        twin = self._twin(participant)
        return str(twin.country) if twin else ""

    def dehydrate_pilot_city(self, participant):
        return participant.municipality.name_en

    def dehydrate_pilot_country(self, participant):
        return str(participant.municipality.country)

    def dehydrate_programme(self, participant):
        return participant.twinning.programme.name_en

    def dehydrate_cohort(self, participant):
        return participant.twinning.cohort


class OrganisationResource(ScopedResource):
    # The row of the admin's import template (real data: the demo's Warsaw office).
    example_row = {
        "name": "Air Protection and Climate Policy Office (BOPiPK)",
        "name_pl": "Biuro Ochrony Powietrza i Polityki Klimatycznej (BOPiPK)",
        "kind": "government",
        "country": "PL",
    }
    required_columns = ("name", "kind")

    name = fields.Field(attribute="name_en", column_name="name")
    name_el = fields.Field(attribute="name_el", column_name="name_el")
    name_pl = fields.Field(attribute="name_pl", column_name="name_pl")
    kind = fields.Field(
        attribute="kind", column_name="kind", widget=ChoiceWidget(Organisation.Kind)
    )
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())
    municipality = fields.Field(
        attribute="municipality",
        column_name="municipality",
        widget=NaturalKeyWidget(visible_municipalities, "slug", "municipality", required=False),
    )

    class Meta:
        model = Organisation
        fields = ("name", "name_el", "name_pl", "kind", "country", "municipality", "website")
        export_order = fields
        import_id_fields = ("name",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    permission_column = "municipality"
    made_by_services = ("slug",)

    def get_instance(self, instance_loader, row):
        name = text_of(row.get("name"))
        if not name:
            return None
        return visible_organisations(self.acting_user).filter(name_key=natural_key(name)).first()

    def import_instance(self, instance, row, **kwargs):
        if row.get("country") in (None, ""):
            row["country"] = None
        super().import_instance(instance, row, **kwargs)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name == "country" and not text_of(row.get("country")):
            instance.country = ""
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def dehydrate_municipality(self, organisation):
        return organisation.municipality.slug if organisation.municipality_id else ""


class MembershipResource(ScopedResource):
    # The row of the admin's import template (real data: the demo's Warsaw partnership).
    example_row = {
        "network": "partnership-for-climate",
        "organisation": "City of Warsaw",
        "role": "member",
    }
    required_columns = ("network", "organisation")

    network = fields.Field(
        attribute="network",
        column_name="network",
        widget=NaturalKeyWidget(all_networks, "slug", "network"),
    )
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=NaturalKeyWidget(
            visible_organisations,
            "name_key",
            "organisation",
            normalise=natural_key,
            render_attribute="name_en",
        ),
    )
    role = fields.Field(
        attribute="role",
        column_name="role",
        widget=ChoiceWidget(Membership.Role, default=Membership.Role.MEMBER),
    )
    joined_on = fields.Field(
        attribute="joined_on", column_name="joined_on", widget=OptionalDateWidget()
    )
    left_on = fields.Field(attribute="left_on", column_name="left_on", widget=OptionalDateWidget())

    class Meta:
        model = Membership
        fields = ("network", "organisation", "role", "joined_on", "left_on")
        export_order = fields
        import_id_fields = ("network", "organisation")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    permission_column = "organisation"

    def get_instance(self, instance_loader, row):
        network = text_of(row.get("network"))
        organisation = text_of(row.get("organisation"))
        return Membership.objects.filter(
            network__slug=network,
            organisation__in=visible_organisations(self.acting_user),
            organisation__name_key=natural_key(organisation),
        ).first()

    def dehydrate_network(self, membership):
        return membership.network.slug

    def dehydrate_organisation(self, membership):
        return membership.organisation.name_en


class OptionalPartialDateField(PartialDateField):
    """A contract part's date (and its precision), from one cell that may be empty."""

    def clean(self, row, **kwargs):
        if not text_of(row.get(self.column_name)) and not isinstance(
            row.get(self.column_name), (datetime.date, int, float)
        ):
            return None, Milestone.Precision.DAY
        return super().clean(row, **kwargs)


class MonthWidget(OptionalDateWidget):
    """A month ("2023-10"; a full date is taken as its month), kept as its first day."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, (datetime.date, datetime.datetime)):
            date = value.date() if isinstance(value, datetime.datetime) else value
            return date.replace(day=1)
        text = text_of(value)
        if not text:
            raise ValueError(_("A month is required."))
        match = _PARTIAL_DATE.match(text)
        try:
            if not match or not match.group(2):
                raise ValueError
            return datetime.date(
                int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
            ).replace(day=1)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a month: use YYYY-MM.") % {"value": text}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return f"{value.year:04d}-{value.month:02d}" if value else ""


class ContractPartResource(ScopedResource):
    """One row per part of a city's Climate City Contract (commitments, action plan,
    investment plan), changed by the city's editors."""

    # The row of the admin's import template (the statuses are explained in the README).
    example_row = {"municipality": "kozani", "part": "action_plan", "status": "drafting"}

    required_columns = ("municipality", "part", "status")
    permission_column = "municipality"

    municipality = fields.Field(
        attribute="municipality",
        column_name="municipality",
        widget=NaturalKeyWidget(visible_municipalities, "slug", "municipality"),
    )
    part = fields.Field(
        attribute="part", column_name="part", widget=ChoiceWidget(ContractPart.Part)
    )
    status = fields.Field(
        attribute="status", column_name="status", widget=ChoiceWidget(ContractPart.Status)
    )
    date = OptionalPartialDateField(attribute="date", column_name="date")
    documents = fields.Field(attribute="documents", column_name="documents", widget=LinesWidget())

    class Meta:
        model = ContractPart
        fields = ("municipality", "part", "status", "date", "documents", "source")
        export_order = fields
        import_id_fields = ("municipality", "part")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._rows_by_key: dict[tuple[str, str], int] = {}

    def get_instance(self, instance_loader, row):
        slug = text_of(row.get("municipality"))
        try:
            part = ChoiceWidget(ContractPart.Part).clean(row.get("part"))
        except ValueError:
            return None  # reported by the part column
        if not slug:
            return None
        first = self._rows_by_key.setdefault((slug, part), self.row_number)
        if first != self.row_number:
            raise ValidationError(
                {"part": _("Row %(row)s of this file already has this part.") % {"row": first}}
            )
        return ContractPart.objects.filter(
            municipality__in=visible_municipalities(self.acting_user),
            municipality__slug=slug,
            part=part,
        ).first()

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # The model remembers the stored row: unchanged means no field differs from it.
        if import_validation_errors or instance.pk is None:
            return False
        return not instance.changed_fields()

    def dehydrate_municipality(self, part):
        return part.municipality.slug


class MissionLabelResource(ScopedResource):
    """One row per city awarded the EU Mission Label; only the Mission's coordinators and
    administrators import them."""

    # The row of the admin's import template (real data: Kozani, Label round 2, March 2024).
    example_row = {
        "municipality": "kozani",
        "awarded_on": "2024-03",
        "round": "2",
        "source": "https://www.pubaffairsbruxelles.eu/eu-institution-news/23-cities-awarded-with-the-eu-mission-label-for-their-efforts-towards-climate-neutrality/",
    }

    required_columns = ("municipality", "awarded_on", "round")

    municipality = fields.Field(
        attribute="municipality",
        column_name="municipality",
        widget=NaturalKeyWidget(visible_municipalities, "slug", "municipality"),
    )
    awarded_on = fields.Field(
        attribute="awarded_on", column_name="awarded_on", widget=MonthWidget()
    )
    round = fields.Field(attribute="round", column_name="round", widget=WholeNumberWidget())

    class Meta:
        model = MissionLabel
        fields = ("municipality", "awarded_on", "round", "source")
        export_order = fields
        import_id_fields = ("municipality",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._rows_by_slug: dict[str, int] = {}
        self._mission = Mission.objects.filter(slug=EU_MISSION_SLUG).first()

    def get_instance(self, instance_loader, row):
        slug = text_of(row.get("municipality"))
        if not slug:
            return None
        first = self._rows_by_slug.setdefault(slug, self.row_number)
        if first != self.row_number:
            raise ValidationError(
                {
                    "municipality": _("Row %(row)s of this file already has this municipality.")
                    % {"row": first}
                }
            )
        return MissionLabel.objects.filter(
            municipality__in=visible_municipalities(self.acting_user), municipality__slug=slug
        ).first()

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.mission_id is None:
            if self._mission is None:
                raise ValidationError(
                    _("The EU Mission (%(slug)s) is not in the portal yet.")
                    % {"slug": EU_MISSION_SLUG}
                )
            instance.mission = self._mission

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None:
            return False
        return not instance.changed_fields()

    def export_scope(self, queryset):
        """The Labels the user may change, and those of the cities they edit."""
        return queryset.filter(pk__in=MissionLabel.objects.visible_in_admin_to(self.acting_user))

    def dehydrate_municipality(self, label):
        return label.municipality.slug


RESOURCES: dict[str, type[ScopedResource]] = {
    "municipalities": MunicipalityResource,
    "milestones": MilestoneResource,
    "twinnings": TwinningResource,
    "organisations": OrganisationResource,
    "memberships": MembershipResource,
    "contract_parts": ContractPartResource,
    "labels": MissionLabelResource,
}
