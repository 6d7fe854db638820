"""The pages an EU public-sector site must have: what the Mission is, the accessibility
statement, the privacy notice and how to reach the portal. Their text is translated
(``translation.py``), edited by administrators only, and stored as HTML limited to a few tags
(``core.templatetags.portal_text``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel, choices_constraint
from core.templatetags.portal_text import ALLOWED_TAGS, disallowed_markup

# Written in a page's text where the portal's contact address (PORTAL_CONTACT_EMAIL) should
# appear; the page shows it as a mailto link, so a changed address needs no edit of the text.
CONTACT_EMAIL_MARKER = "[[contact-email]]"


def validate_page_html(value: str) -> None:
    """Refuse what the pages would not show, naming it, instead of dropping it silently."""
    found = disallowed_markup(value)
    errors = []
    if found.tags:
        errors.append(
            ValidationError(
                _("Remove the tags these pages do not allow: %(tags)s. Allowed: %(allowed)s."),
                code="tags",
                params={
                    "tags": ", ".join(f"<{tag}>" for tag in found.tags),
                    "allowed": ", ".join(f"<{tag}>" for tag in sorted(ALLOWED_TAGS)),
                },
            )
        )
    if found.attributes:
        errors.append(
            ValidationError(
                _(
                    "Remove the attributes these pages do not allow: %(attributes)s. Only links "
                    "keep an address (href), and any tag may say its language (lang)."
                ),
                code="attributes",
                params={"attributes": ", ".join(found.attributes)},
            )
        )
    if found.links:
        errors.append(
            ValidationError(
                _("Links must start with https://, http://, mailto: or /; change: %(links)s."),
                code="links",
                params={"links": ", ".join(found.links)},
            )
        )
    if errors:
        raise ValidationError(errors)


class PageKey(models.TextChoices):
    """The pages, in the order the footer lists them; each key is the page's URL and URL name."""

    MISSION = "mission", _("About the Mission")
    ACCESSIBILITY = "accessibility", _("Accessibility statement")
    PRIVACY = "privacy", _("Privacy notice")
    CONTACT = "contact", _("Contact")


class Page(TimeStampedModel):
    Key = PageKey

    key = models.CharField(
        _("page"),
        max_length=20,
        choices=PageKey.choices,
        unique=True,
        help_text=_("Which of the portal's pages this is; it decides the page's address."),
    )
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(
        _("text"),
        validators=[validate_page_html],
        help_text=format_lazy(
            "{} {}",
            # No angle brackets: the admin shows help texts as HTML.
            _(
                "HTML with these tags only: p, h2, h3, ul, ol, li, a (with href), strong, em, "
                "dl, dt, dd. The page's title is its first heading, so sections start at h2."
            ),
            format_lazy(
                _("Write {marker} where the portal's contact address should appear."),
                marker=CONTACT_EMAIL_MARKER,
            ),
        ),
    )

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["key"]
        constraints = [choices_constraint("key", PageKey, name="page_key_valid")]

    def __str__(self) -> str:
        return self.title or self.get_key_display()

    def get_absolute_url(self) -> str:
        return reverse(f"pages:{self.key}")
