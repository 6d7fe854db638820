"""Rich text as the portal shows it: HTML that staff wrote, reduced to a small set of tags.

``{{ page.content|sanitised }}`` runs the text through nh3 with the allow-list below, so a typo
or a pasted snippet can never bring a script, a style or an event handler onto a public page:
those are removed whatever the text holds (the Content Security Policy forbids inline scripts
and styles too). ``disallowed_markup`` tells an editor, before saving, what would be removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = frozenset({"p", "h2", "h3", "ul", "ol", "li", "a", "strong", "em", "dl", "dt", "dd"})
# ``lang`` marks a passage in another language (WCAG 3.1.2); links keep only their address.
ALLOWED_ATTRIBUTES = {"*": frozenset({"lang"}), "a": frozenset({"href"})}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitise_html(html: str | None) -> str:
    """``html`` with only the allowed tags, attributes and link schemes; the content of
    ``script`` and ``style`` elements goes with them, as do comments."""
    return nh3.clean(
        html or "",
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        strip_comments=True,
        link_rel="noopener noreferrer",
    )


@register.filter(is_safe=True)
def sanitised(value) -> str:
    """Staff-written HTML, safe to show (see ``sanitise_html``)."""
    return mark_safe(sanitise_html(str(value or "")))  # noqa: S308 - nh3 has cleaned it


@dataclass
class DisallowedMarkup:
    tags: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.tags or self.attributes or self.links)


def _allowed_link(url: str) -> bool:
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return False
    return scheme == "" or scheme in URL_SCHEMES


class _Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = DisallowedMarkup()

    def _note(self, bucket: list[str], item: str) -> None:
        if item not in bucket:
            bucket.append(item)

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self._note(self.found.tags, tag)
            return
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, frozenset())
        for name, value in attrs:
            if name not in allowed:
                self._note(self.found.attributes, name)
            elif name == "href" and not _allowed_link(value or ""):
                self._note(self.found.links, value or "")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag not in ALLOWED_TAGS:
            self._note(self.found.tags, tag)


def disallowed_markup(html: str | None) -> DisallowedMarkup:
    """The tags, attributes and link addresses in ``html`` that ``sanitise_html`` would
    remove, each named once, in the order they first appear."""
    inspector = _Inspector()
    inspector.feed(html or "")
    inspector.close()
    return inspector.found
