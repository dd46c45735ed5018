"""The cohort preview: optimal against exhaustive search over all assignments, capacities held,
ranks, missed choices and preferences explained, the unassigned with reasons."""

from __future__ import annotations

import itertools
import random

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from skillcommons.exchange import reference
from skillcommons.exchange.batch import BatchOptions
from skillcommons.exchange.cohort import CohortMentee, Preview, build_preview
from skillcommons.exchange.scoring import MentorRecord, Query, SkillTree, Weights

from .instances import N_LANGUAGES, N_REGIONS, random_mentor, random_parents, random_query

Pairs = tuple[tuple[int, int], ...]
TREE = SkillTree([-1, 0, 0, 1, -1])  # skill 4 is another area: unrelated to skill 1


def mentor(
    i: int,
    *,
    level: int = 3,
    capacity: int = 1,
    languages: Pairs = ((0, 6),),
    skills: Pairs | None = None,
) -> MentorRecord:
    return MentorRecord(
        id=i,
        skills=skills if skills is not None else ((1, level),),
        languages=languages,
        capacity=capacity,
        region=0,
    )


def mentee(i: int, preferred: tuple[int, ...] = (), languages: Pairs = ((0, 5),)) -> CohortMentee:
    return CohortMentee(i, Query(skill=1, desired_level=1, languages=languages), preferred)


def preview(mentors: list[MentorRecord], mentees: list[CohortMentee]) -> Preview:
    return build_preview(
        mentors, mentees, tree=TREE, n_languages=2, n_regions=2, options=BatchOptions(spread=0.0)
    )


def test_the_pair_has_its_explanation_and_the_second_mentee_sees_full() -> None:
    result = preview([mentor(1, level=4, capacity=1), mentor(2, level=2)], [mentee(10), mentee(11)])
    pairs = {p.mentee_id: p for p in result.pairs}
    assert pairs[10].mentor_id == 1 and pairs[10].rank == 1
    assert pairs[11].mentor_id == 2 and pairs[11].rank == 2
    assert result.explain(pairs[11]).explanation.components[0].name == "skill"
    assert result.explain(pairs[11]).score == pytest.approx(pairs[11].score)
    with translation.override("en"):
        assert [str(m.reason) for m in pairs[11].missed] == ["Full: 1/1 places taken."]
    assert result.assigned == 2 and result.first_choice == 1 and result.mentors_used == 2


def test_preferred_mentors_not_given_are_explained() -> None:
    mentors = [
        mentor(1, level=4, capacity=1),
        mentor(2, level=2, capacity=1),
        mentor(3, languages=((1, 6),)),  # shares no language with the mentees
        mentor(4, skills=((4, 4),)),  # offers an unrelated skill
    ]
    result = preview(mentors, [mentee(10), mentee(11, preferred=(1, 3, 4, 99, 2))])
    pair = next(p for p in result.pairs if p.mentee_id == 11)
    assert pair.mentor_id == 2 and pair.preferred
    kinds = {note.mentor_id: note.kind for note in pair.preferences}
    assert kinds == {1: "full", 3: "no_language", 4: "no_skill", 99: "not_mentor"}
    with translation.override("en"):
        texts = {note.mentor_id: str(note.reason) for note in pair.preferences}
    assert texts[1] == "Full: 1/1 places taken."
    assert texts[3] == "No shared language: you cannot both use one well."


def test_unassigned_mentees_get_reasons_and_capacities_hold() -> None:
    result = preview(
        [mentor(1, capacity=2)],
        [mentee(10), mentee(11), mentee(12), mentee(13, languages=((1, 6),))],
    )
    assert result.assigned == 2
    assert {u.mentee_id for u in result.unassigned} >= {13}
    (load,) = result.loads
    assert load.assigned == 2 == load.capacity
    with translation.override("en"):
        reasons = {u.mentee_id: str(u.reason) for u in result.unassigned}
    assert "No mentor with a free place" in reasons[13]
    assert any(r == "Your only suitable mentor is full." for r in reasons.values())


def test_a_person_cannot_be_mentor_and_mentee() -> None:
    with pytest.raises(ValueError, match="both a mentor and a mentee"):
        preview([mentor(1)], [mentee(1)])


def _brute_force(mentors: list[MentorRecord], parents: list[int], queries: list[Query]) -> int:
    """The best total of round(score × 1000) over *all* assignments (each mentee to any mentor
    or none), each pair scored by the plain reference scorer, under every mentor's places."""
    scores = [
        {m.id: m.score for m in reference.top_k(mentors, parents, q, len(mentors))} for q in queries
    ]
    best = 0
    for combo in itertools.product(*[[None, *range(len(mentors))] for _ in queries]):
        used = [0] * len(mentors)
        total = 0
        for i, j in enumerate(combo):
            if j is None:
                continue
            if mentors[j].id not in scores[i]:
                break
            used[j] += 1
            if used[j] > mentors[j].capacity - mentors[j].load:
                break
            total += round(scores[i][mentors[j].id] * 1000)
        else:
            best = max(best, total)
    return best


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 5), st.integers(1, 4))
def test_the_assignment_is_optimal_over_all_assignments(
    seed: int, n_mentees: int, n_mentors: int
) -> None:
    rng = random.Random(seed)
    parents = random_parents(rng, n_areas=1, per_area=2, per_skill=1)
    tree = SkillTree(parents)
    mentors = [
        MentorRecord(
            **{
                **random_mentor(rng, i, len(parents)).__dict__,
                "load": 0,
                "capacity": rng.randint(0, 2),
            }
        )
        for i in range(1, n_mentors + 1)
    ]
    mentees = [
        CohortMentee(100 + i, random_query(rng, len(parents)), tuple(rng.sample(range(1, 6), 2)))
        for i in range(n_mentees)
    ]
    weights = Weights()
    # K ≥ number of mentors: every possible pair is a candidate, so the optimum is global.
    result = build_preview(
        mentors,
        mentees,
        tree=tree,
        n_languages=N_LANGUAGES,
        n_regions=N_REGIONS,
        options=BatchOptions(candidates=n_mentors, spread=0.0),
        weights=weights,
    )
    assert result.result.integer_objective == _brute_force(
        mentors, parents, [m.query for m in mentees]
    )
    for load, record in zip(result.loads, mentors, strict=True):
        assert load.assigned <= record.capacity
    assert len(result.pairs) + len(result.unassigned) == n_mentees
    assert result.objective >= result.greedy_objective - 1e-9
