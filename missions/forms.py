from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Mission, Municipality, Network


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    mission = forms.ChoiceField(label=_("Mission"), required=False)
    network = forms.ChoiceField(label=_("Network"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = set(Municipality.objects.published().values_list("country", flat=True))
        self.fields["country"].choices = [("", _("All countries"))] + sorted(
            ((code, countries.name(code)) for code in codes), key=lambda choice: str(choice[1])
        )
        self.fields["mission"].choices = [("", _("All missions"))] + [
            (mission.slug, str(mission)) for mission in Mission.objects.all()
        ]
        self.fields["network"].choices = [("", _("All networks"))] + [
            (network.slug, str(network)) for network in Network.objects.all()
        ]
