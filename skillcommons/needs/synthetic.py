"""Synthetic assessment waves for the benchmark and the tests (NumPy, seeded, no database).

The shape imitates a real movement-wide wave: a three-level skill tree, regions made of countries
of very different sizes (a few large communities, a long tail of small ones, which is where
suppression bites), language communities with the same long tail, affiliate types and
organizations (each of one type; individuals answer without one). About one respondent in five
answers for a group and also rates robustness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from skillcommons.needs.aggregate import AssessmentRows, Dimension, SkillTree

AFFILIATE_TYPES = ("individual", "chapter", "user group", "thematic organization", "hub")


@dataclass(frozen=True)
class SyntheticWave:
    rows: AssessmentRows
    tree: SkillTree
    dimensions: tuple[Dimension, ...]
    #: Countries on the protection list (labels), for a higher threshold.
    protected_countries: tuple[str, ...]
    respondents: int


def skill_tree(skills: int) -> SkillTree:
    """About a tenth areas, a third skills, the rest sub-skills; exactly ``skills`` nodes."""
    if skills < 1:
        raise ValueError("A tree needs at least one skill.")
    areas = max(1, skills // 10)
    middle = min(skills - areas, max(0, (skills - areas) // 3))
    parents: dict[int, int | None] = {}
    for area in range(areas):
        parents[area] = None
    for i in range(middle):
        parents[areas + i] = i % areas
    for i in range(skills - areas - middle):
        parents[areas + middle + i] = areas + (i % middle) if middle else i % areas
    labels = {s: f"skill {s}" for s in parents}
    return SkillTree.from_parents(parents, labels)


def _long_tail(rng: np.random.Generator, size: int, values: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, values + 1) ** exponent
    return rng.choice(values, size=size, p=weights / weights.sum())


def generate(
    *,
    respondents: int = 100_000,
    skills: int = 40,
    regions: int = 8,
    countries: int = 60,
    languages: int = 30,
    organizations: int = 300,
    answer_rate: float = 0.2,
    seed: int = 2026,
) -> SyntheticWave:
    """A wave of ``respondents`` people answering about ``answer_rate`` of ``skills`` each."""
    if min(respondents, regions, countries, languages, organizations) < 1:
        raise ValueError("Every size must be at least 1.")
    if countries < regions:
        raise ValueError("There must be at least as many countries as regions.")
    rng = np.random.default_rng(seed)
    tree = skill_tree(skills)

    country_region = np.r_[np.arange(regions), rng.integers(0, regions, countries - regions)]
    organization_type = rng.integers(1, len(AFFILIATE_TYPES), organizations)
    country = _long_tail(rng, respondents, countries, 1.1)
    language = _long_tail(rng, respondents, languages, 1.2)
    for_group = rng.random(respondents) < 0.2
    # Organization 0 is "none": individuals; the others have a type each.
    organization = np.where(
        for_group, 1 + _long_tail(rng, respondents, organizations, 0.9), 0
    ).astype(np.int64)
    affiliate_type = np.where(organization > 0, organization_type[organization - 1], 0)
    weight = rng.lognormal(0.0, 0.3, respondents)

    answered = rng.random((respondents, skills)) < answer_rate
    answered[np.arange(respondents), rng.integers(0, skills, respondents)] = True
    person, skill_column = np.nonzero(answered)
    size = person.size
    proficiency = rng.integers(0, 5, size)
    importance = np.clip(proficiency + rng.integers(-1, 3, size), 0, 4)
    wants = rng.random(size) < 0.15 + 0.1 * (4 - proficiency)
    teach = (proficiency >= 3) & (rng.random(size) < 0.5)
    robustness = np.where(for_group[person], rng.integers(0, 3, size), -1)

    rows = AssessmentRows(
        respondent=person.astype(np.int64),
        weight=weight[person],
        skill=np.asarray(tree.ids, dtype=np.int64)[skill_column],
        proficiency=proficiency.astype(np.int64),
        importance=importance.astype(np.int64),
        wants_to_learn=wants,
        can_teach=teach,
        robustness=robustness.astype(np.int64),
        dimensions={
            "region": country_region[country][person].astype(np.int64),
            "country": country[person].astype(np.int64),
            "language": language[person].astype(np.int64),
            "affiliate_type": affiliate_type[person].astype(np.int64),
            "organization": organization[person],
        },
    )
    dimensions = (
        Dimension("region", tuple(f"region {i}" for i in range(regions))),
        Dimension("country", tuple(f"country {i}" for i in range(countries))),
        Dimension("language", tuple(f"language {i}" for i in range(languages))),
        Dimension("affiliate_type", AFFILIATE_TYPES),
        Dimension(
            "organization",
            ("(none)", *(f"organization {i}" for i in range(1, organizations + 1))),
        ),
    )
    protected = tuple(f"country {i}" for i in range(countries) if i % 17 == 16)
    return SyntheticWave(
        rows=rows,
        tree=tree,
        dimensions=dimensions,
        protected_countries=protected,
        respondents=respondents,
    )
