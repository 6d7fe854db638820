"""Staff build consultations here, scoped by the municipalities they edit for."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from core.admin import PREVIEW_ROWS, ServiceInlineMixin
from core.importing.files import ImportFileError, dataset_from_upload
from core.importing.summary import run_resource_import
from core.permissions import may_use_admin
from missions.admin import EditableMunicipalityFilter, MunicipalityScopedAdmin

from . import exports, services
from .forms import ResponseForm
from .models import Consultation, Option, Question
from .resources import QuestionResource


class StaffInlineMixin(ServiceInlineMixin):
    # The parent admin has already limited the consultation to the user's municipalities, and
    # the services check every save and delete again.
    def has_view_permission(self, request, obj=None):
        return may_use_admin(request.user)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class QuestionInline(StaffInlineMixin, TranslationTabularInline):
    model = Question
    extra = 0
    fields = ("order", "text", "kind", "required", "topic", "max_choices", "is_hidden")
    show_change_link = True


class OptionInline(StaffInlineMixin, TranslationTabularInline):
    model = Option
    extra = 2
    fields = ("order", "text", "is_hidden")


class QuestionImportForm(forms.Form):
    import_file = forms.FileField(
        label=_("Questionnaire file"),
        help_text=_(
            "CSV (UTF-8), XLSX or JSON with the columns order, text, type, options "
            "(separated by |) and required."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file (dry run)"), required=False, initial=True
    )


@admin.register(Consultation)
class ConsultationAdmin(MunicipalityScopedAdmin, TabbedTranslationAdmin):
    list_display = (
        "title",
        "municipality",
        "opens_at",
        "closes_at",
        "mode",
        "results_visibility",
        "is_published",
        "response_count",
    )
    list_filter = (
        "is_published",
        "mode",
        "results_visibility",
        ("municipality", EditableMunicipalityFilter),
    )
    search_fields = ("title_en", "title_el", "title_pl", "slug")
    prepopulated_fields = {"slug": ("title_en",)}
    inlines = [QuestionInline]
    actions = ["duplicate", "close_now"]
    fieldsets = (
        (None, {"fields": ("municipality", "title", "slug", "description", "audience", "topics")}),
        (
            _("When and how"),
            {"fields": ("opens_at", "closes_at", "mode", "results_visibility", "is_published")},
        ),
    )

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(num_responses=Count("responses"))

    @admin.display(description=_("responses"), ordering="num_responses")
    def response_count(self, consultation):
        return consultation.num_responses

    def get_urls(self):
        own = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="consultations_consultation_preview",
            ),
            path(
                "<int:pk>/import-questions/",
                self.admin_site.admin_view(self.import_questions_view),
                name="consultations_consultation_import_questions",
            ),
            path(
                "<int:pk>/export/<str:file_format>/",
                self.admin_site.admin_view(self.export_view),
                name="consultations_consultation_export",
            ),
        ]
        return own + super().get_urls()

    def _get_editable(self, request, pk) -> Consultation:
        return get_object_or_404(
            Consultation.objects.editable_by(request.user).prefetch_related("questions__options"),
            pk=pk,
        )

    def preview_view(self, request, pk):
        consultation = self._get_editable(request, pk)
        questions = list(consultation.questions.all())
        form = ResponseForm(questions=questions)
        return TemplateResponse(
            request,
            "consultations/detail.html",
            {
                "consultation": consultation,
                "state": "open",
                "form": form,
                "preview": True,
            },
        )

    def import_questions_view(self, request, pk):
        consultation = self._get_editable(request, pk)
        form = QuestionImportForm(request.POST or None, request.FILES or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "consultation": consultation,
            "form": form,
            "title": _("Import questions"),
        }
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            try:
                # Read in place, within the size and row limits (an oversize upload is
                # refused before it is read), as the command line reads a file.
                dataset = dataset_from_upload(upload)
            except ImportFileError as error:
                form.add_error("import_file", f"{upload.name}: {error}")
            else:
                summary = run_resource_import(
                    resource=QuestionResource(consultation=consultation, acting_user=request.user),
                    dataset=dataset,
                    dry_run=form.cleaned_data["dry_run"],
                )
                shown = [
                    (number, summary.row_status.get(number, ""), row)
                    for number, row in enumerate(dataset[:PREVIEW_ROWS], start=1)
                ]
                context.update(
                    summary=summary,
                    rows=shown,
                    preview_more=max(len(dataset) - PREVIEW_ROWS, 0),
                    headers=dataset.headers,
                )
                if summary.written:
                    messages.success(request, _("The questions were imported."))
                    return redirect("admin:consultations_consultation_change", consultation.pk)
        return TemplateResponse(request, "admin/consultations/import_questions.html", context)

    def export_view(self, request, pk, file_format):
        consultation = self._get_editable(request, pk)
        if file_format not in ("csv", "xlsx"):
            raise PermissionDenied
        content, content_type = exports.responses_export(
            consultation=consultation, file_format=file_format
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{consultation.slug}-responses.{file_format}"'
        )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if self.get_object(request, object_id) is not None:  # else Django's 404 ("abc" too)
            extra_context["consultation_links"] = [
                (
                    reverse("admin:consultations_consultation_preview", args=[object_id]),
                    _("Preview the form"),
                ),
                (
                    reverse("admin:consultations_consultation_import_questions", args=[object_id]),
                    _("Import questions"),
                ),
                (
                    reverse("admin:consultations_consultation_export", args=[object_id, "csv"]),
                    _("Export responses (CSV)"),
                ),
                (
                    reverse("admin:consultations_consultation_export", args=[object_id, "xlsx"]),
                    _("Export responses (XLSX)"),
                ),
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Duplicate (as an unpublished copy)"))
    def duplicate(self, request, queryset):
        copies = [
            services.consultation_duplicate(consultation=consultation, acting_user=request.user)
            for consultation in queryset.editable_by(request.user)
        ]
        self.message_user(
            request,
            ngettext(
                "%(count)d consultation duplicated.",
                "%(count)d consultations duplicated.",
                len(copies),
            )
            % {"count": len(copies)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Close now"))
    def close_now(self, request, queryset):
        count = 0
        for consultation in queryset.editable_by(request.user):
            services.consultation_close(consultation=consultation, acting_user=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d consultation closed.", "%(count)d consultations closed.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Question)
class QuestionAdmin(MunicipalityScopedAdmin, TabbedTranslationAdmin):
    list_display = ("text", "consultation", "order", "kind", "required")
    list_filter = ("kind", "required")
    search_fields = ("text_en", "text_el", "text_pl")
    inlines = [OptionInline]

    def has_module_permission(self, request):
        return False  # edited from its consultation

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "consultation":
            kwargs["queryset"] = Consultation.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
