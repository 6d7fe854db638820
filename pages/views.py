from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, get_supported_language_variant
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from core.caching import cache_public_page

from . import selectors
from .models import CONTACT_EMAIL_MARKER, Page

# Shown above a text that is not written in the page's language (and so is shown in another).
NOT_YET_AVAILABLE = {
    "en": _("This text is not yet available in English."),
    "el": _("This text is not yet available in Greek."),
    "pl": _("This text is not yet available in Polish."),
}


def _with_contact_address(text: str) -> str:
    address = settings.PORTAL_CONTACT_EMAIL
    # The link is built escaped, then sanitised with the rest of the text by the template.
    return text.replace(CONTACT_EMAIL_MARKER, format_html('<a href="mailto:{0}">{0}</a>', address))


@require_safe
@cache_public_page
def page_detail(request: HttpRequest, key: str) -> HttpResponse:
    try:
        page = selectors.page_for_display(key=key)
    except Page.DoesNotExist:
        raise Http404 from None
    language = get_supported_language_variant(get_language())
    title = selectors.shown_text(page, "title", language=language)
    content = selectors.shown_text(page, "content", language=language)
    return render(
        request,
        "pages/about_page.html",
        {
            "page": page,
            "title": title,
            "content": content,
            "content_html": _with_contact_address(content.text),
            "fallback_note": (
                NOT_YET_AVAILABLE.get(
                    language, _("This text is not yet available in your language.")
                )
                if content.language != language
                else ""
            ),
            "about_links": [
                {"key": other.value, "label": other.label, "url": reverse(f"pages:{other.value}")}
                for other in Page.Key
            ],
        },
    )
