"""The in-app inbox and each person's e-mail preference.

A notification stores its sentence untranslated (``message``, a msgid marked for translation where
it was written) with its named placeholders (``params``), so the inbox shows it in the language
the reader is using, not the one the sender happened to use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from skillcommons.core.types import Viewer


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, viewer: Viewer) -> NotificationQuerySet:
        """A person sees only their own notifications."""
        if viewer is None or not viewer.is_authenticated:
            return self.none()
        return self.filter(recipient_id=viewer.pk)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something happened that ``recipient`` should know about."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    message = models.CharField(_("message"), max_length=500)
    params = models.JSONField(_("message values"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.recipient_id}:{self.kind}"

    def text(self) -> str:
        """The sentence in the active language, placeholders filled."""
        message = gettext(self.message)
        params: dict[str, Any] = dict(self.params or {})
        if not params:
            return message
        try:
            return message % params
        except (KeyError, TypeError, ValueError):
            # A catalog with a broken placeholder must not break the inbox.
            return self.message % params


class NotificationPreference(models.Model):
    """How a person wants to hear about things: the inbox always, e-mail if they say so."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.BooleanField(
        _("also send me e-mails"),
        default=True,
        help_text=_("Notifications always appear in your inbox on this site."),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: email={self.email}"
