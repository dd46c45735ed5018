"""Suggestions for a signed-in person: who could teach them a skill they want, and whom they could
help as a mentor. Reads the arrays of ``loader.py``, scores with ``scoring.py``, and turns the
explanation into plain data for pages and the API without revealing what a person does not share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from skillcommons.accounts.models import PersonSkill, Profile, User
from skillcommons.taxonomy.models import Skill

from . import loader
from .actions import blocked_ids
from .conf import matching_weights
from .scoring import COMPONENTS, Explanation, Match, MentorRecord, top_k, top_learners

MAX_K = 50

#: Which field group of the *other* person each component describes; when they hide it the
#: sentence says so instead (the points are those of the hidden value: 0, or none).
_COMPONENT_GROUP = {"level": "skills", "availability": "availability", "method": "methods"}


@dataclass(frozen=True)
class ComponentOut:
    name: str
    points: float
    maximum: float
    text: str


@dataclass(frozen=True)
class Suggestion:
    person: User
    person_fields: dict[str, Any]
    skill: Skill
    score: float
    components: list[ComponentOut]


@dataclass(frozen=True)
class SkillSuggestions:
    skill: Skill
    desired_level: int
    suggestions: list[Suggestion]


def maxima() -> dict[str, float]:
    w = matching_weights()
    return {
        "skill": w.skill_exact,
        "level": w.level,
        "language": w.language,
        "availability": w.availability,
        "method": w.method,
        "capacity": w.capacity,
        "region": w.region,
    }


def _components(explanation: Explanation, hidden: frozenset[str]) -> list[ComponentOut]:
    top = maxima()
    out = []
    hidden_text = {
        "skills": _("They do not share their level with members."),
        "availability": _("They do not share their availability with members."),
        "methods": _("They do not share their preferred ways of learning with members."),
    }
    for component in explanation.components:
        group = _COMPONENT_GROUP.get(component.name)
        text = hidden_text[group] if group in hidden else str(component.reason)
        out.append(
            ComponentOut(
                name=component.name,
                points=round(component.points, 3),
                maximum=top[component.name],
                text=text,
            )
        )
    return out


def _people(ids: list[int], viewer: User) -> dict[int, tuple[User, dict[str, Any]]]:
    """The people suggested, with what a suggestion shows of them (the display name) only if the
    profile gate lets ``viewer`` see it."""
    profiles = Profile.objects.visible_to(viewer).filter(user_id__in=ids).select_related("user")
    out = {}
    for profile in profiles:
        fields: dict[str, Any] = {}
        if profile.display_name and profile.shows("display_name", viewer):
            fields["display_name"] = profile.display_name
        out[profile.user_id] = (profile.user, fields)
    return out


def _wants(profile: Profile, skill: Skill | None) -> list[tuple[Skill, int]]:
    if skill is not None:
        if "translations" not in getattr(skill, "_prefetched_objects_cache", {}):
            skill = Skill.objects.with_translations().get(pk=skill.pk)
        row = PersonSkill.objects.filter(profile=profile, skill=skill).first()
        level = row.level if row is not None and row.level is not None else 0
        return [(skill, min(level + 1, 4))]
    rows = (
        PersonSkill.objects.filter(profile=profile, wants_to_learn=True)
        .select_related("skill")
        .prefetch_related("skill__translations")
    )
    return [(ps.skill, min((ps.level or 0) + 1, 4)) for ps in rows]


def teachers_for(
    *,
    viewer: User,
    skill: Skill | None = None,
    k: int = 10,
    spread_regions: bool = False,
) -> list[SkillSuggestions]:
    """For ``skill`` (or each skill ``viewer`` wants to learn), the top ``k`` people who could
    teach it, best first, each with every score component."""
    k = max(1, min(k, MAX_K))
    profile = Profile.objects.get(user=viewer)
    snap = loader.snapshot()
    weights = matching_weights()
    exclude = frozenset(blocked_ids(viewer.pk))
    parts = loader.own_query_parts(snap, profile)
    found: list[tuple[Skill, int, list[Match]]] = []
    for wanted, desired in _wants(profile, skill):
        query = loader.query_for(
            snap,
            profile,
            wanted.pk,
            desired,
            exclude_ids=exclude,
            spread_regions=spread_regions,
            parts=parts,
        )
        matches = top_k(snap.mentors, query, k, weights) if query is not None else []
        found.append((wanted, desired, matches))
    people = _people([m.id for _s, _d, ms in found for m in ms], viewer)
    result = []
    for wanted, desired, matches in found:
        suggestions = []
        for match in matches:
            if match.id not in people:
                continue
            user, fields = people[match.id]
            suggestions.append(
                Suggestion(
                    person=user,
                    person_fields=fields,
                    skill=wanted,
                    score=round(match.score, 3),
                    components=_components(
                        match.explanation, snap.hidden.get(match.id, frozenset())
                    ),
                )
            )
        result.append(
            SkillSuggestions(skill=wanted, desired_level=desired, suggestions=suggestions)
        )
    return result


def learners_for(*, viewer: User, k: int = 10, spread_regions: bool = False) -> list[Suggestion]:
    """The top ``k`` (learner, wanted skill) pairs ``viewer`` could help as a mentor. Empty
    when they offer nothing or have no free place."""
    from .actions import mentor_load

    k = max(1, min(k, MAX_K))
    profile = Profile.objects.get(user=viewer)
    snap = loader.snapshot()
    offered = []
    for ps in PersonSkill.objects.filter(profile=profile):
        if ps.offers and ps.skill_id in snap.skill_index:
            offered.append((snap.skill_index[ps.skill_id], ps.level or 0))
    if not offered or profile.mentoring_capacity <= 0:
        return []
    parts = loader.own_query_parts(snap, profile)
    mentor = MentorRecord(
        id=viewer.pk,
        skills=tuple(offered),
        languages=parts["languages"],
        availability=parts["availability"],
        methods=parts["methods"],
        capacity=profile.mentoring_capacity,
        load=min(mentor_load(viewer.pk), profile.mentoring_capacity),
        region=parts["region"],
    )
    excluded = blocked_ids(viewer.pk)
    matches = [
        m
        for m in top_learners(
            snap.learners,
            mentor,
            k + len(excluded),
            matching_weights(),
            spread_regions=spread_regions,
        )
        if m.id not in excluded
    ][:k]
    skill_pks = {index: pk for pk, index in snap.skill_index.items()}
    wanted_pks = [skill_pks[int(snap.learners.skill[m.row])] for m in matches]
    skills = Skill.objects.with_translations().in_bulk(wanted_pks)
    people = _people([m.id for m in matches], viewer)
    out = []
    for match, skill_pk in zip(matches, wanted_pks, strict=True):
        if match.id not in people:
            continue
        user, fields = people[match.id]
        out.append(
            Suggestion(
                person=user,
                person_fields=fields,
                skill=skills[skill_pk],
                score=round(match.score, 3),
                components=_components(match.explanation, snap.hidden.get(match.id, frozenset())),
            )
        )
    return out


assert set(COMPONENTS) == set(_COMPONENT_GROUP) | {"skill", "language", "capacity", "region"}
