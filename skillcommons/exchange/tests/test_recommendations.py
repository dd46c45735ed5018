"""Recommendations from the database: the loader's arrays, the privacy rules, blocks, loads kept
current, and the pages and API that show every score component."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from skillcommons.accounts.models import PersonSkill, Profile
from skillcommons.core.visibility import Visibility
from skillcommons.exchange import actions, loader, recommendations
from skillcommons.exchange.scoring import COMPONENTS

from .factories import SHARED_GROUPS, pair, person, started, vocabulary

pytestmark = pytest.mark.django_db


@pytest.fixture
def v() -> dict[str, Any]:
    return vocabulary()


def _names(groups: list[recommendations.SkillSuggestions]) -> list[list[str]]:
    return [[s.person.username for s in g.suggestions] for g in groups]


def test_teachers_are_ranked_through_the_taxonomy_with_every_component(v: dict[str, Any]) -> None:
    fr = v["fr"]
    person("Exact", offers=[(v["wikidata"], 3)], languages=[(fr, 6)], capacity=2)
    person("Child", offers=[(v["sparql"], 3)], languages=[(fr, 6)], capacity=2)
    person("Sibling", offers=[(v["commons"], 3)], languages=[(fr, 6)], capacity=2)
    person("Unrelated", offers=[(v["other"], 4)], languages=[(fr, 6)], capacity=2)
    learner = person("Learner", wants=[(v["wikidata"], 1)], languages=[(fr, 5)])
    groups = recommendations.teachers_for(viewer=learner)
    assert [g.skill for g in groups] == [v["wikidata"]]
    assert _names(groups) == [["Exact", "Child", "Sibling"]]
    best = groups[0].suggestions[0]
    assert [c.name for c in best.components] == list(COMPONENTS)
    assert best.components[0].text == "Offers exactly the skill you asked for."
    assert sum(c.points for c in best.components) == pytest.approx(best.score)


def test_ties_break_by_lower_load_then_lower_id(v: dict[str, Any]) -> None:
    fr = v["fr"]
    first = person("First", offers=[(v["wikidata"], 3)], languages=[(fr, 6)], capacity=4)
    second = person("Second", offers=[(v["wikidata"], 3)], languages=[(fr, 6)], capacity=4)
    learner = person("Learner", wants=[(v["wikidata"], 1)], languages=[(fr, 5)])
    assert _names(recommendations.teachers_for(viewer=learner)) == [["First", "Second"]]
    # A mentee for First: First has less free capacity now, so Second comes first.
    other = person("Other", languages=[(fr, 5)])
    started(v, first, other)
    assert _names(recommendations.teachers_for(viewer=learner)) == [["Second", "First"]]
    assert second.pk > first.pk


def test_no_usable_shared_language_full_mentors_and_blocked_people_are_left_out(
    v: dict[str, Any],
) -> None:
    fr, hi = v["fr"], v["hi"]
    person("Hindi", offers=[(v["wikidata"], 3)], languages=[(hi, 6)], capacity=2)
    person("Weak", offers=[(v["wikidata"], 3)], languages=[(fr, 2)], capacity=2)
    full = person("Full", offers=[(v["wikidata"], 3)], languages=[(fr, 6)], capacity=1)
    blocker = person("Blocker", offers=[(v["wikidata"], 3)], languages=[(fr, 6)], capacity=2)
    person("Open", offers=[(v["wikidata"], 2)], languages=[(fr, 6)], capacity=2)
    learner = person("Learner", wants=[(v["wikidata"], 1)], languages=[(fr, 5)])
    assert _names(recommendations.teachers_for(viewer=learner)) == [["Full", "Blocker", "Open"]]
    started(v, full, person("Busy", languages=[(fr, 5)]))
    actions.block_person(blocker=blocker, blocked=learner)
    assert _names(recommendations.teachers_for(viewer=learner)) == [["Open"]]


def test_only_people_who_share_their_offers_languages_and_capacity_are_suggested(
    v: dict[str, Any],
) -> None:
    fr = v["fr"]
    for hidden in ("offers", "languages", "capacity"):
        person(
            f"Hides {hidden}",
            offers=[(v["wikidata"], 3)],
            languages=[(fr, 6)],
            capacity=2,
            share=[g for g in SHARED_GROUPS if g != hidden],
        )
    person("Zero", offers=[(v["wikidata"], 3)], languages=[(fr, 6)], capacity=0)
    person("Shares", offers=[(v["wikidata"], 3)], languages=[(fr, 6)], capacity=2)
    learner = person("Learner", wants=[(v["wikidata"], 1)], languages=[(fr, 5)])
    assert _names(recommendations.teachers_for(viewer=learner)) == [["Shares"]]


def test_a_hidden_field_is_not_used_and_the_explanation_does_not_reveal_it(
    v: dict[str, Any],
) -> None:
    fr = v["fr"]
    person(
        "Private",
        offers=[(v["wikidata"], 4)],
        languages=[(fr, 6)],
        capacity=2,
        share=["offers", "languages", "capacity"],
        methods=["mentoring"],
    )
    learner = person(
        "Learner", wants=[(v["wikidata"], 1)], languages=[(fr, 5)], methods=["mentoring"]
    )
    suggestion = recommendations.teachers_for(viewer=learner)[0].suggestions[0]
    parts = {c.name: c for c in suggestion.components}
    assert parts["level"].points == 0
    assert parts["level"].text == "They do not share their level with members."
    assert parts["availability"].points == 0
    assert parts["availability"].text == "They do not share their availability with members."
    assert parts["method"].points == 0
    assert "(4)" not in " ".join(c.text for c in suggestion.components)
    assert "display_name" not in suggestion.person_fields


def test_the_arrays_follow_profile_changes(v: dict[str, Any]) -> None:
    fr = v["fr"]
    mentor = person("Mentor", languages=[(fr, 6)], capacity=2)
    learner = person("Learner", wants=[(v["wikidata"], 1)], languages=[(fr, 5)])
    assert _names(recommendations.teachers_for(viewer=learner)) == [[]]
    # The profile editor replaces rows with bulk_create (no signal): still picked up.
    PersonSkill.objects.bulk_create(
        [
            PersonSkill(
                profile=Profile.objects.get(user=mentor),
                skill=v["wikidata"],
                level=3,
                offers_teaching=True,
            )
        ]
    )
    assert _names(recommendations.teachers_for(viewer=learner)) == [["Mentor"]]
    profile = Profile.objects.get(user=mentor)
    profile.offers_visibility = Visibility.PRIVATE
    profile.save()
    assert _names(recommendations.teachers_for(viewer=learner)) == [[]]


def test_time_zones_count_through_utc_availability(v: dict[str, Any]) -> None:
    fr = v["fr"]
    person(
        "Paris",
        offers=[(v["wikidata"], 3)],
        languages=[(fr, 6)],
        capacity=2,
        time_zone="Europe/Paris",
    )
    person(
        "Auckland",
        offers=[(v["wikidata"], 3)],
        languages=[(fr, 6)],
        capacity=2,
        time_zone="Pacific/Auckland",
    )
    learner = person(
        "Learner", wants=[(v["wikidata"], 1)], languages=[(fr, 5)], time_zone="Europe/Paris"
    )
    group = recommendations.teachers_for(viewer=learner)[0]
    assert [s.person.username for s in group.suggestions] == ["Paris", "Auckland"]
    hours = {
        s.person.username: next(c for c in s.components if c.name == "availability")
        for s in group.suggestions
    }
    assert hours["Paris"].text == "You are both available 15 hours a week at the same time."
    assert hours["Auckland"].points == 0


@override_settings(SKILLCOMMONS_MATCHING_WEIGHTS={"skill_sibling": 100.0})
def test_weights_come_from_the_settings(v: dict[str, Any]) -> None:
    fr = v["fr"]
    person("Exact", offers=[(v["wikidata"], 3)], languages=[(fr, 6)], capacity=2)
    person("Sibling", offers=[(v["commons"], 3)], languages=[(fr, 6)], capacity=2)
    learner = person("Learner", wants=[(v["wikidata"], 1)], languages=[(fr, 5)])
    assert _names(recommendations.teachers_for(viewer=learner)) == [["Sibling", "Exact"]]


def test_a_mentor_sees_the_learners_they_could_help(v: dict[str, Any]) -> None:
    fr = v["fr"]
    mentor, learner = pair(v)
    person("Far", wants=[(v["other"], 1)], languages=[(fr, 5)])
    person("Private", wants=[(v["wikidata"], 1)], languages=[(fr, 5)], share=["languages"])
    found = recommendations.learners_for(viewer=mentor)
    assert [(s.person, s.skill) for s in found] == [(learner, v["wikidata"])]
    assert found[0].components[0].text == "Wants to learn exactly a skill you offer."
    actions.block_person(blocker=learner, blocked=mentor)
    assert recommendations.learners_for(viewer=mentor) == []


def test_loads_are_refreshed_without_a_rebuild(v: dict[str, Any]) -> None:
    mentor, learner = pair(v, capacity=1)
    first = loader.snapshot()
    started(v, mentor, learner)
    second = loader.snapshot()
    assert second is first
    row = int((first.mentors.ids == mentor.pk).nonzero()[0][0])
    assert int(second.mentors.load[row]) == 1


# ---------------------------------------------------------------------------------------------
# Pages and API


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_suggestions_page_and_api_show_every_component(v: dict[str, Any]) -> None:
    mentor, learner = pair(v)
    client = _client(learner)
    page = client.get("/exchange/suggestions/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Offers exactly the skill you asked for." in text
    assert f"/exchange/ask/{mentor.username}/t-wikidata/" in text
    partial = client.get("/exchange/suggestions/?skill=t-wikidata", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    api = client.get("/api/v1/exchange/suggestions?skill=t-wikidata&k=5").json()
    assert api[0]["skill"]["code"] == "t-wikidata"
    suggestion = api[0]["suggestions"][0]
    assert suggestion["person"]["username"] == "Mentor"
    assert [c["name"] for c in suggestion["components"]] == list(COMPONENTS)
    assert client.get("/api/v1/exchange/suggestions?skill=nope").status_code == 404
    assert client.get("/api/v1/exchange/suggestions?k=0").status_code == 422
    learners = _client(mentor).get("/api/v1/exchange/learners").json()
    assert [s["person"]["username"] for s in learners] == ["Learner"]
    assert _client(mentor).get("/exchange/learners/").status_code == 200


def test_suggestions_need_a_signed_in_member(v: dict[str, Any]) -> None:
    assert Client().get("/api/v1/exchange/suggestions").status_code == 401
    assert Client().get("/exchange/suggestions/").status_code == 302
