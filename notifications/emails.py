"""Building the portal's emails and sending them in batches, through Django's email API (SMTP
from ``EMAIL_URL``, or any backend such as django-anymail's by ``DJANGO_EMAIL_BACKEND``).

Every email has a plain-text body and an HTML alternative, rendered in its reader's language,
with absolute links from ``PORTAL_BASE_URL``. Emails to subscribers carry one-click unsubscribe
headers (``List-Unsubscribe`` and ``List-Unsubscribe-Post``, RFC 8058).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

logger = logging.getLogger(__name__)

TEMPLATES = "notifications/email"


def absolute(path: str) -> str:
    """``path`` (from ``reverse``) as a link that works from a mailbox."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def absolute_url(name: str, *, language: str, **kwargs) -> str:
    """The absolute link to the page ``name`` in ``language``."""
    with translation.override(language):
        return absolute(reverse(name, kwargs=kwargs or None))


@lru_cache(maxsize=64)
def _page_url(name: str, language: str, base_url: str) -> str:
    return absolute_url(name, language=language)


def page_url(name: str, *, language: str) -> str:
    """``absolute_url`` of a page without parameters, worked out once per process."""
    return _page_url(name, language, settings.PORTAL_BASE_URL)


def list_id() -> str:
    host = urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost"
    return f"<updates.{host}>"


@dataclass(frozen=True)
class Unsubscribe:
    """How the reader of a subscriber's email stops them: the page (which also takes the
    one-click POST) and, when configured, a mailbox."""

    url: str
    token: str


def build(
    *,
    to: str,
    language: str,
    template: str,
    subject: str,
    context: dict,
    unsubscribe: Unsubscribe | None = None,
) -> EmailMultiAlternatives:
    """One email to ``to`` from ``<template>.txt`` and ``<template>.html`` in ``language``.
    ``subject`` is already translated (the caller renders it in ``language``)."""
    context = {
        **context,
        "language": language,
        "portal_url": page_url("missions:home", language=language),
        "unsubscribe_url": unsubscribe.url if unsubscribe else "",
    }
    with translation.override(language):
        text = render_to_string(f"{TEMPLATES}/{template}.txt", context)
        html = render_to_string(f"{TEMPLATES}/{template}.html", context)
    headers = {
        "Content-Language": language,
        # RFC 3834: no out-of-office replies to machine-sent mail.
        "Auto-Submitted": "auto-generated",
    }
    if unsubscribe:
        targets = [f"<{unsubscribe.url}>"]
        mailbox = settings.NOTIFICATIONS_UNSUBSCRIBE_MAILTO
        if mailbox:
            subject = quote(f"unsubscribe {unsubscribe.token}")
            targets.append(f"<mailto:{mailbox}?subject={subject}>")
        headers["List-Unsubscribe"] = ", ".join(targets)
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        headers["List-Id"] = list_id()
    message = EmailMultiAlternatives(
        subject=settings.NOTIFICATIONS_SUBJECT_PREFIX + " ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def send_batch(messages: list[EmailMultiAlternatives]) -> list[bool]:
    """Send ``messages`` over one connection; say which ones the mail server accepted. A
    message that fails is logged and does not stop the others (the connection is opened anew
    for them); when the server cannot be reached at all, none is sent and the next run retries."""
    accepted: list[bool] = []
    connection = get_connection()
    for message in messages:
        try:
            connection.open()  # no-op while open; the backend then keeps it open
            accepted.append(bool(connection.send_messages([message])))
        except Exception:  # SMTP, network or an email service's API
            logger.warning("Email to %s not sent", message.to, exc_info=True)
            accepted.append(False)
            _close_quietly(connection)
            try:
                connection.open()
            except Exception:
                waiting = len(messages) - len(accepted)
                logger.warning("Mail server unreachable: %d emails wait", waiting)
                break
    _close_quietly(connection)
    return accepted + [False] * (len(messages) - len(accepted))


def send_one(message: EmailMultiAlternatives) -> bool:
    return send_batch([message])[0]


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:
        logger.debug("Closing the mail connection failed", exc_info=True)
