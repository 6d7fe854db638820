"""Reads of the portal's pages, as the public sees them."""

from __future__ import annotations

from .models import Page


def page_for_display(*, key: str) -> Page:
    """The page ``key`` (one query); ``Page.DoesNotExist`` when it is missing."""
    return Page.objects.get(key=key)
