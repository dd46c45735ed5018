"""Background work: e-mailing a notification (django-tasks; run by the worker in production,
immediately in tests and development)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .models import Notification, NotificationPreference


@task()
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification unless its recipient turned e-mail off, has no address, or it
    was already sent. Returns whether an e-mail went out."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or notification.emailed_at is not None:
        return False
    recipient = notification.recipient
    preference = NotificationPreference.objects.filter(user=recipient).first()
    if (preference is not None and not preference.email) or not recipient.email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        text = notification.text()
        link = f"{settings.SITE_URL}{notification.url}" if notification.url else ""
        body = text + (f"\n\n{link}" if link else "")
        body += "\n\n" + _("You can turn these e-mails off on your inbox page.")
        send_mail(
            subject=_("%(site)s: %(message)s") % {"site": settings.SITE_NAME, "message": text},
            message=body,
            from_email=None,
            recipient_list=[recipient.email],
        )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True
