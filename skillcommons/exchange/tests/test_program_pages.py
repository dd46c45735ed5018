"""Program and circle pages and API: the whole path through the test client, permissions, bad
input with clear errors, no-JS fallbacks and htmx partials."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from skillcommons.exchange import program_actions
from skillcommons.exchange.models import Exchange
from skillcommons.exchange.program_models import (
    Application,
    Circle,
    MatchRun,
    Program,
    ProgramMatch,
)
from skillcommons.organizations.tests.factories import coordinator

from .program_factories import mentee, mentor, person, program, setting

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_organizer_creates_a_program_through_the_page() -> None:
    organization, organizer, skill, language = setting()
    client = signed_in(organizer)
    assert client.get(reverse("exchange:program_create")).status_code == 200
    now = timezone.now()
    data = {
        "organization": organization.pk,
        "title": "Lua for templates",
        "skills": [skill.pk],
        "languages": [language.pk],
        "starts_on": "2026-12-01",
        "ends_on": "2027-02-01",
        "applications_open_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "applications_close_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "mentor_capacity": 2,
        "region_quotas": "ESEAP=2",
    }
    response = client.post(reverse("exchange:program_create"), data)
    created = Program.objects.get()
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert created.region_quotas == {"ESEAP": 2} and created.state == "draft"


def test_bad_program_input_shows_errors_and_saves_nothing() -> None:
    organization, organizer, skill, language = setting()
    response = signed_in(organizer).post(
        reverse("exchange:program_create"),
        {
            "organization": organization.pk,
            "title": "x" * 300,
            "skills": [skill.pk],
            "languages": [language.pk],
            "starts_on": "2027-01-02",
            "ends_on": "2027-01-01",
            "applications_open_at": "2026-12-01T10:00",
            "applications_close_at": "2026-12-01T09:00",
            "mentor_capacity": 2,
            "region_quotas": "nonsense",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was saved" in page and 'aria-invalid="true"' in page
    assert not Program.objects.exists()


def test_people_who_organize_nothing_cannot_create_programs() -> None:
    setting()
    response = signed_in(person("Member")).get(reverse("exchange:program_create"))
    assert response.status_code == 403


def test_drafts_are_hidden_from_others_and_announced_programs_are_public() -> None:
    organization, organizer, skill, language = setting()
    p = program(organization, organizer, skill, language, announce=False)
    assert Client().get(p.get_absolute_url()).status_code == 404
    assert signed_in(person("Member")).get(p.get_absolute_url()).status_code == 404
    assert signed_in(organizer).get(p.get_absolute_url()).status_code == 200
    signed_in(organizer).post(reverse("exchange:program_state", args=[p.slug, "announce"]))
    assert Client().get(p.get_absolute_url()).status_code == 200
    listing = Client().get(reverse("exchange:program_list"))
    assert p.title in listing.content.decode()
    partial = Client().get(
        reverse("exchange:program_list"), {"state": "open"}, HTTP_HX_REQUEST="true"
    )
    assert "<html" not in partial.content.decode() and p.title in partial.content.decode()


def test_applying_through_the_page_then_seeing_my_application() -> None:
    organization, organizer, skill, language = setting()
    p = program(organization, organizer, skill, language)
    alice = person("Alice")
    client = signed_in(alice)
    form = client.get(reverse("exchange:program_apply", args=[p.slug]))
    assert form.status_code == 200 and f"skill_{skill.pk}" in form.content.decode()
    response = client.post(
        reverse("exchange:program_apply", args=[p.slug]),
        {"role": "mentee", f"skill_{skill.pk}": "2", f"language_{language.pk}": "5"},
    )
    assert response.status_code == 302
    page = client.get(reverse("exchange:program_application", args=[p.slug])).content.decode()
    assert "not published yet" in page
    again = client.post(
        reverse("exchange:program_apply", args=[p.slug]),
        {"role": "mentee", f"skill_{skill.pk}": "2", f"language_{language.pk}": "5"},
    )
    assert again.status_code == 302 and Application.objects.count() == 1


def test_an_application_without_a_usable_language_gets_a_field_error() -> None:
    organization, organizer, skill, language = setting()
    p = program(organization, organizer, skill, language)
    response = signed_in(person("Bob")).post(
        reverse("exchange:program_apply", args=[p.slug]),
        {"role": "mentee", f"skill_{skill.pk}": "2", f"language_{language.pk}": "1"},
    )
    assert response.status_code == 200
    assert "level 3 or better" in response.content.decode()
    assert not Application.objects.exists()


def _cohort() -> tuple[Program, Any, list[Any]]:
    organization, organizer, skill, language = setting()
    p = program(organization, organizer, skill, language)
    strong, weak = person("Strong", capacity=3), person("Weak", capacity=3)
    mentor(p, strong, skill, language, level=4, capacity=1)
    mentor(p, weak, skill, language, level=2, capacity=2)
    people = [person(name) for name in ("Ann", "Ben", "Cat", "Dan")]
    for user in people:
        mentee(p, user, skill, language, preferred_mentors=[strong])
    return p, organizer, [strong, weak, *people]


def test_the_organizer_runs_previews_and_publishes_without_javascript() -> None:
    p, organizer, (_strong, _weak, ann, *_rest) = _cohort()
    client = signed_in(organizer)
    assert client.get(reverse("exchange:program_manage", args=[p.slug])).status_code == 200
    response = client.post(
        reverse("exchange:program_match", args=[p.slug]), {"candidates": 10, "spread": 2}
    )
    run = MatchRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    preview = client.get(run.get_absolute_url()).content.decode()
    assert "Full: 1/1 places taken." in preview
    assert "3 of 4 mentees" in preview
    assert client.get(reverse("exchange:program_publish", args=[p.slug, run.pk])).status_code == 200
    published = client.post(reverse("exchange:program_publish", args=[p.slug, run.pk]))
    assert published.status_code == 302 and Exchange.objects.count() == 3
    again = client.post(reverse("exchange:program_publish", args=[p.slug, run.pk]), follow=True)
    assert "already published" in again.content.decode() and Exchange.objects.count() == 3
    mine = (
        signed_in(ann).get(reverse("exchange:program_application", args=[p.slug])).content.decode()
    )
    assert "Your mentor is" in mine or "not matched" in mine


def test_a_rerun_with_htmx_returns_the_preview_fragment() -> None:
    p, organizer, _people = _cohort()
    response = signed_in(organizer).post(
        reverse("exchange:program_match", args=[p.slug]),
        {"candidates": 5, "spread": 0},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and "sc-preview" in body
    bad = signed_in(organizer).post(
        reverse("exchange:program_match", args=[p.slug]),
        {"candidates": 0, "spread": 2},
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 422 and MatchRun.objects.count() == 1


def test_applicants_cannot_manage_run_or_publish() -> None:
    p, organizer, (strong, *_rest) = _cohort()
    run_page = signed_in(organizer).post(
        reverse("exchange:program_match", args=[p.slug]), {"candidates": 10, "spread": 2}
    )
    run = MatchRun.objects.get()
    client = signed_in(strong)
    assert client.get(reverse("exchange:program_manage", args=[p.slug])).status_code == 403
    assert (
        client.post(
            reverse("exchange:program_match", args=[p.slug]), {"candidates": 10, "spread": 2}
        ).status_code
        == 403
    )
    assert client.get(run.get_absolute_url()).status_code == 403
    assert (
        client.post(reverse("exchange:program_publish", args=[p.slug, run.pk])).status_code == 403
    )
    assert Client().get(reverse("exchange:program_manage", args=[p.slug])).status_code == 302
    assert not Exchange.objects.exists() and run_page.status_code == 302


def test_circle_members_see_each_other_only_through_the_profile_gate() -> None:
    p, organizer, (strong, _weak, ann, ben, *_rest) = _cohort()
    from skillcommons.accounts.models import Profile

    Profile.objects.filter(user=ben).update(display_name="Ben Secret")  # private by default
    response = signed_in(organizer).post(reverse("exchange:program_circles", args=[p.slug]))
    assert response.status_code == 200
    circle = Circle.objects.get()
    page = signed_in(ann).get(circle.get_absolute_url()).content.decode()
    assert "Ben" in page and "Ben Secret" not in page
    assert "Wants to learn Wikidata" in page
    assert signed_in(strong).get(circle.get_absolute_url()).status_code == 404
    assert Client().get(circle.get_absolute_url()).status_code == 302


def test_coordinators_form_circles_for_a_skill_from_shared_wants_only() -> None:
    from skillcommons.accounts.models import PersonLanguage, PersonSkill, Profile

    _org, _organizer, skill, language = setting()
    for i in range(4):
        user = person(f"Learner {i}")
        profile = Profile.objects.get(user=user)
        PersonSkill.objects.create(profile=profile, skill=skill, wants_to_learn=True)
        PersonLanguage.objects.create(profile=profile, language=language, proficiency=4)
        if i < 3:
            Profile.objects.filter(pk=profile.pk).update(wants_visibility=1, languages_visibility=1)
    boss = coordinator(username="Coordinator")
    assert (
        signed_in(person("Member"))
        .post(reverse("exchange:circle_form"), {"skill": skill.pk})
        .status_code
        == 403
    )
    response = signed_in(boss).post(reverse("exchange:circle_form"), {"skill": skill.pk})
    assert response.status_code == 200
    (circle,) = Circle.objects.all()
    assert sorted(circle.memberships.values_list("user__username", flat=True)) == [
        "Learner 0",
        "Learner 1",
        "Learner 2",
    ]


# --- API ----------------------------------------------------------------------------------------


def test_the_api_path_from_application_to_publication() -> None:
    p, organizer, (strong, _weak, ann, *_rest) = _cohort()
    newcomer = person("Newcomer")
    client = signed_in(newcomer)
    answer = client.post(
        f"/api/v1/programs/{p.slug}/applications",
        json.dumps(
            {
                "role": "mentee",
                "skills": [{"code": "wikidata", "level": 2}],
                "languages": [{"code": "fr", "proficiency": 6}],
                "preferred_mentors": ["Strong"],
            }
        ),
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    twice = client.post(
        f"/api/v1/programs/{p.slug}/applications",
        json.dumps(
            {
                "role": "mentee",
                "skills": [{"code": "wikidata", "level": 2}],
                "languages": [{"code": "fr", "proficiency": 6}],
            }
        ),
        content_type="application/json",
    )
    assert (
        twice.status_code == 400
        and twice.json()["error"]["message"] == "You have already applied to this program."
    )
    assert (
        signed_in(strong)
        .post(f"/api/v1/programs/{p.slug}/runs", "{}", content_type="application/json")
        .status_code
        == 403
    )
    org = signed_in(organizer)
    run = org.post(
        f"/api/v1/programs/{p.slug}/runs",
        json.dumps({"candidates": 10}),
        content_type="application/json",
    )
    assert run.status_code == 201, run.content
    body = run.json()
    assert body["totals"]["assigned"] == 3 and len(body["unassigned"]) == 2
    assert {c["name"] for c in body["pairs"][0]["components"]} >= {"skill", "language"}
    loads = {load["mentor"]: load for load in body["loads"]}
    assert all(load["assigned"] <= load["capacity"] for load in loads.values())
    published = org.post(f"/api/v1/programs/{p.slug}/runs/{body['id']}/publish")
    assert published.status_code == 200 and len(published.json()["pairs"]) == 3
    again = org.post(f"/api/v1/programs/{p.slug}/runs/{body['id']}/publish")
    assert again.status_code == 400
    mine = signed_in(ann).get(f"/api/v1/programs/{p.slug}/application").json()
    assert mine["username"] == "Ann"
    assert signed_in(ann).get(f"/api/v1/programs/{p.slug}/applications").status_code == 403


def test_the_api_refuses_bad_program_input() -> None:
    organization, organizer, _skill, _language = setting()
    payload = {
        "organization": organization.slug,
        "title": "T",
        "skills": ["nope"],
        "languages": ["fr"],
        "starts_on": "2027-01-01",
        "ends_on": "2027-02-01",
        "applications_open_at": "2026-12-01T00:00:00Z",
        "applications_close_at": "2026-12-05T00:00:00Z",
    }
    client = signed_in(organizer)
    answer = client.post("/api/v1/programs", json.dumps(payload), content_type="application/json")
    assert answer.status_code == 400 and answer.json()["error"]["fields"][0]["field"] == "skills"
    stranger = signed_in(person("Stranger"))
    answer = stranger.post(
        "/api/v1/programs",
        json.dumps({**payload, "skills": ["wikidata"]}),
        content_type="application/json",
    )
    assert answer.status_code == 403
    answer = client.post(
        "/api/v1/programs",
        json.dumps({**payload, "skills": ["wikidata"]}),
        content_type="application/json",
    )
    assert answer.status_code == 201 and answer.json()["state"] == "draft"
    assert Client().get(f"/api/v1/programs/{answer.json()['slug']}").status_code == 404
    assert Program.objects.count() == 1


def test_editing_cancelling_and_withdrawing() -> None:
    organization, organizer, skill, language = setting()
    p = program(organization, organizer, skill, language)
    client = signed_in(organizer)
    form = client.get(reverse("exchange:program_edit", args=[p.slug]))
    assert form.status_code == 200 and "Wikidata mentoring" in form.content.decode()
    assert (
        signed_in(person("Member")).get(reverse("exchange:program_edit", args=[p.slug])).status_code
        == 403
    )
    alice = person("Alice")
    mentee(p, alice, skill, language)
    signed_in(alice).post(reverse("exchange:program_withdraw", args=[p.slug]))
    assert Application.objects.get().withdrawn_at is not None
    again = signed_in(alice).post(reverse("exchange:program_withdraw", args=[p.slug]), follow=True)
    assert "already withdrawn" in again.content.decode()
    client.post(reverse("exchange:program_state", args=[p.slug, "cancel"]))
    p.refresh_from_db()
    assert p.state == Program.State.CANCELLED
    refused = client.post(reverse("exchange:program_state", args=[p.slug, "announce"]), follow=True)
    assert "Only a draft program can be announced." in refused.content.decode()
    assert (
        client.post(reverse("exchange:program_state", args=[p.slug, "nonsense"])).status_code == 404
    )


def test_an_unmatched_mentee_sees_why_after_publication() -> None:
    p, organizer, (_strong, _weak, *mentees) = _cohort()
    run = program_actions.run_matching(program=p, by=organizer)
    program_actions.publish_run(run=run, by=organizer)
    matched = set(ProgramMatch.objects.values_list("mentee__username", flat=True))
    (left,) = [m for m in mentees if m.username not in matched]
    page = (
        signed_in(left).get(reverse("exchange:program_application", args=[p.slug])).content.decode()
    )
    assert "You were not matched this time." in page and "full" in page


def test_the_api_lists_and_shows_circles_to_members_only() -> None:
    p, organizer, (strong, _weak, ann, *_rest) = _cohort()
    formed = signed_in(organizer).post(f"/api/v1/programs/{p.slug}/circles")
    assert formed.status_code == 201 and len(formed.json()["circles"]) == 1
    circle_id = formed.json()["circles"][0]["id"]
    mine = signed_in(ann).get("/api/v1/circles").json()
    assert [c["id"] for c in mine] == [circle_id]
    detail = signed_in(ann).get(f"/api/v1/circles/{circle_id}").json()
    assert detail["skill"] == "wikidata" and len(detail["members"]) == 4
    assert signed_in(strong).get(f"/api/v1/circles/{circle_id}").status_code == 404
    assert Client().get(f"/api/v1/circles/{circle_id}").status_code == 401
    refused = signed_in(ann).post(
        "/api/v1/circles", json.dumps({"skill": "wikidata"}), content_type="application/json"
    )
    assert refused.status_code == 403


def test_the_preview_is_paged_in_the_api_and_on_the_page() -> None:
    p, organizer, _people = _cohort()
    client = signed_in(organizer)
    run = program_actions.run_matching(program=p, by=organizer)
    first = client.get(f"/api/v1/programs/{p.slug}/runs/{run.pk}?page_size=2").json()
    second = client.get(f"/api/v1/programs/{p.slug}/runs/{run.pk}?page_size=2&page=2").json()
    assert (first["pages"], len(first["pairs"]), len(second["pairs"])) == (2, 2, 1)
    assert client.get(f"/api/v1/programs/{p.slug}/runs/{run.pk}?page_size=0").status_code == 400
    page = client.get(run.get_absolute_url(), {"page": "nonsense"})
    assert page.status_code == 200


def test_circle_pages_list_mine_and_refuse_bad_input() -> None:
    p, organizer, (_strong, _weak, ann, *_rest) = _cohort()
    program_actions.form_program_circles(program=p, by=organizer)
    page = signed_in(ann).get(reverse("exchange:circle_list")).content.decode()
    assert "Wikidata in fr" in page and "Form circles for a skill" not in page
    boss = coordinator(username="Coordinator")
    listing = signed_in(boss).get(reverse("exchange:circle_list")).content.decode()
    assert "Form circles for a skill" in listing
    bad = signed_in(boss).post(reverse("exchange:circle_form"), {"skill": "999999"})
    assert bad.status_code == 422 and Circle.objects.count() == 1


def test_a_program_called_new_does_not_hide_the_creation_page() -> None:
    organization, organizer, skill, language = setting()
    created = program(organization, organizer, skill, language, title="New")
    assert created.slug != "new"
    assert signed_in(organizer).get(created.get_absolute_url()).status_code == 200


def test_a_published_program_cannot_be_edited() -> None:
    p, organizer, _people = _cohort()
    run = program_actions.run_matching(program=p, by=organizer)
    program_actions.publish_run(run=run, by=organizer)
    response = signed_in(organizer).get(
        reverse("exchange:program_edit", args=[p.slug]), follow=True
    )
    assert "cannot be changed" in response.content.decode()
