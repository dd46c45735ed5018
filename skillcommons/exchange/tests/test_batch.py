"""The batch matcher: optimal against exhaustive search, capacities and quotas respected, load
spread, reasons for what a mentee did not get, and the greedy baseline."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from skillcommons.exchange.batch import BatchOptions, assign, gini, greedy, pair_scores, seat_costs
from skillcommons.exchange.scoring import MentorRecord, MentorTable, Query, SkillTree

from .instances import N_LANGUAGES, N_REGIONS, random_mentor, random_parents, random_query

PARENTS = [-1, 0, 0, 1]
TREE = SkillTree(PARENTS)


def mentor(mentor_id: int, level: int = 3, capacity: int = 1, region: int = 0) -> MentorRecord:
    return MentorRecord(
        id=mentor_id,
        skills=((1, level),),
        languages=((0, 6),),
        capacity=capacity,
        region=region,
    )


def mentee(**kwargs: object) -> Query:
    values: dict[str, object] = {"skill": 1, "desired_level": 1, "languages": ((0, 5),)}
    values.update(kwargs)
    return Query(**values)  # type: ignore[arg-type]


def table(mentors: list[MentorRecord]) -> MentorTable:
    return MentorTable.from_records(mentors, tree=TREE, n_languages=2, n_regions=3)


def brute_force_optimum(result_table: MentorTable, result: object, options: BatchOptions) -> int:
    graph = result.graph  # type: ignore[attr-defined]
    n_mentees = len(result.mentor_of)  # type: ignore[attr-defined]
    choices = []
    for i in range(n_mentees):
        arcs = list(graph.of(i))
        choices.append([None, *arcs])
    best = None
    for combo in itertools.product(*choices):
        used: Counter[int] = Counter()
        total = 0
        for arc in combo:
            if arc is not None:
                used[int(graph.row[arc])] += 1
                total += int(graph.scaled[arc])
        feasible = True
        by_region: Counter[int] = Counter()
        for row, count in used.items():
            if count > result_table.capacity[row] - result_table.load[row]:
                feasible = False
                break
            by_region[int(result_table.region[row])] += count
            total -= sum(seat_costs(result_table, row, count, options))
        for region, quota in options.mentor_region_quota.items():
            if by_region[region] > quota:
                feasible = False
        if feasible and (best is None or total > best):
            best = total
    assert best is not None
    return best


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 6),
    st.integers(1, 3),
    st.sampled_from([0.0, 2.0, 40.0]),
    st.booleans(),
)
def test_the_assignment_is_optimal_against_exhaustive_search(
    seed: int, n_mentees: int, k: int, spread: float, quota: bool
) -> None:
    rng = random.Random(seed)
    parents = random_parents(rng, n_areas=1, per_area=2, per_skill=1)
    tree = SkillTree(parents)
    mentors = [random_mentor(rng, i, len(parents)) for i in range(1, rng.randint(2, 5))]
    # Usable languages for everyone so the instances have candidates.
    mentors = [
        MentorRecord(
            **{**m.__dict__, "languages": ((0, 6),), "capacity": rng.randint(0, 3), "load": 0}
        )
        for m in mentors
    ]
    t = MentorTable.from_records(mentors, tree=tree, n_languages=N_LANGUAGES, n_regions=N_REGIONS)
    queries = [
        Query(**{**random_query(rng, len(parents)).__dict__, "languages": ((0, 4),)})
        for _ in range(n_mentees)
    ]
    options = BatchOptions(
        candidates=k,
        spread=spread,
        mentor_region_quota={0: rng.randint(0, 2)} if quota else {},
    )
    result = assign(t, queries, list(range(100, 100 + n_mentees)), options)
    assert result.integer_objective == brute_force_optimum(t, result, options)
    # Feasible: capacities and the quota hold.
    for row, count in enumerate(result.assigned_per_row):
        assert count <= t.capacity[row] - t.load[row]
    if quota:
        in_region = sum(
            int(c) for row, c in enumerate(result.assigned_per_row) if t.region[row] == 0
        )
        assert in_region <= options.mentor_region_quota[0]
    assert len(result.assignments) + len(result.unassigned) == n_mentees


def test_a_missed_first_choice_says_full() -> None:
    t = table([mentor(1, level=4, capacity=1), mentor(2, level=2, capacity=1)])
    result = assign(t, [mentee(), mentee()], [10, 11], BatchOptions(spread=0.0))
    got = {a.mentee_id: a for a in result.assignments}
    assert got[10].mentor_id == 1 and got[10].rank == 1 and got[10].missed == ()
    assert got[11].mentor_id == 2 and got[11].rank == 2
    (missed,) = got[11].missed
    assert (missed.mentor_id, missed.rank, missed.kind) == (1, 1, "full")
    with translation.override("en"):
        assert str(missed.reason) == "Full: 1/1 places taken."


def test_unassigned_mentees_get_a_reason() -> None:
    t = table([mentor(1, capacity=1)])
    lonely = mentee(languages=((1, 6),))  # shares no language with anyone
    result = assign(t, [mentee(), mentee(), lonely], [10, 11, 12])
    reasons = {u.mentee_id: u for u in result.unassigned}
    assert len(reasons) == 2 and 12 in reasons
    (other,) = set(reasons) - {12}  # the two equal mentees: one gets the single place
    with translation.override("en"):
        assert str(reasons[other].reason) == "Your only suitable mentor is full."
        assert "No mentor with a free place" in str(reasons[12].reason)


def test_load_spreading_shares_mentees_between_equal_mentors() -> None:
    t = table([mentor(1, capacity=4), mentor(2, capacity=4)])
    queries = [mentee() for _ in range(4)]
    spread = assign(t, queries, [10, 11, 12, 13], BatchOptions(spread=2.0))
    assert sorted(spread.assigned_per_row.tolist()) == [2, 2]
    assert spread.spread_cost > 0
    packed = assign(t, queries, [10, 11, 12, 13], BatchOptions(spread=0.0))
    assert len(packed.assignments) == 4
    assert packed.spread_cost == 0


def test_region_quota_caps_a_region_and_is_given_as_the_reason() -> None:
    t = table([mentor(1, level=4, capacity=3, region=1), mentor(2, level=2, capacity=3, region=2)])
    result = assign(t, [mentee(), mentee()], [10, 11], BatchOptions(mentor_region_quota={1: 1}))
    assert result.assigned_per_row.tolist() == [1, 1]
    second = next(a for a in result.assignments if a.mentor_id == 2)
    assert second.missed[0].kind == "quota"
    with translation.override("en"):
        assert (
            str(second.missed[0].reason) == "The quota for mentors in that region is reached: 1/1."
        )


def test_explain_gives_the_pair_explanation() -> None:
    t = table([mentor(1, capacity=2)])
    result = assign(t, [mentee()], [10])
    (pair,) = result.assignments
    match = result.explain(pair)
    assert match.id == 1
    assert match.score == pair.score
    assert match.explanation.total == pytest.approx(pair.score)


def test_greedy_is_feasible_and_never_beats_the_optimum_without_spreading() -> None:
    rng = random.Random(9)
    parents = random_parents(rng)
    tree = SkillTree(parents)
    mentors = [random_mentor(rng, i, len(parents)) for i in range(1, 40)]
    t = MentorTable.from_records(mentors, tree=tree, n_languages=N_LANGUAGES, n_regions=N_REGIONS)
    queries = [random_query(rng, len(parents)) for _ in range(120)]
    options = BatchOptions(spread=0.0, candidates=4)
    result = assign(t, queries, list(range(1000, 1120)), options)
    baseline = greedy(t, result.graph, options)
    used = Counter(int(r) for r in baseline if r >= 0)
    for row, count in used.items():
        assert count <= t.capacity[row] - t.load[row]
    assert pair_scores(result.graph, baseline).sum() <= result.objective + 1e-6
    assert (pair_scores(result.graph, result.mentor_of) > 0).sum() == len(result.assignments)


def test_bad_input_is_refused() -> None:
    t = table([mentor(1)])
    with pytest.raises(ValueError):
        assign(t, [mentee()], [1, 2])
    with pytest.raises(ValueError):
        assign(t, [mentee(), mentee()], [1, 1])
    with pytest.raises(ValueError):
        BatchOptions(candidates=0)
    with pytest.raises(ValueError):
        BatchOptions(mentor_region_quota={0: -1})


def test_gini() -> None:
    assert gini([1, 1, 1, 1]) == 0.0
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)
    assert gini([]) == 0.0


def test_no_mentors_leaves_everyone_unassigned_with_a_reason() -> None:
    result = assign(table([]), [mentee(), mentee()], [1, 2])
    assert result.assignments == []
    assert [u.mentee_id for u in result.unassigned] == [1, 2]
    assert result.objective == 0.0
