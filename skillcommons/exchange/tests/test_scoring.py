"""The scoring core: hierarchy, exclusions, tie-break, explanations, and equality with the
simple reference scorer on random instances."""

from __future__ import annotations

import random

import numpy as np
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from skillcommons.exchange import reference
from skillcommons.exchange.scoring import (
    COMPONENTS,
    EXACT,
    PARENT_OR_CHILD,
    SIBLING,
    UNRELATED,
    LearnerTable,
    MentorRecord,
    MentorTable,
    Query,
    SkillTree,
    WantRecord,
    Weights,
    explain_row,
    hours_mask,
    mask_words,
    rank,
    rank_many,
    top_k,
    top_learners,
    words_mask,
)

from .instances import (
    N_LANGUAGES,
    N_REGIONS,
    random_mentor,
    random_parents,
    random_query,
    random_want,
)

# area 0 → skills 1, 2 → sub-skills 3, 4 (of 1) and 5 (of 2); area 6 → skill 7
PARENTS = [-1, 0, 0, 1, 1, 2, -1, 6]
TREE = SkillTree(PARENTS)
ES, FR = 0, 1


def mentor(mentor_id: int, skill: int, level: int = 3, **kwargs: object) -> MentorRecord:
    values: dict[str, object] = {
        "id": mentor_id,
        "skills": ((skill, level),),
        "languages": ((ES, 6),),
        "capacity": 3,
        "load": 0,
    }
    values.update(kwargs)
    return MentorRecord(**values)  # type: ignore[arg-type]


def table(mentors: list[MentorRecord], **kwargs: object) -> MentorTable:
    return MentorTable.from_records(
        mentors,
        tree=TREE,
        n_languages=N_LANGUAGES,
        n_regions=N_REGIONS,
        **kwargs,  # type: ignore[arg-type]
    )


def ask(skill: int = 3, **kwargs: object) -> Query:
    values: dict[str, object] = {"skill": skill, "desired_level": 2, "languages": ((ES, 4),)}
    values.update(kwargs)
    return Query(**values)  # type: ignore[arg-type]


def test_tree_relations_rank_exact_then_parent_or_child_then_sibling() -> None:
    assert TREE.relation(3, 3) == EXACT
    assert TREE.relation(1, 3) == PARENT_OR_CHILD  # parent of the wanted skill
    assert TREE.relation(3, 1) == PARENT_OR_CHILD  # child of the wanted skill
    assert TREE.relation(4, 3) == SIBLING
    assert TREE.relation(1, 2) == SIBLING  # skills under the same area
    assert TREE.relation(5, 3) == UNRELATED  # cousins are unrelated
    assert TREE.relation(0, 6) == UNRELATED  # two areas are not siblings
    assert TREE.relation(0, 3) == UNRELATED  # a grandparent is not a parent
    assert list(TREE.depth) == [0, 1, 1, 2, 2, 2, 0, 1]
    assert sorted(TREE.neighbourhood(3).tolist()) == [1, 3, 4]


def test_tree_rejects_cycles_and_bad_parents() -> None:
    with pytest.raises(ValueError, match="cycle"):
        SkillTree([1, 0])
    with pytest.raises(ValueError):
        SkillTree([5])


def test_hierarchy_orders_exact_parent_sibling_and_excludes_unrelated() -> None:
    found = top_k(
        table([mentor(1, 4), mentor(2, 1), mentor(3, 3), mentor(4, 5), mentor(5, 7)]), ask(3), 10
    )
    assert [m.id for m in found] == [3, 2, 1]
    assert [m.explanation.components[0].detail["relation"] for m in found] == [3, 2, 1]


def test_level_gap_prefers_a_level_above_over_equal_over_below() -> None:
    mentors = [mentor(1, 3, level=2), mentor(2, 3, level=1), mentor(3, 3, level=4)]
    found = top_k(table(mentors), ask(3, desired_level=2), 10)
    assert [m.id for m in found] == [3, 1, 2]
    levels = [m.explanation.points()["level"] for m in found]
    assert levels == [15.0, 7.5, 0.0]


def test_no_shared_usable_language_excludes() -> None:
    mentors = [
        mentor(1, 3, languages=((ES, 2),)),  # Spanish, but not usable
        mentor(2, 3, languages=((FR, 6),)),  # usable, not shared
        mentor(3, 3, languages=((ES, 3), (FR, 6))),
    ]
    found = top_k(table(mentors), ask(3, languages=((ES, 6), (FR, 1))), 10)
    assert [m.id for m in found] == [3]
    assert found[0].explanation.components[2].detail == {"language": ES, "proficiency": 3}


def test_full_mentors_are_excluded_and_free_capacity_scores_higher() -> None:
    mentors = [
        mentor(1, 3, capacity=3, load=3),
        mentor(2, 3, capacity=4, load=3),
        mentor(3, 3, capacity=4, load=1),
        mentor(4, 3, capacity=0, load=0),
    ]
    found = top_k(table(mentors), ask(3), 10)
    assert [m.id for m in found] == [3, 2]
    assert found[0].explanation.points()["capacity"] > found[1].explanation.points()["capacity"]


def test_availability_overlap_saturates() -> None:
    six = hours_mask(range(10, 16))
    mentors = [
        mentor(1, 3, availability=hours_mask(range(10, 12))),
        mentor(2, 3, availability=six),
        mentor(3, 3, availability=hours_mask(range(0, 40))),
    ]
    found = top_k(table(mentors), ask(3, availability=hours_mask(range(0, 48))), 10)
    by_id = {m.id: m.explanation.points()["availability"] for m in found}
    assert by_id == {1: 5.0, 2: 15.0, 3: 15.0}


def test_method_and_region_spreading_bonus() -> None:
    mentors = [mentor(1, 3, methods=0b10, region=0), mentor(2, 3, methods=0b01, region=1)]
    plain = top_k(table(mentors), ask(3, methods=0b10, region=0), 10)
    assert [m.id for m in plain] == [1, 2]
    assert plain[0].explanation.points()["method"] == 5.0
    spread = top_k(
        table(mentors, region_boost=[1.0, 2.0, 1.0]),
        ask(3, region=0, spread_regions=True),
        10,
    )
    assert [m.id for m in spread] == [2, 1]
    assert spread[0].explanation.points()["region"] == 10.0


def test_ties_break_by_lower_load_then_lower_id() -> None:
    # Same free fraction (2/4 and 1/2) so the scores are equal; load decides, then id.
    mentors = [
        mentor(9, 3, capacity=4, load=2),
        mentor(5, 3, capacity=2, load=1),
        mentor(7, 3, capacity=2, load=1),
    ]
    found = top_k(table(mentors), ask(3), 10)
    assert len({m.score for m in found}) == 1
    assert [m.id for m in found] == [5, 7, 9]
    assert [m.id for m in top_k(table(mentors), ask(3), 2)] == [5, 7]


def test_exclude_ids_and_k() -> None:
    mentors = [mentor(i, 3) for i in range(1, 6)]
    assert [m.id for m in top_k(table(mentors), ask(3, exclude_ids=frozenset({1, 2})), 2)] == [3, 4]
    assert top_k(table(mentors), ask(3), 0) == []


def test_explanation_lists_every_component_and_sums_to_the_score() -> None:
    found = top_k(
        table([mentor(1, 3, availability=hours_mask([5]))]), ask(3, availability=hours_mask([5])), 1
    )
    explanation = found[0].explanation
    assert tuple(c.name for c in explanation.components) == COMPONENTS
    assert explanation.total == pytest.approx(found[0].score)
    with translation.override("en"):
        reasons = [str(c.reason) for c in explanation.components]
    assert reasons[0] == "Offers exactly the skill you asked for."
    assert reasons[3] == "You are both available 1 hour a week at the same time."
    assert reasons[5] == "3 of 3 mentoring places are free."


def test_custom_weights_change_the_ranking() -> None:
    mentors = [mentor(1, 3, level=0), mentor(2, 4, level=4)]
    assert [m.id for m in top_k(table(mentors), ask(3), 2)] == [1, 2]
    heavy_level = Weights(level=100.0)
    assert [m.id for m in top_k(table(mentors), ask(3), 2, heavy_level)] == [2, 1]
    with pytest.raises(ValueError):
        Weights(skill_exact=-1.0)
    with pytest.raises(ValueError):
        Weights(availability_saturation_hours=0)


def test_bad_queries_and_tables_are_rejected() -> None:
    t = table([mentor(1, 3)])
    with pytest.raises(ValueError, match="skill"):
        top_k(t, ask(99), 3)
    with pytest.raises(ValueError, match="level"):
        top_k(t, ask(3, desired_level=5), 3)
    with pytest.raises(ValueError, match="language"):
        top_k(t, ask(3, languages=((99, 3),)), 3)
    with pytest.raises(ValueError):
        table([mentor(1, 3), mentor(1, 4)])
    with pytest.raises(ValueError):
        table([mentor(1, 99)])
    with pytest.raises(ValueError):
        hours_mask([168])


def test_mask_words_round_trip() -> None:
    mask = hours_mask([0, 63, 64, 127, 128, 167])
    assert words_mask(mask_words(mask)) == mask
    assert int(np.bitwise_count(mask_words(mask)).sum()) == 6


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 12))
def test_top_k_equals_the_reference_on_random_instances(seed: int, k: int) -> None:
    rng = random.Random(seed)
    parents = random_parents(rng)
    tree = SkillTree(parents)
    ids = rng.sample(range(1, 1000), 40)
    mentors = [random_mentor(rng, i, len(parents)) for i in ids]
    boost = [rng.choice([0.5, 1.0, 2.0]) for _ in range(N_REGIONS)]
    t = MentorTable.from_records(
        mentors, tree=tree, n_languages=N_LANGUAGES, n_regions=N_REGIONS, region_boost=boost
    )
    weights = Weights(level=rng.choice([0.0, 15.0]), capacity=rng.choice([5.0, 0.0]))
    for _ in range(5):
        query = random_query(rng, len(parents))
        fast = top_k(t, query, k, weights)
        slow = reference.top_k(mentors, parents, query, k, weights, region_boost=boost)
        assert [m.id for m in fast] == [m.id for m in slow]
        for a, b in zip(fast, slow, strict=True):
            assert abs(a.score - b.score) <= 1e-9
            assert a.explanation.points() == pytest.approx(b.points, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 12))
def test_top_learners_equals_the_reference_on_random_instances(seed: int, k: int) -> None:
    rng = random.Random(seed)
    parents = random_parents(rng)
    tree = SkillTree(parents)
    wants = [random_want(rng, rng.randrange(1, 30), len(parents)) for _ in range(60)]
    learners = LearnerTable(wants, tree=tree, n_languages=N_LANGUAGES, n_regions=N_REGIONS)
    for mentor_id in range(5):
        m = random_mentor(rng, mentor_id, len(parents))
        spread = rng.random() < 0.5
        fast = top_learners(learners, m, k, spread_regions=spread)
        slow = reference.top_learners(wants, parents, m, k, spread_regions=spread)
        assert [(x.id, x.row) for x in fast] == [(x.id, x.index) for x in slow]
        for a, b in zip(fast, slow, strict=True):
            assert abs(a.score - b.score) <= 1e-9


def test_a_full_mentor_helps_no_new_learner() -> None:
    wants = [random_want(random.Random(1), 1, len(PARENTS))]
    learners = LearnerTable(wants, tree=TREE, n_languages=N_LANGUAGES, n_regions=N_REGIONS)
    assert top_learners(learners, mentor(2, wants[0].skill, capacity=2, load=2), 5) == []


def test_rank_and_explain_row_agree_with_top_k() -> None:
    rng = random.Random(5)
    parents = random_parents(rng)
    tree = SkillTree(parents)
    mentors = [random_mentor(rng, i, len(parents)) for i in range(1, 80)]
    t = MentorTable.from_records(mentors, tree=tree, n_languages=N_LANGUAGES, n_regions=N_REGIONS)
    checked = 0
    for _ in range(30):
        query = random_query(rng, len(parents))
        full = top_k(t, query, 6)
        rows, scores = rank(t, query, 6)
        assert [m.row for m in full] == rows.tolist()
        assert [m.score for m in full] == scores.tolist()
        for m in full:
            again = explain_row(t, query, m.row)
            assert again is not None
            assert again.score == m.score
            assert again.explanation == m.explanation
            checked += 1
        shown = {m.row for m in full}
        for row in range(len(t)):
            if row not in shown and explain_row(t, query, row) is not None:
                assert len(full) == 6  # only left out because k was reached
    assert checked > 20


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 8))
def test_rank_many_equals_rank_per_query(seed: int, k: int) -> None:
    rng = random.Random(seed)
    parents = random_parents(rng)
    tree = SkillTree(parents)
    mentors = [random_mentor(rng, i, len(parents)) for i in range(1, 50)]
    t = MentorTable.from_records(
        mentors,
        tree=tree,
        n_languages=N_LANGUAGES,
        n_regions=N_REGIONS,
        region_boost=[1.0, 1.5, 2.0],
    )
    queries = [random_query(rng, len(parents)) for _ in range(25)]
    queries = [
        Query(**{**q.__dict__, "exclude_ids": frozenset({rng.randrange(1, 50)})}) for q in queries
    ]
    query_index, rows, scores, ranks = rank_many(t, queries, k)
    for i, query in enumerate(queries):
        expected_rows, expected_scores = rank(t, query, k)
        mine = query_index == i
        assert rows[mine].tolist() == expected_rows.tolist()
        assert scores[mine].tolist() == expected_scores.tolist()
        assert ranks[mine].tolist() == list(range(1, len(expected_rows) + 1))


def test_rank_many_handles_more_than_64_languages() -> None:
    rng = random.Random(3)
    n_languages = 150
    mentors = [
        mentor(
            i,
            rng.choice([1, 3, 4]),
            languages=tuple(
                (lang, rng.randint(2, 6)) for lang in rng.sample(range(n_languages), 3)
            ),
        )
        for i in range(1, 120)
    ]
    t = MentorTable.from_records(mentors, tree=TREE, n_languages=n_languages, n_regions=N_REGIONS)
    queries = [
        ask(
            3,
            languages=tuple(
                (lang, rng.randint(3, 6)) for lang in rng.sample(range(n_languages), 4)
            ),
        )
        for _ in range(40)
    ]
    query_index, rows, scores, _ranks = rank_many(t, queries, 5)
    assert len(rows) > 20
    for i, query in enumerate(queries):
        expected_rows, expected_scores = rank(t, query, 5)
        assert rows[query_index == i].tolist() == expected_rows.tolist()
        assert scores[query_index == i].tolist() == expected_scores.tolist()


def test_a_mentor_reads_the_learner_explanation_from_their_side() -> None:
    wants = [WantRecord(learner_id=7, skill=3, desired_level=1, languages=((ES, 5),), methods=0b1)]
    learners = LearnerTable(wants, tree=TREE, n_languages=N_LANGUAGES, n_regions=N_REGIONS)
    me = mentor(2, 1, level=3, capacity=1, methods=0b1)
    (found,) = top_learners(learners, me, 5)
    assert found.id == 7
    with translation.override("en"):
        reasons = [str(c.reason) for c in found.explanation.components]
    assert reasons[0] == "Wants a broader or narrower skill than one you offer."
    assert reasons[1] == "Your level (3) is above the level they want (1)."
    assert reasons[4] == "Prefers a way of learning you offer."
    assert reasons[5] == "You have 1 of 1 mentoring place free."


def test_an_empty_table_suggests_nobody() -> None:
    empty = table([])
    assert top_k(empty, ask(3), 5) == []
    assert rank_many(empty, [ask(3), ask(1)], 5)[0].tolist() == []
