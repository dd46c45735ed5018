"""Program actions: create and edit (organizers only), apply with clear errors, run the matcher,
publish once and all-or-nothing, circles."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
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
from skillcommons.notifications.models import Notification
from skillcommons.organizations.tests.factories import LanguageFactory, make_skill

from .program_factories import mentee, mentor, person, program, setting

pytestmark = pytest.mark.django_db


def test_only_organizers_create_programs() -> None:
    organization, organizer, skill, language = setting()
    stranger = person("Stranger")
    with pytest.raises(PermissionDenied):
        program(organization, stranger, skill, language)
    created = program(organization, organizer, skill, language, announce=False)
    assert created.state == Program.State.DRAFT and created.slug == "wikidata-mentoring"
    with pytest.raises(PermissionDenied):
        program_actions.announce_program(program=created, by=stranger)


def test_bad_program_fields_are_refused_per_field() -> None:
    organization, organizer, skill, language = setting()
    with pytest.raises(ValidationError) as caught:
        program(
            organization,
            organizer,
            skill,
            language,
            title=" ",
            skills=[],
            starts_on=date(2027, 1, 2),
            ends_on=date(2027, 1, 1),
            region_quotas={"XX": 1},
        )
    assert set(caught.value.message_dict) == {"title", "skills", "ends_on", "region_quotas"}
    assert not Program.objects.exists()


def test_applications_after_closing_twice_or_outside_the_program_are_refused() -> None:
    organization, organizer, skill, language = setting()
    other_skill = make_skill("commons", "Commons")
    other_language = LanguageFactory.create(code="de")
    p = program(organization, organizer, skill, language)
    alice = person("Alice")
    mentee(p, alice, skill, language)
    with pytest.raises(ValidationError, match="already applied"):
        mentee(p, alice, skill, language)
    bob = person("Bob")
    with pytest.raises(ValidationError) as caught:
        mentee(p, bob, other_skill, language)
    assert "skills" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        program_actions.apply_to_program(
            program=p, user=bob, role="mentee", skills={skill: 2}, languages={other_language: 6}
        )
    assert "languages" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        mentee(p, bob, skill, language, proficiency=2)
    assert "level 3 or better" in caught.value.message_dict["languages"][0]
    with pytest.raises(ValidationError) as caught:
        mentor(p, bob, skill, language, capacity=5)
    assert "capacity" in caught.value.message_dict
    Program.objects.filter(pk=p.pk).update(
        applications_close_at=timezone.now() - timedelta(seconds=1)
    )
    p.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        mentee(p, bob, skill, language)
    assert Application.objects.count() == 1


def test_preferred_mentors_must_be_mentor_applicants() -> None:
    organization, organizer, skill, language = setting()
    p = program(organization, organizer, skill, language)
    m = person("Mentor", capacity=3)
    mentor(p, m, skill, language)
    stranger = person("Stranger")
    with pytest.raises(ValidationError) as caught:
        mentee(p, person("Alice"), skill, language, preferred_mentors=[stranger])
    assert "preferred_mentors" in caught.value.message_dict
    application = mentee(p, person("Bob"), skill, language, preferred_mentors=[m])
    assert list(application.preferred_mentors.all()) == [m]


def _cohort() -> tuple[Program, list]:  # type: ignore[type-arg]
    organization, organizer, skill, language = setting()
    p = program(organization, organizer, skill, language)
    strong = person("Strong", capacity=3)
    weak = person("Weak", capacity=3)
    mentor(p, strong, skill, language, level=4, capacity=1)
    mentor(p, weak, skill, language, level=2, capacity=2)
    people = [person(name) for name in ("Ann", "Ben", "Cat", "Dan")]
    for user in people:
        mentee(p, user, skill, language, preferred_mentors=[strong])
    return p, [organizer, strong, weak, *people]


def test_matching_never_exceeds_capacity_and_explains_who_missed_their_choice() -> None:
    p, (organizer, strong, weak, *_people) = _cohort()
    run = program_actions.run_matching(program=p, by=organizer)
    assert run.totals["assigned"] == 3 and run.totals["unassigned"] == 1
    by_mentor: dict[int, int] = {}
    for _mentee_id, mentor_id, *_rest in run.assignment:
        by_mentor[mentor_id] = by_mentor.get(mentor_id, 0) + 1
    assert by_mentor == {strong.pk: 1, weak.pk: 2}
    preview = program_actions.run_preview(run)
    missed = [n for pair in preview.pairs for n in pair.preferences]
    assert {n.kind for n in missed} == {"full"}
    (left,) = preview.unassigned
    assert "full" in str(left.reason)


def test_only_organizers_run_and_publish() -> None:
    p, (organizer, strong, *_rest) = _cohort()
    with pytest.raises(PermissionDenied):
        program_actions.run_matching(program=p, by=strong)
    run = program_actions.run_matching(program=p, by=organizer)
    with pytest.raises(PermissionDenied):
        program_actions.publish_run(run=run, by=strong)
    assert not Exchange.objects.exists()


def test_publishing_creates_the_exchanges_notifies_and_cannot_run_twice() -> None:
    p, (organizer, _strong, _weak, *_people) = _cohort()
    run = program_actions.run_matching(program=p, by=organizer)
    matches = program_actions.publish_run(run=run, by=organizer)
    assert len(matches) == 3 == Exchange.objects.count() == ProgramMatch.objects.count()
    assert all(m.exchange is not None for m in matches)
    kinds = list(Notification.objects.values_list("kind", flat=True))
    assert kinds.count("program.matched") == 6 and kinds.count("program.not_matched") == 1
    p.refresh_from_db()
    assert p.state == Program.State.PUBLISHED
    with pytest.raises(ValidationError, match="already published"):
        program_actions.publish_run(run=run, by=organizer)
    with pytest.raises(ValidationError):
        program_actions.run_matching(program=p, by=organizer)
    assert Exchange.objects.count() == 3


def test_publishing_is_all_or_nothing_when_a_mentor_filled_up_since_the_run() -> None:
    p, (organizer, _strong, weak, *_people) = _cohort()
    run = program_actions.run_matching(program=p, by=organizer)
    from skillcommons.accounts.models import Profile

    Profile.objects.filter(user=weak).update(mentoring_capacity=1)
    with pytest.raises(ValidationError, match="Run matching again"):
        program_actions.publish_run(run=run, by=organizer)
    assert not Exchange.objects.exists() and not ProgramMatch.objects.exists()
    assert not Notification.objects.exists()
    p.refresh_from_db()
    assert p.state == Program.State.OPEN
    assert MatchRun.objects.get(pk=run.pk).published_at is None


def test_a_mentor_profile_capacity_limits_the_program_places() -> None:
    organization, organizer, skill, language = setting()
    p = program(organization, organizer, skill, language)
    mentor(p, person("Busy", capacity=1), skill, language, capacity=2)
    for name in ("Ann", "Ben"):
        mentee(p, person(name), skill, language)
    run = program_actions.run_matching(program=p, by=organizer)
    assert run.totals["assigned"] == 1


def test_program_circles_group_the_mentees() -> None:
    p, (organizer, *_rest) = _cohort()
    circles, plan = program_actions.form_program_circles(program=p, by=organizer)
    (circle,) = circles
    assert circle.memberships.count() == 4 and plan.left_out == ()
    assert Circle.objects.visible_to(_rest[2]).count() == 1  # a member sees it
    assert Circle.objects.visible_to(_rest[0]).count() == 0  # a mentor does not


def test_regional_quotas_cap_the_mentors_of_a_region_and_regions_limit_who_applies() -> None:
    from skillcommons.accounts.models import Profile

    organization, organizer, skill, language = setting()
    p = program(
        organization,
        organizer,
        skill,
        language,
        regions=["ESEAP", "MENA"],
        region_quotas={"ESEAP": 1},
    )
    east = person("East", capacity=3)
    west = person("West", capacity=3)
    Profile.objects.filter(user=east).update(country="NZ", region="ESEAP")
    Profile.objects.filter(user=west).update(country="EG", region="MENA")
    mentor(p, east, skill, language, level=4, capacity=2)
    mentor(p, west, skill, language, level=2, capacity=2)
    for name in ("Ann", "Ben"):
        user = person(name)
        Profile.objects.filter(user=user).update(country="NZ", region="ESEAP")
        mentee(p, user, skill, language)
    outsider = person("Outsider")
    with pytest.raises(ValidationError, match="regions"):
        mentee(p, outsider, skill, language)
    run = program_actions.run_matching(program=p, by=organizer)
    per_mentor: dict[int, int] = {}
    for _mentee_id, mentor_id, *_rest in run.assignment:
        per_mentor[mentor_id] = per_mentor.get(mentor_id, 0) + 1
    # East fits both better, but its region may take only one mentee.
    assert per_mentor == {east.pk: 1, west.pk: 1}
    preview = program_actions.run_preview(run)
    missed = [m for pair in preview.pairs for m in pair.missed]
    assert [m.kind for m in missed] == ["quota"]
