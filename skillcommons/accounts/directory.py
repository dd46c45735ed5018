"""Directory filters that respect each person's visibility settings.

A filter may only match on a field group the viewer is allowed to see: someone whose skills are
private never turns up in a search for that skill, and their private languages or country never
make them match a language or region filter. The owner always finds themself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from skillcommons.core.visibility import lowest_visible_level

from .models import PersonLanguage, PersonSkill, ProfileQuerySet

if TYPE_CHECKING:
    from skillcommons.core.types import Viewer

MODES = ("", "offers", "wants")


def _any_offer() -> Q:
    q = Q()
    for name in PersonSkill.OFFER_FIELDS:
        q |= Q(**{name: True})
    return q


def filter_directory(
    profiles: ProfileQuerySet,
    viewer: Viewer,
    *,
    skill_ids: list[int] | None = None,
    language: str = "",
    region: str = "",
    mode: str = "",
) -> ProfileQuerySet:
    """Narrow ``profiles`` (already ``listed_for(viewer)``) to those matching the filters on
    fields ``viewer`` may see."""
    level = lowest_visible_level(viewer)
    own = Q(user_id=viewer.pk) if viewer is not None and viewer.is_authenticated else Q(pk__in=[])

    if skill_ids is not None or mode:
        rows = PersonSkill.objects.filter(profile=OuterRef("pk"))
        if skill_ids is not None:
            rows = rows.filter(skill_id__in=skill_ids)
        has_level = Q(level__isnull=False, profile__skills_visibility__gte=level)
        offers = _any_offer() & Q(profile__offers_visibility__gte=level)
        wants = Q(wants_to_learn=True, profile__wants_visibility__gte=level)
        shown = {"offers": offers, "wants": wants}.get(mode, has_level | offers | wants)
        # The owner sees all their own rows, whatever the settings.
        own_rows = {
            "offers": _any_offer(),
            "wants": Q(wants_to_learn=True),
        }.get(mode, Q(level__isnull=False) | _any_offer() | Q(wants_to_learn=True))
        profiles = profiles.filter(
            (own & Exists(rows.filter(own_rows))) | (~own & Exists(rows.filter(shown)))
        )
    if language:
        spoken = PersonLanguage.objects.filter(
            profile=OuterRef("pk"), language__code__iexact=language
        )
        profiles = profiles.filter(Exists(spoken) & (own | Q(languages_visibility__gte=level)))
    if region:
        profiles = profiles.filter(Q(region=region) & (own | Q(location_visibility__gte=level)))
    return profiles
