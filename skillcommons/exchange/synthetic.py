"""Seeded synthetic people for the matching benchmark (``manage.py bench_matching``) and tests.

Plausible shapes, not real data: a three-level skill tree, a few popular languages and many
rarer ones, evening availability in each person's own time zone (so overlap depends on time
zones), capacities 1–10.
"""

from __future__ import annotations

import numpy as np

from .scoring import AVAILABILITY_WORDS, HOURS_PER_WEEK, MentorTable, Query, SkillTree, words_mask

N_AREAS, SKILLS_PER_AREA, SUBSKILLS_PER_SKILL = 12, 6, 4
N_LANGUAGES = 40
N_REGIONS = 8
MAX_SKILLS = 6
MAX_LANGUAGES = 4


def synthetic_tree() -> SkillTree:
    parents: list[int] = []
    for _area in range(N_AREAS):
        area = len(parents)
        parents.append(-1)
        for _skill in range(SKILLS_PER_AREA):
            skill = len(parents)
            parents.append(area)
            parents.extend([skill] * SUBSKILLS_PER_SKILL)
    return SkillTree(parents)


def _languages(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Padded (n × 4) language ids and proficiencies; the first language is usable."""
    popularity = 1.0 / np.arange(1, N_LANGUAGES + 1) ** 1.1
    popularity /= popularity.sum()
    count = rng.integers(1, MAX_LANGUAGES + 1, size=n)
    ids = np.full((n, MAX_LANGUAGES), -1, dtype=np.int32)
    prof = np.zeros((n, MAX_LANGUAGES), dtype=np.int8)
    for j in range(MAX_LANGUAGES):
        chosen = rng.choice(N_LANGUAGES, size=n, p=popularity).astype(np.int32)
        duplicate = (ids[:, :j] == chosen[:, None]).any(axis=1)
        present = (j < count) & ~duplicate
        ids[:, j] = np.where(present, chosen, -1)
        low = 3 if j == 0 else 0
        prof[:, j] = np.where(present, rng.integers(low, 7, size=n), 0)
    return ids, prof


def _availability(rng: np.random.Generator, n: int, region: np.ndarray) -> np.ndarray:
    """n × 3 uint64 words: two to five evenings of 2–4 hours in the person's own time zone."""
    offset = (region.astype(np.int64) * 3 - 9 + rng.integers(-1, 2, size=n)) % 24
    hours = np.zeros((n, HOURS_PER_WEEK), dtype=np.bool_)
    evenings = rng.integers(2, 6, size=n)
    for day in range(7):
        on = rng.random(n) < evenings / 7.0
        start = 17 + rng.integers(0, 4, size=n)
        length = rng.integers(2, 5, size=n)
        for h in range(4):
            local = day * 24 + start + h
            utc = (local - offset) % HOURS_PER_WEEK
            rows = np.flatnonzero(on & (h < length))
            hours[rows, utc[rows]] = True
    packed = np.packbits(hours, axis=1, bitorder="little")
    padded = np.zeros((n, AVAILABILITY_WORDS * 8), dtype=np.uint8)
    padded[:, : packed.shape[1]] = packed
    return padded.view("<u8").astype(np.uint64)


def synthetic_mentors(
    rng: np.random.Generator, tree: SkillTree, n: int, *, with_load: bool = True
) -> MentorTable:
    n_skills = len(tree)
    count = rng.integers(1, MAX_SKILLS + 1, size=n)
    skill_ids = np.full((n, MAX_SKILLS), -1, dtype=np.int32)
    for j in range(MAX_SKILLS):
        chosen = rng.integers(0, n_skills, size=n).astype(np.int32)
        duplicate = (skill_ids[:, :j] == chosen[:, None]).any(axis=1)
        skill_ids[:, j] = np.where((j < count) & ~duplicate, chosen, -1)
    levels = np.where(skill_ids >= 0, rng.integers(1, 5, size=(n, MAX_SKILLS)), 0)
    lang_ids, lang_prof = _languages(rng, n)
    region = rng.integers(0, N_REGIONS, size=n).astype(np.int32)
    capacity = rng.integers(1, 11, size=n).astype(np.int32)
    load = (
        np.floor(rng.random(n) * (capacity + 1)).astype(np.int32)
        if with_load
        else np.zeros(n, dtype=np.int32)
    )
    return MentorTable(
        tree=tree,
        ids=np.arange(1, n + 1, dtype=np.int64),
        skill_ids=skill_ids,
        skill_levels=levels,
        lang_ids=lang_ids,
        lang_prof=lang_prof,
        availability=_availability(rng, n, region),
        methods=rng.integers(1, 64, size=n),
        capacity=capacity,
        load=load,
        region=region,
        n_languages=N_LANGUAGES,
        n_regions=N_REGIONS,
        region_boost=np.linspace(1.0, 2.0, N_REGIONS),
    )


def synthetic_queries(
    rng: np.random.Generator, tree: SkillTree, n: int, *, first_id: int = 1_000_000_000
) -> list[Query]:
    skills = rng.integers(0, len(tree), size=n)
    desired = rng.integers(0, 5, size=n)
    lang_ids, lang_prof = _languages(rng, n)
    region = rng.integers(0, N_REGIONS, size=n).astype(np.int32)
    availability = _availability(rng, n, region)
    methods = 1 << rng.integers(0, 6, size=n)
    spread = rng.random(n) < 0.3
    queries = []
    for i in range(n):
        languages = tuple(
            (int(lang), int(p))
            for lang, p in zip(lang_ids[i], lang_prof[i], strict=True)
            if lang >= 0
        )
        queries.append(
            Query(
                skill=int(skills[i]),
                desired_level=int(desired[i]),
                languages=languages,
                availability=words_mask(availability[i]),
                methods=int(methods[i]),
                region=int(region[i]),
                spread_regions=bool(spread[i]),
                exclude_ids=frozenset({first_id + i}),
            )
        )
    return queries
