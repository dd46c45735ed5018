"""The visibility gate for people: what one person may see of another.

Every page, API response and export that shows a profile builds it from
:func:`visible_profile_fields`. A field group the viewer may not see is *absent* from the result,
not blanked, so a template or serializer cannot leak it by accident.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from skillcommons.taxonomy.regions import country_name, region_name

if TYPE_CHECKING:
    from skillcommons.core.types import Viewer

    from .models import Profile


def visible_profile_fields(profile: Profile, viewer: Viewer) -> dict[str, Any]:
    """The fields of ``profile`` that ``viewer`` may see, as plain data.

    Uses prefetched ``languages__language`` and ``skills__skill__translations`` when the caller
    prefetched them (the directory and the API do), so listing people costs a fixed number of
    queries.
    """
    shows = profile.shows
    data: dict[str, Any] = {"username": profile.user.username}
    if shows("display_name", viewer) and profile.display_name:
        data["display_name"] = profile.display_name
    if shows("pronouns", viewer) and profile.pronouns:
        data["pronouns"] = profile.pronouns
    if shows("bio", viewer) and profile.bio:
        data["bio"] = profile.bio
    if shows("home_wikis", viewer):
        data["home_wikis"] = list(profile.home_wikis)
    if shows("location", viewer) and profile.country:
        data["country"] = {"code": profile.country, "name": country_name(profile.country)}
        if profile.region:
            data["region"] = {"code": profile.region, "name": region_name(profile.region)}
    if shows("time_zone", viewer) and profile.time_zone:
        data["time_zone"] = profile.time_zone
    if shows("languages", viewer):
        data["languages"] = [
            {
                "code": pl.language.code,
                "name": pl.language.autonym,
                "proficiency": pl.proficiency,
                "proficiency_label": str(pl.get_proficiency_display()),
            }
            for pl in profile.languages.all()
        ]
    show_levels = shows("skills", viewer)
    show_offers = shows("offers", viewer)
    show_wants = shows("wants", viewer)
    if show_levels or show_offers or show_wants:
        skills: list[dict[str, Any]] = []
        wants: list[dict[str, Any]] = []
        offers: list[dict[str, Any]] = []
        for ps in profile.skills.all():
            ref = {"code": ps.skill.code, "label": ps.skill.label()}
            if show_levels and ps.level is not None:
                skills.append({**ref, "level": ps.level})
            if show_wants and ps.wants_to_learn:
                wants.append(ref)
            if show_offers and ps.offers:
                offers.append({**ref, "ways": ps.offers})
        if show_levels:
            data["skills"] = skills
        if show_offers:
            data["offers"] = offers
        if show_wants:
            data["wants"] = wants
    if shows("methods", viewer):
        data["preferred_methods"] = list(profile.preferred_methods)
    if shows("availability", viewer):
        data["availability"] = list(profile.availability)
    if shows("capacity", viewer):
        data["mentoring_capacity"] = profile.mentoring_capacity
    return data
