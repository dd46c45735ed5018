from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from django.test import Client

from skillcommons.accounts import actions
from skillcommons.accounts.models import Profile, User

from .factories import make_language, make_region, make_skill, make_user


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    settings.ACCOUNT_RATE_LIMITS = False
    # Real password hashing costs a third of a second per user; tests check logic, not cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def vocabulary(db: None) -> dict[str, Any]:
    area = make_skill(code="editing", label="Editing")
    child = make_skill(code="citations", parent=area, label="Citing sources")
    return {
        "area": area,
        "child": child,
        "levels": make_skill(code="lvlskill", label="Levelled Skillzz"),
        "offered": make_skill(code="offerskill", label="Offered Skillzz"),
        "wanted": make_skill(code="wantskill", label="Wanted Skillzz"),
        "language": make_language(code="qaa", autonym="Qaalangzz", english_name="Local use"),
        "region": make_region("NZ", "ESEAP"),
    }


def fill_profile(user: User, visibility: Mapping[str, int] | None = None) -> None:
    """Give ``user`` a value in every field group, with the given visibilities (others private)."""
    changes: dict[str, Any] = {
        "display_name": "Sentinel Displayname",
        "pronouns": "zie/zir",
        "bio": "Sentinel biography text",
        "home_wikis": ["tawiki"],
        "country": "NZ",
        "time_zone": "Pacific/Chatham",
        "preferred_methods": ["peer"],
        "availability": [{"day": 2, "start": "10:00", "end": "11:00"}],
        "mentoring_capacity": 37,
    }
    for group, level in (visibility or {}).items():
        changes[Profile.VISIBILITY_FIELDS[group]] = level
    actions.edit_profile(
        user=user,
        changes=changes,
        languages=[actions.LanguageEntry(code="qaa", proficiency=4)],
        skills=[
            actions.SkillEntry(code="lvlskill", level=3),
            actions.SkillEntry(code="offerskill", offers=frozenset({"mentoring"})),
            actions.SkillEntry(code="wantskill", wants_to_learn=True),
        ],
    )


@pytest.fixture
def owner(vocabulary: dict[str, Any]) -> User:
    return make_user(username="Owner Person")


@pytest.fixture
def member(db: None) -> User:
    return make_user(username="Other Member")


@pytest.fixture
def client_for() -> Any:
    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
