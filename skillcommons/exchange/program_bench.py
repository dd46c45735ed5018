"""Timing of the cohort preview and of circles on synthetic people (a benchmark, not a test).

Run with ``.venv/bin/python manage.py shell -c "from skillcommons.exchange.program_bench import
run; run()"``; prints one JSON object. Figures are recorded in ``docs/matching.md``.
"""

from __future__ import annotations

import json
import random
import time
from typing import Any

import numpy as np
from django.utils import translation

from .batch import BatchOptions
from .circles import CircleLearner, form_circles
from .cohort import CohortMentee, build_preview
from .synthetic import N_LANGUAGES, N_REGIONS, synthetic_mentors, synthetic_queries, synthetic_tree

SIZES = ((500, 100), (5000, 1000))
EXPLAINED = 50  # pairs explained, as on one page of the preview


def measure(mentees: int, mentors: int, seed: int = 42) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    tree = synthetic_tree()
    table = synthetic_mentors(rng, tree, mentors, with_load=False)
    records = [table.record(i) for i in range(len(table))]
    queries = synthetic_queries(rng, tree, mentees, first_id=10_000_000)
    pick = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
    cohort = [
        CohortMentee(10_000_000 + i, q, (pick.randint(1, mentors),)) for i, q in enumerate(queries)
    ]
    key = f"{mentees}x{mentors}"
    started = time.perf_counter()
    with translation.override("en"):
        preview = build_preview(
            records,
            cohort,
            tree=tree,
            n_languages=N_LANGUAGES,
            n_regions=N_REGIONS,
            options=BatchOptions(),
        )
        for pair in preview.pairs[:EXPLAINED]:
            str(preview.explain(pair).explanation.components[0].reason)
    preview_seconds = time.perf_counter() - started
    learners = [
        CircleLearner(id=i, skills=(q.skill,), languages=q.languages, availability=q.availability)
        for i, q in enumerate(queries)
    ]
    started = time.perf_counter()
    plan = form_circles(learners)
    circle_seconds = time.perf_counter() - started
    return {
        f"preview_{key}_seconds": round(preview_seconds, 3),
        f"preview_{key}_assigned": preview.assigned,
        f"preview_{key}_capacity_violations": sum(
            1 for load in preview.loads if load.assigned > load.capacity
        ),
        f"preview_{key}_objective": round(preview.objective, 3),
        f"preview_{key}_greedy_objective": round(preview.greedy_objective, 3),
        f"circles_{mentees}_seconds": round(circle_seconds, 3),
        f"circles_{mentees}_circles": len(plan.circles),
        f"circles_{mentees}_left_out": len(plan.left_out),
    }


def run() -> None:
    result: dict[str, Any] = {}
    for mentees, mentors in SIZES:
        result.update(measure(mentees, mentors))
    print(json.dumps(result))
