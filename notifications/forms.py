"""The follow form: an email address, a city or the whole portal, how often."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Frequency
from .selectors import municipalities_to_follow

HONEYPOT_FIELD = "website"


class FollowForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Enter your email address.")},
    )
    city = forms.ModelChoiceField(
        label=_("What to follow"),
        queryset=None,
        required=False,
        to_field_name="slug",
        empty_label=_("The whole portal: every city"),
        error_messages={"invalid_choice": _("Choose a city from the list.")},
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Frequency.choices,
        initial=Frequency.WEEKLY,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how often to receive updates.")},
    )
    # People never see this field (hidden by the stylesheet); bots fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = municipalities_to_follow()

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD))
