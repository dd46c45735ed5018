"""Writes of the notifications app. Other apps call :func:`notify`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from .models import Notification, NotificationPreference
from .tasks import send_notification_email

if TYPE_CHECKING:
    from skillcommons.accounts.models import User


@transaction.atomic
def notify(
    *,
    recipient: User,
    kind: str,
    message: str,
    params: Mapping[str, Any] | None = None,
    url: str = "",
) -> Notification:
    """Put a notification in ``recipient``'s inbox and, once the transaction commits, queue its
    e-mail. ``message`` is an untranslated sentence marked with ``gettext_noop``, with named
    placeholders filled from ``params`` (plain JSON values) when it is shown, so each reader
    gets it in their own language."""
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        message=message[:500],
        params=dict(params or {}),
        url=url[:500],
    )
    notification_id = notification.pk
    transaction.on_commit(lambda: send_notification_email.enqueue(notification_id))
    return notification


@transaction.atomic
def mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    """Mark some (or, with ``None``, all) of ``user``'s unread notifications read; returns how
    many changed. Ids of other people's notifications are ignored."""
    unread = Notification.objects.visible_to(user).unread()
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def set_email_preference(*, user: User, email: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email": email}
    )
    return preference
