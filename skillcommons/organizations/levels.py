"""Skill levels of an organization: the site-wide 0–4 scale of ``taxonomy.proficiency``, so an
organization's "level 3" means what it means on a person's profile."""

from __future__ import annotations

from skillcommons.taxonomy.proficiency import Proficiency

MIN_LEVEL = min(Proficiency.values)
MAX_LEVEL = max(Proficiency.values)


def level_name(level: int | None) -> str:
    """The level's name in the interface language; empty when no level was given."""
    if level is None:
        return ""
    try:
        return str(Proficiency(level).label)
    except ValueError:
        return str(level)


def level_choices() -> list[tuple[int, str]]:
    return [(int(level), str(level.label)) for level in Proficiency]
