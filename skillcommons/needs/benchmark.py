"""The needs benchmark: synthetic wave → published tables, timed, with a plain group-by baseline.

``manage.py bench_needs --json`` prints what ``run`` returns (everything in memory, NumPy);
``--db`` prints what ``run_database`` returns: the wave written through the app's models and read
back by ``queries.load`` on the configured database (SQLite or PostgreSQL), as the app does.
"""

from __future__ import annotations

import importlib.util
import time
from datetime import timedelta
from typing import Any

import numpy as np

from skillcommons.needs import synthetic
from skillcommons.needs.aggregate import (
    MISSING,
    AssessmentRows,
    Cube,
    Dimension,
    SkillTree,
    build_cube,
)
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


# --- The database path -----------------------------------------------------------------------


def _country_code(index: int) -> str:
    """Two letters (the column is an ISO 3166-1 alpha-2 code): AA, AB, … for synthetic countries."""
    return chr(65 + index // 26) + chr(65 + index % 26)


def _database_labels(wave: synthetic.SyntheticWave) -> dict[str, tuple[str, ...]]:
    """Synthetic labels as the response columns store them (codes that fit the columns)."""
    labels = {d.name: d.labels for d in wave.dimensions}
    return {
        "region": tuple(f"R{i}" for i in range(len(labels["region"]))),
        "country": tuple(_country_code(i) for i in range(len(labels["country"]))),
        "language": tuple(f"l{i}" for i in range(len(labels["language"]))),
        # Individuals answer without an affiliate type; the others keep theirs.
        "affiliate_type": ("", *labels["affiliate_type"][1:]),
    }


def seed_database(wave: synthetic.SyntheticWave, *, tag: str, batch: int = 20_000) -> Any:
    """Write a synthetic wave through the app's models: skills, people, one submitted consented
    response per respondent, one skill rating per answer. Returns the ``Wave``.

    Every respondent answers as an individual: the model allows one response per organization and
    wave, so the synthetic organizations (hundreds of respondents each) have no database
    counterpart; the organization table then holds only "(none)".
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.utils import timezone

    from skillcommons.needs.models import (
        Instrument,
        InstrumentVersion,
        Question,
        Response,
        SkillRating,
        Wave,
    )
    from skillcommons.taxonomy.models import Skill

    tree = wave.tree
    skills: dict[int, Any] = {}
    depth = tree.ancestors()
    levels = (depth >= 0).sum(axis=1) - 1
    for level in range(int(levels.max(initial=0)) + 1):
        created = Skill.objects.bulk_create(
            Skill(
                code=f"{tag}-{tree.ids[i]}",
                parent=skills[tree.ids[tree.parent_index[i]]]
                if tree.parent_index[i] >= 0
                else None,
                depth=level,
                position=i,
            )
            for i in range(tree.size)
            if levels[i] == level
        )
        for skill in created:
            skills[int(skill.code.rsplit("-", 1)[1])] = skill

    now = timezone.now()
    instrument = Instrument.objects.create(slug=tag)
    version = InstrumentVersion.objects.create(
        instrument=instrument,
        number=1,
        status=InstrumentVersion.Status.PUBLISHED,
        title={"en": tag},
        locales=["en"],
        published_at=now,
    )
    question = Question.objects.create(
        version=version, name="skills", kind=Question.Kind.SKILL_MATRIX, label={"en": "Skills"}
    )
    stored = Wave.objects.create(
        slug=tag,
        title=tag,
        version=version,
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
        consent_text="Benchmark",
    )

    rows = wave.rows
    people = wave.respondents
    first_row = np.full(people, -1, dtype=np.int64)
    first_row[rows.respondent[::-1]] = np.arange(len(rows))[::-1]
    labels = _database_labels(wave)
    codes = {name: rows.dimensions[name][first_row] for name in labels}
    weight = rows.weight[first_row]

    user_model = get_user_model()
    unusable = f"{UNUSABLE_PASSWORD_PREFIX}benchmark"  # nobody can sign in as a benchmark person
    response_ids = np.zeros(people, dtype=np.int64)
    for start in range(0, people, batch):
        stop = min(start + batch, people)
        users = user_model.objects.bulk_create(
            user_model(username=f"{tag}-{i}", password=unusable) for i in range(start, stop)
        )
        responses = Response.objects.bulk_create(
            Response(
                wave=stored,
                respondent_id=user.pk,
                pseudonym=f"{tag}-{i:08d}",
                status=Response.Status.SUBMITTED,
                submitted_at=now,
                consent_statistics=True,
                consented_at=now,
                region=labels["region"][codes["region"][i]],
                country=labels["country"][codes["country"][i]],
                language=labels["language"][codes["language"][i]],
                affiliate_type=labels["affiliate_type"][codes["affiliate_type"][i]],
                weight=float(weight[i]),
            )
            for i, user in zip(range(start, stop), users, strict=True)
        )
        response_ids[start:stop] = [r.pk for r in responses]

    skill_pk = {skill_id: skills[skill_id].pk for skill_id in tree.ids}
    for start in range(0, len(rows), batch):
        stop = min(start + batch, len(rows))
        SkillRating.objects.bulk_create(
            SkillRating(
                response_id=int(response_ids[rows.respondent[i]]),
                question_id=question.pk,
                skill_id=skill_pk[int(rows.skill[i])],
                proficiency=int(rows.proficiency[i]),
                importance=int(rows.importance[i]),
                wants_to_learn=bool(rows.wants_to_learn[i]),
                can_teach=bool(rows.can_teach[i]),
                robustness=None if rows.robustness[i] == MISSING else int(rows.robustness[i]),
            )
            for i in range(start, stop)
        )
    return stored


def _database_matches_memory(wave: synthetic.SyntheticWave, cube: Cube, tag: str) -> bool:
    """The database cube has exactly the counts of the in-memory cube of the same answers (with
    every respondent as an individual), matched by label and skill code."""
    rows = wave.rows
    individual = AssessmentRows(
        respondent=rows.respondent,
        weight=rows.weight,
        skill=rows.skill,
        proficiency=rows.proficiency,
        importance=rows.importance,
        wants_to_learn=rows.wants_to_learn,
        can_teach=rows.can_teach,
        robustness=rows.robustness,
        dimensions={**rows.dimensions, "organization": np.zeros(len(rows), dtype=np.int64)},
    )
    dimensions = tuple(
        Dimension("organization", ("(none)",)) if d.name == "organization" else d
        for d in wave.dimensions
    )
    memory = build_cube(individual, wave.tree, dimensions)
    renamed = _database_labels(wave)
    memory_columns = [f"{tag}-{s}" for s in wave.tree.ids] + ["all"]
    database_columns = [*cube.tree.labels, "all"]
    order = [memory_columns.index(code) for code in database_columns]
    for dim, offset in zip(cube.dimensions, cube.offsets, strict=True):
        memory_dim = [d.name for d in memory.dimensions].index(dim.name)
        memory_offset = memory.offsets[memory_dim]
        names = renamed.get(dim.name, memory.dimensions[memory_dim].labels)
        for code, label in enumerate(dim.labels):
            stored_label = "" if label in ("(not stated)", "(none)") else label
            if dim.name == "organization":
                stored_label = "(none)"
            present = [i for i, name in enumerate(names) if name == stored_label]
            if len(present) != 1:
                return False
            db_row = cube.n[offset + code * cube.columns : offset + (code + 1) * cube.columns]
            start = memory_offset + present[0] * memory.columns
            memory_row = memory.n[start : start + memory.columns][order]
            if not np.array_equal(db_row, memory_row):
                return False
    return True


def run_database(
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
    """Seed a synthetic wave into the database, then time the app's path: ``queries.load`` (two
    bulk reads) → cube → suppression. Everything is rolled back at the end."""
    from django.db import connection, transaction

    from skillcommons.needs import queries

    if countries > 26 * 26:
        raise ValueError("The database path supports at most 676 countries.")
    wave = synthetic.generate(
        respondents=respondents,
        skills=skills,
        regions=regions,
        countries=countries,
        languages=languages,
        organizations=organizations,
        seed=seed,
    )
    tag = f"bench-{seed}-{time.time_ns() % 10**9}"
    protected = frozenset(
        _country_code(int(label.split()[-1])) for label in wave.protected_countries
    )
    result: dict[str, Any] = {}
    with transaction.atomic():
        started = time.perf_counter()
        stored = seed_database(wave, tag=tag)
        seed_seconds = time.perf_counter() - started

        started = time.perf_counter()
        data = queries.load(queries.counted_responses(stored))
        load_seconds = time.perf_counter() - started
        policy = Policy(
            k=k,
            protected_k=protected_k,
            protected_countries=protected
            & {label for d in data.dimensions if d.name == "country" for label in d.labels},
        )
        cube = build_cube(data.rows, data.tree, data.dimensions)
        publication = publish(cube, policy)
        cube_seconds = time.perf_counter() - started

        disclosed = audit_publication(cube, publication)
        matches = _database_matches_memory(wave, cube, tag)

        if importlib.util.find_spec("pandas") is not None:
            importlib.import_module("pandas")
        started = time.perf_counter()
        pandas_baseline = pandas_groupby_baseline(data.rows, data.tree, data.dimensions)
        pandas_seconds = time.perf_counter() - started
        transaction.set_rollback(True)

    result = {
        "respondents": data.respondents,
        "skills": data.tree.size,
        "assessment_rows": len(data.rows),
        "cube_seconds": round(cube_seconds, 3),
        "load_seconds": round(load_seconds, 3),
        "pandas_baseline_seconds": None if pandas_baseline is None else round(pandas_seconds, 3),
        "pandas_baseline_matches_cube": (
            None if pandas_baseline is None else _matches(cube, pandas_baseline)
        ),
        "database_matches_memory": matches,
        "suppressed_cells": publication.suppressed_cells,
        "primary_suppressed_cells": int(publication.primary.sum()),
        "complementary_suppressed_cells": int(
            (publication.suppressed & ~publication.primary).sum()
        ),
        "cells": int(cube.n.size),
        "relations": len(cube.relations),
        "audit_rounds": publication.audit_rounds,
        "recoverable_cells": int(disclosed.size),
        "min_published_n": publication.min_published_n,
        "k": k,
        "protected_k": protected_k,
        "seed_seconds": round(seed_seconds, 3),
        "backend": connection.vendor,
        "notes": [
            f"backend {connection.vendor}: the synthetic wave is written through the app's "
            "models (users, responses, skill ratings) inside a transaction that is rolled back; "
            "seed_seconds is that write.",
            "cube_seconds covers reading the counted answers from the database (load_seconds: "
            "two bulk queries into NumPy columns), the roll-up of every table, primary and "
            "complementary suppression with its audit loop, and laying out the tables.",
            "Every respondent answers as an individual (one response per organization and wave "
            "in the model), so the organization table has one row; database_matches_memory "
            "checks the database counts against the in-memory cube of the same answers.",
            "pandas_baseline_seconds: the same counts and means, unsuppressed, with a pandas "
            "groupby on the loaded columns (pandas comes with OR-Tools).",
        ],
    }
    return result
