"""Small random matching instances for tests (pure Python, seeded)."""

from __future__ import annotations

import random

from skillcommons.exchange.scoring import MentorRecord, Query, SkillTree, WantRecord

N_LANGUAGES = 5
N_REGIONS = 3


def random_parents(
    rng: random.Random, n_areas: int = 3, per_area: int = 3, per_skill: int = 2
) -> list[int]:
    parents: list[int] = []
    for _area in range(n_areas):
        area = len(parents)
        parents.append(-1)
        for _skill in range(per_area):
            skill = len(parents)
            parents.append(area)
            for _sub in range(per_skill):
                parents.append(skill)
    return parents


def random_languages(rng: random.Random) -> tuple[tuple[int, int], ...]:
    chosen = rng.sample(range(N_LANGUAGES), rng.randint(0, 3))
    return tuple((lang, rng.randint(0, 6)) for lang in chosen)


def random_hours(rng: random.Random) -> int:
    mask = 0
    for _block in range(rng.randint(0, 4)):
        start = rng.randrange(168)
        for hour in range(start, min(168, start + rng.randint(1, 5))):
            mask |= 1 << hour
    return mask


def random_mentor(rng: random.Random, mentor_id: int, n_skills: int) -> MentorRecord:
    skills = rng.sample(range(n_skills), rng.randint(0, 4))
    capacity = rng.randint(0, 4)
    return MentorRecord(
        id=mentor_id,
        skills=tuple((s, rng.randint(0, 4)) for s in skills),
        languages=random_languages(rng),
        availability=random_hours(rng),
        methods=rng.randrange(8),
        capacity=capacity,
        load=rng.randint(0, capacity),
        region=rng.randint(-1, N_REGIONS - 1),
    )


def random_query(rng: random.Random, n_skills: int) -> Query:
    return Query(
        skill=rng.randrange(n_skills),
        desired_level=rng.randint(0, 4),
        languages=random_languages(rng) or ((rng.randrange(N_LANGUAGES), 6),),
        availability=random_hours(rng),
        methods=rng.randrange(8),
        region=rng.randint(-1, N_REGIONS - 1),
        spread_regions=rng.random() < 0.5,
    )


def random_want(rng: random.Random, learner_id: int, n_skills: int) -> WantRecord:
    return WantRecord(
        learner_id=learner_id,
        skill=rng.randrange(n_skills),
        desired_level=rng.randint(0, 4),
        languages=random_languages(rng),
        availability=random_hours(rng),
        methods=rng.randrange(8),
        region=rng.randint(-1, N_REGIONS - 1),
    )


def tree_of(parents: list[int]) -> SkillTree:
    return SkillTree(parents)
