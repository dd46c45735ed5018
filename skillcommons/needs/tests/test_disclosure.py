"""Suppression and its audit: nothing hidden can be recovered by differencing published totals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from skillcommons.needs.disclosure import (
    Relations,
    complementary_suppression,
    narrowed_cells,
    primary_suppression,
    protection_intervals,
    recover,
    recoverable_cells,
    suppress,
)


def table_with_margins(inner: np.ndarray) -> tuple[np.ndarray, Relations]:
    """A rows × columns table plus a margin row, margin column and grand total, flattened.

    Cells are laid out ``(rows + 1) × (columns + 1)``; every row and every column adds up.
    """
    rows, columns = inner.shape
    full = np.zeros((rows + 1, columns + 1), dtype=np.int64)
    full[:rows, :columns] = inner
    full[rows, :columns] = inner.sum(axis=0)
    full[:rows, columns] = inner.sum(axis=1)
    full[rows, columns] = inner.sum()
    index = np.arange(full.size).reshape(full.shape)
    relations = []
    for r in range(rows + 1):
        relations.append(
            ([*index[r, :columns].tolist(), int(index[r, columns])], [1] * columns + [-1])
        )
    for c in range(columns + 1):
        relations.append(([*index[:rows, c].tolist(), int(index[rows, c])], [1] * rows + [-1]))
    return full.reshape(-1), Relations.from_lists(relations)


def published(n: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    return np.where(hidden, np.nan, n.astype(np.float64))


# Regions × skills; one cell (row 0, column 0) has three respondents.
ATTACK_TABLE = np.array([[3, 40, 22], [17, 25, 30], [12, 9, 41]])


def test_primary_only_publication_is_recovered_by_differencing_totals() -> None:
    n, relations = table_with_margins(ATTACK_TABLE)
    k = np.full(n.size, 5)
    naive = primary_suppression(n, k)
    assert np.flatnonzero(naive).tolist() == [0]
    # The attacker subtracts the published cells of row 0 from the row total: 65 - 40 - 22 = 3.
    assert recoverable_cells(naive, relations).tolist() == [0]
    assert recover(published(n, naive), relations) == {0: pytest.approx(3.0)}


def test_complementary_suppression_defeats_the_same_attack() -> None:
    n, relations = table_with_margins(ATTACK_TABLE)
    outcome = suppress(n, np.full(n.size, 5), relations)
    assert outcome.suppressed[0]
    # A lone hidden cell in a row or column is recovered: at least a 2 × 2 rectangle is hidden.
    assert outcome.suppressed.sum() >= 4
    assert recoverable_cells(outcome.suppressed, relations).size == 0
    assert recover(published(n, outcome.suppressed), relations) == {}
    assert np.all(n[~outcome.suppressed] >= 5)


def test_two_hidden_cells_in_a_row_can_still_be_recovered_through_their_columns() -> None:
    # Hiding (0, 0) and (0, 1) protects row 0, but each is alone in its column.
    n, relations = table_with_margins(ATTACK_TABLE)
    hidden = np.zeros(n.size, dtype=np.bool_)
    hidden[[0, 1]] = True
    assert recoverable_cells(hidden, relations).tolist() == [0, 1]
    hidden[[4, 5]] = True  # row 1, columns 0 and 1: a rectangle
    assert recoverable_cells(hidden, relations).size == 0


def test_the_audit_catches_what_the_line_by_line_heuristic_misses() -> None:
    n, relations = table_with_margins(
        np.array([[11, 4, 1, 4], [5, 6, 11, 6], [8, 10, 4, 3], [2, 6, 11, 7]])
    )
    k = np.full(n.size, 5)
    heuristic = complementary_suppression(n, primary_suppression(n, k), relations)
    leaked = recoverable_cells(heuristic, relations)
    assert np.any(n[leaked] > 0), "every line has two hidden cells, yet lines combined leak"
    outcome = suppress(n, k, relations)
    assert outcome.audit_rounds >= 1
    assert np.all(n[recoverable_cells(outcome.suppressed, relations)] == 0)


def test_relations_that_do_not_hold_are_refused() -> None:
    relations = Relations.from_lists([([0, 1, 2], [1, 1, -1])])
    with pytest.raises(ValueError, match="does not hold"):
        suppress(np.array([1, 2, 4]), np.full(3, 5), relations)


def rank_oracle(hidden: np.ndarray, relations: Relations) -> list[int]:
    """Independent check: ``e_j`` is in the row space of ``A`` iff adding it keeps the rank."""
    columns = np.flatnonzero(hidden)
    matrix = np.zeros((len(relations), columns.size))
    for r in range(len(relations)):
        for cell, coefficient in zip(
            relations.cells[relations.start[r] : relations.start[r + 1]],
            relations.coefficients[relations.start[r] : relations.start[r + 1]],
            strict=True,
        ):
            if hidden[cell]:
                matrix[r, np.searchsorted(columns, cell)] += coefficient
    rank = np.linalg.matrix_rank(matrix) if matrix.size else 0
    result = []
    for j, cell in enumerate(columns):
        unit = np.zeros((1, columns.size))
        unit[0, j] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            result.append(int(cell))
    return result


small_tables = st.tuples(st.integers(2, 6), st.integers(2, 6)).flatmap(
    lambda shape: arrays(np.int64, shape, elements=st.integers(0, 14))
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inner=small_tables, data=st.data())
def test_audit_agrees_with_a_rank_oracle(inner: np.ndarray, data: st.DataObject) -> None:
    n, relations = table_with_margins(inner)
    hidden = np.array(data.draw(st.lists(st.booleans(), min_size=n.size, max_size=n.size)))
    assert recoverable_cells(hidden, relations).tolist() == rank_oracle(hidden, relations)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inner=small_tables, k=st.integers(2, 8))
def test_after_suppression_no_hidden_cell_is_recoverable(inner: np.ndarray, k: int) -> None:
    n, relations = table_with_margins(inner)
    outcome = suppress(n, np.full(n.size, k), relations)
    assert np.all(outcome.suppressed[outcome.primary])
    assert np.all(n[~outcome.suppressed] >= k)
    # Only empty cells may be pinned down (to zero): they reveal nobody.
    assert np.all(n[recoverable_cells(outcome.suppressed, relations)] == 0)
    assert all(
        v == pytest.approx(0, abs=1e-6)
        for v in recover(published(n, outcome.suppressed), relations).values()
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inner=small_tables, groups=st.integers(1, 3), data=st.data())
def test_nested_tables_are_protected_together(
    inner: np.ndarray, groups: int, data: st.DataObject
) -> None:
    """A second table groups the rows (countries into regions): differencing across tables."""
    rows, columns = inner.shape
    group_of = np.array(
        data.draw(st.lists(st.integers(0, groups - 1), min_size=rows, max_size=rows))
    )
    n_fine, fine_relations = table_with_margins(inner)
    present = np.unique(group_of)
    coarse_inner = np.stack([inner[group_of == g].sum(axis=0) for g in present])
    n_coarse, coarse_relations = table_with_margins(coarse_inner)
    offset = n_fine.size
    width = columns + 1
    links = []
    for i, g in enumerate(present.tolist()):
        members = np.flatnonzero(group_of == g)
        for c in range(width):
            links.append(
                (
                    [*(members * width + c).tolist(), offset + i * width + c],
                    [1] * members.size + [-1],
                )
            )
    relations = Relations.concatenate(
        [
            fine_relations,
            Relations(
                coarse_relations.start,
                coarse_relations.cells + offset,
                coarse_relations.coefficients,
            ),
            Relations.from_lists(links),
        ]
    )
    n = np.concatenate([n_fine, n_coarse])
    outcome = suppress(n, np.full(n.size, 5), relations)
    assert np.all(n[~outcome.suppressed] >= 5)
    assert np.all(n[recoverable_cells(outcome.suppressed, relations)] == 0)


def test_interval_audit_sees_what_non_negativity_gives_away() -> None:
    # A 2 × 2 rectangle is hidden: (0, 0) = 3, (0, 1) = 0, (1, 0) = 17, (1, 1) = 0. No sum fixes
    # a hidden cell, but column 1's hidden cells add up to 0, so both are 0, and then (0, 0) = 3.
    inner = np.array([[3, 0, 22], [17, 0, 30], [12, 9, 41]])
    n, relations = table_with_margins(inner)
    hidden = np.zeros(n.size, dtype=np.bool_)
    hidden[[0, 1, 4, 5]] = True
    assert np.all(n[recoverable_cells(hidden, relations)] == 0)
    assert narrowed_cells(published(n, hidden), relations, n).tolist() == [0, 4]
    cells, low, high = protection_intervals(published(n, hidden), relations)
    assert dict(zip(cells.tolist(), zip(low.tolist(), high.tolist(), strict=True), strict=True))[
        0
    ] == pytest.approx((3.0, 3.0))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inner=small_tables)
def test_after_suppression_non_negativity_pins_no_hidden_cell(inner: np.ndarray) -> None:
    n, relations = table_with_margins(inner)
    outcome = suppress(n, np.full(n.size, 5), relations)
    assert narrowed_cells(published(n, outcome.suppressed), relations, n).size == 0
