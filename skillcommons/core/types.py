"""Type aliases shared by every app (for annotations only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from skillcommons.accounts.models import User

    #: Whoever is looking at a page or calling the API: a member, a visitor, or nobody (scripts).
    Viewer: TypeAlias = User | AnonymousUser | None
