"""Validators for account fields."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Characters MediaWiki never allows in a user name, so no wiki account can collide with them.
_FORBIDDEN = set("#<>[]|{}/:")


@deconstructible
class WikimediaUsernameValidator:
    """Accept the user names Wikimedia wikis accept (spaces and any script included), so that a
    person signing in with their wiki account keeps their wiki name here."""

    message = _(
        "A user name may use letters of any script, digits, spaces and punctuation, but not "
        "# < > [ ] | { } / : and it cannot start or end with a space."
    )
    code = "invalid"

    def __call__(self, value: str) -> None:
        if not value or value != value.strip() or "  " in value:
            raise ValidationError(self.message, code=self.code)
        for char in value:
            if char in _FORBIDDEN or unicodedata.category(char).startswith("C"):
                raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WikimediaUsernameValidator)

    def __hash__(self) -> int:
        return hash(type(self))
