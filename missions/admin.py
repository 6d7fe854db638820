"""Staff admin. Every queryset and every permission goes through the ``editable_by`` scopes."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import (
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
from .resources import (
    MembershipResource,
    MilestoneResource,
    MunicipalityResource,
    OrganisationResource,
    TwinningResource,
)


class ScopedImportExportMixin(ImportExportMixin):
    """Import/export in CSV, XLSX and JSON, with the resource built for the signed-in user."""

    formats = [CSV, XLSX, JSON]
    # The confirm step re-reads the file; keep it in the cache (Redis in production) so any
    # web process can finish an import another one previewed.
    tmp_storage_class = "import_export.tmp_storages.CacheStorage"

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnicodeDecodeError):
            form.add_error(
                "import_file",
                _("The file is not UTF-8 encoded. Save it as UTF-8 (“CSV UTF-8”) and try again."),
            )
            return
        super().add_data_read_fail_error_to_form(form, e)


class ScopedAdminMixin:
    """Staff see and change only the objects of the municipalities they edit for."""

    def scope(self, queryset, request):
        return queryset.editable_by(request.user)

    def get_queryset(self, request):
        return self.scope(super().get_queryset(request), request)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_add_permission(self, request, *args):
        return (
            request.user.is_active
            and request.user.is_staff
            and (
                request.user.is_superuser or Municipality.objects.editable_by(request.user).exists()
            )
        )

    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def has_export_permission(self, request):
        return self.has_module_permission(request)

    def _may_edit(self, request, obj):
        if not (request.user.is_active and request.user.is_staff):
            return False
        if obj is None:
            return True
        return self.scope(type(obj)._default_manager.filter(pk=obj.pk), request).exists()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Municipality:
            kwargs["queryset"] = Municipality.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MunicipalityInlineMixin:
    """Inlines on a municipality follow the municipality's own permission."""

    def _may_edit_parent(self, request, obj):
        if not (request.user.is_active and request.user.is_staff):
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
            title = (form.cleaned_data.get("title_en") or "").strip().lower()
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


class MunicipalityRoleInline(admin.TabularInline):
    model = MunicipalityRole
    extra = 0
    autocomplete_fields = ("user",)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: request.user.is_superuser
    )


class MissionParticipationInline(MunicipalityInlineMixin, admin.TabularInline):
    model = MissionParticipation
    extra = 0

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(Municipality)
class MunicipalityAdmin(
    ScopedAdminMixin, ScopedImportExportMixin, SimpleHistoryAdmin, TabbedTranslationAdmin
):
    resource_classes = [MunicipalityResource]
    list_display = ("name", "native_name", "country", "region", "is_published")
    list_filter = ("is_published", "country")
    search_fields = ("name_en", "name_el", "name_pl", "native_name", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [MilestoneInline, MissionParticipationInline, MunicipalityRoleInline]
    fieldsets = (
        (None, {"fields": ("name", "native_name", "slug", "country", "region", "is_published")}),
        (_("Contact"), {"fields": ("website", "email", "phone", "address")}),
        (
            _("Profile"),
            {"fields": ("population", "target_year", "latitude", "longitude", "summary")},
        ),
    )

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return () if request.user.is_superuser else ("slug", "is_published")

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if request.user.is_superuser else {}


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
        if self.value() and self.value().isdigit():
            return queryset.filter(date__year=int(self.value()))
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


@admin.register(Milestone)
class MilestoneAdmin(
    ScopedAdminMixin, ScopedImportExportMixin, SimpleHistoryAdmin, TabbedTranslationAdmin
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
        ("municipality", EditableMunicipalityFilter),
        YearListFilter,
        "kind",
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
        if milestone.repeats_text:
            return _("Same description as another milestone")
        return ""

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


class TwinningParticipantFormSet(BaseInlineFormSet):
    """A staff editor's twinning must keep one of the editor's own municipalities in it."""

    editable_ids: set[int] | None = None  # None: a superuser, who may pair any cities

    def clean(self):
        super().clean()
        if self.editable_ids is None:
            return
        kept = [
            form.cleaned_data["municipality"].pk
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("municipality")
        ]
        if not set(kept) & self.editable_ids:
            raise ValidationError(_("A twinning must include a municipality you edit for."))


class TwinningParticipantInline(admin.TabularInline):
    # The twinning admin has already scoped the twinning itself to the user's municipalities;
    # the formset keeps one of them in it. Partner cities are chosen from every municipality.
    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission

    model = TwinningParticipant
    formset = TwinningParticipantFormSet
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.editable_ids = (
            None
            if request.user.is_superuser
            else set(Municipality.objects.editable_by(request.user).values_list("pk", flat=True))
        )
        return formset


@admin.register(Twinning)
class TwinningAdmin(
    ScopedAdminMixin, ScopedImportExportMixin, SimpleHistoryAdmin, TabbedTranslationAdmin
):
    resource_classes = [TwinningResource]
    list_display = ("__str__", "programme", "cohort")
    list_filter = ("programme", "cohort")
    search_fields = ("title_en", "participants__municipality__name_en")
    inlines = [TwinningParticipantInline]

    def get_export_queryset(self, request):
        return (
            TwinningParticipant.objects.filter(
                role=TwinningParticipant.Role.PILOT, twinning__in=self.get_queryset(request)
            )
            .select_related("municipality", "twinning__programme")
            .prefetch_related("twinning__participants__municipality")
        )


class SuperuserOnlyAdmin:
    """Shared reference data (missions, programmes, networks): administrators only."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: request.user.is_active and request.user.is_superuser
    )


@admin.register(Mission)
class MissionAdmin(SuperuserOnlyAdmin, TabbedTranslationAdmin):
    list_display = ("name", "goal_year")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(TwinningProgramme)
class TwinningProgrammeAdmin(SuperuserOnlyAdmin, TabbedTranslationAdmin):
    list_display = ("name", "starts_on", "ends_on")
    prepopulated_fields = {"slug": ("name_en",)}


class MembershipInline(admin.TabularInline):
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
class OrganisationAdmin(ScopedAdminMixin, ScopedImportExportMixin, TabbedTranslationAdmin):
    resource_classes = [OrganisationResource]
    list_display = ("name", "kind", "country", "municipality")
    list_filter = ("kind",)
    search_fields = ("name_en", "name_el", "name_pl")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Membership)
class MembershipAdmin(ScopedAdminMixin, ScopedImportExportMixin, admin.ModelAdmin):
    resource_classes = [MembershipResource]
    list_display = ("organisation", "network", "role", "joined_on", "left_on")
    list_filter = ("network", "role")
    list_select_related = ("organisation", "network")
    search_fields = ("organisation__name_en", "network__name_en")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = Organisation.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
