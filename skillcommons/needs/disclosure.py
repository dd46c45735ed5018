"""Disclosure control for published counts: primary and complementary suppression, and an audit.

Pure NumPy, no ORM. The module knows nothing about skills or regions: it works on a flat vector of
cell counts ``n`` and a set of linear *relations* between cells, each saying
``sum(coefficient * n[cell]) == 0`` (for example "the countries of a column add up to its margin":
``+1`` on each country cell, ``-1`` on the margin cell). ``aggregate.py`` builds the cells and the
relations; ``publish.py`` turns the result into tables.

The method (see ``docs/decisions/0008-disclosure-control.md``):

1. **Primary suppression.** Every cell with ``n < k`` is suppressed, where ``k`` is per cell (the
   default, or the higher threshold of a protected country).
2. **Complementary suppression.** A relation whose suppressed cells hold only one non-zero count
   gives that count away by subtraction (``margin - published cells``). For every such relation the
   smallest published non-zero cell is suppressed as well; this is repeated until nothing changes.
3. **Audit.** The heuristic looks at one relation at a time, but an attacker can combine them. The
   audit solves the whole linear system: a suppressed cell is *recoverable* if its value is fixed by
   the published cells and the relations, that is if its unit vector lies in the row space of the
   relations restricted to the suppressed cells. Each recoverable non-empty cell gets one more
   complement and the heuristic and audit run again, until the audit finds nothing. A cell that is
   recoverable as **zero** reveals nobody (a category nobody answered for is empty in every total
   whatever is hidden), so it is left as it is.

The audit depends only on *which* cells are suppressed, never on their values, so a pattern that
protects the counts protects every other additive measure over the same cells (weighted sums).
"""

from __future__ import annotations

import ctypes
import itertools
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

DEFAULT_K = 5
#: Singular values below this count as zero: the relations have small integer coefficients.
_RANK_TOLERANCE = 1e-8
#: A cell is determined when its unit vector's projection on the row space has length one.
_DETERMINED_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Relations:
    """Linear relations ``sum(coefficients * n[cells]) == 0`` in compressed (CSR) form.

    Relation ``r`` covers ``cells[start[r]:start[r + 1]]`` with matching ``coefficients``.
    """

    start: IntArray
    cells: IntArray
    coefficients: IntArray

    @classmethod
    def from_lists(cls, relations: Sequence[tuple[Sequence[int], Sequence[int]]]) -> Relations:
        """Build from ``[(cells, coefficients), ...]``; for tests and small inputs."""
        start = [0]
        cells: list[int] = []
        coefficients: list[int] = []
        for rel_cells, rel_coefficients in relations:
            if len(rel_cells) != len(rel_coefficients):
                raise ValueError("Each relation needs one coefficient per cell.")
            cells.extend(rel_cells)
            coefficients.extend(rel_coefficients)
            start.append(len(cells))
        return cls(
            start=np.asarray(start, dtype=np.int64),
            cells=np.asarray(cells, dtype=np.int64),
            coefficients=np.asarray(coefficients, dtype=np.int64),
        )

    @classmethod
    def concatenate(cls, parts: Sequence[Relations]) -> Relations:
        """Join several relation sets over the same cell vector."""
        starts = [np.zeros(1, dtype=np.int64)]
        offset = 0
        for part in parts:
            starts.append(part.start[1:] + offset)
            offset += int(part.cells.size)
        return cls(
            start=np.concatenate(starts),
            cells=np.concatenate([p.cells for p in parts] or [np.zeros(0, dtype=np.int64)]),
            coefficients=np.concatenate(
                [p.coefficients for p in parts] or [np.zeros(0, dtype=np.int64)]
            ),
        )

    def __len__(self) -> int:
        return int(self.start.size) - 1

    def relation_ids(self) -> IntArray:
        """For each entry of ``cells``, the relation it belongs to."""
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.start))

    def residuals(self, n: IntArray) -> IntArray:
        """``sum(coefficients * n[cells])`` per relation: all zero when ``n`` satisfies them."""
        return np.bincount(
            self.relation_ids(), weights=self.coefficients * n[self.cells], minlength=len(self)
        ).astype(np.int64)


def primary_suppression(n: IntArray, k: IntArray) -> BoolArray:
    """Cells whose count is below their threshold (zero counts included)."""
    return np.asarray(n < k, dtype=np.bool_)


def _relations_needing_complement(
    n: IntArray, suppressed: BoolArray, relations: Relations, relation_of: IntArray
) -> IntArray:
    """Relations with a suppressed non-zero cell but fewer than two of them, or one suppressed cell.

    One suppressed cell is recovered by subtraction. Two suppressed cells of which one is zero
    hide nothing either once the zero is pinned down elsewhere, so a relation needs two suppressed
    *non-zero* cells whenever it has one.
    """
    hidden = suppressed[relations.cells]
    hidden_count = np.bincount(relation_of, weights=hidden, minlength=len(relations))
    hidden_nonzero = np.bincount(
        relation_of, weights=hidden & (n[relations.cells] > 0), minlength=len(relations)
    )
    needs = (hidden_count == 1) | ((hidden_nonzero == 1) & (hidden_count >= 1))
    return np.flatnonzero(needs)


def _smallest_published(
    n: IntArray, suppressed: BoolArray, relations: Relations, relation: int
) -> int | None:
    """The published cell of a relation with the smallest non-zero count (ties: lowest index)."""
    cells = relations.cells[relations.start[relation] : relations.start[relation + 1]]
    candidates = cells[~suppressed[cells] & (n[cells] > 0)]
    if candidates.size == 0:
        return None
    order = np.lexsort((candidates, n[candidates]))
    return int(candidates[order[0]])


def complementary_suppression(n: IntArray, primary: BoolArray, relations: Relations) -> BoolArray:
    """The one-relation-at-a-time heuristic alone (``suppress`` adds the audit on top)."""
    suppressed = np.asarray(primary, dtype=np.bool_).copy()
    _complement_to_fixed_point(n, suppressed, relations)
    return suppressed


def _complement_to_fixed_point(n: IntArray, suppressed: BoolArray, relations: Relations) -> None:
    relation_of = relations.relation_ids()
    while True:
        changed = False
        for relation in _relations_needing_complement(n, suppressed, relations, relation_of):
            # Re-check: an earlier complement in this pass may already have fixed this relation.
            cells = relations.cells[relations.start[relation] : relations.start[relation + 1]]
            hidden = suppressed[cells]
            hidden_nonzero = int(np.count_nonzero(hidden & (n[cells] > 0)))
            if not (int(hidden.sum()) == 1 or (hidden_nonzero == 1)):
                continue
            cell = _smallest_published(n, suppressed, relations, int(relation))
            if cell is not None:
                suppressed[cell] = True
                changed = True
        if not changed:
            return


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = np.arange(size, dtype=np.int64)

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = int(self.parent[root])
        while self.parent[item] != root:
            self.parent[item], item = root, int(self.parent[item])
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _component_roots(size: int, entry_relation: IntArray, entry_column: IntArray) -> IntArray:
    """Connected components of hidden cells, linked when they share a relation."""
    components = _UnionFind(size)
    first_column_of_relation: dict[int, int] = {}
    for relation, column in zip(entry_relation.tolist(), entry_column.tolist(), strict=True):
        first = first_column_of_relation.setdefault(relation, column)
        if first != column:
            components.union(first, column)
    return np.fromiter((components.find(c) for c in range(size)), dtype=np.int64, count=size)


class _Blas:
    """The thread count of the OpenBLAS library NumPy uses, when it can be found.

    On a busy machine a multi-threaded OpenBLAS makes the many small SVDs of the audit hundreds of
    times slower (its threads wait for each other: 68 SVDs took 13 s with two threads and 0.04 s
    with one, measured on the development machine under load), so the audit runs them on one
    thread. Found through the loaded libraries; without it nothing changes.
    """

    def __init__(self) -> None:
        self._get: Any = None
        self._set: Any = None
        try:
            with Path("/proc/self/maps").open(encoding="utf-8") as maps:
                paths = sorted({line.split()[-1] for line in maps if "openblas" in line.lower()})
            for path in paths:
                library = ctypes.CDLL(path)
                for prefix, suffix in (("scipy_openblas", "64_"), ("openblas", "")):
                    getter = getattr(library, f"{prefix}_get_num_threads{suffix}", None)
                    setter = getattr(library, f"{prefix}_set_num_threads{suffix}", None)
                    if getter is not None and setter is not None:
                        self._get, self._set = getter, setter
                        return
        except OSError:
            return

    @contextmanager
    def threads(self, count: int) -> Iterator[None]:
        if self._get is None:
            yield
            return
        previous = int(self._get())
        self._set(count)
        try:
            yield
        finally:
            self._set(previous)


_BLAS: _Blas | None = None


def _one_blas_thread() -> AbstractContextManager[None]:
    global _BLAS
    if _BLAS is None:
        _BLAS = _Blas()
    return _BLAS.threads(1)


def recoverable_cells(suppressed: BoolArray, relations: Relations) -> IntArray:
    """Suppressed cells whose value the published cells and relations determine exactly.

    The relations restricted to the suppressed cells form a matrix ``A`` (one row per relation
    that touches a suppressed cell). Whatever the published values, the suppressed values ``x``
    satisfy ``A x = b`` with ``b`` known to the attacker. Cell ``j`` is determined by this system
    iff the unit vector ``e_j`` lies in the row space of ``A``: equivalently, every vector of the
    null space of ``A`` is zero at ``j``. With ``A = U S Vᵀ`` and ``V_r`` the right singular vectors
    of the non-zero singular values, the projection of ``e_j`` on the row space has squared length
    ``sum(V_r[:, j] ** 2)``; it is 1 exactly when ``j`` is determined. The system is split into
    connected components (cells linked by a shared relation) so each SVD stays small.

    Returns the indices of the determined suppressed cells (sorted).
    """
    hidden_cells = np.flatnonzero(suppressed)
    if hidden_cells.size == 0 or len(relations) == 0:
        return np.zeros(0, dtype=np.int64)
    column_of = np.full(suppressed.size, -1, dtype=np.int64)
    column_of[hidden_cells] = np.arange(hidden_cells.size)
    relation_of = relations.relation_ids()
    entry_hidden = suppressed[relations.cells]
    entry_relation = relation_of[entry_hidden]
    entry_column = column_of[relations.cells[entry_hidden]]
    entry_coefficient = relations.coefficients[entry_hidden]

    roots = _component_roots(hidden_cells.size, entry_relation, entry_column)
    with _one_blas_thread():
        return _determined_cells(
            hidden_cells, roots, entry_relation, entry_column, entry_coefficient
        )


def _determined_cells(
    hidden_cells: IntArray,
    roots: IntArray,
    entry_relation: IntArray,
    entry_column: IntArray,
    entry_coefficient: IntArray,
) -> IntArray:
    determined: list[IntArray] = []
    entry_root = roots[entry_column]
    for root in np.unique(roots[entry_column]):
        columns = np.flatnonzero(roots == root)
        local_column = np.full(hidden_cells.size, -1, dtype=np.int64)
        local_column[columns] = np.arange(columns.size)
        in_component = entry_root == root
        rel_ids, local_row = np.unique(entry_relation[in_component], return_inverse=True)
        matrix = np.zeros((rel_ids.size, columns.size), dtype=np.float64)
        np.add.at(
            matrix,
            (local_row, local_column[entry_column[in_component]]),
            entry_coefficient[in_component],
        )
        _u, singular, vt = np.linalg.svd(matrix, full_matrices=False)
        rank = int(np.count_nonzero(singular > _RANK_TOLERANCE * max(1.0, float(singular[0]))))
        projection = np.sum(vt[:rank] ** 2, axis=0)
        hit = np.flatnonzero(projection > 1.0 - _DETERMINED_TOLERANCE)
        determined.append(hidden_cells[columns[hit]])
    if not determined:
        return np.zeros(0, dtype=np.int64)
    return np.sort(np.concatenate(determined))


@dataclass(frozen=True)
class Suppression:
    """The outcome of disclosure control over one cell vector."""

    suppressed: BoolArray
    primary: BoolArray
    #: Audit rounds needed beyond the one-relation heuristic (0 when the heuristic was enough).
    audit_rounds: int

    @property
    def complementary(self) -> BoolArray:
        return np.asarray(self.suppressed & ~self.primary, dtype=np.bool_)


def suppress(n: IntArray, k: IntArray, relations: Relations) -> Suppression:
    """Primary suppression, then complementary suppression until the audit finds nothing.

    ``n`` and ``k`` are per cell. Every relation must hold for ``n`` (checked): a relation that
    does not hold would make the audit's reasoning about an attacker meaningless.
    """
    n = np.asarray(n, dtype=np.int64)
    k = np.asarray(k, dtype=np.int64)
    if n.shape != k.shape or n.ndim != 1:
        raise ValueError("Counts and thresholds must be flat arrays of the same length.")
    if np.any(n < 0):
        raise ValueError("Counts cannot be negative.")
    if len(relations) and np.any(relations.residuals(n) != 0):
        raise ValueError("A relation does not hold for the counts given.")
    primary = primary_suppression(n, k)
    suppressed = primary.copy()
    rounds = 0
    _complement_to_fixed_point(n, suppressed, relations)
    relation_of = relations.relation_ids()
    while True:
        exposed = recoverable_cells(suppressed, relations)
        # A hidden cell that is determined to be empty reveals nobody: an empty category is
        # known to be empty from the totals whatever is suppressed, so it is not protected.
        exposed = exposed[n[exposed] > 0]
        if exposed.size == 0:
            break
        rounds += 1
        changed = False
        for cell in exposed.tolist():
            changed |= _protect(n, suppressed, relations, relation_of, cell)
        # When nothing is left to suppress beside the exposed cells (their relations are hidden
        # already), look further along the relations they are linked through.
        if not changed and not _protect_anywhere(n, suppressed, relations, relation_of, exposed):
            break
        _complement_to_fixed_point(n, suppressed, relations)
    return Suppression(suppressed=suppressed, primary=primary, audit_rounds=rounds)


def _protect(
    n: IntArray, suppressed: BoolArray, relations: Relations, relation_of: IntArray, cell: int
) -> bool:
    """Suppress the smallest published non-zero cell in any relation through ``cell``."""
    through = np.unique(relation_of[relations.cells == cell])
    best: tuple[int, int] | None = None
    for relation in through.tolist():
        candidate = _smallest_published(n, suppressed, relations, relation)
        if candidate is not None and (best is None or (int(n[candidate]), candidate) < best):
            best = (int(n[candidate]), candidate)
    if best is None:
        return False
    suppressed[best[1]] = True
    return True


def _protect_anywhere(
    n: IntArray,
    suppressed: BoolArray,
    relations: Relations,
    relation_of: IntArray,
    exposed: IntArray,
) -> bool:
    """Widen the search: suppress a published cell in a relation sharing a suppressed cell."""
    frontier = set(exposed.tolist())
    visited = set(frontier)
    seen_relations: set[int] = set()
    while frontier:
        mask = np.isin(relations.cells, np.fromiter(frontier, dtype=np.int64))
        touched = set(np.unique(relation_of[mask]).tolist()) - seen_relations
        if not touched:
            return False
        seen_relations |= touched
        best: tuple[int, int] | None = None
        next_frontier: set[int] = set()
        for relation in sorted(touched):
            cells = relations.cells[relations.start[relation] : relations.start[relation + 1]]
            next_frontier |= set(cells[suppressed[cells]].tolist())
            candidate = _smallest_published(n, suppressed, relations, relation)
            if candidate is not None and (best is None or (int(n[candidate]), candidate) < best):
                best = (int(n[candidate]), candidate)
        if best is not None:
            suppressed[best[1]] = True
            return True
        frontier = next_frontier - visited
        visited |= frontier
    return False


def recover(published: NDArray[np.float64], relations: Relations) -> dict[int, float]:
    """What an attacker learns: the exact value of every determined suppressed cell.

    ``published`` holds the published counts with ``nan`` for suppressed cells. The unknowns solve
    ``A_hidden x = -A_published n_published``; least squares gives one solution, exact on every
    cell that ``recoverable_cells`` reports (those cells are the same for every solution).
    """
    hidden = np.isnan(published)
    determined = recoverable_cells(hidden, relations)
    if determined.size == 0:
        return {}
    hidden_cells = np.flatnonzero(hidden)
    column_of = np.full(published.size, -1, dtype=np.int64)
    column_of[hidden_cells] = np.arange(hidden_cells.size)
    relation_of = relations.relation_ids()
    known = np.where(hidden, 0.0, published)
    rhs = -np.bincount(
        relation_of,
        weights=relations.coefficients * known[relations.cells],
        minlength=len(relations),
    )
    matrix = np.zeros((len(relations), hidden_cells.size), dtype=np.float64)
    entry_hidden = hidden[relations.cells]
    np.add.at(
        matrix,
        (relation_of[entry_hidden], column_of[relations.cells[entry_hidden]]),
        relations.coefficients[entry_hidden],
    )
    solution, *_ = np.linalg.lstsq(matrix, rhs, rcond=None)
    return {int(c): float(solution[column_of[c]]) for c in determined.tolist()}


def protection_intervals(
    published: NDArray[np.float64], relations: Relations
) -> tuple[IntArray, NDArray[np.float64], NDArray[np.float64]]:
    """The range an attacker can narrow each hidden cell to, using sums **and** ``x >= 0``.

    ``published`` holds the published counts with ``nan`` for hidden cells. For every hidden cell
    two linear programmes (OR-Tools GLOP) find the smallest and largest value it can take while all
    relations hold and every hidden count is non-negative. Returns ``(cells, low, high)``.

    This is the linear relaxation: counts are integers, so the attacker's real range is
    ``ceil(low) .. floor(high)``; the integer range can be narrower still in rare cases the
    relaxation does not see. A hidden cell with no relation is unbounded (``high = inf``).
    """
    from ortools.linear_solver import pywraplp

    hidden = np.isnan(published)
    hidden_cells = np.flatnonzero(hidden)
    low = np.zeros(hidden_cells.size)
    high = np.full(hidden_cells.size, np.inf)
    if hidden_cells.size == 0:
        return hidden_cells, low, high
    column_of = np.full(published.size, -1, dtype=np.int64)
    column_of[hidden_cells] = np.arange(hidden_cells.size)
    relation_of = relations.relation_ids()
    known = np.where(hidden, 0.0, published)
    rhs = -np.bincount(
        relation_of,
        weights=relations.coefficients * known[relations.cells],
        minlength=len(relations),
    )
    entry_hidden = hidden[relations.cells]
    entry_relation = relation_of[entry_hidden]
    entry_column = column_of[relations.cells[entry_hidden]]
    entry_coefficient = relations.coefficients[entry_hidden]
    roots = _component_roots(hidden_cells.size, entry_relation, entry_column)
    entry_root = roots[entry_column]
    order = np.argsort(entry_root, kind="stable")
    bounds = np.searchsorted(entry_root[order], np.unique(entry_root), side="left").tolist()
    bounds.append(order.size)
    # One small LP per connected component of hidden cells.
    for begin, end in itertools.pairwise(bounds):
        entries = order[begin:end]
        columns = np.unique(entry_column[entries]).tolist()
        solver = pywraplp.Solver.CreateSolver("GLOP")
        variables = {c: solver.NumVar(0.0, solver.infinity(), "") for c in columns}
        constraints: dict[int, Any] = {}
        for e in entries.tolist():
            relation = int(entry_relation[e])
            if relation not in constraints:
                value = float(rhs[relation])
                constraints[relation] = solver.Constraint(value, value)
            constraints[relation].SetCoefficient(
                variables[int(entry_column[e])], float(entry_coefficient[e])
            )
        objective = solver.Objective()
        for column in columns:
            objective.Clear()
            objective.SetCoefficient(variables[column], 1.0)
            objective.SetMinimization()
            if solver.Solve() == pywraplp.Solver.OPTIMAL:
                low[column] = objective.Value()
            objective.SetMaximization()
            if solver.Solve() == pywraplp.Solver.OPTIMAL:
                high[column] = objective.Value()
    return hidden_cells, low, high


def narrowed_cells(published: NDArray[np.float64], relations: Relations, n: IntArray) -> IntArray:
    """Hidden non-empty cells whose integer range is a single value once ``x >= 0`` is used."""
    cells, low, high = protection_intervals(published, relations)
    exact = np.ceil(low - 1e-6) >= np.floor(high + 1e-6)
    return cells[exact & (n[cells] > 0)]
