"""Programs, applications and the people in them, for the program and circle tests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from skillcommons.accounts.models import Profile, User
from skillcommons.exchange import program_actions
from skillcommons.exchange.program_models import Application, Program
from skillcommons.organizations.models import Organization
from skillcommons.organizations.tests.factories import (
    LanguageFactory,
    OrganizationFactory,
    UserFactory,
    make_skill,
    organizer_of,
)
from skillcommons.taxonomy.models import Language, Skill

EVENINGS = [{"day": d, "start": "18:00", "end": "21:00"} for d in range(5)]


def person(username: str, *, capacity: int = 0, time_zone: str = "UTC", **fields: Any) -> User:
    user = UserFactory.create(username=username)
    Profile.objects.filter(user=user).update(
        mentoring_capacity=capacity, time_zone=time_zone, availability=EVENINGS, **fields
    )
    user.refresh_from_db()
    return user


def setting() -> tuple[Organization, User, Skill, Language]:
    organization = OrganizationFactory.create()
    organizer = organizer_of(organization, username="Organizer")
    area = make_skill("editing", "Editing")
    skill = make_skill("wikidata", "Wikidata", parent=area)
    language = LanguageFactory.create(code="fr")
    return organization, organizer, skill, language


def program(
    organization: Organization,
    organizer: User,
    skill: Skill,
    language: Language,
    *,
    announce: bool = True,
    closes_in: timedelta = timedelta(days=7),
    **fields: Any,
) -> Program:
    now = timezone.now()
    values: dict[str, Any] = {
        "title": "Wikidata mentoring",
        "skills": [skill],
        "languages": [language],
        "starts_on": date(2026, 12, 1),
        "ends_on": date(2027, 3, 1),
        "applications_open_at": now - timedelta(days=1),
        "applications_close_at": now + closes_in,
        "mentor_capacity": 2,
    }
    values.update(fields)
    created = program_actions.create_program(by=organizer, organization=organization, **values)
    if announce:
        created = program_actions.announce_program(program=created, by=organizer)
    return created


def mentor(
    program_: Program, user: User, skill: Skill, language: Language, **kw: Any
) -> Application:
    values: dict[str, Any] = {
        "role": "mentor",
        "skills": {skill: kw.pop("level", 4)},
        "languages": {language: kw.pop("proficiency", 6)},
        "capacity": kw.pop("capacity", 2),
        "methods": ["mentoring"],
    }
    values.update(kw)
    return program_actions.apply_to_program(program=program_, user=user, **values)


def mentee(
    program_: Program, user: User, skill: Skill, language: Language, **kw: Any
) -> Application:
    values: dict[str, Any] = {
        "role": "mentee",
        "skills": {skill: kw.pop("level", 2)},
        "languages": {language: kw.pop("proficiency", 5)},
        "methods": ["mentoring"],
    }
    values.update(kw)
    return program_actions.apply_to_program(program=program_, user=user, **values)
