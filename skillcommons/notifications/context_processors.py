"""The unread count shown in the navigation of every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import Notification


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"INBOX_UNREAD": Notification.objects.visible_to(user).unread().count()}
