"""Peer-learning circles: sizes 3–6, a shared skill and usable language, explained, deterministic."""

from __future__ import annotations

import random

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from skillcommons.exchange.circles import CircleLearner, form_circles, member_reason
from skillcommons.exchange.scoring import hours_mask


def learner(
    i: int, skills: tuple[int, ...] = (1,), lang: int = 0, prof: int = 4, hours: int = 0
) -> CircleLearner:
    return CircleLearner(id=i, skills=skills, languages=((lang, prof),), availability=hours)


def test_seven_learners_make_two_circles_of_three_and_four() -> None:
    plan = form_circles([learner(i) for i in range(1, 8)])
    assert sorted(len(c.members) for c in plan.circles) == [3, 4]
    assert plan.left_out == ()
    assert {c.skill for c in plan.circles} == {1} and {c.language for c in plan.circles} == {0}


def test_circles_never_mix_languages_and_two_learners_are_left_out_with_a_reason() -> None:
    people = [learner(i, lang=0) for i in range(1, 4)] + [learner(i, lang=1) for i in (4, 5)]
    plan = form_circles(people, skill_names={1: "Wikidata"})
    (circle,) = plan.circles
    assert circle.member_ids == (1, 2, 3)
    assert sorted(x.learner_id for x in plan.left_out) == [4, 5]
    with translation.override("en"):
        assert str(plan.left_out[0].reason) == (
            "Only 1 other learner of Wikidata without a circle shares a usable language with "
            "you; a circle needs at least 3 people."
        )


def test_a_language_below_level_three_is_not_usable() -> None:
    people = [learner(i) for i in range(1, 4)] + [learner(9, prof=2)]
    plan = form_circles(people, skill_names={1: "Commons"})
    assert plan.circles[0].member_ids == (1, 2, 3)
    (left,) = plan.left_out
    with translation.override("en"):
        assert left.learner_id == 9 and "no language at level 3 or better" in str(left.reason)


def test_a_leftover_joins_a_circle_with_room() -> None:
    # Three speak only language 0; a fourth speaks 0 and 1 – the group of four in language 0 forms.
    people = [learner(i) for i in range(1, 4)] + [
        CircleLearner(id=4, skills=(1,), languages=((0, 3), (1, 6)))
    ]
    plan = form_circles(people)
    assert plan.circles[0].member_ids == (1, 2, 3, 4)


def test_only_the_requested_skills_get_circles() -> None:
    people = [learner(i, skills=(1, 2)) for i in range(1, 4)]
    plan = form_circles(people, skills={2})
    assert [c.skill for c in plan.circles] == [2]


def test_members_are_explained_with_shared_hours() -> None:
    evening = hours_mask(range(18, 21))
    people = [
        learner(1, hours=evening),
        learner(2, hours=evening),
        learner(3, hours=hours_mask([5])),
    ]
    (circle,) = form_circles(people, skill_names={1: "Lua"}).circles
    by_id = {m.learner_id: m for m in circle.members}
    assert by_id[1].shared_hours == 3 and by_id[3].shared_hours == 0
    assert circle.common_hours == 0
    with translation.override("en"):
        why, when = member_reason(skill="Lua", language="fr", proficiency=4, shared_hours=3)
        assert str(why) == (
            "Wants to learn Lua and uses fr at level 4, like everyone in this circle."
        )
        assert str(when) == "Shares 3 weekly hours of free time with other members."


def test_people_with_close_hours_are_grouped_together() -> None:
    early = [learner(i, hours=hours_mask([i])) for i in range(1, 7)]
    late = [learner(i, hours=hours_mask([100 + i])) for i in range(7, 13)]
    plan = form_circles(late + early)
    groups = sorted(c.member_ids for c in plan.circles)
    assert groups == [(1, 2, 3, 4, 5, 6), (7, 8, 9, 10, 11, 12)]


def test_bad_input_is_refused() -> None:
    import pytest

    with pytest.raises(ValueError, match="unique"):
        form_circles([learner(1), learner(1)])
    with pytest.raises(ValueError, match="min_size"):
        form_circles([learner(1)], min_size=1)
    with pytest.raises(ValueError, match="168 bits"):
        form_circles([learner(1, hours=1 << 200)])


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 40))
def test_every_circle_is_valid_and_the_plan_is_deterministic(seed: int, n: int) -> None:
    rng = random.Random(seed)
    people = [
        CircleLearner(
            id=i,
            skills=tuple(rng.sample(range(4), rng.randint(0, 3))),
            languages=tuple(
                (lang, rng.randint(0, 6)) for lang in rng.sample(range(3), rng.randint(0, 3))
            ),
            availability=rng.getrandbits(168),
        )
        for i in range(n)
    ]
    plan = form_circles(people)
    assert plan == form_circles(list(reversed(people)))
    by_id = {p.id: p for p in people}
    placed: set[tuple[int, int]] = set()
    for circle in plan.circles:
        assert 3 <= len(circle.members) <= 6
        for member in circle.members:
            person = by_id[member.learner_id]
            assert circle.skill in person.skills
            assert person.usable()[circle.language] >= 3
            assert (member.learner_id, circle.skill) not in placed
            placed.add((member.learner_id, circle.skill))
    wanted = {(p.id, s) for p in people for s in set(p.skills)}
    left = {(x.learner_id, x.skill) for x in plan.left_out}
    assert placed | left == wanted and not placed & left
