"""Who may see a piece of personal data.

Every personal field carries one of these levels. The default everywhere is ``PRIVATE``: nothing a
person enters is shown to anybody else until they choose to share it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from skillcommons.core.types import Viewer


class Visibility(models.IntegerChoices):
    """Who can see a field: ordered, so "at least members" is ``>= MEMBERS``."""

    PRIVATE = 0, _("Only me")
    MEMBERS = 1, _("Signed-in members")
    PUBLIC = 2, _("Everyone")


def lowest_visible_level(viewer: Viewer) -> int:
    """The lowest stored level a non-owner ``viewer`` may see: members see ``MEMBERS`` and up,
    everyone else only ``PUBLIC``. Querysets filter with ``field_visibility__gte=`` this."""
    if viewer is not None and viewer.is_authenticated:
        return Visibility.MEMBERS
    return Visibility.PUBLIC


def can_see(level: int, viewer: Viewer, *, is_owner: bool) -> bool:
    """Whether a field stored with ``level`` may be shown to ``viewer``; owners see everything."""
    return is_owner or level >= lowest_visible_level(viewer)
