"""The priority score, the ranked list, and trends between waves."""

from __future__ import annotations

import pytest

from skillcommons.needs.priority import compare_waves, score_cell, where_to_act
from skillcommons.needs.publish import ALL, PublishedCell, PublishedTable


def cell(
    row: str,
    skill: int | None,
    *,
    n: int = 20,
    proficiency: float = 1.0,
    importance: float = 3.0,
    demand: float = 0.5,
    supply: float = 0.1,
    fragility: float | None = None,
) -> PublishedCell:
    return PublishedCell(
        row,
        skill,
        n,
        proficiency,
        importance,
        importance - proficiency,
        demand,
        supply,
        fragility,
        False,
    )


def hidden(row: str, skill: int | None) -> PublishedCell:
    return PublishedCell(row, skill, None, None, None, None, None, None, None, True)


def table(cells: list[PublishedCell]) -> PublishedTable:
    rows = tuple(dict.fromkeys(c.row for c in cells))
    skills = tuple(dict.fromkeys(c.skill for c in cells))
    return PublishedTable("region", rows, skills, tuple(cells))


def test_score_combines_documented_components() -> None:
    priority = score_cell("region", cell("north", 1, fragility=0.5))
    assert priority is not None
    assert priority.need == pytest.approx(0.5)  # (3 - 1) / 4
    assert priority.demand == pytest.approx(0.5)
    assert priority.coverage_gap == pytest.approx(0.8)  # (0.5 - 0.1) / 0.5
    assert priority.fragility == pytest.approx(0.5)
    assert priority.score == pytest.approx(100 * (0.4 * 0.5 + 0.25 * 0.5 + 0.2 * 0.8 + 0.15 * 0.5))


def test_without_fragility_the_other_weights_are_rescaled() -> None:
    priority = score_cell("region", cell("north", 1))
    assert priority is not None and priority.fragility is None
    expected = 100 * (0.4 * 0.5 + 0.25 * 0.5 + 0.2 * 0.8) / 0.85
    assert priority.score == pytest.approx(expected, abs=0.05)


def test_surplus_and_full_coverage_score_zero_and_suppressed_cells_have_no_score() -> None:
    calm = score_cell(
        "region", cell("north", 1, proficiency=4, importance=1, demand=0.0, supply=0.6)
    )
    assert calm is not None and calm.score == 0
    assert score_cell("region", hidden("north", 1)) is None


def test_where_to_act_ranks_published_inner_cells_only() -> None:
    cells = [
        cell("north", 1, importance=4, proficiency=0),
        cell("north", 2, importance=2, proficiency=2),
        hidden("south", 1),
        cell("south", 2, importance=3, proficiency=1),
        cell(ALL, 1, importance=4, proficiency=0, n=500),
        cell("north", None, importance=4, proficiency=0),
    ]
    ranked = where_to_act(table(cells))
    assert [(p.row, p.skill) for p in ranked] == [("north", 1), ("south", 2), ("north", 2)]
    assert [p.row for p in where_to_act(table(cells), limit=1)] == ["north"]
    assert [(p.row, p.skill) for p in where_to_act(table(cells), skills=[2])] == [
        ("south", 2),
        ("north", 2),
    ]


def test_trends_only_on_cells_published_in_both_waves() -> None:
    before = table(
        [cell("north", 1, importance=3), cell("north", 2), hidden("south", 1), cell("south", 2)]
    )
    after = table(
        [cell("north", 1, importance=4), hidden("north", 2), cell("south", 1), cell("south", 2)]
    )
    trends = {
        (t.row, t.skill): t for t in compare_waves(before, after, measure="need", threshold=0.5)
    }
    assert set(trends) == {("north", 1), ("south", 2)}
    assert trends["north", 1].direction == "up" and trends["north", 1].change == pytest.approx(1)
    assert trends["south", 2].direction == "stable"
    down = compare_waves(after, before, measure="need", threshold=0.5)
    assert {(t.row, t.skill): t.direction for t in down}["north", 1] == "down"


def test_trend_of_the_score_uses_the_threshold_in_points() -> None:
    before = table([cell("north", 1, demand=0.5)])
    after = table([cell("north", 1, demand=0.52)])
    (trend,) = compare_waves(before, after)
    assert trend.measure == "score" and trend.direction == "stable"
    with pytest.raises(ValueError, match="negative"):
        compare_waves(before, after, threshold=-1)
