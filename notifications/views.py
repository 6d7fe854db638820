"""The follow form and the pages that the links in emails open. Thin: services do the work."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from core import ratelimit

from . import services, tokens
from .forms import FollowForm
from .models import Frequency

# Service errors by field, named as the form names them.
FORM_FIELDS = {"email": "email", "municipality": "city", "frequency": "frequency"}


def _signups_limited(request: HttpRequest) -> bool:
    """A per-IP budget of sign-ups, counted under a salted hash of the address."""
    limit, window = settings.NOTIFICATIONS_SIGNUP_RATE
    ip = ratelimit.fingerprint("notifications.ip", ratelimit.client_ip(request))
    return ratelimit.hit(f"follow-rate:{ip}", limit=limit, window=window)


@require_http_methods(["GET", "HEAD", "POST"])
def follow(request: HttpRequest) -> HttpResponse:
    """Sign up for email updates. Whatever the address, the answer is the same page."""
    initial = {"city": request.GET.get("city", "")[:200]} if request.method != "POST" else {}
    form = FollowForm(request.POST or None, initial=initial)
    context = {"form": form, "confirm_days": settings.NOTIFICATIONS_CONFIRM_DAYS}
    if request.method == "POST":
        if form.is_bot:
            return redirect("notifications:follow-sent")  # bots are sent nothing
        if _signups_limited(request):
            context["rate_limited"] = True
            return render(request, "notifications/follow.html", context, status=429)
        if form.is_valid():
            try:
                services.subscription_request(
                    acting_user=request.user,
                    email=form.cleaned_data["email"],
                    municipality=form.cleaned_data["city"],
                    frequency=form.cleaned_data["frequency"],
                    language=get_language(),
                )
            except ValidationError as error:
                # The form checks what the service checks; a crafted request ends here.
                errors = error.message_dict if hasattr(error, "error_dict") else {}
                for field, messages in errors.items() or [("email", error.messages)]:
                    for message in messages:
                        form.add_error(FORM_FIELDS.get(field), message)
                return render(request, "notifications/follow.html", context, status=400)
            return redirect("notifications:follow-sent")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "notifications/follow.html", context, status=status)


@require_safe
def follow_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/sent.html")


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/invalid_link.html", status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of a confirmation email shows a button; the button confirms (a link opened by a
    mail scanner confirms nothing)."""
    try:
        subscription, frequency = services.subscription_for_token(token, purpose="confirm")
    except tokens.InvalidToken:
        return _invalid_link(request)
    if subscription is None:
        return _invalid_link(request)
    if request.method == "POST":
        try:
            subscription = services.subscription_confirm(acting_user=request.user, token=token)
        except tokens.InvalidToken:
            return _invalid_link(request)
        unsubscribe_token = tokens.unsubscribe_token(subscription=subscription)
        return render(
            request,
            "notifications/confirmed.html",
            {
                "subscription": subscription,
                "frequency": subscription.get_frequency_display(),
                "unsubscribe_token": unsubscribe_token,
            },
        )
    return render(
        request,
        "notifications/confirm.html",
        {"subscription": subscription, "frequency": Frequency(frequency).label},
    )


@csrf_exempt  # RFC 8058: mail programs POST "List-Unsubscribe=One-Click" without a form
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link stops and a button; POST (the button, or a mail program's
    one-click request) unsubscribes and deletes the address at once."""
    try:
        if request.method == "POST":
            subscription = services.subscription_unsubscribe(acting_user=request.user, token=token)
            return render(
                request, "notifications/unsubscribed.html", {"subscription": subscription}
            )
        subscription, _frequency = services.subscription_for_token(token, purpose="unsubscribe")
    except tokens.InvalidToken:
        return _invalid_link(request)
    if subscription is None:  # unsubscribed already
        return render(request, "notifications/unsubscribed.html", {"subscription": None})
    return render(request, "notifications/unsubscribe.html", {"subscription": subscription})
