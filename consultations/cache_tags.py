"""Which cached pages a change to a consultation makes stale: its city's pages (which list its
consultations) and the remembered questionnaires and results (tag ``consultations``)."""

from __future__ import annotations

from core.caching import LISTS, city_tag, register_tagger

from .models import Consultation, Option, Question

CONSULTATIONS = "consultations"


def consultation_tags(consultation: Consultation):
    return {city_tag(consultation.municipality.slug), LISTS, CONSULTATIONS}


def register() -> None:
    register_tagger(Consultation, consultation_tags)
    register_tagger(Question, lambda question: {CONSULTATIONS})
    register_tagger(Option, lambda option: {CONSULTATIONS})
