"""The public questionnaire, built from the consultation's questions."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.languages import marked_text

from .models import Question
from .services import AnswerValue

HONEYPOT_FIELD = "website"


class ResponseForm(forms.Form):
    """One field per question, named ``q<pk>``; plus a honeypot that people never see."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[question.field_name] = self._field_for(question)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    @staticmethod
    def _field_for(question: Question) -> forms.Field:
        common = {
            "label": question.text,
            "required": question.required,
            # Texts not yet written in the page's language carry the language they are in.
            "help_text": marked_text(question, "help_text"),
        }
        options = [
            (str(option.pk), marked_text(option, "text"))
            for option in question.options.all()
            if not option.is_hidden
        ]
        if question.kind == Question.Kind.SINGLE:
            return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
        if question.kind == Question.Kind.MULTIPLE:
            field = forms.MultipleChoiceField(
                choices=options, widget=forms.CheckboxSelectMultiple, **common
            )
            field.max_choices = question.max_choices
            return field
        if question.kind == Question.Kind.SCALE:
            choices = []
            for value in range(question.scale_min, question.scale_max + 1):
                label = str(value)
                if value == question.scale_min and question.scale_min_label:
                    label = format_html("{} – {}", value, marked_text(question, "scale_min_label"))
                elif value == question.scale_max and question.scale_max_label:
                    label = format_html("{} – {}", value, marked_text(question, "scale_max_label"))
                choices.append((str(value), label))
            return forms.TypedChoiceField(
                choices=choices, coerce=int, empty_value=None, widget=forms.RadioSelect, **common
            )
        if question.kind == Question.Kind.SHORT_TEXT:
            return forms.CharField(max_length=500, **common)
        if question.kind == Question.Kind.LONG_TEXT:
            return forms.CharField(
                max_length=5000, widget=forms.Textarea(attrs={"rows": 5}), **common
            )
        # Numbers as the page's language writes them ("42,5" in Greek and Polish).
        return forms.DecimalField(
            max_digits=12,
            decimal_places=2,
            min_value=question.number_min,
            max_value=question.number_max,
            localize=True,
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            **common,
        )

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            if question.kind != Question.Kind.MULTIPLE or not question.max_choices:
                continue
            chosen = set(cleaned.get(question.field_name) or [])
            if len(chosen) > question.max_choices:
                self.add_error(
                    question.field_name,
                    ngettext(
                        "Choose at most %(count)d option.",
                        "Choose at most %(count)d options.",
                        question.max_choices,
                    )
                    % {"count": question.max_choices},
                )
        return cleaned

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD))

    def answer_values(self) -> list[AnswerValue]:
        values = []
        for question in self.questions:
            value = self.cleaned_data.get(question.field_name)
            if question.is_choice:
                chosen = value if isinstance(value, list) else ([value] if value else [])
                # dict.fromkeys: a repeated box in a crafted request counts once.
                values.append(AnswerValue(question, options=tuple(dict.fromkeys(map(int, chosen)))))
            elif question.kind == Question.Kind.SCALE:
                values.append(
                    AnswerValue(question, number=None if value is None else Decimal(value))
                )
            elif question.kind == Question.Kind.NUMBER:
                values.append(AnswerValue(question, number=value))
            else:
                values.append(AnswerValue(question, text=(value or "").strip()))
        return values

    def anchor(self, question: Question) -> str:
        """The id the error summary links to: the first radio/checkbox, or the input."""
        bound = self[question.field_name]
        if question.is_choice or question.kind == Question.Kind.SCALE:
            return f"{bound.auto_id}_0"
        return bound.auto_id

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor, question, message) for every field with an error, in question order."""
        summary = []
        for question in self.questions:
            for message in self.errors.get(question.field_name, []):
                summary.append((self.anchor(question), question.text, message))
        return summary

    def fields_in_order(self):
        """(question, bound field) pairs, in question order, for the template."""
        return [(question, self[question.field_name]) for question in self.questions]
