"""The admin site and the mixins every app's admin uses.

One staff test (``may_use_admin``) opens the site; each model admin shows what its scope
shows (``view_scope``) and changes what the user may edit (``change_scope``); every save and
delete — forms, inlines, delete views and actions — goes through the model's services
(``core.services.writer_for``), so the admin obeys the same rules as imports and the API.
"""

from __future__ import annotations

import csv
import io
from functools import update_wrapper

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX

from . import audit
from .importing.files import IMPORT_FORMATS, ImportFileError, check_upload_size
from .importing.summary import summarise
from .languages import missing_in
from .models import language_codes
from .permissions import may_use_admin
from .services import writer_for


class PortalAdminSite(admin.AdminSite):
    site_header = _("Climate Mission Portal")
    site_title = _("Climate Mission Portal")
    index_title = _("Staff admin")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The audit log belongs to the site itself (read-only; core/audit_admin.py).
        from .audit_admin import AuditEntryAdmin
        from .models import AuditEntry

        self.register(AuditEntry, AuditEntryAdmin)

    def has_permission(self, request):
        return may_use_admin(request.user)

    def admin_view(self, view, cacheable=False):
        # Every write made through an admin page (forms, inlines, deletes, actions, history
        # reverts) is recorded as coming from the admin; imports say "import" inside it.
        def from_the_admin(request, *args, **kwargs):
            with audit.source(audit.ADMIN):
                return view(request, *args, **kwargs)

        return super().admin_view(update_wrapper(from_the_admin, view), cacheable)

    def login(self, request, extra_context=None):
        # Staff sign in through allauth: rate-limited, and with a verified email address.
        return login_required(super().login)(request, extra_context)

    def get_urls(self):
        urls = super().get_urls()
        # "View on site" links: only for objects the user may view in this admin.
        own = [
            path(
                "r/<int:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            )
        ]
        return own + [url for url in urls if getattr(url, "name", None) != "view_on_site"]

    def view_on_site(self, request, content_type_id, object_id):
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            raise Http404 from None
        model_admin = self._registry.get(model)
        if model_admin is None:
            raise Http404
        try:
            obj = model_admin.get_queryset(request).filter(pk=object_id).first()
        except (ValueError, ValidationError):
            obj = None
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404
        return shortcut(request, content_type_id, object_id)


def _error_messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error) or str(_("You may not make this change."))]


def _form_with_checks(form_class, request, writer):
    """A model form that also asks the model's service whether the user may save it, so a
    rule broken shows on the form instead of failing the save."""

    class CheckedForm(form_class):
        def _post_clean(self):
            super()._post_clean()
            if self.errors or (self.has_changed() is False and self.instance.pk):
                return
            if self.cleaned_data.get("DELETE"):
                return
            try:
                writer.check(acting_user=request.user, instance=self.instance)
            except ValidationError as error:
                self._update_errors(error)
            except PermissionDenied as error:
                self.add_error(None, str(error))

        def hand_clean_DELETE(self):
            # Inline forms: the service says why a row cannot be deleted (an answered question:
            # hide it instead), before Django lists the protected rows.
            if self.cleaned_data.get("DELETE") and self.instance.pk and writer.check_delete:
                try:
                    writer.check_delete(acting_user=request.user, instance=self.instance)
                except (ValidationError, PermissionDenied) as error:
                    raise ValidationError(_error_messages(error)) from error
            parent = getattr(super(), "hand_clean_DELETE", None)
            if parent is not None:
                parent()

    CheckedForm.__name__ = form_class.__name__
    return CheckedForm


class ServiceRefused(Exception):
    """A service refused an admin write that its form could not check (a crafted request)."""

    def __init__(self, error: Exception):
        super().__init__(error)
        self.messages = _error_messages(error)


def _write(method, *, request, obj) -> None:
    try:
        method(acting_user=request.user, instance=obj)
    except (ValidationError, PermissionDenied) as error:
        raise ServiceRefused(error) from error


class ServiceWritesMixin:
    """Admin saves and deletes call the model's services (for the admin and its inlines)."""

    def save_model(self, request, obj, form, change):
        _write(writer_for(type(obj)).save, request=request, obj=obj)

    def delete_model(self, request, obj):
        _write(writer_for(type(obj)).delete, request=request, obj=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():  # all or none
            for obj in queryset:
                self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            _write(writer_for(type(obj)).delete, request=request, obj=obj)
        for obj in instances:
            _write(writer_for(type(obj)).save, request=request, obj=obj)
        formset.save_m2m()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return _form_with_checks(form, request, writer_for(self.model))

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        writer = writer_for(self.model)
        if writer.check_delete:
            for obj in objs:
                try:
                    writer.check_delete(acting_user=request.user, instance=obj)
                except (ValidationError, PermissionDenied) as error:
                    protected = [*protected, *_error_messages(error)]
        return deleted, model_count, perms_needed, protected

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # An object that does not exist, or that the user may not see (the same to them), or
        # an id that is not one ("abc"): a 404 page, never a redirect or a server error.
        raise Http404(
            _("No %(name)s with the id “%(id)s” exists.")
            % {"name": opts.verbose_name, "id": object_id}
        )

    def _refused(self, request, error: ServiceRefused):
        # Nothing was saved (the transaction rolled back); say why, on the same page.
        for message in error.messages:
            messages.error(request, message)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as error:
            return self._refused(request, error)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceRefused as error:
            return self._refused(request, error)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except ServiceRefused as error:  # a bulk delete refused for one of the objects
            return self._refused(request, error)


class ServiceInlineMixin:
    """Inline forms ask the same services as the admin they sit in."""

    def get_formset(self, request, obj=None, **kwargs):
        formset_class = super().get_formset(request, obj, **kwargs)
        writer = writer_for(self.model)

        class CheckedFormSet(formset_class):
            form = _form_with_checks(formset_class.form, request, writer)

        CheckedFormSet.__name__ = formset_class.__name__
        return CheckedFormSet


class ScopedAdminMixin(ServiceWritesMixin):
    """Staff see what ``view_scope`` shows and change what ``change_scope`` allows; by default
    both are the model's ``editable_by(user)``."""

    def change_scope(self, queryset, request):
        return queryset.editable_by(request.user)

    def view_scope(self, queryset, request):
        return self.change_scope(queryset, request)

    def get_queryset(self, request):
        return self.view_scope(super().get_queryset(request), request)

    def _in_scope(self, request, obj, scope) -> bool:
        if not may_use_admin(request.user):
            return False
        if obj is None:
            return True
        return scope(type(obj)._default_manager.filter(pk=obj.pk), request).exists()

    def has_module_permission(self, request):
        return may_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return self._in_scope(request, obj, self.view_scope)

    def has_change_permission(self, request, obj=None):
        return self._in_scope(request, obj, self.change_scope)

    def has_delete_permission(self, request, obj=None):
        return self._in_scope(request, obj, self.change_scope)


# How many rows an import's preview shows; the counts and every error are shown whatever the
# file's size.
PREVIEW_ROWS = 100


class ScopedImportExportMixin(ImportExportMixin):
    """Import/export in CSV, XLSX and JSON, with the resource built for the signed-in user."""

    formats = [CSV, XLSX, JSON]
    # Imports read files through core.importing.files, as the command line does: the same
    # size and row limits, and one message naming the row and the column for a bad file.
    import_formats = IMPORT_FORMATS
    # The confirm step re-reads the file; keep it in the database (not in Redis, which an
    # outage would empty) so any web process can finish an import another one previewed.
    tmp_storage_class = "core.cache.ImportFileStorage"

    def get_import_resource_kwargs(self, request, **kwargs):
        return {
            **super().get_import_resource_kwargs(request, **kwargs),
            "acting_user": request.user,
        }

    def get_export_resource_kwargs(self, request, **kwargs):
        return {
            **super().get_export_resource_kwargs(request, **kwargs),
            "acting_user": request.user,
        }

    def has_export_permission(self, request):
        return may_use_admin(request.user)

    def get_import_form_class(self, request):
        form_class = super().get_import_form_class(request)

        class LimitedImportForm(form_class):
            def __init__(self, formats, *args, **kwargs):
                super().__init__(formats, *args, **kwargs)
                self.portal_formats = formats
                # The format is taken from the file's name unless the user chooses one.
                field = self.fields["format"]
                field.required = False
                field.choices = [("", _("From the file's name")), *field.choices[1:]]
                field.help_text = _(".csv, .xlsx or .json")

            def clean(self):
                data = super().clean()
                upload = data.get("import_file")
                if data.get("format") or upload is None:
                    return data
                extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
                for index, file_format in enumerate(self.portal_formats):
                    if file_format().get_extension() == extension:
                        data["format"] = str(index)
                        return data
                self.add_error(
                    "format",
                    _("The file's name does not end in .csv, .xlsx or .json: choose its format."),
                )
                return data

            def clean_import_file(self):
                # An upload over the size limit is refused before anything reads it.
                upload = self.cleaned_data["import_file"]
                try:
                    check_upload_size(upload)
                except ImportFileError as error:
                    raise ValidationError(f"{upload.name}: {error}") from error
                return upload

        LimitedImportForm.__name__ = form_class.__name__
        return LimitedImportForm

    def add_data_read_fail_error_to_form(self, form, e):
        # Our message naming the file, the row and the column; never an exception's name.
        if isinstance(e, ImportFileError):
            upload = form.cleaned_data.get("import_file")
            name = getattr(upload, "name", "")
            form.add_error("import_file", f"{name}: {e}" if name else str(e))
            return
        form.add_error(
            "import_file",
            _("The file could not be read: import a CSV (UTF-8), XLSX or JSON file."),
        )

    def import_action(self, request, **kwargs):
        with audit.source(audit.IMPORT):  # the preview's dry run is rolled back, entries too
            response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        result = context.get("result")
        for warning in getattr(result, "portal_warnings", []):
            # What the user should check before confirming (a city of a close name).
            messages.warning(request, str(warning))
        if result is not None and result.base_errors and context.get("form") is not None:
            # A file-level error (a missing column): import-export's template would show it
            # with a traceback; show the message on the form instead, and no preview.
            upload = request.FILES.get("import_file")
            for error in result.base_errors:
                message = str(error.error)
                context["form"].add_error(
                    "import_file", f"{upload.name}: {message}" if upload else message
                )
            context["result"] = None
            context.pop("confirm_form", None)
        opts = self.model._meta
        context["import_template_url"] = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_import_template"
        )
        resource_classes = self.get_import_resource_classes(request)
        context["required_columns"] = getattr(resource_classes[0], "required_columns", ())
        if context.get("result") is not None:
            # The preview summarises: counts, every error as (row, column, message), and the
            # first rows only, so that it never grows with the file.
            resource = self.get_import_resource_classes(request)[0](acting_user=request.user)
            valid = result.valid_rows()
            context.update(
                summary=summarise(resource=resource, result=result, dry_run=True),
                preview_rows=valid[:PREVIEW_ROWS],
                preview_more=max(len(valid) - PREVIEW_ROWS, 0),
            )
        return response

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "import/template/",
                self.admin_site.admin_view(self.import_template_view),
                name=f"{opts.app_label}_{opts.model_name}_import_template",
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request):
        """A CSV file to fill in: the import's columns and the resource's one example row."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource_class = self.get_import_resource_classes(request)[0]
        resource = resource_class(acting_user=request.user)
        columns = [field.column_name for field in resource.get_import_fields()]
        example = getattr(resource_class, "example_row", {})
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerow([example.get(column, "") for column in columns])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        name = self.model._meta.model_name
        response["Content-Disposition"] = f'attachment; filename="{name}-import-template.csv"'
        return response

    def get_import_data_kwargs(self, **kwargs):
        # All or nothing, also when the confirmed import meets a row the preview accepted (a
        # city renamed in between): import-export would otherwise keep the other rows.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_dataset(self, dataset, form, request, **kwargs):
        # An import writes thousands of rows: their audit entries are inserted a chunk at a
        # time in the import's transaction, the rest once it is known to be kept; an import
        # not kept takes all of them with it (all or nothing).
        with audit.source(audit.IMPORT), transaction.atomic(), audit.batch() as entries:
            result = super().process_dataset(dataset, form, request, **kwargs)
            failed = result.has_errors() or result.has_validation_errors()
            audit.batch_end(entries, kept=not (kwargs.get("dry_run") or failed))
        return result

    def process_result(self, result, request):
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        # The confirmed import met errors the preview did not show (the data changed in
        # between): nothing was written; say which rows, and offer the import again.
        resource = self.get_import_resource_classes(request)[0](acting_user=request.user)
        summary = summarise(resource=resource, result=result, dry_run=False)
        for error in [*summary.file_errors, *summary.errors][:PREVIEW_ROWS]:
            messages.error(request, str(error))
        messages.error(request, _("Nothing was written: fix the errors above and import again."))
        return self._back_to_import_page()

    def process_import(self, request, **kwargs):
        try:
            with audit.source(audit.IMPORT):
                return super().process_import(request, **kwargs)
        except ImportFileError as error:  # the kept file expired or cannot be read again
            messages.error(request, str(error))
            return self._back_to_import_page()

    def _back_to_import_page(self):
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))


class MissingTranslationFilter(admin.SimpleListFilter):
    """ "Not yet in Greek", "Not yet in Polish": the rows a translator still has to do (a
    translated field written in English but not in that language)."""

    title = _("translation")
    parameter_name = "missing_language"

    def lookups(self, request, model_admin):
        names = dict(settings.LANGUAGES)
        return [
            (code, _("Not yet in %(language)s") % {"language": names[code]})
            for code in language_codes()[1:]
        ]

    def queryset(self, request, queryset):
        code = self.value()
        if code not in language_codes()[1:]:
            return queryset
        return queryset.filter(missing_in(code, translated_fields_of(queryset.model)))


def translated_fields_of(model) -> tuple[str, ...]:
    from modeltranslation.translator import translator

    return tuple(translator.get_options_for_model(model).fields)
