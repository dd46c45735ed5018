"""The differential-privacy mode of the needs tables: calibrated Gaussian noise through OpenDP.

Pure (NumPy and OpenDP, no ORM). ``noisy_publication`` takes the same answer rows as
``publish.publish_rows`` and returns tables of the same shape (``publish.PublishedTable``) whose
counts and means carry noise, with the privacy loss (epsilon, delta, and rho) recorded.

Unit of privacy: **one respondent** (all of their answers). A respondent counts in the overall row
and in one row of each published dimension, in at most every column (each skill and the "all
skills" column): ``cells_per_person = (1 + dimensions) × (skills + 1)`` cells. Per cell seven
quantities are released: the count ``n``, the sums of proficiency and importance (each person's
value 0–4 in the cell), and the counts of those who want to learn, can teach, rated robustness,
and rated it 0 (each 0 or 1). Each quantity is divided by its bound (4 or 1) so every entry of the
released vector moves by at most 1 when one person is added or removed; the L2 sensitivity of the
whole vector is therefore ``sqrt(cells_per_person × 7)``. One Gaussian mechanism
(``opendp.measurements.make_gaussian``, zero-concentrated DP) adds noise to the whole vector, and
its privacy loss ``rho`` is converted to ``(epsilon, delta)`` by OpenDP; the noise scale is the
smallest that keeps epsilon within the budget at the given delta.

Means are unweighted in this mode: survey weights would make one person's contribution unbounded
(and the weights are themselves derived from the data). Everything after the noise is
post-processing and costs no budget: means are noisy sums over noisy counts, clipped to their
range; a cell whose noisy count is below the release threshold (``k`` or twice the noise's
standard deviation, whichever is larger) is published as suppressed. No complementary suppression
is needed: noisy values cannot be subtracted into exact ones.

The budget is per publication: publishing the same wave twice spends it twice, so a wave's DP
release is computed once and stored (see ``docs/decisions/0014-needs-open-data-and-dp.md``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from skillcommons.needs.aggregate import (
    MAX_SCORE,
    MISSING,
    AssessmentRows,
    Cube,
    Dimension,
    FloatArray,
    SkillTree,
    build_cube,
)
from skillcommons.needs.publish import ALL, DECIMALS, PublishedCell, PublishedTable

DEFAULT_EPSILON = 1.0
DEFAULT_DELTA = 1e-6
#: The quantities released per cell and the most one person can add to each in one cell.
QUANTITIES: tuple[tuple[str, float], ...] = (
    ("n", 1.0),
    ("proficiency_sum", float(MAX_SCORE)),
    ("importance_sum", float(MAX_SCORE)),
    ("wants_to_learn", 1.0),
    ("can_teach", 1.0),
    ("rated", 1.0),
    ("fragile", 1.0),
)
#: Published noisy counts are at least this many noise standard deviations.
THRESHOLD_SIGMAS = 2.0
_SEARCH_STEPS = 80


@dataclass(frozen=True)
class Budget:
    """The privacy loss allowed for one publication: ``(epsilon, delta)``-DP."""

    epsilon: float = DEFAULT_EPSILON
    delta: float = DEFAULT_DELTA

    def __post_init__(self) -> None:
        if not (math.isfinite(self.epsilon) and 0 < self.epsilon <= 100):
            raise ValueError("epsilon must be a number above 0 and at most 100.")
        if not 0 < self.delta < 1e-3:
            raise ValueError("delta must be above 0 and below 0.001.")


@dataclass(frozen=True)
class NoisyPublication:
    """Tables with noise, and everything needed to state the guarantee next to them."""

    tables: tuple[PublishedTable, ...]
    #: The privacy loss actually spent (at most the budget's epsilon) at ``delta``.
    epsilon: float
    delta: float
    #: Zero-concentrated DP parameter of the Gaussian mechanism (what OpenDP accounts in).
    rho: float
    #: Standard deviation of the noise on a count (on a sum of 0–4 values it is 4× larger).
    count_sigma: float
    #: L2 sensitivity of the normalised release vector.
    sensitivity: float
    #: Noisy counts below this are published as suppressed.
    threshold: int

    @property
    def suppressed_cells(self) -> int:
        return sum(c.suppressed for t in self.tables for c in t.cells)

    @property
    def min_published_n(self) -> int | None:
        published = [c.n for t in self.tables for c in t.cells if c.n is not None]
        return min(published) if published else None

    def table(self, dimension: str) -> PublishedTable:
        return next(t for t in self.tables if t.dimension == dimension)


def sensitivity(skills: int, dimensions: int) -> float:
    """L2 sensitivity of the normalised release vector for one added or removed respondent."""
    cells_per_person = (1 + dimensions) * (skills + 1)
    return math.sqrt(cells_per_person * len(QUANTITIES))


def _opendp() -> Any:
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp


def _mechanism(scale: float) -> Any:
    dp = _opendp()
    space = (
        dp.vector_domain(dp.atom_domain(T=float, nan=False)),
        dp.l2_distance(T=float),
    )
    return dp.m.make_gaussian(*space, scale=scale)


def _epsilon(scale: float, d_in: float, delta: float) -> tuple[float, float]:
    """``(epsilon at delta, rho)`` of the Gaussian mechanism with ``scale`` for input ``d_in``."""
    dp = _opendp()
    mechanism = _mechanism(scale)
    rho = float(mechanism.map(d_in))
    profile = dp.c.make_zCDP_to_approxDP(mechanism).map(d_in)
    return float(profile.epsilon(delta)), rho


def calibrate(d_in: float, budget: Budget) -> tuple[float, float, float]:
    """The smallest noise scale whose epsilon at ``budget.delta`` is within ``budget.epsilon``.

    Returns ``(scale, epsilon spent, rho)``; a bisection over OpenDP's own accounting.
    """
    low, high = 1e-6, 1.0
    while _epsilon(high, d_in, budget.delta)[0] > budget.epsilon:
        low, high = high, high * 2
    for _ in range(_SEARCH_STEPS):
        middle = (low + high) / 2
        if _epsilon(middle, d_in, budget.delta)[0] > budget.epsilon:
            low = middle
        else:
            high = middle
    spent, rho = _epsilon(high, d_in, budget.delta)
    return high, spent, rho


def _exact_quantities(
    rows: AssessmentRows, tree: SkillTree, dimensions: tuple[Dimension, ...]
) -> tuple[Cube, dict[str, FloatArray]]:
    """Per flat cell, the unweighted quantities of ``QUANTITIES`` (before noise)."""
    unweighted = replace(rows, weight=np.ones(len(rows)))
    cube = build_cube(unweighted, tree, dimensions)
    n = cube.n.astype(np.float64)

    def total(mean: FloatArray, count: FloatArray) -> FloatArray:
        return np.asarray(np.nan_to_num(mean) * count, dtype=np.float64)

    rated_mask = rows.robustness != MISSING
    if rated_mask.any():
        rated_rows = AssessmentRows(
            respondent=rows.respondent[rated_mask],
            weight=np.ones(int(rated_mask.sum())),
            skill=rows.skill[rated_mask],
            proficiency=rows.proficiency[rated_mask],
            importance=rows.importance[rated_mask],
            wants_to_learn=rows.wants_to_learn[rated_mask],
            can_teach=rows.can_teach[rated_mask],
            robustness=rows.robustness[rated_mask],
            dimensions={name: codes[rated_mask] for name, codes in rows.dimensions.items()},
        )
        rated = build_cube(rated_rows, tree, dimensions).n.astype(np.float64)
    else:
        rated = np.zeros_like(n)
    return cube, {
        "n": n,
        "proficiency_sum": total(cube.proficiency, n),
        "importance_sum": total(cube.importance, n),
        "wants_to_learn": total(cube.demand, n),
        "can_teach": total(cube.supply, n),
        "rated": rated,
        "fragile": total(cube.fragility, rated),
    }


def add_noise(exact: dict[str, FloatArray], scale: float) -> dict[str, FloatArray]:
    """One OpenDP Gaussian release of every quantity, normalised by its bound then scaled back."""
    names = [name for name, _bound in QUANTITIES]
    bounds = dict(QUANTITIES)
    normalised = np.concatenate([exact[name] / bounds[name] for name in names])
    released = np.asarray(_mechanism(scale)(normalised.tolist()), dtype=np.float64)
    size = exact["n"].size
    return {
        name: released[i * size : (i + 1) * size] * bounds[name] for i, name in enumerate(names)
    }


def _ratio(numerator: float, denominator: float, high: float) -> float:
    return round(min(max(numerator / denominator, 0.0), high), DECIMALS)


def noisy_publication(
    rows: AssessmentRows,
    tree: SkillTree,
    dimensions: tuple[Dimension, ...],
    *,
    budget: Budget | None = None,
    k: int = 5,
) -> NoisyPublication:
    """Every table of the wave with Gaussian noise calibrated to ``budget`` (see module doc)."""
    budget = budget or Budget()
    if k < 1:
        raise ValueError("k must be at least 1.")
    cube, exact = _exact_quantities(rows, tree, dimensions)
    d_in = sensitivity(tree.size, len(dimensions))
    scale, spent, rho = calibrate(d_in, budget)
    noisy = add_noise(exact, scale)
    threshold = max(k, math.ceil(THRESHOLD_SIGMAS * scale))

    def cell(flat: int, row: str, skill: int | None) -> PublishedCell:
        count = float(noisy["n"][flat])
        if count < threshold:
            return PublishedCell(row, skill, None, None, None, None, None, None, None, True)
        proficiency = _ratio(float(noisy["proficiency_sum"][flat]), count, MAX_SCORE)
        importance = _ratio(float(noisy["importance_sum"][flat]), count, MAX_SCORE)
        rated = float(noisy["rated"][flat])
        fragility = (
            _ratio(float(noisy["fragile"][flat]), rated, 1.0) if rated >= threshold else None
        )
        return PublishedCell(
            row=row,
            skill=skill,
            n=round(count),
            proficiency=proficiency,
            importance=importance,
            need=round(importance - proficiency, DECIMALS),
            demand=_ratio(float(noisy["wants_to_learn"][flat]), count, 1.0),
            supply=_ratio(float(noisy["can_teach"][flat]), count, 1.0),
            fragility=fragility,
            suppressed=False,
        )

    skills: tuple[int | None, ...] = (*tree.ids, None)
    tables = []
    for dim, offset in zip(cube.dimensions, cube.offsets, strict=True):
        cells = [
            cell(offset + code * cube.columns + column, label, skill)
            for code, label in enumerate(dim.labels)
            for column, skill in enumerate(skills)
        ]
        cells += [cell(column, ALL, skill) for column, skill in enumerate(skills)]
        tables.append(
            PublishedTable(
                dimension=dim.name, rows=(*dim.labels, ALL), skills=skills, cells=tuple(cells)
            )
        )
    return NoisyPublication(
        tables=tuple(tables),
        epsilon=spent,
        delta=budget.delta,
        rho=rho,
        count_sigma=scale,
        sensitivity=d_in,
        threshold=threshold,
    )
