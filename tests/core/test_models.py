"""Model building blocks: constraints derived from the choices they check, languages from
settings (finding 9: constraints repeated their choices by hand, languages were hard-coded)."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import CheckConstraint
from django_countries.fields import CountryField

from core.models import language_codes

PORTAL_APPS = ["accounts", "missions", "consultations", "reports", "pages"]


def valid_constraints():
    for app in PORTAL_APPS:
        for model in apps.get_app_config(app).get_models():
            for constraint in model._meta.constraints:
                if isinstance(constraint, CheckConstraint) and constraint.name.endswith("_valid"):
                    yield model, constraint


def test_language_codes_come_from_settings():
    assert language_codes() == [code for code, _ in settings.LANGUAGES]


@pytest.mark.parametrize(
    "model,field",
    [
        (model, field.name)
        for app in PORTAL_APPS
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")  # copies kept by django-simple-history
        for field in model._meta.concrete_fields
        if field.choices and not isinstance(field, CountryField)  # ISO codes, checked by forms
    ],
)
def test_every_choice_field_is_checked_by_the_database_with_exactly_its_choices(model, field):
    choices = {value for value, _ in model._meta.get_field(field).flatchoices}
    checked = [
        dict(constraint.condition.children).get(f"{field}__in")
        for m, constraint in valid_constraints()
        if m is model and f"{field}__in" in dict(constraint.condition.children)
    ]
    assert checked, f"{model.__name__}.{field} has no database check"
    assert set(checked[0]) == choices - {""}
