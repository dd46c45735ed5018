"""How well someone masters a skill: the 0–4 scale used on profiles, offers and needs."""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Proficiency(models.IntegerChoices):
    NONE = 0, pgettext_lazy("skill level", "No experience")
    BEGINNER = 1, pgettext_lazy("skill level", "Beginner")
    PRACTISING = 2, pgettext_lazy("skill level", "Practising")
    EXPERIENCED = 3, pgettext_lazy("skill level", "Experienced")
    EXPERT = 4, pgettext_lazy("skill level", "Expert, can teach others")


DESCRIPTIONS: dict[int, Promise] = {
    Proficiency.NONE: _("You have not done this yet."),
    Proficiency.BEGINNER: _("You have tried it a few times and still need guidance."),
    Proficiency.PRACTISING: _("You do it on your own now and then and know where to find help."),
    Proficiency.EXPERIENCED: _("You do it regularly and can solve most problems yourself."),
    Proficiency.EXPERT: _("You know it in depth and can teach or mentor others."),
}


def describe(level: int) -> str:
    """The description of a level, in the active language; raises ValueError for other values."""
    return str(DESCRIPTIONS[Proficiency(level)])


def scale() -> list[tuple[int, str, str]]:
    """(value, name, description) for every level, lowest first, for forms and the API."""
    return [(int(level), str(level.label), describe(level)) for level in Proficiency]
