from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Mission, MissionStage, Municipality, Network


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    mission = forms.ChoiceField(label=_("Mission"), required=False)
    network = forms.ChoiceField(label=_("Network"), required=False)
    stage = forms.ChoiceField(
        label=_("Stage reached"),
        required=False,
        choices=[("", _("Any stage"))] + list(MissionStage.choices),
    )
    round = forms.IntegerField(
        label=_("Mission Label round"), required=False, min_value=1, max_value=99
    )
    cohort = forms.RegexField(
        label=_("Twinning cohort"),
        required=False,
        regex=r"^(any|[1-9][0-9]?)$",
        help_text=_("A cohort's number, or “any”."),
    )

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


class OverviewFilterForm(forms.Form):
    """The overview table's filters and order (plain links and a GET form: no JavaScript)."""

    country = forms.ChoiceField(label=_("Country"), required=False)
    stage = forms.ChoiceField(
        label=_("Stage reached"),
        required=False,
        choices=[("", _("Any stage"))] + list(MissionStage.choices),
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("city", _("City")),
            ("country", _("Country")),
            ("stage", _("Stage")),
            ("label", _("Mission Label")),
        ],
    )

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        codes = {str(item.city.country) for item in cities if item.stage}
        self.fields["country"].choices = [("", _("All countries"))] + sorted(
            ((code, countries.name(code)) for code in codes), key=lambda choice: str(choice[1])
        )
