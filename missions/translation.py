"""Fields kept in English, Greek and Polish (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from .models import (
    ContractPart,
    Milestone,
    Mission,
    MissionLabel,
    Municipality,
    Network,
    Organisation,
    Twinning,
    TwinningProgramme,
)


@register(Municipality)
class MunicipalityTranslation(TranslationOptions):
    fields = ("name", "address", "summary", "region")
    required_languages = ("en",)


@register(Mission)
class MissionTranslation(TranslationOptions):
    fields = ("name", "short_name", "description", "goal")
    required_languages = ("en",)


@register(Milestone)
class MilestoneTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("en",)


@register(TwinningProgramme)
class TwinningProgrammeTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)


@register(Twinning)
class TwinningTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Network)
class NetworkTranslation(TranslationOptions):
    fields = ("name", "description", "objectives", "means", "thematic_areas", "member_kinds")
    required_languages = ("en",)


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


# History is registered here, after modeltranslation has added the per-language fields, so the
# historical tables keep every language (registering on the model class would miss them).
register_history(
    Municipality,
    app="missions",
    excluded_fields=["created_at", "updated_at", "name_key", "search_keys"],
)
register_history(
    Milestone, app="missions", excluded_fields=["created_at", "updated_at", "title_key"]
)
register_history(Twinning, app="missions", excluded_fields=["created_at", "updated_at"])
register_history(ContractPart, app="missions", excluded_fields=["created_at", "updated_at"])
register_history(MissionLabel, app="missions", excluded_fields=["created_at", "updated_at"])
