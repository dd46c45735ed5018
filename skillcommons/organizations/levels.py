"""Names of the skill levels (0–4) an organization records for what it has and needs."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

MIN_LEVEL = 0
MAX_LEVEL = 4

LEVEL_NAMES: dict[int, Promise] = {
    0: pgettext_lazy("skill level", "0 – none yet"),
    1: pgettext_lazy("skill level", "1 – beginner"),
    2: pgettext_lazy("skill level", "2 – intermediate"),
    3: pgettext_lazy("skill level", "3 – advanced"),
    4: pgettext_lazy("skill level", "4 – expert"),
}


def level_name(level: int | None) -> str:
    """The level's name in the interface language; empty when no level was given."""
    if level is None:
        return ""
    name = LEVEL_NAMES.get(level)
    return str(name) if name is not None else str(level)


def level_choices() -> list[tuple[int, str]]:
    return [(level, str(name)) for level, name in LEVEL_NAMES.items()]
