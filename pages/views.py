from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_safe

from core.caching import cache_public_page
from core.languages import shown_text

from . import selectors
from .models import CONTACT_EMAIL_MARKER, Page


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
    title = shown_text(page, "title")
    content = shown_text(page, "content")
    return render(
        request,
        "pages/about_page.html",
        {
            "page": page,
            "title": title,
            "content": content,
            "content_html": _with_contact_address(content.text),
            "fallback_note": content.note,
            "about_links": [
                {"key": other.value, "label": other.label, "url": reverse(f"pages:{other.value}")}
                for other in Page.Key
            ],
        },
    )
