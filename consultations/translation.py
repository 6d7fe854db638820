from modeltranslation.translator import TranslationOptions, register

from .models import Consultation, Option, Question


@register(Consultation)
class ConsultationTranslation(TranslationOptions):
    fields = ("title", "description", "audience", "topics")
    required_languages = ("en",)


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text", "help_text", "topic", "scale_min_label", "scale_max_label")
    required_languages = ("en",)


@register(Option)
class OptionTranslation(TranslationOptions):
    fields = ("text",)
    required_languages = ("en",)
