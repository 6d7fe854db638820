"""Rich text as the portal shows it, and translated texts with the language they are in.

``{{ milestone.description|rich_text }}``: descriptions are written in a small markup (Markdown's
paragraphs, line breaks, numbered and bulleted lists, emphasis and links; raw HTML is shown as
text), rendered by markdown-it-py and cleaned by nh3 — the same on the web and in the PDF.

``{% shown milestone "title" as title %}`` gives the text in the page's language or, where it
is missing, in another, with ``title.lang_attribute`` for its element and ``title.note`` to say so
(``core.languages``).

HTML that staff wrote (the portal's pages), reduced to a small set of tags:

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
from markdown_it import MarkdownIt

from core.languages import ShownText, month_and_year, shown_text

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


_markdown = MarkdownIt("zero", {"breaks": True, "html": False}).enable(
    ["list", "emphasis", "link", "autolink", "newline", "escape"]
)
RICH_TEXT_TAGS = frozenset({"p", "br", "ul", "ol", "li", "a", "strong", "em"})


def render_rich_text(text: str | None) -> str:
    """``text`` in the portal's small markup, as clean HTML (see the module's docstring)."""
    return nh3.clean(
        _markdown.render(text or ""),
        tags=set(RICH_TEXT_TAGS),
        attributes={"a": {"href"}, "ol": {"start"}},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )


@register.filter(is_safe=True)
def rich_text(value) -> str:
    """A description written in the portal's small markup, as safe HTML."""
    return mark_safe(render_rich_text(str(value or "")))  # noqa: S308 - nh3 has cleaned it


@register.filter
def month_year(date) -> str:
    """``{{ date|month_year }}``: "October 2023" as a sentence in the page's language writes
    it (in Polish in lower case: "wrzesień 2023")."""
    return month_and_year(date) if date else ""


@register.simple_tag
def shown(instance, field: str) -> ShownText:
    """``{% shown instance "field" as text %}``: the field as the reader sees it."""
    return shown_text(instance, field)


@register.inclusion_tag("partials/fallback_note.html")
def fallback_note(*texts: ShownText) -> dict:
    """A visible note under content shown in another language than the page's: "Not yet
    available in Polish. Shown in English." once, whichever of ``texts`` fell back."""
    return {"note": next((text.note for text in texts if text and text.is_fallback), "")}


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
