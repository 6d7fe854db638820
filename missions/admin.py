"""Staff admin of the missions domain. What each user sees comes from the models' scopes, and
every save and delete goes through ``missions.services`` (``core.admin``)."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from core.admin import (
    MissingTranslationFilter,
    ScopedAdminMixin,
    ScopedImportExportMixin,
    ServiceInlineMixin,
    ServiceWritesMixin,
)
from core.languages import missing_in, missing_languages
from core.models import language_codes
from core.permissions import acts_for_all, may_use_admin
from core.text import natural_key

from . import selectors, services
from .models import (
    ContractPart,
    Membership,
    Milestone,
    Mission,
    MissionLabel,
    MissionParticipation,
    Municipality,
    MunicipalityRole,
    Network,
    Organisation,
    Twinning,
    TwinningParticipant,
    TwinningProgramme,
)
from .resources import (
    ContractPartResource,
    MembershipResource,
    MilestoneResource,
    MissionLabelResource,
    MunicipalityResource,
    OrganisationResource,
    TwinningResource,
)

# The texts of a milestone a translator has to write in each language.
MILESTONE_TEXTS = ("title", "description")


def _may_edit_some_municipality(request) -> bool:
    return may_use_admin(request.user) and (
        acts_for_all(request.user) or Municipality.objects.editable_by(request.user).exists()
    )


class MunicipalityScopedAdmin(ScopedAdminMixin):
    """Objects that belong to a municipality: staff add them for the municipalities they edit,
    and choose only those municipalities."""

    def has_add_permission(self, request, *args):
        return _may_edit_some_municipality(request)

    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Municipality:
            kwargs["queryset"] = Municipality.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MunicipalityInlineMixin(ServiceInlineMixin):
    """Inlines on a municipality follow the municipality's own permission."""

    def _may_edit_parent(self, request, obj):
        if not may_use_admin(request.user):
            return False
        return (
            obj is None or Municipality.objects.editable_by(request.user).filter(pk=obj.pk).exists()
        )

    def has_view_permission(self, request, obj=None):
        return self._may_edit_parent(request, obj)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class MilestoneFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not getattr(form, "cleaned_data", None) or form.cleaned_data.get("DELETE"):
                continue
            title = natural_key(form.cleaned_data.get("title_en"))
            if title in seen:
                raise ValidationError(
                    _("Two milestones have the English title “%(title)s”; titles must differ.")
                    % {"title": form.cleaned_data.get("title_en")}
                )
            seen.add(title)


class MilestoneInline(MunicipalityInlineMixin, TranslationStackedInline):
    model = Milestone
    formset = MilestoneFormSet
    extra = 0
    fields = ("date", "date_precision", "status", "kind", "title", "description", "position")
    show_change_link = True


class SuperuserInlineMixin(ServiceInlineMixin):
    def has_view_permission(self, request, obj=None):
        return acts_for_all(request.user)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class MunicipalityRoleInline(SuperuserInlineMixin, admin.TabularInline):
    model = MunicipalityRole
    extra = 0
    autocomplete_fields = ("user",)


class MissionParticipationInline(MunicipalityInlineMixin, admin.TabularInline):
    model = MissionParticipation
    extra = 0

    def has_change_permission(self, request, obj=None):
        return acts_for_all(request.user)

    has_add_permission = has_delete_permission = has_change_permission


class ContractPartInline(MunicipalityInlineMixin, admin.TabularInline):
    """The city's Climate City Contract: its editors keep the three parts up to date."""

    model = ContractPart
    extra = 0
    max_num = len(ContractPart.Part.choices)
    fields = ("part", "status", "date", "date_precision", "documents", "source")


def _may_change_labels(user) -> bool:
    return may_use_admin(user) and Mission.objects.coordinated_by(user).exists()


class MissionLabelInline(MunicipalityInlineMixin, admin.StackedInline):
    """The city's Mission Label: shown to its editors, changed only by the Mission's
    coordinators and administrators."""

    model = MissionLabel
    extra = 0
    fields = ("mission", "awarded_on", "round", "source", "inferred")

    def has_change_permission(self, request, obj=None):
        return self._may_edit_parent(request, obj) and _may_change_labels(request.user)

    has_add_permission = has_delete_permission = has_change_permission

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "mission":
            kwargs["queryset"] = Mission.objects.coordinated_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Municipality)
class MunicipalityAdmin(
    MunicipalityScopedAdmin, ScopedImportExportMixin, SimpleHistoryAdmin, TabbedTranslationAdmin
):
    resource_classes = [MunicipalityResource]
    list_display = ("name", "native_name", "country", "region", "is_published", "translations")
    list_filter = ("is_published", "country")
    search_fields = ("name_en", "name_el", "name_pl", "native_name", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [
        ContractPartInline,
        MissionLabelInline,
        MilestoneInline,
        MissionParticipationInline,
        MunicipalityRoleInline,
    ]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "native_name",
                    "slug",
                    "country",
                    "region",
                    "language",
                    "is_published",
                )
            },
        ),
        (_("Contact"), {"fields": ("website", "email", "phone", "address")}),
        (
            _("Profile"),
            {
                "fields": (
                    "population",
                    "target_year",
                    "latitude",
                    "longitude",
                    "summary",
                    "other_names",
                )
            },
        ),
        (_("The timeline on the city's own site"), {"fields": ("embed_origins", "embed_code")}),
    )

    def has_add_permission(self, request, *args):
        return acts_for_all(request.user)

    def has_import_permission(self, request):
        return _may_edit_some_municipality(request)

    def has_delete_permission(self, request, obj=None):
        return acts_for_all(request.user)

    def get_readonly_fields(self, request, obj=None):
        shown = ("embed_code",)
        return shown if acts_for_all(request.user) else (*services.ADMINISTRATOR_FIELDS, *shown)

    @admin.display(description=_("code to copy"))
    def embed_code(self, municipality):
        if municipality.pk is None:
            return "—"
        return format_html("<pre><code>{}</code></pre>", selectors.embed_snippet(municipality))

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if acts_for_all(request.user) else {}

    def get_queryset(self, request):
        # Per language, how many of the city's milestones still lack a text in it.
        counts = {
            f"untranslated_{code}": Count(
                "milestones",
                filter=missing_in(code, MILESTONE_TEXTS, prefix="milestones__"),
                distinct=True,
            )
            for code in language_codes()[1:]
        }
        return (
            super()
            .get_queryset(request)
            .annotate(milestone_total=Count("milestones", distinct=True), **counts)
        )

    @admin.display(description=_("translated milestones"))
    def translations(self, municipality):
        """ "Greek 3 of 5 · Polish 5 of 5": how much of the timeline each language has."""
        names = dict(settings.LANGUAGES)
        total = municipality.milestone_total
        return " · ".join(
            str(_("%(language)s %(done)d of %(total)d"))
            % {
                "language": names[code],
                "done": total - getattr(municipality, f"untranslated_{code}"),
                "total": total,
            }
            for code in language_codes()[1:]
        )


class YearListFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            model_admin.get_queryset(request)
            .order_by()
            .values_list("date__year", flat=True)
            .distinct()
        )
        return [(str(year), str(year)) for year in sorted(set(years), reverse=True)]

    def queryset(self, request, queryset):
        value = self.value() or ""
        if value.isascii() and value.isdigit() and len(value) <= 4:
            return queryset.filter(date__year=int(value))
        return queryset


class EditableMunicipalityFilter(admin.RelatedFieldListFilter):
    """Offers only the municipalities the user may edit."""

    def field_choices(self, field, request, model_admin):
        return [
            (m.pk, str(m)) for m in Municipality.objects.editable_by(request.user).order_by("name")
        ]


def _set_status(modeladmin, request, queryset, status):
    count = services.milestones_bulk_update_status(
        milestones=queryset, status=status, acting_user=request.user
    )
    modeladmin.message_user(
        request,
        ngettext("%(count)d milestone updated.", "%(count)d milestones updated.", count)
        % {"count": count},
        messages.SUCCESS,
    )


def _status_action(status, label):
    def action(modeladmin, request, queryset):
        _set_status(modeladmin, request, queryset, status)

    action.__name__ = f"mark_{status}"
    action.short_description = label
    action.allowed_permissions = ("change",)
    return action


class RepeatedTextFilter(admin.SimpleListFilter):
    title = _("description")
    parameter_name = "repeated_text"

    def lookups(self, request, model_admin):
        return [("yes", _("Repeats another milestone's text"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(repeats_text=True)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    """Milestones whose date has passed unfinished (``MilestoneQuerySet.overdue``)."""

    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue: date passed, not completed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        return queryset


@admin.register(Milestone)
class MilestoneAdmin(
    MunicipalityScopedAdmin, ScopedImportExportMixin, SimpleHistoryAdmin, TabbedTranslationAdmin
):
    resource_classes = [MilestoneResource]
    list_display = (
        "title",
        "municipality",
        "date_label",
        "status",
        "kind",
        "text_check",
        "updated_at",
    )
    list_filter = (
        "status",
        OverdueFilter,
        ("municipality", EditableMunicipalityFilter),
        YearListFilter,
        "kind",
        MissingTranslationFilter,
        RepeatedTextFilter,
    )
    list_select_related = ("municipality",)
    search_fields = (
        "title_en",
        "title_el",
        "title_pl",
        "description_en",
        "description_el",
        "description_pl",
    )
    date_hierarchy = None
    ordering = ("municipality__name", "date", "position")
    fields = (
        "municipality",
        "date",
        "date_precision",
        "status",
        "kind",
        "title",
        "description",
        "position",
    )
    history_list_display = ["status"]
    actions = [
        _status_action(status, label)
        for status, label in [
            (Milestone.Status.UPCOMING, _("Set status: upcoming")),
            (Milestone.Status.IN_PROGRESS, _("Set status: in progress")),
            (Milestone.Status.COMPLETED, _("Set status: completed")),
            (Milestone.Status.DELAYED, _("Set status: delayed")),
            (Milestone.Status.CANCELLED, _("Set status: cancelled")),
        ]
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_repeated_text()

    @admin.display(description=_("date"), ordering="date")
    def date_label(self, milestone):
        return milestone.date_display

    @admin.display(description=_("text check"))
    def text_check(self, milestone):
        notes = []
        if milestone.is_overdue:
            notes.append(str(_("Overdue")))
        missing = missing_languages(milestone, MILESTONE_TEXTS)
        if missing:
            names = dict(settings.LANGUAGES)
            notes.append(
                str(_("Not yet in %(languages)s"))
                % {"languages": ", ".join(str(names[code]) for code in missing)}
            )
        if milestone.repeats_text:
            notes.append(str(_("Same description as another milestone")))
        return "; ".join(notes)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        milestone = self.get_object(request, object_id)
        if milestone is not None and request.method == "GET" and milestone.repeats_text:
            messages.warning(
                request,
                _(
                    "This milestone's description is the same as another milestone's of "
                    "%(city)s. Was it copied by mistake?"
                )
                % {"city": milestone.municipality},
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ContractPart)
class ContractPartAdmin(MunicipalityScopedAdmin, ScopedImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [ContractPartResource]
    list_display = ("municipality", "part", "status", "date_label", "updated_at")
    list_filter = ("part", "status", ("municipality", EditableMunicipalityFilter))
    list_select_related = ("municipality",)
    search_fields = ("municipality__name_en", "municipality__name_el", "municipality__name_pl")
    ordering = ("municipality__name", "part")
    fields = ("municipality", "part", "status", "date", "date_precision", "documents", "source")
    history_list_display = ["status"]

    @admin.display(description=_("date"), ordering="date")
    def date_label(self, part):
        return part.date_display


@admin.register(MissionLabel)
class MissionLabelAdmin(ScopedAdminMixin, ScopedImportExportMixin, SimpleHistoryAdmin):
    """The Mission's coordinators and administrators award Labels; a city's editors see their
    city's Label, read-only."""

    resource_classes = [MissionLabelResource]
    list_display = ("municipality", "mission", "awarded_label", "round")
    list_filter = ("round", "mission")
    list_select_related = ("municipality", "mission")
    search_fields = ("municipality__name_en", "municipality__name_el", "municipality__name_pl")
    ordering = ("awarded_on", "municipality__name")
    fields = ("municipality", "mission", "awarded_on", "round", "source", "inferred")

    def view_scope(self, queryset, request):
        return queryset.filter(pk__in=MissionLabel.objects.visible_in_admin_to(request.user))

    def has_add_permission(self, request, *args):
        return _may_change_labels(request.user)

    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "mission":
            kwargs["queryset"] = Mission.objects.coordinated_by(request.user)
        elif db_field.related_model is Municipality:
            kwargs["queryset"] = Municipality.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("awarded on"), ordering="awarded_on")
    def awarded_label(self, label):
        return label.awarded_display


class TwinningParticipantInline(ServiceInlineMixin, admin.TabularInline):
    """A twinning's cities, changed by whoever may change the twinning (its programme's
    coordinators and superusers), chosen among the municipalities the user may see."""

    model = TwinningParticipant
    extra = 1

    def has_view_permission(self, request, obj=None):
        return may_use_admin(request.user) and (
            obj is None
            or Twinning.objects.visible_in_admin_to(request.user).filter(pk=obj.pk).exists()
        )

    def has_change_permission(self, request, obj=None):
        if not may_use_admin(request.user):
            return False
        if obj is None:
            return TwinningProgramme.objects.managed_by(request.user).exists()
        return Twinning.objects.editable_by(request.user).filter(pk=obj.pk).exists()

    has_add_permission = has_delete_permission = has_change_permission

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Municipality:
            kwargs["queryset"] = Municipality.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Twinning)
class TwinningAdmin(
    ScopedAdminMixin, ScopedImportExportMixin, SimpleHistoryAdmin, TabbedTranslationAdmin
):
    resource_classes = [TwinningResource]
    list_display = ("__str__", "programme", "cohort")
    list_filter = ("programme", "cohort")
    search_fields = ("title_en", "participants__municipality__name_en")
    inlines = [TwinningParticipantInline]

    def view_scope(self, queryset, request):
        # A city's editors see their city's twinnings (read-only unless they coordinate).
        return queryset.filter(pk__in=Twinning.objects.visible_in_admin_to(request.user))

    def has_add_permission(self, request, *args):
        return (
            may_use_admin(request.user)
            and TwinningProgramme.objects.managed_by(request.user).exists()
        )

    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "programme":
            kwargs["queryset"] = TwinningProgramme.objects.managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_export_queryset(self, request):
        return TwinningResource(acting_user=request.user).get_queryset()


class SuperuserOnlyAdmin(ServiceWritesMixin):
    """Shared reference data (missions, programmes, networks): administrators only."""

    def has_module_permission(self, request):
        return acts_for_all(request.user)

    def has_view_permission(self, request, obj=None):
        return acts_for_all(request.user)

    has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: acts_for_all(request.user)
    )


@admin.register(Mission)
class MissionAdmin(SuperuserOnlyAdmin, TabbedTranslationAdmin):
    list_display = ("name", "goal_year")
    prepopulated_fields = {"slug": ("name_en",)}
    filter_horizontal = ("coordinators",)


@admin.register(TwinningProgramme)
class TwinningProgrammeAdmin(SuperuserOnlyAdmin, TabbedTranslationAdmin):
    list_display = ("name", "starts_on", "ends_on")
    prepopulated_fields = {"slug": ("name_en",)}
    filter_horizontal = ("coordinators",)


class MembershipInline(ServiceInlineMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("organisation",)


@admin.register(Network)
class NetworkAdmin(SuperuserOnlyAdmin, TabbedTranslationAdmin):
    list_display = ("name", "kind", "status")
    list_filter = ("kind", "status")
    search_fields = ("name_en", "name_el", "name_pl")
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(MunicipalityScopedAdmin, ScopedImportExportMixin, TabbedTranslationAdmin):
    resource_classes = [OrganisationResource]
    list_display = ("name", "kind", "country", "municipality")
    list_filter = ("kind",)
    search_fields = ("name_en", "name_el", "name_pl")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Membership)
class MembershipAdmin(MunicipalityScopedAdmin, ScopedImportExportMixin, admin.ModelAdmin):
    resource_classes = [MembershipResource]
    list_display = ("organisation", "network", "role", "joined_on", "left_on")
    list_filter = ("network", "role")
    list_select_related = ("organisation", "network")
    search_fields = ("organisation__name_en", "network__name_en")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = Organisation.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
