"""The demo program: built from demo-like people through the actions, previewable, publishable,
added once."""

from __future__ import annotations

import random

import pytest

from skillcommons.accounts.models import PersonLanguage, PersonSkill, Profile, User
from skillcommons.exchange import program_actions
from skillcommons.exchange.program_demo import seed_programs
from skillcommons.exchange.program_models import Application, Circle, MatchRun, Program
from skillcommons.organizations.tests.factories import (
    LanguageFactory,
    OrganizationFactory,
    make_skill,
    organizer_of,
)

from .program_factories import person

pytestmark = pytest.mark.django_db


def _people() -> None:
    organization = OrganizationFactory.create()
    organizer_of(organization, username="demo-organizer")
    skill = make_skill("wikidata", "Wikidata")
    language = LanguageFactory.create(code="es")
    for i in range(12):
        user = person("demo-member" if i == 0 else f"Learner {i}")
        profile = Profile.objects.get(user=user)
        PersonSkill.objects.create(profile=profile, skill=skill, wants_to_learn=True, level=1)
        PersonLanguage.objects.create(profile=profile, language=language, proficiency=5)
    for i in range(3):
        user = person(f"Mentor {i}", capacity=3)
        profile = Profile.objects.get(user=user)
        PersonSkill.objects.create(profile=profile, skill=skill, offers_mentoring=True, level=4)
        PersonLanguage.objects.create(profile=profile, language=language, proficiency=6)


def test_the_demo_program_is_open_matched_and_publishable() -> None:
    _people()
    seed_programs(random.Random(7))
    program = Program.objects.get()
    assert program.state == Program.State.OPEN and program.accepts_applications
    assert Application.objects.filter(program=program, role="mentor").count() == 3
    assert Application.objects.filter(program=program, user__username="demo-member").exists()
    run = MatchRun.objects.get(program=program)
    assert run.totals["assigned"] == 9  # three mentors with three places each
    program_actions.run_preview(run)  # reproducible from its stored inputs
    assert Circle.objects.filter(program=program).count() == 2  # twelve mentees: two circles
    organizer = User.objects.get(username="demo-organizer")
    assert len(program_actions.publish_run(run=run, by=organizer)) == 9
    seed_programs(random.Random(7))  # a second call adds nothing
    assert Program.objects.count() == 1
