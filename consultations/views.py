from __future__ import annotations

import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.signing import BadSignature
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core import ratelimit
from core.caching import versions
from core.charts import Bar, bar_chart, column_chart, responsive
from core.text import percent

from . import selectors, services
from .cache_tags import CONSULTATIONS
from .forms import ResponseForm
from .models import Consultation

logger = logging.getLogger(__name__)

PARTICIPANT_COOKIE = "cp_participant"
COOKIE_SALT = "consultations.participant"


def _participant_token(request: HttpRequest) -> str | None:
    try:
        return request.get_signed_cookie(PARTICIPANT_COOKIE, salt=COOKIE_SALT)
    except (KeyError, BadSignature):
        return None


def _participant_key(request: HttpRequest, consultation: Consultation) -> str | None:
    if consultation.mode == Consultation.Mode.IDENTIFIED:
        if request.user.is_authenticated:
            return services.participant_key_for_user(request.user, consultation)
        return None
    token = _participant_token(request)
    return services.participant_key_for_token(token, consultation) if token else None


def _has_verified_email(user) -> bool:
    return user.is_authenticated and EmailAddress.objects.filter(user=user, verified=True).exists()


def _rate_limited(request: HttpRequest, consultation: Consultation) -> bool:
    """A per-IP budget of submissions, counted in the cache under a salted hash of the IP; in
    this process's memory when the cache fails (a per-process limit rather than none, and never
    an error that would lose the citizen's answers)."""
    limit, window = settings.CONSULTATION_SUBMISSION_RATE
    ip = ratelimit.client_ip(request)
    key = f"consultation-rate:{consultation.pk}:{services.ip_fingerprint(ip)}"
    return ratelimit.hit(key, limit=limit, window=window)


@require_safe
def consultation_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "consultations/list.html", {"groups": selectors.consultations_for_public()}
    )


@require_http_methods(["GET", "HEAD", "POST"])
def consultation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = selectors.consultation_with_questions(user=request.user, slug=slug)
    questions = [question for question in consultation.questions.all() if not question.is_hidden]
    state = consultation.state()
    participant_key = _participant_key(request, consultation)
    context = {
        "consultation": consultation,
        "state": state,
        "results_visible": selectors.results_visible(consultation=consultation, user=request.user),
    }
    needs_account = consultation.mode == Consultation.Mode.IDENTIFIED and not _has_verified_email(
        request.user
    )
    if state != "open" or needs_account:
        context["needs_account"] = needs_account and state == "open"
        status = 403 if request.method == "POST" else 200
        return render(request, "consultations/detail.html", context, status=status)
    if services.has_answered(consultation=consultation, participant_key=participant_key):
        context["already_answered"] = True
        return render(
            request,
            "consultations/detail.html",
            context,
            status=409 if request.method == "POST" else 200,
        )

    form = ResponseForm(request.POST or None, questions=questions)
    if request.method == "POST":
        if form.is_bot:
            # Bots get the thank-you page and store nothing.
            return redirect("consultations:thanks", slug=consultation.slug)
        if _rate_limited(request, consultation):
            context["form"] = form
            context["rate_limited"] = True
            return render(request, "consultations/detail.html", context, status=429)
        if form.is_valid():
            token = None
            if consultation.mode == Consultation.Mode.ANONYMOUS and participant_key is None:
                token = services.new_participant_token()
                participant_key = services.participant_key_for_token(token, consultation)
            try:
                services.response_submit(
                    consultation=consultation,
                    participant_key=participant_key,
                    answers=form.answer_values(),
                    acting_user=request.user,
                )
            except services.AlreadyAnswered:
                context["already_answered"] = True
                return render(request, "consultations/detail.html", context, status=409)
            except ValidationError as error:
                # The form checks what the service checks; a crafted request ends here.
                for message in error.messages:
                    form.add_error(None, message)
                context["form"] = form
                return render(request, "consultations/detail.html", context, status=400)
            except services.ConsultationNotOpen:
                context["state"] = consultation.state()
                return render(request, "consultations/detail.html", context, status=403)
            response = redirect("consultations:thanks", slug=consultation.slug)
            if token:
                response.set_signed_cookie(
                    PARTICIPANT_COOKIE,
                    token,
                    salt=COOKIE_SALT,
                    max_age=60 * 60 * 24 * 365 * 2,
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
            return response
    context["form"] = form
    return render(
        request,
        "consultations/detail.html",
        context,
        status=400 if form.is_bound and form.errors else 200,
    )


@require_safe
def consultation_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = selectors.consultation_with_questions(user=request.user, slug=slug)
    return render(
        request,
        "consultations/thanks.html",
        {
            "consultation": consultation,
            "results_visible": selectors.results_visible(
                consultation=consultation, user=request.user
            ),
        },
    )


def chart_for(result) -> str:
    bars = [
        Bar(option.label, option.count, f"{option.count} ({percent(option.percent)})")
        for option in result.options
    ]
    return responsive(
        bar_chart,
        bars,
        title=result.question.text,
        description=_("%(count)d people answered this question.") % {"count": result.respondents},
        chart_id=f"chart-q{result.question.pk}",
    )


@require_safe
def consultation_results(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = selectors.consultation_with_questions(user=request.user, slug=slug)
    if not selectors.results_visible(consultation=consultation, user=request.user):
        return render(
            request, "consultations/results_hidden.html", {"consultation": consultation}, status=403
        )
    is_staff = Consultation.objects.editable_by(request.user).filter(pk=consultation.pk).exists()
    # Counting a large consultation scans all its answers: the counts are shared by everyone
    # for a short while (CONSULTATION_RESULTS_CACHE_SECONDS) instead of recounted per visit.
    # They hold the options' labels, so each language has its own copy.
    version = ".".join(map(str, versions([CONSULTATIONS])))
    key = f"results:{consultation.pk}:{version}:{int(is_staff)}:{get_language()}"
    results = cache.get(key)
    if results is None:
        results = selectors.consultation_results(consultation=consultation, include_texts=is_staff)
        cache.set(key, results, settings.CONSULTATION_RESULTS_CACHE_SECONDS)
    for result in results.questions:
        if result.options:
            result.chart = chart_for(result)
    timeline = (
        responsive(
            column_chart,
            results.per_day,
            title=_("Responses per day"),
            description=_("%(count)d responses in all.") % {"count": results.responses},
            chart_id="timeline",
        )
        if results.per_day
        else ""
    )
    return render(
        request,
        "consultations/results.html",
        {
            "consultation": consultation,
            "results": results,
            "timeline": timeline,
            "is_staff": is_staff,
        },
    )
