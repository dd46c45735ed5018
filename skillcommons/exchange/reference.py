"""A deliberately simple scorer: the matching model of ``docs/matching.md`` restated with plain
Python loops over every person, no NumPy and no index. Slow on purpose; tests and
``bench_matching`` use it to prove that the packed, vectorised :mod:`.scoring` gives the same
people and the same scores."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .scoring import MentorRecord, Query, WantRecord, Weights

COMPONENT_ORDER = ("skill", "level", "language", "availability", "method", "capacity", "region")


@dataclass(frozen=True)
class RefMatch:
    id: int
    index: int
    score: float
    load: int
    points: dict[str, float]


def relation(parents: Sequence[int], offered: int, wanted: int) -> int:
    """3 same skill, 2 one is the other's parent, 1 same parent, 0 otherwise."""
    if offered == wanted:
        return 3
    if parents[offered] == wanted or parents[wanted] == offered:
        return 2
    if parents[offered] == parents[wanted] and parents[offered] != -1:
        return 1
    return 0


def pair_points(
    *,
    parents: Sequence[int],
    weights: Weights,
    offered_skills: Sequence[tuple[int, int]],
    wanted_skill: int,
    desired: int,
    mentor_languages: Sequence[tuple[int, int]],
    learner_languages: Sequence[tuple[int, int]],
    mentor_hours: int,
    learner_hours: int,
    mentor_methods: int,
    learner_methods: int,
    capacity: int,
    load: int,
    bonus_region: float,
) -> dict[str, float] | None:
    """The points of one mentor–learner pair, or None when the pair is excluded."""
    best_relation, best_level = 0, 0
    for skill, level in offered_skills:
        rel = relation(parents, skill, wanted_skill)
        if rel > best_relation or (rel == best_relation and rel > 0 and level > best_level):
            best_relation, best_level = rel, level
    if best_relation == 0:
        return None
    best_language = 0
    for mentor_language, mentor_prof in mentor_languages:
        for learner_language, learner_prof in learner_languages:
            if mentor_language == learner_language and mentor_prof >= 3 and learner_prof >= 3:
                best_language = max(best_language, min(mentor_prof, learner_prof))
    if best_language == 0:
        return None
    free = capacity - load
    if free <= 0:
        return None
    hours = (mentor_hours & learner_hours).bit_count()
    sat = weights.availability_saturation_hours
    skill_points = {
        3: weights.skill_exact,
        2: weights.skill_parent_or_child,
        1: weights.skill_sibling,
    }[best_relation]
    gap = best_level - desired
    return {
        "skill": skill_points,
        "level": weights.level * min(max((gap + 1) / 2.0, 0.0), 1.0),
        "language": weights.language * ((best_language - 2) / 4.0),
        "availability": weights.availability * (min(hours, sat) / float(sat)),
        "method": weights.method if mentor_methods & learner_methods else 0.0,
        "capacity": weights.capacity * (free / max(capacity, 1)),
        "region": weights.region * bonus_region,
    }


def _total(points: dict[str, float]) -> float:
    total = 0.0
    for name in COMPONENT_ORDER:
        total = total + points[name]
    return total


def top_k(
    mentors: Sequence[MentorRecord],
    parents: Sequence[int],
    query: Query,
    k: int,
    weights: Weights | None = None,
    region_boost: Sequence[float] | None = None,
) -> list[RefMatch]:
    weights = weights or Weights()
    found = []
    for index, mentor in enumerate(mentors):
        if mentor.id in query.exclude_ids:
            continue
        bonus = 0.0
        different = query.region >= 0 and mentor.region >= 0 and mentor.region != query.region
        if query.spread_regions and different:
            bonus = 1.0 if region_boost is None else region_boost[mentor.region]
        points = pair_points(
            parents=parents,
            weights=weights,
            offered_skills=mentor.skills,
            wanted_skill=query.skill,
            desired=query.desired_level,
            mentor_languages=mentor.languages,
            learner_languages=query.languages,
            mentor_hours=mentor.availability,
            learner_hours=query.availability,
            mentor_methods=mentor.methods,
            learner_methods=query.methods,
            capacity=mentor.capacity,
            load=mentor.load,
            bonus_region=bonus,
        )
        if points is not None:
            found.append(RefMatch(mentor.id, index, _total(points), mentor.load, points))
    found.sort(key=lambda m: (-m.score, m.load, m.id))
    return found[:k]


def top_learners(
    wants: Sequence[WantRecord],
    parents: Sequence[int],
    mentor: MentorRecord,
    k: int,
    weights: Weights | None = None,
    *,
    spread_regions: bool = False,
    region_boost: Sequence[float] | None = None,
) -> list[RefMatch]:
    weights = weights or Weights()
    found = []
    for index, want in enumerate(wants):
        if want.learner_id == mentor.id:
            continue
        bonus = 0.0
        different = mentor.region >= 0 and want.region >= 0 and want.region != mentor.region
        if spread_regions and different:
            bonus = 1.0 if region_boost is None else region_boost[want.region]
        points = pair_points(
            parents=parents,
            weights=weights,
            offered_skills=mentor.skills,
            wanted_skill=want.skill,
            desired=want.desired_level,
            mentor_languages=mentor.languages,
            learner_languages=want.languages,
            mentor_hours=mentor.availability,
            learner_hours=want.availability,
            mentor_methods=mentor.methods,
            learner_methods=want.methods,
            capacity=mentor.capacity,
            load=mentor.load,
            bonus_region=bonus,
        )
        if points is not None:
            found.append(RefMatch(want.learner_id, index, _total(points), mentor.load, points))
    found.sort(key=lambda m: (-m.score, m.id, m.index))
    return found[:k]
