"""The organizations API: permissions on every endpoint, member privacy, the error format and
validation that changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from skillcommons.core.visibility import Visibility
from skillcommons.organizations.models import Membership, Organization

from .factories import (
    MANAGERS,
    ROLES,
    LanguageFactory,
    MembershipFactory,
    OrganizationFactory,
    OrganizationSkillFactory,
    UserFactory,
    as_role,
    coordinator,
    make_skill,
    organizer_of,
    region_scheme,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/organizations"


def send(client: Client, method: str, path: str, body: Any = None, **extra: Any) -> Any:
    return getattr(client, method)(
        path,
        data=json.dumps(body) if body is not None else None,
        content_type="application/json",
        **extra,
    )


class TestRead:
    def test_list_is_public_and_paginated(self, client: Client) -> None:
        for n in range(3):
            OrganizationFactory.create(name=f"Org {n}")
        OrganizationFactory.create(name="Archived", is_active=False)
        response = client.get(API, {"page_size": 2})
        assert response.status_code == 200
        body = response.json()
        assert (body["count"], body["pages"], len(body["results"])) == (3, 2, 2)
        assert body["results"][0]["name"] == "Org 0"

    def test_list_filters(self, client: Client) -> None:
        parent = make_skill("programming")
        child = make_skill("python", parent=parent)
        sa = OrganizationFactory.create(name="South", region="SA", kind="chapter")
        sa.languages.add(LanguageFactory.create(code="hi"))
        OrganizationSkillFactory.create(organization=sa, skill=child, kind="has")
        OrganizationFactory.create(name="North", region="NA")

        def names(**query: str) -> list[str]:
            return [o["name"] for o in client.get(API, query).json()["results"]]

        assert names(region="SA") == ["South"]
        assert names(kind="chapter") == ["South"]
        assert names(language="hi") == ["South"]
        assert names(skill="programming", skill_kind="has") == ["South"]
        assert names(skill="programming", skill_kind="needs") == []

    @pytest.mark.parametrize("query", [{"kind": "club"}, {"region": "MARS"}, {"skill_kind": "x"}])
    def test_bad_filters_get_the_error_format(self, client: Client, query: dict[str, str]) -> None:
        response = client.get(API, query)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid"
        assert error["fields"][0]["field"] == next(iter(query))

    def test_bad_page_size(self, client: Client) -> None:
        assert client.get(API, {"page_size": 0}).status_code == 400

    def test_detail(self, client: Client) -> None:
        region_scheme({"IN": "SA"})
        organization = OrganizationFactory.create(
            slug="wm-india", country="IN", region="SA", description="Hello <script>x</script>"
        )
        OrganizationSkillFactory.create(
            organization=organization, skill=make_skill("editing"), kind="needs", level=1
        )
        body = client.get(f"{API}/wm-india").json()
        assert body["country"] == {"code": "IN", "name": "India"}
        assert body["region"]["code"] == "SA"
        assert body["needs"][0]["code"] == "editing"
        assert body["needs"][0]["level_name"] == "Beginner"
        assert "<script>" not in body["description_html"]
        assert body["your_membership"] is None

    def test_unknown_slug_is_404_in_the_error_format(self, client: Client) -> None:
        response = client.get(f"{API}/nope")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


class TestMemberPrivacy:
    def make(self) -> Organization:
        organization = OrganizationFactory.create(slug="privacy-org")
        organizer_of(organization, username="Boss Person")
        for name, level in [
            ("Hidden Person", Visibility.PRIVATE),
            ("Members Person", Visibility.MEMBERS),
            ("Public Person", Visibility.PUBLIC),
        ]:
            MembershipFactory.create(
                organization=organization,
                user=UserFactory.create(username=name),
                visibility=level,
            )
        return organization

    def names(self, client: Client) -> tuple[set[str], int, str]:
        response = client.get(f"{API}/privacy-org")
        body = response.json()
        people = {p["username"] for p in body["organizers"] + body["members"]}
        return people, body["member_count"], response.content.decode()

    def test_anonymous(self, client: Client) -> None:
        self.make()
        people, count, raw = self.names(client)
        assert people == {"Boss Person", "Public Person"}
        assert count == 4
        assert "Hidden Person" not in raw and "Members Person" not in raw

    def test_signed_in_stranger_and_other_organizer(self, client: Client) -> None:
        self.make()
        client.force_login(organizer_of(OrganizationFactory.create()))
        people, count, raw = self.names(client)
        assert people == {"Boss Person", "Public Person", "Members Person"}
        assert "Hidden Person" not in raw
        assert count == 4

    def test_list_never_names_members(self, client: Client) -> None:
        self.make()
        raw = client.get(API).content.decode()
        assert "Hidden Person" not in raw
        assert json.loads(raw)["results"][0]["member_count"] == 4

    def test_organizer_sees_all(self, client: Client) -> None:
        organization = self.make()
        client.force_login(Membership.objects.get(organization=organization, role="organizer").user)
        people, _count, _raw = self.names(client)
        assert "Hidden Person" in people


class TestWrite:
    @pytest.mark.parametrize("role", ROLES)
    def test_create(self, client: Client, role: str) -> None:
        as_role(client, role, OrganizationFactory.create())
        response = send(
            client, "post", API, {"slug": "new-org", "name": "New", "kind": "user_group"}
        )
        expected = {"anonymous": 401, "coordinator": 201, "admin": 201}.get(role, 403)
        assert response.status_code == expected
        assert Organization.objects.filter(slug="new-org").exists() == (expected == 201)

    def test_create_by_a_member_is_refused_before_user_names_are_looked_up(
        self, client: Client
    ) -> None:
        client.force_login(UserFactory.create())
        body = {"slug": "x", "name": "X", "kind": "chapter", "first_organizer": "Nobody"}
        response = send(client, "post", API, body)
        assert response.status_code == 403
        assert "fields" not in response.json()["error"]

    def test_create_derives_the_region_and_names_the_organizer(self, client: Client) -> None:
        region_scheme({"BR": "LAC"})
        UserFactory.create(username="Ana")
        client.force_login(coordinator())
        response = send(
            client,
            "post",
            API,
            {
                "slug": "wm-brasil",
                "name": "Wikimedia Brasil",
                "kind": "chapter",
                "country": "BR",
                "region": "NA",
                "first_organizer": "Ana",
            },
        )
        body = response.json()
        assert response.status_code == 201
        assert body["region"]["code"] == "LAC"
        assert [p["username"] for p in body["organizers"]] == ["Ana"]

    @pytest.mark.parametrize(
        ("field", "overrides"),
        [
            ("slug", {"slug": "Bad Slug"}),
            ("country", {"country": "ZZ"}),
            ("region", {"region": "ATLANTIS"}),
            ("languages", {"languages": ["xx-unknown"]}),
            ("website", {"website": "gopher://old.example"}),
            ("description", {"description": "x" * 10001}),
            ("first_organizer", {"first_organizer": "Nobody"}),
        ],
    )
    def test_create_bad_input(self, client: Client, field: str, overrides: dict[str, Any]) -> None:
        client.force_login(coordinator())
        body = {"slug": "ok", "name": "OK", "kind": "chapter", **overrides}
        response = send(client, "post", API, body)
        assert response.status_code == 400
        fields = {f["field"] for f in response.json()["error"]["fields"]}
        assert field in fields
        assert not Organization.objects.exists()

    def test_create_duplicate_slug(self, client: Client) -> None:
        OrganizationFactory.create(slug="taken")
        client.force_login(coordinator())
        response = send(client, "post", API, {"slug": "taken", "name": "X", "kind": "chapter"})
        assert response.status_code == 400
        assert Organization.objects.count() == 1

    def test_create_error_is_translated(self, client: Client) -> None:
        client.force_login(coordinator())
        response = send(
            client,
            "post",
            API,
            {"slug": "ok", "name": "", "kind": "chapter"},
            HTTP_ACCEPT_LANGUAGE="fr",
        )
        assert response.json()["error"]["message"] == "Ce champ est obligatoire."

    @pytest.mark.parametrize("role", ROLES)
    def test_patch(self, client: Client, role: str) -> None:
        organization = OrganizationFactory.create(slug="org", name="Old")
        as_role(client, role, organization)
        response = send(client, "patch", f"{API}/org", {"name": "New"})
        expected = 200 if role in MANAGERS else (401 if role == "anonymous" else 403)
        assert response.status_code == expected
        organization.refresh_from_db()
        assert organization.name == ("New" if expected == 200 else "Old")

    def test_patch_skills_and_bad_skill_rolls_back_everything(self, client: Client) -> None:
        organization = OrganizationFactory.create(slug="org", name="Old")
        make_skill("editing")
        client.force_login(organizer_of(organization))
        ok = send(
            client,
            "patch",
            f"{API}/org",
            {"skills": [{"skill": "editing", "kind": "has", "level": 2, "note": "yes"}]},
        )
        assert ok.status_code == 200
        assert ok.json()["has"][0]["level"] == 2
        bad = send(
            client,
            "patch",
            f"{API}/org",
            {"name": "New", "skills": [{"skill": "editing", "kind": "has", "level": 9}]},
        )
        assert bad.status_code == 400
        organization.refresh_from_db()
        assert organization.name == "Old"
        assert organization.skills.get().level == 2

    def test_patch_null_is_refused(self, client: Client) -> None:
        OrganizationFactory.create(slug="org", name="Old")
        client.force_login(coordinator())
        assert send(client, "patch", f"{API}/org", {"name": None}).status_code == 400

    def test_join_and_leave(self, client: Client) -> None:
        organization = OrganizationFactory.create(slug="org")
        person = UserFactory.create()
        client.force_login(person)
        first = send(client, "post", f"{API}/org/membership", {"visibility": "members"})
        assert first.status_code == 201
        assert first.json() == {
            "organization": "org",
            "username": person.username,
            "role": "member",
            "visibility": "members",
        }
        again = send(client, "post", f"{API}/org/membership", {"visibility": "public"})
        assert again.status_code == 200
        assert organization.memberships.get().visibility == Visibility.PUBLIC
        assert client.delete(f"{API}/org/membership").status_code == 204
        assert not organization.memberships.exists()

    def test_join_defaults_to_private(self, client: Client) -> None:
        organization = OrganizationFactory.create(slug="org")
        client.force_login(UserFactory.create())
        send(client, "post", f"{API}/org/membership", {})
        assert organization.memberships.get().visibility == Visibility.PRIVATE

    def test_anonymous_cannot_join_or_leave(self, client: Client) -> None:
        OrganizationFactory.create(slug="org")
        assert send(client, "post", f"{API}/org/membership", {}).status_code == 401
        assert client.delete(f"{API}/org/membership").status_code == 401
        assert not Membership.objects.exists()

    def test_bad_visibility(self, client: Client) -> None:
        OrganizationFactory.create(slug="org")
        client.force_login(UserFactory.create())
        response = send(client, "post", f"{API}/org/membership", {"visibility": "friends"})
        assert response.status_code == 400
        assert not Membership.objects.exists()

    def test_last_organizer_cannot_leave(self, client: Client) -> None:
        organization = OrganizationFactory.create(slug="org")
        organizer = organizer_of(organization)
        client.force_login(organizer)
        response = client.delete(f"{API}/org/membership")
        assert response.status_code == 400
        assert "last organizer" in response.json()["error"]["message"]
        assert organization.is_organizer(organizer)

    @pytest.mark.parametrize("role", ROLES)
    def test_member_role_and_removal(self, client: Client, role: str) -> None:
        organization = OrganizationFactory.create(slug="org")
        organizer_of(organization)
        target = MembershipFactory.create(organization=organization).user
        as_role(client, role, organization)
        promote = send(
            client, "patch", f"{API}/org/members/{target.username}", {"role": "organizer"}
        )
        expected = 200 if role in MANAGERS else (401 if role == "anonymous" else 403)
        assert promote.status_code == expected
        assert organization.is_organizer(target) == (expected == 200)
        removed = client.delete(f"{API}/org/members/{target.username}")
        assert removed.status_code == (204 if expected == 200 else expected)
        assert organization.memberships.filter(user=target).exists() == (expected != 200)


def test_openapi_schema_lists_the_endpoints(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/organizations"])
    assert {"get", "patch"} <= set(paths["/api/v1/organizations/{slug}"])
    assert {"post", "delete"} <= set(paths["/api/v1/organizations/{slug}/membership"])


def test_list_queries_do_not_grow_with_the_number_of_organizations(client: Client) -> None:
    language = LanguageFactory.create(code="es", autonym="Español")

    def add(count: int) -> None:
        for _n in range(count):
            organization = OrganizationFactory.create()
            organization.languages.add(language)
            MembershipFactory.create(organization=organization)

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get(API)
    add(8)
    with CaptureQueriesContext(connection) as many:
        client.get(API)
    assert len(many.captured_queries) == len(few.captured_queries)
