"""Absolute links, from ``PORTAL_BASE_URL`` (never from the request's Host header)."""

from __future__ import annotations

from django.conf import settings


def base_url() -> str:
    return settings.PORTAL_BASE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` (as ``reverse`` gives it, starting with "/") as an absolute URL."""
    return base_url() + path


# The open data's licence (the API, the downloads and the catalogue say so).
LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
