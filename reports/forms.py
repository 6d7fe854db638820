from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from missions.models import Municipality


class ReportRequestForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = Municipality.objects.with_role_for(user).order_by("name")
        self.fields["municipality"].queryset = municipalities
        only = list(municipalities[:2])
        if len(only) == 1:  # an official of one city need not choose it
            self.fields["municipality"].initial = only[0].pk
