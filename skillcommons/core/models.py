"""Base models shared by every app, and the outcome log that pillars write to."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Adds creation and last-change times."""

    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Outcome(models.Model):
    """Something worth recognising happened to a person: an exchange completed, a pack completed,
    an activity attended, a review done.

    Pillars record outcomes here instead of importing each other; recognition (badges), leadership
    and reporting read them. ``kind`` is a dotted name owned by the pillar that writes it, such as
    ``exchange.completed`` or ``library.pack_completed``.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="outcomes",
    )
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.CASCADE
    )
    object_id = models.CharField(_("object id"), max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    evidence_url = models.URLField(_("evidence URL"), blank=True, max_length=500)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "content_type", "object_id"],
                name="outcome_once_per_person_kind_object",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id}"
