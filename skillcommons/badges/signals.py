"""Badges listen for outcomes: when a pillar records one (``core.Outcome``), the issuing rules run
once the recording transaction commits. Badges never import the pillar that wrote the outcome."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from skillcommons.core.models import Outcome


def _award(outcome_id: int) -> None:
    from .actions import award_from_outcome

    outcome = Outcome.objects.select_related("person").filter(pk=outcome_id).first()
    if outcome is not None:
        award_from_outcome(outcome)


@receiver(post_save, sender=Outcome, dispatch_uid="badges_award_from_outcome")
def outcome_recorded(
    sender: type[Outcome], instance: Outcome, created: bool, **kwargs: Any
) -> None:
    if created:
        # robust: a failing badge rule is logged and never undoes or breaks the pillar's work.
        transaction.on_commit(lambda: _award(instance.pk), robust=True)
