"""The inbox page: notifications, marking them read, the e-mail preference."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from skillcommons.accounts.models import User

from . import actions
from .forms import PreferenceForm
from .models import Notification, NotificationPreference

PAGE_SIZE = 30


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    notifications = Notification.objects.visible_to(user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    preference = NotificationPreference.objects.filter(user=user).first()
    form = PreferenceForm(initial={"email": preference.email if preference else True})
    return render(request, "notifications/inbox.html", {"page": page, "form": form})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (``id``) or all of them read, then go back to the inbox (or, for
    htmx, answer with the updated row)."""
    user = _user(request)
    raw = request.POST.get("id", "")
    ids: list[int] | None = None
    if raw:
        if not raw.isdigit():
            messages.error(request, _("That notification does not exist."))
            return redirect("notifications:inbox")
        ids = [int(raw)]
    actions.mark_read(user=user, notification_ids=ids)
    if ids and request.headers.get("HX-Request"):
        notification = Notification.objects.visible_to(user).filter(pk=ids[0]).first()
        if notification is not None:
            return render(
                request, "notifications/_notification.html", {"notification": notification}
            )
    return redirect("notifications:inbox")


@login_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    if form.is_valid():
        actions.set_email_preference(user=_user(request), email=form.cleaned_data["email"])
        messages.success(request, _("Your e-mail preference was saved."))
    return redirect("notifications:inbox")
