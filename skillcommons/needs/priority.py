"""Where to act: a priority score per published cell, a ranked list, and trends between waves.

Pure functions over published tables (``publish.PublishedTable``): suppressed cells have no score,
so nothing here can reveal more than the publication does.

The score (0–100) is a weighted sum of four components, each scaled to 0–1:

- **need**: importance minus proficiency, negative values (more skill than needed) counted as 0,
  divided by 4 (the largest possible gap);
- **demand**: the weighted share of respondents who want to learn the skill;
- **coverage gap**: the part of the demand that people able to teach do not cover,
  ``max(0, demand − supply) / demand`` (0 when nobody wants to learn);
- **fragility**: the weighted share of groups for whom the skill rests on one person.

Weights: need 0.40, demand 0.25, coverage gap 0.20, fragility 0.15. Fragility is only asked of
groups; where nobody rated it the other three weights are scaled up to sum to one, so cells with
and without groups stay comparable. Each component is returned beside the score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from skillcommons.needs.aggregate import MAX_SCORE
from skillcommons.needs.publish import ALL, PublishedCell, PublishedTable

WEIGHTS: Mapping[str, float] = {
    "need": 0.40,
    "demand": 0.25,
    "coverage_gap": 0.20,
    "fragility": 0.15,
}
#: Default change (in score points, or in the measure's own unit) below which a trend is stable.
DEFAULT_TREND_THRESHOLD = 5.0

Measure = Literal[
    "score", "need", "demand", "supply", "fragility", "proficiency", "importance", "n"
]
Direction = Literal["up", "down", "stable"]


@dataclass(frozen=True)
class Priority:
    """The score of one published cell, with its components (each 0–1)."""

    dimension: str
    row: str
    skill: int | None
    n: int
    score: float
    need: float
    demand: float
    coverage_gap: float
    #: ``None`` where no group rated robustness (the score then leaves fragility out).
    fragility: float | None


def score_cell(dimension: str, cell: PublishedCell) -> Priority | None:
    """The priority of a published cell; ``None`` for a suppressed cell."""
    if cell.suppressed or cell.n is None or cell.need is None:
        return None
    need = min(max(cell.need, 0.0), float(MAX_SCORE)) / MAX_SCORE
    demand = cell.demand or 0.0
    supply = cell.supply or 0.0
    coverage_gap = max(0.0, demand - supply) / demand if demand > 0 else 0.0
    parts = {"need": need, "demand": demand, "coverage_gap": coverage_gap}
    if cell.fragility is not None:
        parts["fragility"] = cell.fragility
    total_weight = sum(WEIGHTS[name] for name in parts)
    score = 100.0 * sum(WEIGHTS[name] * value for name, value in parts.items()) / total_weight
    return Priority(
        dimension=dimension,
        row=cell.row,
        skill=cell.skill,
        n=cell.n,
        score=round(score, 1),
        need=round(need, 3),
        demand=round(demand, 3),
        coverage_gap=round(coverage_gap, 3),
        fragility=None if cell.fragility is None else round(cell.fragility, 3),
    )


def _inner_cells(table: PublishedTable, include_margins: bool) -> Iterable[PublishedCell]:
    for cell in table.cells:
        if include_margins or (cell.row != ALL and cell.skill is not None):
            yield cell


def where_to_act(
    table: PublishedTable,
    *,
    limit: int | None = 20,
    skills: Iterable[int] | None = None,
    include_margins: bool = False,
) -> list[Priority]:
    """Published cells of a table by falling priority (ties: more respondents, then row, skill).

    By default the margin row and the "all skills" column are left out: they are not places to
    act. ``skills`` restricts the list (for example to one level of the tree).
    """
    wanted = None if skills is None else set(skills)
    ranked = [
        priority
        for cell in _inner_cells(table, include_margins)
        if wanted is None or cell.skill in wanted
        if (priority := score_cell(table.dimension, cell)) is not None
    ]
    ranked.sort(key=lambda p: (-p.score, -p.n, p.row, -1 if p.skill is None else p.skill))
    return ranked if limit is None else ranked[:limit]


@dataclass(frozen=True)
class Trend:
    """The change of a measure in a cell published in both waves."""

    row: str
    skill: int | None
    measure: Measure
    before: float
    after: float
    change: float
    direction: Direction


def _measure(dimension: str, cell: PublishedCell, measure: Measure) -> float | None:
    if cell.suppressed:
        return None
    if measure == "score":
        priority = score_cell(dimension, cell)
        return None if priority is None else priority.score
    value: float | int | None = getattr(cell, measure)
    return None if value is None else float(value)


def compare_waves(
    before: PublishedTable,
    after: PublishedTable,
    *,
    measure: Measure = "score",
    threshold: float = DEFAULT_TREND_THRESHOLD,
) -> list[Trend]:
    """Trends per cell between two waves of the same table.

    Only cells published in **both** waves are compared (matched by row label and skill): a cell
    suppressed in either wave has no trend, so the comparison shows nothing the two publications
    do not. A change whose size is at most ``threshold`` is ``stable``.
    """
    if before.dimension != after.dimension:
        raise ValueError("Waves can only be compared on the same dimension.")
    if threshold < 0:
        raise ValueError("The threshold cannot be negative.")
    earlier = {(c.row, c.skill): c for c in before.cells}
    trends = []
    for cell in after.cells:
        previous = earlier.get((cell.row, cell.skill))
        if previous is None:
            continue
        old = _measure(before.dimension, previous, measure)
        new = _measure(after.dimension, cell, measure)
        if old is None or new is None:
            continue
        change = round(new - old, 3)
        direction: Direction = (
            "stable" if abs(change) <= threshold else ("up" if change > 0 else "down")
        )
        trends.append(Trend(cell.row, cell.skill, measure, old, new, change, direction))
    return trends
