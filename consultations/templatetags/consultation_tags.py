from django import template

from consultations.selectors import consultations_for_public

register = template.Library()


@register.inclusion_tag("consultations/partials/city_consultations.html")
def city_consultations(municipality):
    """The consultations block of a city page (one query)."""
    return {"groups": consultations_for_public(municipality=municipality)}
