"""The needs benchmark: synthetic wave → published tables, timed, with a plain group-by baseline.

``manage.py bench_needs --json`` prints what ``run`` returns. Everything is in memory (NumPy); the
database-backed path (answers stored by the app, aggregated in SQL) is not built yet.
"""

from __future__ import annotations

import importlib.util
import time
from typing import Any

import numpy as np

from skillcommons.needs import synthetic
from skillcommons.needs.aggregate import AssessmentRows, Cube, Dimension, SkillTree, build_cube
from skillcommons.needs.disclosure import IntArray
from skillcommons.needs.publish import Policy, audit_publication, publish

BACKEND = "numpy-in-memory"


def numpy_groupby_baseline(
    rows: AssessmentRows, tree: SkillTree, dimensions: tuple[Dimension, ...]
) -> dict[str, tuple[IntArray, np.ndarray]]:
    """The same counts and weighted mean proficiency per dimension × column, unsuppressed.

    Written the way one would with a data-frame library: per dimension, group the expanded rows by
    (value, column, respondent) with a sort (``np.unique``), average within each respondent, then
    group by (value, column). No shared work between dimensions, no suppression. Returned per
    dimension as ``(counts, mean proficiency)`` over ``values × (skills + 1)`` cells.
    """
    columns = tree.size + 1
    position = {skill: i for i, skill in enumerate(tree.ids)}
    skill = np.vectorize(position.__getitem__, otypes=[np.int64])(rows.skill)
    ancestors = np.concatenate(
        [tree.ancestors(), np.full((tree.size, 1), tree.size, dtype=np.int64)], axis=1
    )[skill]
    valid = ancestors >= 0
    row_of = np.broadcast_to(np.arange(len(rows))[:, None], ancestors.shape)[valid]
    node = ancestors[valid]
    respondent = rows.respondent[row_of]
    people = int(rows.respondent.max(initial=0)) + 1
    result: dict[str, tuple[IntArray, np.ndarray]] = {}
    for dim in dimensions:
        cell = rows.dimensions[dim.name][row_of] * columns + node
        pairs, inverse = np.unique(cell * people + respondent, return_inverse=True)
        answers = np.bincount(inverse)
        mean = np.bincount(inverse, weights=rows.proficiency[row_of]) / answers
        weight = np.bincount(inverse, weights=rows.weight[row_of]) / answers
        pair_cell = pairs // people
        size = len(dim.labels) * columns
        counts = np.bincount(pair_cell, minlength=size).astype(np.int64)
        with np.errstate(invalid="ignore"):
            means = np.bincount(pair_cell, weights=weight * mean, minlength=size) / np.bincount(
                pair_cell, weights=weight, minlength=size
            )
        result[dim.name] = (counts, means)
    return result


def pandas_groupby_baseline(
    rows: AssessmentRows, tree: SkillTree, dimensions: tuple[Dimension, ...]
) -> dict[str, tuple[IntArray, np.ndarray]] | None:
    """The same counts and means as ``numpy_groupby_baseline`` with a pandas ``groupby``.

    pandas is not a dependency of Skillcommons; it is present only when another package brings
    it (OR-Tools does). Imported dynamically so the project type-checks without its stubs;
    returns ``None`` when it is not importable.
    """
    if importlib.util.find_spec("pandas") is None:
        return None
    pd: Any = importlib.import_module("pandas")
    columns = tree.size + 1
    position = {skill: i for i, skill in enumerate(tree.ids)}
    skill = np.vectorize(position.__getitem__, otypes=[np.int64])(rows.skill)
    ancestors = np.concatenate(
        [tree.ancestors(), np.full((tree.size, 1), tree.size, dtype=np.int64)], axis=1
    )[skill]
    frames = [
        pd.DataFrame(
            {
                "respondent": rows.respondent,
                "weight": rows.weight,
                "proficiency": rows.proficiency,
                "node": ancestors[:, level],
                **{dim.name: rows.dimensions[dim.name] for dim in dimensions},
            }
        )
        for level in range(ancestors.shape[1])
    ]
    expanded = pd.concat(frames, ignore_index=True)
    expanded = expanded[expanded["node"] >= 0]
    result: dict[str, tuple[IntArray, np.ndarray]] = {}
    for dim in dimensions:
        per_person = (
            expanded.groupby([dim.name, "node", "respondent"], sort=False)
            .agg(proficiency=("proficiency", "mean"), weight=("weight", "first"))
            .reset_index()
        )
        per_person["weighted"] = per_person["weight"] * per_person["proficiency"]
        cells = per_person.groupby([dim.name, "node"]).agg(
            n=("respondent", "size"), weighted=("weighted", "sum"), weight=("weight", "sum")
        )
        size = len(dim.labels) * columns
        index = (
            cells.index.get_level_values(0).to_numpy() * columns
            + cells.index.get_level_values(1).to_numpy()
        )
        counts = np.zeros(size, dtype=np.int64)
        counts[index] = cells["n"].to_numpy()
        means = np.full(size, np.nan)
        means[index] = (cells["weighted"] / cells["weight"]).to_numpy()
        result[dim.name] = (counts, means)
    return result


def _matches(cube: Cube, baseline: dict[str, tuple[IntArray, np.ndarray]]) -> bool:
    for dim, offset in zip(cube.dimensions, cube.offsets, strict=True):
        counts, means = baseline[dim.name]
        block = slice(offset, offset + counts.size)
        if not np.array_equal(cube.n[block], counts):
            return False
        if not np.allclose(cube.proficiency[block], means, equal_nan=True):
            return False
    return True


def run(
    *,
    respondents: int = 100_000,
    skills: int = 40,
    regions: int = 8,
    countries: int = 60,
    languages: int = 30,
    organizations: int = 300,
    k: int = 5,
    protected_k: int = 10,
    seed: int = 2026,
) -> dict[str, Any]:
    """Generate a wave, build and suppress every table, audit, and time a baseline."""
    started = time.perf_counter()
    wave = synthetic.generate(
        respondents=respondents,
        skills=skills,
        regions=regions,
        countries=countries,
        languages=languages,
        organizations=organizations,
        seed=seed,
    )
    generate_seconds = time.perf_counter() - started
    policy = Policy(
        k=k, protected_k=protected_k, protected_countries=frozenset(wave.protected_countries)
    )

    started = time.perf_counter()
    cube = build_cube(wave.rows, wave.tree, wave.dimensions)
    publication = publish(cube, policy)
    cube_seconds = time.perf_counter() - started

    started = time.perf_counter()
    disclosed = audit_publication(cube, publication)
    audit_seconds = time.perf_counter() - started

    started = time.perf_counter()
    baseline = numpy_groupby_baseline(wave.rows, wave.tree, wave.dimensions)
    baseline_seconds = time.perf_counter() - started

    if importlib.util.find_spec("pandas") is not None:
        importlib.import_module("pandas")  # a one-time cost, not part of the group-by
    started = time.perf_counter()
    pandas_baseline = pandas_groupby_baseline(wave.rows, wave.tree, wave.dimensions)
    pandas_seconds = time.perf_counter() - started

    notes = [
        "backend numpy-in-memory: answers are generated in memory; the database-backed path "
        "(answers stored by the app, aggregated on SQLite or PostgreSQL) is not built yet.",
        "cube_seconds covers the roll-up of every table, primary suppression, complementary "
        "suppression with its audit loop, and laying out the published tables; audit_seconds is "
        "a second, independent audit of the published tables.",
        "numpy_groupby_baseline_seconds times the same counts and weighted mean proficiency, "
        "unsuppressed, as a sort-based group-by per dimension.",
    ]
    if pandas_baseline is None:
        notes.append(
            "pandas is not installed, so no pandas group-by was timed "
            "(pandas_baseline_seconds is null)."
        )
    else:
        notes.append(
            "pandas is not a Skillcommons dependency; it is installed only as a dependency of "
            "OR-Tools, and the benchmark uses it when present for pandas_baseline_seconds."
        )
    return {
        "respondents": wave.respondents,
        "skills": wave.tree.size,
        "assessment_rows": len(wave.rows),
        "cube_seconds": round(cube_seconds, 3),
        "pandas_baseline_seconds": None if pandas_baseline is None else round(pandas_seconds, 3),
        "pandas_baseline_matches_cube": (
            None if pandas_baseline is None else _matches(cube, pandas_baseline)
        ),
        "numpy_groupby_baseline_seconds": round(baseline_seconds, 3),
        "numpy_baseline_matches_cube": _matches(cube, baseline),
        "suppressed_cells": publication.suppressed_cells,
        "primary_suppressed_cells": int(publication.primary.sum()),
        "complementary_suppressed_cells": int(
            (publication.suppressed & ~publication.primary).sum()
        ),
        "cells": int(cube.n.size),
        "relations": len(cube.relations),
        "audit_rounds": publication.audit_rounds,
        "audit_seconds": round(audit_seconds, 3),
        "recoverable_cells": int(disclosed.size),
        "min_published_n": publication.min_published_n,
        "k": k,
        "protected_k": protected_k,
        "generate_seconds": round(generate_seconds, 3),
        "backend": BACKEND,
        "notes": notes,
    }
