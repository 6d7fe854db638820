"""Fields kept in English, Greek and Polish (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from .models import Page


@register(Page)
class PageTranslation(TranslationOptions):
    fields = ("title", "content")
    required_languages = ("en",)


# After modeltranslation has added the per-language fields, so the history keeps every language.
register_history(Page, app="pages", excluded_fields=["created_at", "updated_at"])
