"""The organization pages through the test client: who sees and does what, privacy of members,
bad input, Markdown sanitizing and the region rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from skillcommons.accounts.models import User
from skillcommons.core.visibility import Visibility
from skillcommons.organizations.models import Membership, Organization, OrganizationSkill

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


def url(name: str, organization: Organization) -> str:
    return reverse(f"organizations:{name}", args=[organization.slug])


class TestListAndDetail:
    def test_list_shows_active_organizations_to_anyone(self, client: Client) -> None:
        OrganizationFactory.create(name="Wikimedia Alpha")
        OrganizationFactory.create(name="Archived Beta", is_active=False)
        response = client.get(reverse("organizations:list"))
        assert response.status_code == 200
        assert "Wikimedia Alpha" in response.text
        assert "Archived Beta" not in response.text

    def test_list_filters(self, client: Client) -> None:
        LanguageFactory.create(code="bn", autonym="বাংলা")
        programming = make_skill("programming")
        python = make_skill("python", parent=programming)
        bengali = OrganizationFactory.create(name="Bengali Wikimedians", region="SA")
        bengali.languages.add(LanguageFactory.create(code="bn"))
        OrganizationSkillFactory.create(organization=bengali, skill=python, kind="needs")
        OrganizationFactory.create(name="Wikimedia Nordic", region="NWE", kind="chapter")
        list_url = reverse("organizations:list")

        def names(**query: str) -> set[str]:
            page = client.get(list_url, query)
            return {o.name for o in page.context["page"].object_list}

        assert names(region="SA") == {"Bengali Wikimedians"}
        assert names(kind="chapter") == {"Wikimedia Nordic"}
        assert names(language="bn") == {"Bengali Wikimedians"}
        assert names(skill="programming") == {"Bengali Wikimedians"}
        assert names(skill="programming", skill_kind="has") == set()
        assert names(skill="python", skill_kind="needs") == {"Bengali Wikimedians"}

    def test_list_with_a_bad_filter_shows_an_error_not_a_crash(self, client: Client) -> None:
        OrganizationFactory.create(name="Wikimedia Alpha")
        response = client.get(reverse("organizations:list"), {"kind": "club", "page": "x"})
        assert response.status_code == 200
        assert response.context["form"].errors["kind"]

    def test_htmx_filter_request_gets_only_the_results(self, client: Client) -> None:
        OrganizationFactory.create(name="Wikimedia Alpha")
        response = client.get(reverse("organizations:list"), headers={"HX-Request": "true"})
        assert "Wikimedia Alpha" in response.text
        assert "<html" not in response.text
        full = client.get(reverse("organizations:list"))
        assert "<html" in full.text
        assert 'id="sc-org-results"' in full.text

    def test_list_is_paginated(self, client: Client) -> None:
        for n in range(25):
            OrganizationFactory.create(name=f"Org {n:02d}")
        first = client.get(reverse("organizations:list"))
        second = client.get(reverse("organizations:list"), {"page": 2})
        assert len(first.context["page"].object_list) == 20
        assert len(second.context["page"].object_list) == 5
        assert 'rel="next"' in first.text

    def test_detail(self, client: Client) -> None:
        region_scheme({"BD": "SA"})
        organization = OrganizationFactory.create(
            name="Bengali Wikimedians",
            country="BD",
            region="SA",
            website="https://bn.example.org",
            description="We **edit** together.",
        )
        OrganizationSkillFactory.create(
            organization=organization, skill=make_skill("editing"), kind="has", level=3
        )
        OrganizationSkillFactory.create(
            organization=organization, skill=make_skill("outreach"), kind="needs", level=None
        )
        response = client.get(organization.get_absolute_url())
        assert response.status_code == 200
        text = response.text
        assert "<strong>edit</strong>" in text
        assert "Bangladesh" in text
        assert "South Asia" in text
        assert "https://bn.example.org" in text
        assert "Editing" in text and "Experienced" in text
        assert "Outreach" in text

    def test_country_name_follows_the_interface_language(self, client: Client) -> None:
        organization = OrganizationFactory.create(country="DE", region="NWE")
        response = client.get(organization.get_absolute_url(), {"uselang": "fr"})
        assert "Allemagne" in response.text

    def test_description_markdown_is_sanitized(self, client: Client) -> None:
        organization = OrganizationFactory.create(
            description=(
                '<script>alert("x")</script> [click](javascript:alert(1)) '
                "<img src=x onerror=alert(1)>"
            )
        )
        text = client.get(organization.get_absolute_url()).text
        assert "<script>alert" not in text
        assert 'href="javascript' not in text
        assert "<img" not in text
        assert "onerror=alert(1)>" not in text

    def test_unknown_or_bad_slug_is_404(self, client: Client) -> None:
        assert client.get("/organizations/no-such-org/").status_code == 404
        assert client.get("/organizations/bad%20slug!/").status_code == 404

    @pytest.mark.parametrize("role", ROLES)
    def test_archived_organization_is_seen_only_by_managers(
        self, client: Client, role: str
    ) -> None:
        organization = OrganizationFactory.create(is_active=False)
        as_role(client, role, organization)
        status = client.get(organization.get_absolute_url()).status_code
        assert status == (200 if role in MANAGERS else 404)


class TestMemberPrivacy:
    def make(self) -> tuple[Organization, dict[str, User]]:
        organization = OrganizationFactory.create()
        people = {
            "boss": organizer_of(organization, username="Boss Person"),
            "private": UserFactory.create(username="Hidden Person"),
            "members": UserFactory.create(username="Members Only Person"),
            "public": UserFactory.create(username="Public Person"),
        }
        for key, level in [
            ("private", Visibility.PRIVATE),
            ("members", Visibility.MEMBERS),
            ("public", Visibility.PUBLIC),
        ]:
            MembershipFactory.create(organization=organization, user=people[key], visibility=level)
        return organization, people

    def test_anonymous_sees_organizers_and_public_members_and_the_full_count(
        self, client: Client
    ) -> None:
        organization, _people = self.make()
        text = client.get(organization.get_absolute_url()).text
        assert "Boss Person" in text
        assert "Public Person" in text
        assert "Members Only Person" not in text
        assert "Hidden Person" not in text
        assert "4 people belong to this organization." in text

    def test_signed_in_stranger_sees_members_only_memberships_but_not_private_ones(
        self, client: Client
    ) -> None:
        organization, _people = self.make()
        client.force_login(UserFactory.create())
        text = client.get(organization.get_absolute_url()).text
        assert "Members Only Person" in text
        assert "Hidden Person" not in text

    def test_organizer_of_another_organization_does_not_see_private_members(
        self, client: Client
    ) -> None:
        organization, _people = self.make()
        client.force_login(organizer_of(OrganizationFactory.create()))
        text = client.get(organization.get_absolute_url()).text
        assert "Hidden Person" not in text

    def test_deactivated_accounts_are_neither_listed_nor_counted(self, client: Client) -> None:
        organization, people = self.make()
        people["public"].is_active = False
        people["public"].save()
        text = client.get(organization.get_absolute_url()).text
        assert "Public Person" not in text
        assert "3 people belong to this organization." in text

    def test_private_member_sees_themself(self, client: Client) -> None:
        organization, people = self.make()
        client.force_login(people["private"])
        text = client.get(organization.get_absolute_url()).text
        assert "Hidden Person" in text

    def test_organizer_sees_every_member_on_the_members_page(self, client: Client) -> None:
        organization, people = self.make()
        client.force_login(people["boss"])
        text = client.get(url("members", organization)).text
        assert "Hidden Person" in text
        assert "Members Only Person" in text

    def test_organizer_sees_no_private_profile_fields_of_members(self, client: Client) -> None:
        organization, people = self.make()
        profile = people["private"].profile
        profile.display_name = "Secret Display Name"
        profile.bio = "Secret biography"
        profile.save()
        client.force_login(people["boss"])
        assert "Secret" not in client.get(url("members", organization)).text
        assert "Secret" not in client.get(organization.get_absolute_url()).text


class TestPermissionsOnPages:
    @pytest.mark.parametrize("role", ROLES)
    def test_create_page(self, client: Client, role: str) -> None:
        other = OrganizationFactory.create()
        as_role(client, role, other)
        response = client.get(reverse("organizations:create"))
        if role == "anonymous":
            assert response.status_code == 302
            assert "login" in response["Location"]
        elif role in {"coordinator", "admin"}:
            assert response.status_code == 200
        else:
            assert response.status_code == 403

    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("page", ["edit", "skills", "members"])
    def test_manager_pages(self, client: Client, role: str, page: str) -> None:
        organization = OrganizationFactory.create()
        as_role(client, role, organization)
        response = client.get(url(page, organization))
        if role == "anonymous":
            assert response.status_code == 302
        elif role in MANAGERS:
            assert response.status_code == 200
        else:
            assert response.status_code == 403

    @pytest.mark.parametrize("role", ROLES)
    def test_edit_post(self, client: Client, role: str) -> None:
        organization = OrganizationFactory.create(name="Old name", kind="chapter")
        as_role(client, role, organization)
        response = client.post(
            url("edit", organization), {"name": "New name", "kind": "chapter", "is_active": "on"}
        )
        organization.refresh_from_db()
        if role in MANAGERS:
            assert response.status_code == 302
            assert organization.name == "New name"
            assert organization.is_active
        else:
            assert response.status_code in {302, 403}
            assert organization.name == "Old name"

    @pytest.mark.parametrize("role", ROLES)
    def test_role_change_and_removal(self, client: Client, role: str) -> None:
        organization = OrganizationFactory.create()
        organizer_of(organization)
        target = MembershipFactory.create(organization=organization).user
        as_role(client, role, organization)
        client.post(
            url("member_role", organization), {"username": target.username, "role": "organizer"}
        )
        promoted = organization.is_organizer(target)
        assert promoted == (role in MANAGERS)
        client.post(url("member_remove", organization), {"username": target.username})
        still_there = organization.memberships.filter(user=target).exists()
        assert still_there == (role not in MANAGERS)


class TestCreateAndEditForms:
    def post_create(self, client: Client, **overrides: Any) -> Any:
        data = {"slug": "wikimedia-example", "name": "Wikimedia Example", "kind": "chapter"}
        data.update(overrides)
        return client.post(reverse("organizations:create"), data)

    def test_coordinator_creates_with_a_derived_region(self, client: Client) -> None:
        region_scheme({"NG": "SSA"})
        LanguageFactory.create(code="yo", autonym="Yorùbá")
        client.force_login(coordinator())
        response = self.post_create(client, country="NG", region="NWE", languages=["yo"])
        organization = Organization.objects.get(slug="wikimedia-example")
        assert response.status_code == 302
        assert response["Location"] == organization.get_absolute_url()
        assert organization.region == "SSA"
        assert [lang.code for lang in organization.languages.all()] == ["yo"]

    def test_cross_border_organization_chooses_its_region(self, client: Client) -> None:
        client.force_login(coordinator())
        self.post_create(client, region="MENA")
        assert Organization.objects.get().region == "MENA"

    def test_first_organizer_by_user_name(self, client: Client) -> None:
        volunteer = UserFactory.create(username="Volunteer One")
        client.force_login(coordinator())
        self.post_create(client, first_organizer="Volunteer One")
        assert Organization.objects.get().is_organizer(volunteer)

    @pytest.mark.parametrize(
        ("field", "overrides"),
        [
            ("slug", {"slug": "Not A Slug"}),
            ("country", {"country": "XX"}),
            ("region", {"region": "MARS"}),
            ("languages", {"languages": ["tlh"]}),
            ("website", {"website": "javascript:alert(1)"}),
            ("description", {"description": "x" * 10001}),
            ("first_organizer", {"first_organizer": "Nobody At All"}),
        ],
    )
    def test_bad_input_shows_errors_and_creates_nothing(
        self, client: Client, field: str, overrides: dict[str, Any]
    ) -> None:
        client.force_login(coordinator())
        response = self.post_create(client, **overrides)
        assert response.status_code == 200
        assert response.context["form"].errors[field]
        assert 'aria-invalid="true"' in response.text
        assert f'id="id_{field}-error"' in response.text
        assert not Organization.objects.exists()

    def test_duplicate_slug_shows_an_error(self, client: Client) -> None:
        OrganizationFactory.create(slug="wikimedia-example", name="First")
        client.force_login(coordinator())
        response = self.post_create(client)
        assert "Another organization already uses this short name." in response.text
        assert Organization.objects.count() == 1

    def test_errors_are_translated(self, client: Client) -> None:
        client.force_login(coordinator())
        response = client.post(
            reverse("organizations:create") + "?uselang=fr",
            {"slug": "ok-slug", "name": "", "kind": "chapter"},
        )
        assert response.status_code == 200
        assert "Ce champ est obligatoire." in response.text

    def test_edit_with_bad_input_changes_nothing(self, client: Client) -> None:
        organization = OrganizationFactory.create(name="Old", website="https://old.example")
        client.force_login(organizer_of(organization))
        response = client.post(
            url("edit", organization),
            {"name": "New", "kind": organization.kind, "website": "ftp://x.example"},
        )
        assert response.status_code == 200
        organization.refresh_from_db()
        assert (organization.name, organization.website) == ("Old", "https://old.example")

    def test_organizer_archives_and_still_sees_it(self, client: Client) -> None:
        organization = OrganizationFactory.create(name="Old", kind="chapter")
        client.force_login(organizer_of(organization))
        client.post(url("edit", organization), {"name": "Old", "kind": "chapter"})
        organization.refresh_from_db()
        assert not organization.is_active
        assert client.get(organization.get_absolute_url()).status_code == 200
        client.logout()
        assert client.get(organization.get_absolute_url()).status_code == 404

    def test_create_form_has_no_archive_box(self, client: Client) -> None:
        client.force_login(coordinator())
        assert 'name="is_active"' not in client.get(reverse("organizations:create")).text

    def test_skills_page_saves_rows(self, client: Client) -> None:
        organization = OrganizationFactory.create()
        make_skill("editing")
        client.force_login(organizer_of(organization))
        data = {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "0",
            "form-0-skill": "editing",
            "form-0-kind": "needs",
            "form-0-level": "1",
            "form-0-note": "For newcomers",
            "form-1-skill": "",
        }
        response = client.post(url("skills", organization), data)
        assert response.status_code == 302
        row = OrganizationSkill.objects.get(organization=organization)
        assert (row.skill.code, row.kind, row.level, row.note) == (
            "editing",
            "needs",
            1,
            "For newcomers",
        )

    def test_skills_page_refuses_a_row_without_kind(self, client: Client) -> None:
        organization = OrganizationFactory.create()
        make_skill("editing")
        client.force_login(organizer_of(organization))
        data = {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "0",
            "form-0-skill": "editing",
            "form-0-kind": "",
        }
        response = client.post(url("skills", organization), data)
        assert response.status_code == 200
        assert "Nothing was saved" in response.text
        assert not OrganizationSkill.objects.exists()


class TestJoinAndLeave:
    def test_join_with_chosen_visibility(self, client: Client) -> None:
        organization = OrganizationFactory.create()
        person = UserFactory.create()
        client.force_login(person)
        response = client.post(url("join", organization), {"visibility": Visibility.MEMBERS})
        assert response.status_code == 302
        membership = Membership.objects.get(organization=organization, user=person)
        assert membership.visibility == Visibility.MEMBERS

    def test_anonymous_join_goes_to_sign_in_and_changes_nothing(self, client: Client) -> None:
        organization = OrganizationFactory.create()
        response = client.post(url("join", organization), {"visibility": 0})
        assert response.status_code == 302
        assert "login" in response["Location"]
        assert not Membership.objects.exists()

    def test_join_is_post_only(self, client: Client) -> None:
        organization = OrganizationFactory.create()
        client.force_login(UserFactory.create())
        assert client.get(url("join", organization)).status_code == 405

    def test_bad_visibility_changes_nothing(self, client: Client) -> None:
        organization = OrganizationFactory.create()
        client.force_login(UserFactory.create())
        client.post(url("join", organization), {"visibility": "9"})
        assert not Membership.objects.exists()

    def test_join_form_is_shown_to_signed_in_people(self, client: Client) -> None:
        organization = OrganizationFactory.create()
        client.force_login(UserFactory.create())
        text = client.get(organization.get_absolute_url()).text
        assert url("join", organization) in text
        assert url("leave", organization) not in text

    def test_leave(self, client: Client) -> None:
        membership = MembershipFactory.create()
        client.force_login(membership.user)
        client.post(url("leave", membership.organization))
        assert not Membership.objects.exists()

    def test_last_organizer_cannot_leave_and_sees_why(self, client: Client) -> None:
        organization = OrganizationFactory.create()
        organizer = organizer_of(organization)
        client.force_login(organizer)
        response = client.post(url("leave", organization), follow=True)
        assert "last organizer" in response.text
        assert organization.is_organizer(organizer)

    def test_last_organizer_cannot_be_demoted_on_the_members_page(self, client: Client) -> None:
        organization = OrganizationFactory.create()
        organizer = organizer_of(organization)
        client.force_login(organizer)
        response = client.post(
            url("member_role", organization),
            {"username": organizer.username, "role": "member"},
            follow=True,
        )
        assert "last organizer" in response.text
        assert organization.is_organizer(organizer)


def test_list_page_queries_do_not_grow_with_the_number_of_organizations(client: Client) -> None:
    language = LanguageFactory.create(code="es", autonym="Español")

    def add(count: int) -> None:
        for _n in range(count):
            organization = OrganizationFactory.create()
            organization.languages.add(language)
            MembershipFactory.create(organization=organization)

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("organizations:list"))
    add(8)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("organizations:list"))
    assert len(many.captured_queries) == len(few.captured_queries)
