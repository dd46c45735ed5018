"""The profile gate, end to end: no page, directory, API answer or export shows a field to
someone below its visibility level."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from skillcommons.accounts import actions
from skillcommons.accounts.models import Profile, User
from skillcommons.core.visibility import Visibility

from .conftest import fill_profile

# Field group → (text that only appears on pages when the group is shown, API keys of the group)
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "display_name": ("Sentinel Displayname", ("display_name",)),
    "pronouns": ("zie/zir", ("pronouns",)),
    "bio": ("Sentinel biography text", ("bio",)),
    "home_wikis": ("tawiki", ("home_wikis",)),
    "location": ("New Zealand", ("country", "region")),
    "time_zone": ("Pacific/Chatham", ("time_zone",)),
    "languages": ("Qaalangzz", ("languages",)),
    "skills": ("Levelled Skillzz", ("skills",)),
    "offers": ("Offered Skillzz", ("offers",)),
    "wants": ("Wanted Skillzz", ("wants",)),
    "methods": ("Peer-to-peer learning", ("preferred_methods",)),
    "availability": ("Weekly availability", ("availability",)),
    "capacity": ("Mentoring capacity", ("mentoring_capacity",)),
}
LEVELS = [Visibility.PRIVATE, Visibility.MEMBERS, Visibility.PUBLIC]
VIEWERS = ["owner", "member", "anonymous"]
API_VIEWERS = [*VIEWERS, "token"]


def test_every_field_group_is_covered() -> None:
    assert set(GROUPS) == set(Profile.VISIBILITY_FIELDS)


def may_see(level: int, viewer: str) -> bool:
    if viewer == "owner":
        return True
    if viewer in ("member", "token"):
        return level >= Visibility.MEMBERS
    return level >= Visibility.PUBLIC


def page_client(viewer: str, owner: User, member: User) -> Client:
    client = Client()
    if viewer == "owner":
        client.force_login(owner)
    elif viewer == "member":
        client.force_login(member)
    return client


def api_client(viewer: str, owner: User, member: User) -> tuple[Client, dict[str, str]]:
    if viewer == "token":
        _token, raw = actions.create_api_token(user=member, name="script")
        return Client(), {"Authorization": f"Bearer {raw}"}
    return page_client(viewer, owner, member), {}


def assert_group(text: str, group: str, level: int, viewer: str) -> None:
    marker = GROUPS[group][0]
    if may_see(level, viewer):
        assert marker in text, f"{group} at {level} should show to {viewer}"
    else:
        assert marker not in text, f"{group} at {level} leaked to {viewer}"


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("group", list(GROUPS))
def test_profile_page_shows_a_group_only_at_or_above_its_level(
    group: str, level: int, viewer: str, owner: User, member: User
) -> None:
    fill_profile(owner, {group: level})
    client = page_client(viewer, owner, member)
    response = client.get(reverse("accounts:profile", args=[owner.username]))
    assert response.status_code == 200
    text = response.content.decode()
    assert_group(text, group, level, viewer)
    for other in GROUPS:
        if other != group and viewer != "owner":
            assert GROUPS[other][0] not in text, f"private {other} leaked to {viewer}"


@pytest.mark.parametrize("viewer", API_VIEWERS)
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("group", list(GROUPS))
def test_api_detail_and_list_leave_hidden_groups_out(
    group: str, level: int, viewer: str, owner: User, member: User
) -> None:
    fill_profile(owner, {group: level})
    client, headers = api_client(viewer, owner, member)
    detail = client.get(f"/api/v1/people/{owner.username}", headers=headers)
    assert detail.status_code == 200
    listing = client.get("/api/v1/people", headers=headers)
    assert listing.status_code == 200
    listed = [p for p in listing.json()["results"] if p["username"] == owner.username]
    for body in [detail.json(), *listed]:
        for key in GROUPS[group][1]:
            assert (key in body) == may_see(level, viewer), (key, body)
        for other, (_marker, keys) in GROUPS.items():
            if other != group and viewer != "owner":
                assert not set(keys) & set(body), f"private {other} leaked: {body}"
        assert None not in body.values()
    # The person is listed exactly when they share something with the caller.
    assert bool(listed) == may_see(level, viewer)


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("group", list(GROUPS))
def test_directory_lists_and_shows_only_what_the_viewer_may_see(
    group: str, level: int, viewer: str, owner: User, member: User
) -> None:
    fill_profile(owner, {group: level})
    client = page_client(viewer, owner, member)
    response = client.get(reverse("accounts:directory"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    text = response.content.decode()
    assert (owner.username in text) == may_see(level, viewer)
    if group in ("display_name", "location", "languages", "skills", "offers", "wants"):
        assert_group(text, group, level, viewer)
    for other in GROUPS:
        if other != group and viewer != "owner":
            assert GROUPS[other][0] not in text


FILTERS: dict[str, tuple[str, dict[str, str]]] = {
    # field group a filter reads → the filter
    "skills": ("skills", {"skill": "lvlskill"}),
    "offers": ("offers", {"skill": "offerskill", "mode": "offers"}),
    "wants": ("wants", {"skill": "wantskill", "mode": "wants"}),
    "languages": ("languages", {"language": "qaa"}),
    "location": ("location", {"region": "ESEAP"}),
}


@pytest.mark.parametrize("viewer", API_VIEWERS)
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", list(FILTERS))
def test_filters_match_only_on_fields_the_viewer_may_see(
    name: str, level: int, viewer: str, owner: User, member: User
) -> None:
    group, params = FILTERS[name]
    # Everything else public, so the person is listed and only the filtered group decides.
    visibility: dict[str, int] = dict.fromkeys(GROUPS, Visibility.PUBLIC)
    visibility[group] = level
    fill_profile(owner, visibility)
    expected = may_see(level, viewer)
    client, headers = api_client(viewer, owner, member)
    api = client.get("/api/v1/people", params, headers=headers)
    assert api.status_code == 200
    assert (owner.username in [p["username"] for p in api.json()["results"]]) == expected
    if viewer != "token":
        page = client.get(reverse("accounts:directory"), params)
        assert page.status_code == 200
        assert (f"/people/{owner.username.replace(' ', '%20')}/" in page.content.decode()) == (
            expected
        )


def test_a_skill_filter_includes_people_with_a_skill_below_it(
    owner: User, vocabulary: dict[str, Any]
) -> None:
    actions.edit_profile(
        user=owner,
        changes={"skills_visibility": Visibility.PUBLIC},
        skills=[actions.SkillEntry(code="citations", level=2)],
    )
    found = Client().get("/api/v1/people", {"skill": "editing"}).json()["results"]
    assert [p["username"] for p in found] == [owner.username]
    assert Client().get("/api/v1/people", {"skill": "lvlskill"}).json()["results"] == []


@pytest.mark.parametrize("level", LEVELS)
def test_the_owners_export_includes_every_field_whatever_its_visibility(
    level: int, owner: User
) -> None:
    fill_profile(owner, dict.fromkeys(GROUPS, level))
    client = Client()
    client.force_login(owner)
    response = client.get(reverse("accounts:data"), {"download": "1"})
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    text = json.dumps(data, ensure_ascii=False)
    for marker, keys in GROUPS.values():
        if marker not in ("Weekly availability", "Mentoring capacity", "Peer-to-peer learning"):
            assert marker in text
        for key in keys:
            assert key in data["profile"]
    assert data["profile"]["visibility"]["bio"] == Visibility(level).name.lower()
    api = client.get("/api/v1/me/export").json()
    assert api["profile"]["mentoring_capacity"] == 37


def test_nobody_but_the_owner_can_export_a_profile(owner: User, member: User) -> None:
    fill_profile(owner, dict.fromkeys(GROUPS, Visibility.PRIVATE))
    anonymous = Client()
    assert anonymous.get("/api/v1/me/export").status_code == 401
    assert anonymous.get(reverse("accounts:data"), {"download": "1"}).status_code == 302
    other = Client()
    other.force_login(member)
    text = other.get("/api/v1/me/export").content.decode()
    assert "Sentinel" not in text and member.username in text


def test_coordinators_see_no_private_field(owner: User, member: User) -> None:
    from django.contrib.auth.models import Group

    member.groups.add(Group.objects.get(name="coordinator"))
    fill_profile(owner, dict.fromkeys(GROUPS, Visibility.PRIVATE))
    client = Client()
    client.force_login(member)
    text = client.get(reverse("accounts:profile", args=[owner.username])).content.decode()
    for marker, _keys in GROUPS.values():
        assert marker not in text
