"""Writes owned by core: the outcome log."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from .models import Outcome

if TYPE_CHECKING:
    from skillcommons.accounts.models import User


@transaction.atomic
def record_outcome(
    *,
    person: User,
    kind: str,
    subject: models.Model,
    occurred_at: datetime | None = None,
    evidence_url: str = "",
) -> Outcome:
    """Record that ``kind`` happened to ``person`` about ``subject``; recording twice is a no-op."""
    outcome, _created = Outcome.objects.get_or_create(
        person=person,
        kind=kind,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        defaults={"occurred_at": occurred_at or timezone.now(), "evidence_url": evidence_url},
    )
    return outcome
