"""Pages that compose several apps' data, built from each app's selectors."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from consultations.selectors import consultations_for_public
from core.caching import cache_public_page, for_city
from missions import selectors as mission_selectors


@require_safe
@cache_public_page(tags=for_city)
def city_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A city's profile, Climate City Contract and timeline, with its consultations."""
    city = mission_selectors.municipality_for_page(user=request.user, slug=slug)
    milestones = list(city.milestones.all())
    twinnings = [
        participation.twinning
        for participation in city.twinning_participations.all()
        # A twinning whose partners are all unpublished has nothing to show.
        if any(p.municipality_id != city.pk for p in participation.twinning.participants.all())
    ]
    return render(
        request,
        "pages/city_detail.html",
        {
            "city": city,
            "milestones": milestones,
            "progress": mission_selectors.progress_summary(milestones),
            "last_updated": max([city.updated_at, *(m.updated_at for m in milestones)]),
            "contract": city.contract,
            "twinnings": twinnings,
            "consultation_groups": consultations_for_public(municipality=city),
            "embed_snippet": mission_selectors.embed_snippet(city),
        },
    )
