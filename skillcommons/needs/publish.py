"""From a cube to published tables: thresholds, suppression, and the audit of what was published.

Pure (NumPy and dataclasses). A suppressed cell is published with every value ``None`` and
``suppressed=True``. The flag does not say whether the cell was suppressed for being small or as a
complement: saying so would tell an attacker which hidden cells are below ``k``.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from skillcommons.needs.aggregate import (
    AssessmentRows,
    Cube,
    Dimension,
    FloatArray,
    SkillTree,
    build_cube,
)
from skillcommons.needs.disclosure import (
    DEFAULT_K,
    BoolArray,
    IntArray,
    recoverable_cells,
    suppress,
)

#: Label of the margin row (every value of the dimension) in each table.
ALL = "all"
#: Decimals of published means and shares: finer digits add no meaning and help differencing.
DECIMALS = 3
DEFAULT_PROTECTED_K = 10


@dataclass(frozen=True)
class Policy:
    """Disclosure thresholds: ``k`` for every cell, ``protected_k`` for protected countries."""

    k: int = DEFAULT_K
    protected_k: int = DEFAULT_PROTECTED_K
    #: Country labels on the protection list (where being identified can put people at risk).
    protected_countries: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError("k must be at least 1.")
        if self.protected_k < self.k:
            raise ValueError("The threshold for protected countries cannot be below k.")


@dataclass(frozen=True)
class PublishedCell:
    """One cell of a published table; every measure is ``None`` when the cell is suppressed."""

    row: str
    #: Skill id, or ``None`` for the "all skills" column.
    skill: int | None
    n: int | None
    proficiency: float | None
    importance: float | None
    need: float | None
    demand: float | None
    supply: float | None
    fragility: float | None
    suppressed: bool


@dataclass(frozen=True)
class PublishedTable:
    """A dimension × skill table with its margin row (``ALL``) and "all skills" column."""

    dimension: str
    rows: tuple[str, ...]
    skills: tuple[int | None, ...]
    #: Row-major: ``cells[row * len(skills) + column]``.
    cells: tuple[PublishedCell, ...]

    def get(self, row: str, skill: int | None) -> PublishedCell:
        return self.cells[self.rows.index(row) * len(self.skills) + self.skills.index(skill)]


@dataclass(frozen=True)
class Publication:
    """Everything published for one wave, with the facts needed to check it."""

    tables: tuple[PublishedTable, ...]
    policy: Policy
    #: Per flat cell of the cube: suppressed or not, and the threshold that applied.
    suppressed: BoolArray
    primary: BoolArray
    thresholds: IntArray
    audit_rounds: int

    @property
    def suppressed_cells(self) -> int:
        return int(self.suppressed.sum())

    @property
    def min_published_n(self) -> int | None:
        published = [
            c.n for table in self.tables for c in table.cells if c.n is not None and c.n > 0
        ]
        return min(published) if published else None

    def table(self, dimension: str) -> PublishedTable:
        return next(t for t in self.tables if t.dimension == dimension)


def thresholds(cube: Cube, policy: Policy) -> IntArray:
    """Per cell ``k``; the rows of protected countries get ``protected_k``."""
    k = np.full(cube.n.size, policy.k, dtype=np.int64)
    for dim, offset in zip(cube.dimensions, cube.offsets, strict=True):
        if dim.name != "country":
            continue
        for code, label in enumerate(dim.labels):
            if label in policy.protected_countries:
                start = offset + code * cube.columns
                k[start : start + cube.columns] = policy.protected_k
    return k


def _value(array: FloatArray, cell: int) -> float | None:
    value = float(array[cell])
    return None if math.isnan(value) else round(value, DECIMALS)


def _published_cell(
    cube: Cube, cell: int, row: str, skill: int | None, hidden: bool
) -> PublishedCell:
    if hidden:
        return PublishedCell(row, skill, None, None, None, None, None, None, None, True)
    proficiency = _value(cube.proficiency, cell)
    importance = _value(cube.importance, cell)
    need = (
        None
        if proficiency is None or importance is None
        else round(float(cube.importance[cell] - cube.proficiency[cell]), DECIMALS)
    )
    return PublishedCell(
        row=row,
        skill=skill,
        n=int(cube.n[cell]),
        proficiency=proficiency,
        importance=importance,
        need=need,
        demand=_value(cube.demand, cell),
        supply=_value(cube.supply, cell),
        fragility=_value(cube.fragility, cell),
        suppressed=False,
    )


def publish(cube: Cube, policy: Policy) -> Publication:
    """Suppress and lay out every table of the cube."""
    unknown = policy.protected_countries - {
        label for dim in cube.dimensions if dim.name == "country" for label in dim.labels
    }
    if unknown:
        raise ValueError(f"Protected countries not among the countries: {sorted(unknown)}.")
    k = thresholds(cube, policy)
    outcome = suppress(cube.n, k, cube.relations)
    hidden = outcome.suppressed
    if np.any(cube.n[~hidden] < k[~hidden]):  # the invariant every publication must keep
        raise AssertionError("A cell below its threshold would be published.")
    skills: tuple[int | None, ...] = (*cube.tree.ids, None)
    tables = []
    for dim, offset in zip(cube.dimensions, cube.offsets, strict=True):
        cells = []
        for code, label in enumerate(dim.labels):
            for column, skill in enumerate(skills):
                cell = offset + code * cube.columns + column
                cells.append(_published_cell(cube, cell, label, skill, bool(hidden[cell])))
        for column, skill in enumerate(skills):
            cells.append(_published_cell(cube, column, ALL, skill, bool(hidden[column])))
        tables.append(
            PublishedTable(
                dimension=dim.name, rows=(*dim.labels, ALL), skills=skills, cells=tuple(cells)
            )
        )
    return Publication(
        tables=tuple(tables),
        policy=policy,
        suppressed=hidden,
        primary=outcome.primary,
        thresholds=k,
        audit_rounds=outcome.audit_rounds,
    )


def published_counts(cube: Cube, publication: Publication) -> NDArray[np.float64]:
    """The flat cell vector as an outsider sees it: counts from the tables, ``nan`` if hidden.

    Read back from the published tables (not from the cube's counts) so the audit checks what was
    actually published.
    """
    values = np.full(cube.n.size, np.nan)
    for table, dim in zip(publication.tables, cube.dimensions, strict=True):
        offset = cube.offsets[cube.dimensions.index(dim)]
        for index, cell in enumerate(table.cells):
            row, column = divmod(index, len(table.skills))
            flat = column if row == len(dim.labels) else offset + row * cube.columns + column
            if cell.n is not None:
                values[flat] = cell.n
    return values


def audit_publication(cube: Cube, publication: Publication) -> IntArray:
    """Hidden non-empty cells an attacker could compute exactly from the published tables.

    Must be empty. Hidden cells determined to be zero are left out: they reveal nobody.
    """
    determined = recoverable_cells(np.isnan(published_counts(cube, publication)), cube.relations)
    return determined[cube.n[determined] > 0]


def publish_rows(
    rows: AssessmentRows,
    tree: SkillTree,
    dimensions: tuple[Dimension, ...],
    policy: Policy | None = None,
    *,
    protected_countries: Collection[str] = (),
) -> tuple[Cube, Publication]:
    """Rows to published tables in one call."""
    cube = build_cube(rows, tree, dimensions)
    if policy is None:
        policy = Policy(protected_countries=frozenset(protected_countries))
    return cube, publish(cube, policy)
