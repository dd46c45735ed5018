"""The statistical cube of an assessment wave: counts and weighted means by dimension and skill.

Pure NumPy, no ORM. Input is one row per (respondent, skill) answer (``AssessmentRows``); output is
a flat vector of cells (``Cube``) with the linear relations between their counts, ready for
``disclosure.suppress`` and ``publish.publish``.

Layout. ``S`` skills plus one "all skills" column give ``S + 1`` columns. The cells start with the
*overall* block (one row: every respondent, per column), then one block per dimension with one
row per dimension value. The overall row is the margin row of every dimension table, so it is
stored once and every table refers to the same cells.

Roll-up. A respondent's answer to a skill also counts for the skill's parent, its grandparent and
the "all skills" column. Within one cell a respondent counts **once** (respondents, not rows): their
proficiency and importance there are the mean of their answers in that part of the tree, they
"want to learn" or "can teach" if they said so for any skill in it, and the part is "fragile" for
them if any answered skill in it has robustness 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import permutations
from typing import Any

import numpy as np
from numpy.typing import NDArray

from skillcommons.needs.disclosure import IntArray, Relations

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: The dimensions of the published tables, in publication order.
DIMENSIONS: tuple[str, ...] = (
    "region",
    "country",
    "language",
    "affiliate_type",
    "organization",
)
MAX_LEVELS = 3  # area, skill, sub-skill: the taxonomy's limit
MAX_SCORE = 4
MAX_ROBUSTNESS = 2
MISSING = -1


@dataclass(frozen=True)
class SkillTree:
    """Skills in column order with their parents (``-1`` for an area). At most three levels."""

    ids: tuple[int, ...]
    parent_index: tuple[int, ...]
    labels: tuple[str, ...]

    @classmethod
    def from_parents(
        cls, parents: Mapping[int, int | None], labels: Mapping[int, str] | None = None
    ) -> SkillTree:
        """Build from ``{skill id: parent id or None}``; columns follow the mapping's order."""
        ids = tuple(parents)
        position = {skill: i for i, skill in enumerate(ids)}
        parent_index: list[int] = []
        for skill, parent in parents.items():
            if parent is None:
                parent_index.append(-1)
            elif parent not in position:
                raise ValueError(f"Skill {skill} has parent {parent}, which is not in the tree.")
            else:
                parent_index.append(position[parent])
        tree = cls(
            ids=ids,
            parent_index=tuple(parent_index),
            labels=tuple((labels or {}).get(s, str(s)) for s in ids),
        )
        tree.ancestors()  # validates depth and cycles
        return tree

    @property
    def size(self) -> int:
        return len(self.ids)

    def ancestors(self) -> IntArray:
        """``(S, MAX_LEVELS)``: each skill, its parent, its grandparent (``-1`` beyond the root)."""
        result = np.full((self.size, MAX_LEVELS), -1, dtype=np.int64)
        for i in range(self.size):
            node = i
            for level in range(MAX_LEVELS):
                result[i, level] = node
                node = self.parent_index[node]
                if node == -1:
                    break
            else:
                raise ValueError(
                    f"Skill {self.ids[i]} is more than {MAX_LEVELS} levels deep (or in a cycle)."
                )
        return result

    def children(self) -> list[list[int]]:
        """Child columns of each column; the last entry is the "all skills" column's areas."""
        result: list[list[int]] = [[] for _ in range(self.size + 1)]
        for i, parent in enumerate(self.parent_index):
            result[self.size if parent == -1 else parent].append(i)
        return result


@dataclass(frozen=True)
class Dimension:
    """One breakdown (region, country, ...): its name and the label of each code."""

    name: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class AssessmentRows:
    """One row per answer of a respondent about a skill; all arrays have the same length.

    ``respondent`` is the wave pseudonym's integer id, ``weight`` the respondent's survey weight,
    ``skill`` a skill id of the tree, ``proficiency`` and ``importance`` 0–4, ``robustness`` 0–2 or
    ``MISSING``, and ``dimensions`` the respondent's code in each dimension (an index into that
    dimension's labels; "not stated" is a label like any other so every table adds up).
    """

    respondent: IntArray
    weight: FloatArray
    skill: IntArray
    proficiency: IntArray
    importance: IntArray
    wants_to_learn: BoolArray
    can_teach: BoolArray
    robustness: IntArray
    dimensions: Mapping[str, IntArray]

    def __len__(self) -> int:
        return int(self.respondent.size)


@dataclass(frozen=True)
class Cube:
    """All cells of all tables, flat, with the relations an attacker could use between them."""

    tree: SkillTree
    dimensions: tuple[Dimension, ...]
    #: First cell of each dimension's block; the overall block is cells ``0 .. S``.
    offsets: tuple[int, ...]
    n: IntArray
    weight_sum: FloatArray
    proficiency: FloatArray
    importance: FloatArray
    demand: FloatArray
    supply: FloatArray
    fragility: FloatArray
    relations: Relations
    #: Pairs (finer, coarser) of dimensions where each finer value lies in one coarser value.
    nestings: tuple[tuple[str, str], ...] = field(default=())

    @property
    def columns(self) -> int:
        return self.tree.size + 1

    @property
    def need(self) -> FloatArray:
        return np.asarray(self.importance - self.proficiency, dtype=np.float64)

    def cell(self, dimension: str | None, row: int, column: int) -> int:
        """Index of a cell: ``dimension=None`` is the overall row (``row`` ignored)."""
        if dimension is None:
            return column
        d = [dim.name for dim in self.dimensions].index(dimension)
        return self.offsets[d] + row * self.columns + column


def _validate(rows: AssessmentRows, tree: SkillTree, dimensions: Sequence[Dimension]) -> None:
    size = len(rows)
    arrays: dict[str, NDArray[np.generic]] = {
        "weight": rows.weight,
        "skill": rows.skill,
        "proficiency": rows.proficiency,
        "importance": rows.importance,
        "wants_to_learn": rows.wants_to_learn,
        "can_teach": rows.can_teach,
        "robustness": rows.robustness,
    }
    arrays.update({f"dimension {name}": codes for name, codes in rows.dimensions.items()})
    for name, array in arrays.items():
        if array.shape != (size,):
            raise ValueError(f"Column {name} has {array.shape} values, expected {size}.")
    if set(rows.dimensions) != {d.name for d in dimensions}:
        raise ValueError("The rows and the dimension list name different dimensions.")
    if not np.all(np.isfinite(rows.weight)) or np.any(rows.weight <= 0):
        raise ValueError("Weights must be positive finite numbers.")
    for name, array, high in (
        ("proficiency", rows.proficiency, MAX_SCORE),
        ("importance", rows.importance, MAX_SCORE),
    ):
        if np.any((array < 0) | (array > high)):
            raise ValueError(f"{name} must be between 0 and {high}.")
    robust = rows.robustness
    if np.any(((robust < 0) | (robust > MAX_ROBUSTNESS)) & (robust != MISSING)):
        raise ValueError(f"robustness must be between 0 and {MAX_ROBUSTNESS}, or missing.")
    if not np.all(np.isin(rows.skill, np.asarray(tree.ids, dtype=np.int64))):
        raise ValueError("A row names a skill that is not in the tree.")
    for dim in dimensions:
        codes = rows.dimensions[dim.name]
        if np.any((codes < 0) | (codes >= len(dim.labels))):
            raise ValueError(f"A {dim.name} code has no label.")


def _per_respondent(
    values: NDArray[np.generic], respondent: IntArray, count: int, name: str
) -> Any:
    """The respondent-level value of a per-row column, refusing respondents with two values."""
    first = np.zeros(count, dtype=values.dtype)
    first[respondent] = values
    if np.any(first[respondent] != values):
        raise ValueError(f"A respondent has more than one {name}.")
    return first


def build_cube(rows: AssessmentRows, tree: SkillTree, dimensions: Sequence[Dimension]) -> Cube:
    """Aggregate the rows into every cell of every table, with the relations between cells."""
    dimensions = tuple(dimensions)
    _validate(rows, tree, dimensions)
    skills = tree.size
    columns = skills + 1
    _ids, respondent = np.unique(rows.respondent, return_inverse=True)
    respondent = respondent.astype(np.int64)
    people = int(_ids.size)
    weight = _per_respondent(rows.weight, respondent, people, "weight")
    codes = {
        dim.name: _per_respondent(rows.dimensions[dim.name], respondent, people, dim.name)
        for dim in dimensions
    }

    # Skill ids → column indices.
    order = np.argsort(np.asarray(tree.ids, dtype=np.int64))
    sorted_ids = np.asarray(tree.ids, dtype=np.int64)[order]
    skill = order[np.searchsorted(sorted_ids, rows.skill)].astype(np.int64)
    leaf_key = respondent * columns + skill
    if np.bincount(leaf_key, minlength=people * columns).max(initial=0) > 1:
        raise ValueError("A respondent answered the same skill twice.")

    # Expand each row to the skill, its ancestors and the "all skills" column.
    ancestors = np.concatenate(
        [tree.ancestors(), np.full((skills, 1), skills, dtype=np.int64)], axis=1
    )[skill]
    valid = ancestors >= 0
    row_of = np.broadcast_to(np.arange(len(rows))[:, None], ancestors.shape)[valid]
    node = ancestors[valid]
    key = respondent[row_of] * columns + node

    # Respondent × column level: one entry per respondent per cell they count in.
    size = people * columns
    answers = np.bincount(key, minlength=size)
    present = np.flatnonzero(answers)
    counts = answers[present].astype(np.float64)

    def per_pair(values: NDArray[np.generic]) -> FloatArray:
        summed = np.bincount(key, weights=values[row_of], minlength=size)[present]
        return np.asarray(summed, dtype=np.float64)

    pair_proficiency = per_pair(rows.proficiency) / counts
    pair_importance = per_pair(rows.importance) / counts
    pair_wants = per_pair(rows.wants_to_learn) > 0
    pair_teach = per_pair(rows.can_teach) > 0
    pair_rated = per_pair(rows.robustness != MISSING) > 0
    pair_fragile = per_pair(rows.robustness == 0) > 0
    pair_person = present // columns
    pair_column = present % columns
    pair_weight = weight[pair_person]

    offsets: list[int] = []
    total = columns
    for dim in dimensions:
        offsets.append(total)
        total += len(dim.labels) * columns
    pair_cells = [pair_column]
    for dim, offset in zip(dimensions, offsets, strict=True):
        pair_cells.append(offset + codes[dim.name][pair_person] * columns + pair_column)
    cell = np.concatenate(pair_cells)
    reps = len(pair_cells)

    def cell_sum(values: NDArray[np.generic]) -> FloatArray:
        summed = np.bincount(cell, weights=np.tile(values, reps), minlength=total)
        return np.asarray(summed, dtype=np.float64)

    n = np.bincount(cell, minlength=total).astype(np.int64)
    weight_sum = cell_sum(pair_weight)
    rated_weight = cell_sum(pair_weight * pair_rated)
    with np.errstate(invalid="ignore", divide="ignore"):
        proficiency = cell_sum(pair_weight * pair_proficiency) / weight_sum
        importance = cell_sum(pair_weight * pair_importance) / weight_sum
        demand = cell_sum(pair_weight * pair_wants) / weight_sum
        supply = cell_sum(pair_weight * pair_teach) / weight_sum
        fragility = np.where(
            rated_weight > 0, cell_sum(pair_weight * pair_fragile) / rated_weight, np.nan
        )

    nestings = _nestings(codes, dimensions)
    relations = Relations.concatenate(
        [
            _margin_relations(dimensions, offsets, columns),
            _nesting_relations(codes, dimensions, offsets, columns, nestings),
            _hierarchy_relations(n, tree),
        ]
    )
    return Cube(
        tree=tree,
        dimensions=dimensions,
        offsets=tuple(offsets),
        n=n,
        weight_sum=weight_sum,
        proficiency=proficiency,
        importance=importance,
        demand=demand,
        supply=supply,
        fragility=fragility,
        relations=relations,
        nestings=tuple(nestings),
    )


def _uniform(cells: IntArray, coefficients: IntArray) -> Relations:
    """Relations of equal length: one per row of ``cells``, all with the same coefficients."""
    count, length = cells.shape
    return Relations(
        start=np.arange(count + 1, dtype=np.int64) * length,
        cells=cells.reshape(-1).astype(np.int64),
        coefficients=np.tile(coefficients.astype(np.int64), count),
    )


def _margin_relations(
    dimensions: Sequence[Dimension], offsets: Sequence[int], columns: int
) -> Relations:
    """In every table and column, the values add up to the overall margin (one value each)."""
    parts = []
    for dim, offset in zip(dimensions, offsets, strict=True):
        values = len(dim.labels)
        column = np.arange(columns, dtype=np.int64)[:, None]
        cells = np.concatenate(
            [offset + np.arange(values)[None, :] * columns + column, column], axis=1
        )
        parts.append(_uniform(cells, np.r_[np.ones(values, dtype=np.int64), -1]))
    return Relations.concatenate(parts)


def _nestings(
    codes: Mapping[str, IntArray], dimensions: Sequence[Dimension]
) -> list[tuple[str, str]]:
    """Pairs (finer, coarser) where every finer value seen lies in exactly one coarser value.

    Countries nest in regions; organizations may nest in affiliate types. Then the finer table
    adds up to the coarser one, and an attacker can difference across the two tables.
    """
    result = []
    for finer, coarser in permutations(dimensions, 2):
        pairs = np.unique(codes[finer.name] * len(coarser.labels) + codes[coarser.name])
        if pairs.size == np.unique(codes[finer.name]).size:
            result.append((finer.name, coarser.name))
    return result


def _nesting_relations(
    codes: Mapping[str, IntArray],
    dimensions: Sequence[Dimension],
    offsets: Sequence[int],
    columns: int,
    nestings: Sequence[tuple[str, str]],
) -> Relations:
    offset_of = {dim.name: offset for dim, offset in zip(dimensions, offsets, strict=True)}
    values_of = {dim.name: len(dim.labels) for dim in dimensions}
    start = [0]
    cells: list[IntArray] = []
    coefficients: list[IntArray] = []
    for finer, coarser in nestings:
        fine_offset, coarse_offset = offset_of[finer], offset_of[coarser]
        pairs = np.unique(codes[finer] * values_of[coarser] + codes[coarser])
        fine_codes, coarse_codes = pairs // values_of[coarser], pairs % values_of[coarser]
        for coarse in np.unique(coarse_codes).tolist():
            members = fine_codes[coarse_codes == coarse]
            for column in range(columns):
                rel = np.r_[
                    fine_offset + members * columns + column,
                    coarse_offset + coarse * columns + column,
                ]
                cells.append(rel)
                coefficients.append(np.r_[np.ones(members.size, dtype=np.int64), -1])
                start.append(start[-1] + rel.size)
    if not cells:
        return Relations.from_lists([])
    return Relations(
        start=np.asarray(start, dtype=np.int64),
        cells=np.concatenate(cells).astype(np.int64),
        coefficients=np.concatenate(coefficients),
    )


def _hierarchy_relations(n: IntArray, tree: SkillTree) -> Relations:
    """Parent = sum of children, only in the rows where that holds for the counts.

    A respondent who answered two sub-skills counts once in the parent, so a parent is in general
    *not* the sum of its children. Where it is (every respondent of the parent cell answered
    exactly one child, e.g. a skill with a single sub-skill), an attacker could use the equality,
    so it is added as a relation. Adding every equality that happens to hold is conservative: the
    audit then assumes the attacker knows more than the published tables say.
    """
    columns = tree.size + 1
    grid = n.reshape(-1, columns)
    rows = np.arange(grid.shape[0], dtype=np.int64)
    parts = []
    for parent, children in enumerate(tree.children()):
        if not children:
            continue
        additive = rows[grid[:, children].sum(axis=1) == grid[:, parent]]
        if additive.size == 0:
            continue
        cells = np.concatenate(
            [
                additive[:, None] * columns + np.asarray(children, dtype=np.int64)[None, :],
                additive[:, None] * columns + parent,
            ],
            axis=1,
        )
        parts.append(_uniform(cells, np.r_[np.ones(len(children), dtype=np.int64), -1]))
    return Relations.concatenate(parts) if parts else Relations.from_lists([])
