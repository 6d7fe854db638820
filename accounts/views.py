"""A signed-in person's own account: an overview, their data as JSON, deleting the account."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core import audit

from . import services
from .forms import AccountDeleteForm
from .selectors import account_export


@never_cache
@login_required
@require_safe
def account_overview(request: HttpRequest) -> HttpResponse:
    return render(request, "account/portal_overview.html")


@never_cache
@login_required
@require_safe
def account_data(request: HttpRequest) -> HttpResponse:
    """Everything the portal holds about the signed-in person, as a JSON download."""
    data = account_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"climate-portal-account-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        # The account itself, not the request's lazy wrapper of it.
        account = get_user_model()._default_manager.get(pk=request.user.pk)
        try:
            with audit.source(audit.WEB):
                services.account_delete(acting_user=account, user=account)
        except (ValidationError, PermissionDenied) as error:
            messages_ = error.messages if isinstance(error, ValidationError) else [str(error)]
            for message in messages_:
                form.add_error(None, message)
        else:
            logout(request)
            messages.success(
                request,
                _(
                    "Your account has been deleted. Your answers to consultations still count, "
                    "no longer linked to you."
                ),
            )
            return redirect("missions:home")
    return render(request, "account/portal_delete.html", {"form": form})
