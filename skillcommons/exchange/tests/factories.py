"""People who offer and want skills, and exchanges between them, for the exchange tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from skillcommons.accounts.models import PersonLanguage, PersonSkill, Profile, User
from skillcommons.accounts.tests.factories import make_language, make_skill, make_user
from skillcommons.core.visibility import Visibility
from skillcommons.exchange import actions
from skillcommons.exchange.models import Exchange, ExchangeRequest
from skillcommons.taxonomy.models import Language, Skill

EVENINGS = [{"day": d, "start": "18:00", "end": "21:00"} for d in range(5)]
SHARED_GROUPS = (
    "offers",
    "wants",
    "languages",
    "capacity",
    "skills",
    "availability",
    "time_zone",
    "methods",
    "location",
    "display_name",
)


def person(
    username: str,
    *,
    offers: Sequence[tuple[Skill, int]] = (),
    wants: Sequence[tuple[Skill, int]] = (),
    languages: Sequence[tuple[Language, int]] = (),
    capacity: int = 0,
    share: Sequence[str] = SHARED_GROUPS,
    time_zone: str = "UTC",
    availability: list[dict[str, Any]] | None = None,
    methods: Sequence[str] = (),
    **fields: Any,
) -> User:
    """A member whose profile shares ``share`` with members (everything by default)."""
    user = make_user(username=username, email=f"{username.lower()}@example.org")
    profile = Profile.objects.get(user=user)
    profile.mentoring_capacity = capacity
    profile.time_zone = time_zone
    profile.availability = EVENINGS if availability is None else availability
    profile.preferred_methods = list(methods)
    for group in share:
        setattr(profile, Profile.VISIBILITY_FIELDS[group], Visibility.MEMBERS)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    for language, proficiency in languages:
        PersonLanguage.objects.create(profile=profile, language=language, proficiency=proficiency)
    for skill, level in offers:
        PersonSkill.objects.create(profile=profile, skill=skill, level=level, offers_mentoring=True)
    for skill, level in wants:
        PersonSkill.objects.update_or_create(
            profile=profile, skill=skill, defaults={"level": level, "wants_to_learn": True}
        )
    return user


def vocabulary() -> dict[str, Any]:
    area = make_skill(code="t-editing", label="Editing")
    wikidata = make_skill(code="t-wikidata", parent=area, label="Wikidata")
    sparql = make_skill(code="t-sparql", parent=wikidata, label="SPARQL")
    commons = make_skill(code="t-commons", parent=area, label="Commons")
    other = make_skill(code="t-fundraising", label="Fundraising")
    return {
        "area": area,
        "wikidata": wikidata,
        "sparql": sparql,
        "commons": commons,
        "other": other,
        "fr": make_language(code="fr"),
        "en": make_language(code="en"),
        "hi": make_language(code="hi"),
    }


def pair(v: dict[str, Any], *, capacity: int = 2) -> tuple[User, User]:
    """A mentor offering Wikidata and a learner wanting it, sharing French."""
    mentor = person(
        "Mentor", offers=[(v["wikidata"], 3)], languages=[(v["fr"], 6)], capacity=capacity
    )
    learner = person("Learner", wants=[(v["wikidata"], 1)], languages=[(v["fr"], 4)])
    return mentor, learner


def requested(v: dict[str, Any], mentor: User, learner: User) -> ExchangeRequest:
    return actions.send_request(
        learner=learner, mentor=mentor, skill=v["wikidata"], method="mentoring", message="Hello"
    )


def started(v: dict[str, Any], mentor: User, learner: User) -> Exchange:
    return actions.accept_request(request=requested(v, mentor, learner), by=mentor)
