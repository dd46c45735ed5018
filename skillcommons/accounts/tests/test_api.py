"""The people API: /me with a token or a session, PATCH validation with nothing changed on
error, and the shared error format."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from skillcommons.accounts import actions
from skillcommons.accounts.models import PersonSkill, Profile, User
from skillcommons.core.visibility import Visibility

from .conftest import fill_profile


@pytest.fixture
def token(owner: User) -> str:
    return actions.create_api_token(user=owner, name="tests")[1]


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def patch(client: Client, body: Any, headers: dict[str, str]) -> Any:
    return client.patch(
        "/api/v1/me", json.dumps(body), content_type="application/json", headers=headers
    )


def test_me_needs_a_token_or_a_session(db: None) -> None:
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_me_with_a_token_returns_everything_including_private_fields(
    owner: User, token: str
) -> None:
    fill_profile(owner)
    body = Client().get("/api/v1/me", headers=bearer(token)).json()
    assert body["username"] == owner.username
    assert body["bio"] == "Sentinel biography text"
    assert body["visibility"]["bio"] == "private"
    assert body["roles"] == ["member"]
    assert body["skills"] == [{"code": "lvlskill", "label": "Levelled Skillzz", "level": 3}]


@pytest.mark.parametrize("raw", ["sc_not-a-real-token", "", "Bearer", "sc_" + "x" * 2000])
def test_a_bad_token_is_refused(db: None, raw: str) -> None:
    response = Client().get("/api/v1/me", headers=bearer(raw))
    assert response.status_code == 401


def test_a_revoked_token_stops_working(owner: User) -> None:
    created, raw = actions.create_api_token(user=owner, name="old")
    assert Client().get("/api/v1/me", headers=bearer(raw)).status_code == 200
    actions.revoke_api_token(user=owner, token_id=created.pk)
    assert Client().get("/api/v1/me", headers=bearer(raw)).status_code == 401


def test_patch_me_changes_fields_lists_and_visibility(owner: User, token: str) -> None:
    response = patch(
        Client(),
        {
            "display_name": "Ada",
            "home_wikis": ["en.wikipedia.org", "commonswiki"],
            "country": "nz",
            "time_zone": "Pacific/Auckland",
            "availability": [{"day": 4, "start": "18:00", "end": "19:00"}],
            "languages": [{"code": "qaa", "proficiency": 6}],
            "skills": [{"code": "citations", "level": 2, "offers": ["review"]}],
            "visibility": {"display_name": "public", "skills": "members"},
        },
        bearer(token),
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["display_name"] == "Ada"
    assert body["home_wikis"] == ["enwiki", "commonswiki"]
    assert body["country"]["code"] == "NZ" and body["region"]["code"] == "ESEAP"
    assert body["visibility"]["display_name"] == "public"
    assert body["offers"] == [{"code": "citations", "label": "Citing sources", "ways": ["review"]}]
    profile = Profile.objects.get(user=owner)
    assert profile.skills_visibility == Visibility.MEMBERS
    # What was not sent stays as it was.
    assert profile.bio_visibility == Visibility.PRIVATE


BAD_PATCHES: dict[str, tuple[dict[str, Any], str, int]] = {
    "unknown skill": ({"skills": [{"code": "no-such-skill"}]}, "skills", 400),
    "unknown language": (
        {"languages": [{"code": "zz-Unknown", "proficiency": 2}]},
        "languages",
        400,
    ),
    "malformed language": ({"languages": [{"code": "!!", "proficiency": 2}]}, "languages", 400),
    "unknown time zone": ({"time_zone": "Mars/Base"}, "time_zone", 400),
    "unknown country": ({"country": "XX"}, "country", 400),
    "bad wiki": ({"home_wikis": ["example.com"]}, "home_wikis", 400),
    "bio too long": ({"bio": "x" * 5001}, "bio", 400),
    "capacity": ({"mentoring_capacity": 99}, "mentoring_capacity", 400),
    "method": ({"preferred_methods": ["telepathy"]}, "preferred_methods", 400),
    "slot": ({"availability": [{"day": 1, "start": "10:00", "end": "09:00"}]}, "availability", 400),
    "visibility group": ({"visibility": {"shoe_size": "public"}}, "visibility.shoe_size", 400),
    "null": ({"bio": None}, "bio", 400),
    "visibility level": ({"visibility": {"bio": "friends"}}, "visibility.bio", 422),
    "skill level": ({"skills": [{"code": "citations", "level": 7}]}, "skills.0.level", 422),
    "unknown key": ({"shoe_size": 44}, "shoe_size", 422),
    "duplicate skill": (
        {"skills": [{"code": "citations"}, {"code": "citations"}]},
        "skills",
        400,
    ),
}


@pytest.mark.parametrize("case", list(BAD_PATCHES))
def test_a_bad_patch_names_the_field_and_changes_nothing(
    case: str, owner: User, token: str
) -> None:
    fill_profile(owner)
    before = Client().get("/api/v1/me", headers=bearer(token)).json()
    body, field, status = BAD_PATCHES[case]
    # A valid change alongside the bad one must not be saved either.
    response = patch(Client(), {"display_name": "Changed", **body}, bearer(token))
    assert response.status_code == status, response.json()
    error = response.json()["error"]
    assert field in [f["field"] for f in error["fields"]], error
    assert Client().get("/api/v1/me", headers=bearer(token)).json() == before


def test_patch_by_session_works_too(owner: User) -> None:
    client = Client()
    client.force_login(owner)
    assert patch(client, {"pronouns": "they/them"}, {}).status_code == 200
    assert Profile.objects.get(user=owner).pronouns == "they/them"


def test_people_list_is_paginated_with_the_shared_shape(vocabulary: dict[str, Any]) -> None:
    from .factories import make_user

    for n in range(3):
        user = make_user(username=f"Public Person {n}")
        actions.update_profile(user=user, changes={"pronouns": "x", "pronouns_visibility": 2})
    body = Client().get("/api/v1/people", {"page_size": 2}).json()
    assert (body["count"], body["page"], body["pages"], len(body["results"])) == (3, 1, 2, 2)
    assert Client().get("/api/v1/people", {"page_size": 0}).status_code == 400
    assert Client().get("/api/v1/people", {"page": 0}).status_code == 400


def test_people_list_rejects_unknown_filter_values(db: None) -> None:
    response = Client().get("/api/v1/people", {"skill": "no-such-skill"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == "skill"
    assert Client().get("/api/v1/people", {"region": "ATLANTIS"}).status_code == 400
    assert Client().get("/api/v1/people", {"mode": "sells"}).status_code == 422


def test_people_list_costs_a_fixed_number_of_queries(
    vocabulary: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    from .factories import make_user

    for n in range(8):
        user = make_user(username=f"Listed {n}")
        fill_profile(user, dict.fromkeys(Profile.VISIBILITY_FIELDS, Visibility.PUBLIC))
    with django_assert_max_num_queries(8):
        body = Client().get("/api/v1/people").json()
    assert body["count"] == 8
    assert all("skills" in person for person in body["results"])


def test_directory_page_costs_a_fixed_number_of_queries(
    vocabulary: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    from django.urls import reverse

    from .factories import make_user

    for n in range(8):
        user = make_user(username=f"Listed {n}")
        fill_profile(user, dict.fromkeys(Profile.VISIBILITY_FIELDS, Visibility.PUBLIC))
    with django_assert_max_num_queries(12):
        response = Client().get(reverse("accounts:directory"), HTTP_HX_REQUEST="true")
    assert response.content.decode().count('class="sc-card"') == 8
    assert "HX-Request" in response["Vary"]
    assert "<html" not in response.content.decode()
    assert PersonSkill.objects.count() == 24
