"""A questionnaire drafted in a spreadsheet, imported as a consultation's questions.

Columns: ``order``, ``text``, ``type`` (single | multiple | scale | short_text | long_text |
number), ``options`` (separated by ``|``), ``required``. Rows match existing questions by
``order``; re-importing the same file changes nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, widgets

from core.importing.resources import ScopedResource
from core.importing.widgets import ChoiceWidget, WholeNumberWidget

from . import services
from .models import Consultation, Question

TRUE = {"1", "true", "yes", "y", "x", "ναι", "tak", "required"}
FALSE = {"", "0", "false", "no", "n", "όχι", "nie"}


class RequiredWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip().lower()
        if isinstance(value, bool):
            return value
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValueError(_("“%(value)s” is not yes or no.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


def split_options(value) -> list[str]:
    return [part.strip() for part in str(value or "").split("|") if part.strip()]


class QuestionResource(ScopedResource):
    required_columns = ("order", "text", "type")

    order = fields.Field(attribute="order", column_name="order", widget=WholeNumberWidget())
    text = fields.Field(attribute="text_en", column_name="text")
    kind = fields.Field(attribute="kind", column_name="type", widget=ChoiceWidget(Question.Kind))
    required = fields.Field(attribute="required", column_name="required", widget=RequiredWidget())
    options = fields.Field(column_name="options")

    class Meta:
        model = Question
        fields = ("order", "text", "kind", "options", "required")
        export_order = fields
        import_id_fields = ("order",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    permission_column = "text"

    def __init__(self, *, consultation: Consultation, acting_user, **kwargs):
        self.consultation = consultation
        super().__init__(acting_user=acting_user, **kwargs)

    def before_import(self, dataset, **kwargs):
        if (
            not Consultation.objects.editable_by(self.acting_user)
            .filter(pk=self.consultation.pk)
            .exists()
        ):
            raise ValueError(_("You may not change this municipality's consultations."))
        super().before_import(dataset, **kwargs)

    def export_scope(self, queryset):
        return queryset.filter(consultation__in=Consultation.objects.editable_by(self.acting_user))

    def get_queryset(self):
        return Question.objects.filter(consultation=self.consultation).prefetch_related("options")

    def get_instance(self, instance_loader, row):
        try:
            order = int(str(row.get("order", "")).strip())
        except ValueError:
            return None  # reported by the order column
        return self.get_queryset().filter(order=order).first()

    def init_instance(self, row=None):
        return Question(consultation=self.consultation)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.order is None or instance.order < 1:
            raise ValidationError({"order": _("The order must be a whole number from 1.")})
        options = split_options(row.get("options"))
        if instance.kind in Question.CHOICE_KINDS and len(options) < 2:
            raise ValidationError(
                {"options": _("A choice question needs at least two options, separated by |.")}
            )
        if instance.kind not in Question.CHOICE_KINDS and options:
            raise ValidationError({"options": _("Only choice questions have options.")})
        if len(set(options)) != len(options):
            raise ValidationError({"options": _("An option is listed twice.")})
        if instance.pk is not None and instance.answers.exists():
            current = [option.text_en for option in instance.options.all()]
            if options != current:
                # The option services refuse too; say it once for the whole question.
                raise ValidationError(
                    {"options": _("This question has answers already: its options cannot change.")}
                )
        instance._imported_options = options

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if original is not None and original.pk:
            current = [option.text_en for option in original.options.all()]
            if current != getattr(instance, "_imported_options", []):
                return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_save_instance(self, instance, row, **kwargs):
        services.question_set_options(
            acting_user=self.acting_user, question=instance, texts=instance._imported_options
        )

    def dehydrate_options(self, question):
        return " | ".join(option.text_en for option in question.options.all())
