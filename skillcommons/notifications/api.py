"""JSON API of the inbox (mounted under /api/v1/ by config/api.py). Only one's own
notifications are ever returned."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from skillcommons.accounts.models import User
from skillcommons.core.api import SIGNED_IN, ErrorResponse, PagePagination

from . import actions
from .models import Notification, NotificationPreference

router = Router(tags=["notifications"], auth=SIGNED_IN)


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    created_at: datetime
    read: bool


# Row ids are 64-bit signed integers; anything larger names no notification, and the database
# driver would refuse it with an overflow rather than find nothing.
NotificationId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class MarkReadIn(Schema):
    ids: Annotated[list[NotificationId], Field(max_length=1000)] | None = None


class CountOut(Schema):
    changed: int
    unread: int


class PreferenceIO(Schema):
    email: bool


def _user(request: HttpRequest) -> User:
    # SIGNED_IN authentication sets request.user to the account of the token or session.
    assert isinstance(request.user, User)
    return request.user


def _out(n: Notification) -> NotificationOut:
    return NotificationOut(
        id=n.pk,
        kind=n.kind,
        text=n.text(),
        url=n.url,
        created_at=n.created_at,
        read=n.read_at is not None,
    )


@router.get(
    "/notifications",
    response={200: list[NotificationOut], 401: ErrorResponse},
    summary="My notifications, newest first",
)
@paginate(PagePagination)
def list_notifications(request: HttpRequest, unread: bool = False) -> list[NotificationOut]:
    found = Notification.objects.visible_to(_user(request))
    if unread:
        found = found.unread()
    return [_out(n) for n in found[:1000]]


@router.post(
    "/notifications/read",
    response={200: CountOut, 401: ErrorResponse, 422: ErrorResponse},
    summary="Mark some (ids) or all of my notifications read",
)
def mark_read(request: HttpRequest, payload: MarkReadIn) -> CountOut:
    user = _user(request)
    changed = actions.mark_read(user=user, notification_ids=payload.ids)
    unread = Notification.objects.visible_to(user).unread().count()
    return CountOut(changed=changed, unread=unread)


@router.get(
    "/notifications/preferences",
    response={200: PreferenceIO, 401: ErrorResponse},
    summary="My e-mail preference",
)
def get_preferences(request: HttpRequest) -> PreferenceIO:
    preference = NotificationPreference.objects.filter(user=_user(request)).first()
    return PreferenceIO(email=preference.email if preference else True)


@router.put(
    "/notifications/preferences",
    response={200: PreferenceIO, 401: ErrorResponse, 422: ErrorResponse},
    summary="Turn notification e-mails on or off",
)
def set_preferences(request: HttpRequest, payload: PreferenceIO) -> PreferenceIO:
    preference = actions.set_email_preference(user=_user(request), email=payload.email)
    return PreferenceIO(email=preference.email)
