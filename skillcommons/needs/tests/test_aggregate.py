"""The cube: roll-up through the skill tree counts respondents once; means are weighted."""

from __future__ import annotations

import math

import numpy as np
import pytest

from skillcommons.needs.aggregate import (
    AssessmentRows,
    Dimension,
    SkillTree,
    build_cube,
)

# Area 1 > skill 2 > sub-skills 3 and 4; area 5 on its own.
TREE = SkillTree.from_parents({1: None, 2: 1, 3: 2, 4: 2, 5: None})
DIMENSIONS = (
    Dimension("region", ("north", "south")),
    Dimension("country", ("a", "b", "c")),
)
COUNTRY_REGION = np.array([0, 0, 1])


def rows(records: list[tuple[int, float, int, int, int, int, bool, bool, int]]) -> AssessmentRows:
    """(respondent, weight, country, skill, proficiency, importance, wants, teaches, robustness)."""
    a = list(zip(*records, strict=True))
    country = np.array(a[2], dtype=np.int64)
    return AssessmentRows(
        respondent=np.array(a[0], dtype=np.int64),
        weight=np.array(a[1], dtype=np.float64),
        skill=np.array(a[3], dtype=np.int64),
        proficiency=np.array(a[4], dtype=np.int64),
        importance=np.array(a[5], dtype=np.int64),
        wants_to_learn=np.array(a[6], dtype=np.bool_),
        can_teach=np.array(a[7], dtype=np.bool_),
        robustness=np.array(a[8], dtype=np.int64),
        dimensions={"region": COUNTRY_REGION[country], "country": country},
    )


RECORDS = [
    # Respondent 10 (weight 1, country a) answered both sub-skills of skill 2.
    (10, 1.0, 0, 3, 1, 3, True, False, 0),
    (10, 1.0, 0, 4, 3, 3, False, True, 2),
    # Respondent 11 (weight 3, country a) answered sub-skill 3 and area 5.
    (11, 3.0, 0, 3, 4, 4, False, True, -1),
    (11, 3.0, 0, 5, 0, 2, True, False, -1),
    # Respondent 12 (weight 2, country c) answered skill 2 directly.
    (12, 2.0, 2, 2, 2, 1, True, False, 1),
]


def test_roll_up_counts_each_respondent_once_per_ancestor() -> None:
    cube = build_cube(rows(RECORDS), TREE, DIMENSIONS)
    all_skills = TREE.size
    col = {skill: i for i, skill in enumerate(TREE.ids)}
    assert cube.n[cube.cell(None, 0, col[3])] == 2
    assert cube.n[cube.cell(None, 0, col[4])] == 1
    # Skill 2: respondents 10, 11 (through sub-skills) and 12 (directly): 3, not 4 rows.
    assert cube.n[cube.cell(None, 0, col[2])] == 3
    assert cube.n[cube.cell(None, 0, col[1])] == 3
    assert cube.n[cube.cell(None, 0, all_skills)] == 3
    assert cube.n[cube.cell("country", 0, col[2])] == 2
    assert cube.n[cube.cell("country", 1, all_skills)] == 0
    assert cube.n[cube.cell("region", 1, col[1])] == 1


def test_means_are_weighted_over_respondents_of_their_own_means() -> None:
    cube = build_cube(rows(RECORDS), TREE, DIMENSIONS)
    col = {skill: i for i, skill in enumerate(TREE.ids)}
    cell = cube.cell("country", 0, col[2])
    # Respondent 10: mean proficiency (1 + 3) / 2 = 2, weight 1; respondent 11: 4, weight 3.
    assert cube.proficiency[cell] == pytest.approx((1 * 2 + 3 * 4) / 4)
    assert cube.importance[cell] == pytest.approx((1 * 3 + 3 * 4) / 4)
    assert cube.need[cell] == pytest.approx(cube.importance[cell] - cube.proficiency[cell])
    # Both want to learn / can teach something under skill 2? 10 wants, 11 does not.
    assert cube.demand[cell] == pytest.approx(1 / 4)
    assert cube.supply[cell] == pytest.approx(1.0)
    # Only respondent 10 rated robustness, and one of their sub-skills has robustness 0.
    assert cube.fragility[cell] == pytest.approx(1.0)
    assert math.isnan(cube.fragility[cube.cell("country", 0, col[5])])


def test_margin_relations_hold_and_nesting_is_detected() -> None:
    cube = build_cube(rows(RECORDS), TREE, DIMENSIONS)
    assert np.all(cube.relations.residuals(cube.n) == 0)
    assert ("country", "region") in cube.nestings
    # Country b has no respondents, so each region holds one answering country: the regions then
    # nest in the countries as well, and that relation is known to an attacker too.
    assert ("region", "country") in cube.nestings
    more = [*RECORDS, (13, 1.0, 1, 5, 1, 1, False, False, -1)]
    assert ("region", "country") not in build_cube(rows(more), TREE, DIMENSIONS).nestings


def test_hierarchy_relation_only_where_the_parent_adds_up() -> None:
    cube = build_cube(rows(RECORDS), TREE, DIMENSIONS)
    col = {skill: i for i, skill in enumerate(TREE.ids)}
    relations = cube.relations
    groups = {
        frozenset(relations.cells[relations.start[r] : relations.start[r + 1]].tolist())
        for r in range(len(relations))
    }
    # Country c row: skill 2 (one respondent, answered directly) is its area's only child.
    c_row = [cube.cell("country", 2, col[s]) for s in (1, 2)]
    assert frozenset(c_row) in groups
    # Overall row: skill 2 has 3 respondents but its sub-skills 2 + 1 = 3 … by coincidence equal,
    # which an attacker could use too, so the relation is there.
    overall = [cube.cell(None, 0, col[s]) for s in (2, 3, 4)]
    assert frozenset(overall) in groups


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.__setitem__(0, (10, 1.0, 0, 3, 5, 3, True, False, 0)), "proficiency"),
        (lambda r: r.__setitem__(0, (10, 1.0, 0, 3, 1, -1, True, False, 0)), "importance"),
        (lambda r: r.__setitem__(0, (10, 1.0, 0, 3, 1, 3, True, False, 3)), "robustness"),
        (lambda r: r.__setitem__(0, (10, 0.0, 0, 3, 1, 3, True, False, 0)), "eight"),
        (lambda r: r.__setitem__(0, (10, 2.0, 0, 3, 1, 3, True, False, 0)), "more than one weight"),
        (
            lambda r: r.__setitem__(0, (10, 1.0, 1, 3, 1, 3, True, False, 0)),
            "more than one country",
        ),
        (lambda r: r.__setitem__(0, (10, 1.0, 0, 99, 1, 3, True, False, 0)), "not in the tree"),
        (lambda r: r.__setitem__(0, (10, 1.0, 0, 4, 1, 3, True, False, 0)), "same skill twice"),
    ],
)
def test_bad_rows_are_refused_with_a_clear_message(change: object, message: str) -> None:
    records = list(RECORDS)
    change(records)  # type: ignore[operator]
    with pytest.raises(ValueError, match=message):
        build_cube(rows(records), TREE, DIMENSIONS)


def test_trees_deeper_than_three_levels_or_with_unknown_parents_are_refused() -> None:
    with pytest.raises(ValueError, match="levels deep"):
        SkillTree.from_parents({1: None, 2: 1, 3: 2, 4: 3})
    with pytest.raises(ValueError, match="not in the tree"):
        SkillTree.from_parents({1: None, 2: 7})
