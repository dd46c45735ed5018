"""What the viewer reads: their languages in order, and how to label and lay out a language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.http import HttpRequest
from django.utils import translation

from skillcommons.taxonomy.languages import script_direction
from skillcommons.taxonomy.locales import normalize_tag
from skillcommons.taxonomy.models import Language


def viewer_languages(request: HttpRequest) -> list[str]:
    """The interface language first, then the languages on the viewer's profile (best known
    first), as BCP-47 tags without repeats."""
    found: list[str] = []
    try:
        found.append(normalize_tag(translation.get_language() or "en"))
    except ValueError:
        found.append("en")
    user = request.user
    if user.is_authenticated:
        found.extend(
            Language.objects.filter(speakers__profile__user=user)
            .order_by("-speakers__proficiency", "code")
            .values_list("code", flat=True)
        )
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class LanguageLabel:
    code: str
    name: str  # the language's own name
    direction: str  # "ltr" or "rtl"


@lru_cache(maxsize=512)
def _label(code: str) -> LanguageLabel:
    row = Language.objects.filter(code=code).values_list("autonym", "direction").first()
    if row is None:
        return LanguageLabel(code=code, name=code, direction=script_direction(code))
    return LanguageLabel(code=code, name=row[0], direction=row[1])


def language_label(code: str) -> LanguageLabel:
    return _label(code)
