"""The organization actions: who may do what, validation that changes nothing, the region rule and
the last-organizer rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from skillcommons.core.visibility import Visibility
from skillcommons.organizations import actions
from skillcommons.organizations.models import Membership, Organization, OrganizationSkill

if TYPE_CHECKING:
    from skillcommons.accounts.models import User

from .factories import (
    LanguageFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    admin_user,
    coordinator,
    make_skill,
    organizer_of,
    region_scheme,
)

pytestmark = pytest.mark.django_db


def create(actor: Any, **overrides: Any) -> Organization:
    values: dict[str, Any] = {
        "slug": "wikimedia-example",
        "name": "Wikimedia Example",
        "kind": Organization.Kind.CHAPTER,
    }
    values.update(overrides)
    return actions.create_organization(actor=actor, **values)


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


class TestCreate:
    def test_coordinator_creates_and_becomes_organizer_when_nobody_is_named(self) -> None:
        boss = coordinator()
        organization = create(boss)
        membership = Membership.objects.get(organization=organization)
        assert membership.user == boss
        assert membership.role == Membership.Role.ORGANIZER

    def test_named_first_organizer_is_the_organizer_not_the_creator(self) -> None:
        boss = coordinator()
        volunteer = UserFactory.create()
        organization = create(boss, first_organizer=volunteer)
        assert organization.is_organizer(volunteer)
        assert not organization.memberships.filter(user=boss).exists()

    def test_admin_may_create(self) -> None:
        assert create(admin_user()).pk is not None

    def test_plain_member_may_not_create(self) -> None:
        with pytest.raises(PermissionDenied):
            create(UserFactory.create())
        assert not Organization.objects.exists()

    def test_organizer_of_another_organization_may_not_create(self) -> None:
        other = OrganizationFactory.create()
        with pytest.raises(PermissionDenied):
            create(organizer_of(other))
        assert Organization.objects.count() == 1

    def test_region_is_derived_from_the_country(self) -> None:
        region_scheme({"BD": "SA", "DE": "NWE"})
        organization = create(coordinator(), country="bd", region="NWE")
        assert organization.country == "BD"
        assert organization.region == "SA"

    def test_region_is_chosen_without_a_country(self) -> None:
        organization = create(coordinator(), region="SSA")
        assert (organization.country, organization.region) == ("", "SSA")

    def test_region_follows_the_current_scheme_only(self) -> None:
        region_scheme({"MX": "NA"}, version="old")
        region_scheme({"MX": "LAC"}, version="new")
        assert create(coordinator(), country="MX").region == "LAC"

    @pytest.mark.parametrize(
        ("field", "overrides"),
        [
            ("slug", {"slug": "Bad Slug!"}),
            ("slug", {"slug": "x" * 81}),
            ("slug", {"slug": ""}),
            ("slug", {"slug": "new"}),
            ("name", {"name": "   "}),
            ("kind", {"kind": "club"}),
            ("country", {"country": "XX"}),
            ("region", {"region": "EUROPE"}),
            ("languages", {"languages": ["en", "tlh"]}),
            ("website", {"website": "javascript:alert(1)"}),
            ("website", {"website": "ftp://example.org"}),
            ("website", {"website": "not a url"}),
            ("description", {"description": "x" * 10001}),
        ],
    )
    def test_bad_input_changes_nothing(self, field: str, overrides: dict[str, Any]) -> None:
        LanguageFactory.create(code="en")
        with pytest.raises(ValidationError) as excinfo:
            create(coordinator(), **overrides)
        assert field in errors_of(excinfo)
        assert not Organization.objects.exists()
        assert not Membership.objects.exists()

    def test_duplicate_slug_is_refused(self) -> None:
        OrganizationFactory.create(slug="wikimedia-example")
        with pytest.raises(ValidationError) as excinfo:
            create(coordinator())
        assert "slug" in errors_of(excinfo)
        assert Organization.objects.count() == 1

    def test_errors_are_translated(self) -> None:
        with translation.override("fr"), pytest.raises(ValidationError) as excinfo:
            create(coordinator(), country="XX")
        message = errors_of(excinfo)["country"][0]
        with translation.override("fr"):
            expected = translation.gettext("“%(code)s” is not a known country code.")
        assert message == expected % {"code": "XX"}

    def test_languages_are_stored_by_canonical_tag(self) -> None:
        LanguageFactory.create(code="pt-BR")
        organization = create(coordinator(), languages=["pt_br"])
        assert [lang.code for lang in organization.languages.all()] == ["pt-BR"]


class TestUpdate:
    @pytest.mark.parametrize("who", ["organizer", "coordinator", "admin"])
    def test_allowed(self, who: str) -> None:
        organization = OrganizationFactory.create(name="Old")
        makers: dict[str, Callable[[], User]] = {
            "organizer": lambda: organizer_of(organization),
            "coordinator": coordinator,
            "admin": admin_user,
        }
        actor = makers[who]()
        actions.update_organization(actor=actor, organization=organization, name="New")
        organization.refresh_from_db()
        assert organization.name == "New"

    @pytest.mark.parametrize("who", ["member", "other_organizer", "stranger"])
    def test_refused(self, who: str) -> None:
        organization = OrganizationFactory.create(name="Old")
        if who == "member":
            actor = MembershipFactory.create(organization=organization).user
        elif who == "other_organizer":
            actor = organizer_of(OrganizationFactory.create())
        else:
            actor = UserFactory.create()
        with pytest.raises(PermissionDenied):
            actions.update_organization(actor=actor, organization=organization, name="New")
        organization.refresh_from_db()
        assert organization.name == "Old"

    def test_one_bad_field_saves_nothing(self) -> None:
        organization = OrganizationFactory.create(name="Old", website="https://old.example")
        with pytest.raises(ValidationError):
            actions.update_organization(
                actor=coordinator(),
                organization=organization,
                name="New",
                website="mailto:someone@example.org",
            )
        organization.refresh_from_db()
        assert (organization.name, organization.website) == ("Old", "https://old.example")

    def test_setting_a_country_replaces_the_chosen_region(self) -> None:
        region_scheme({"KE": "SSA"})
        organization = OrganizationFactory.create(region="MENA")
        actions.update_organization(actor=coordinator(), organization=organization, country="KE")
        organization.refresh_from_db()
        assert (organization.country, organization.region) == ("KE", "SSA")

    def test_clearing_the_country_clears_its_region(self) -> None:
        organization = OrganizationFactory.create(country="KE", region="SSA")
        actions.update_organization(actor=coordinator(), organization=organization, country="")
        organization.refresh_from_db()
        assert (organization.country, organization.region) == ("", "")


class TestSkills:
    def test_replaces_the_list(self) -> None:
        organization = OrganizationFactory.create()
        old = make_skill("old-skill")
        OrganizationSkill.objects.create(organization=organization, skill=old, kind="has")
        make_skill("editing")
        make_skill("outreach")
        actions.set_organization_skills(
            actor=organizer_of(organization),
            organization=organization,
            entries=[
                actions.SkillEntry(skill="editing", kind="has", level=4, note="Many editors"),
                actions.SkillEntry(skill="outreach", kind="needs", level=None),
            ],
        )
        rows = {(r.skill.code, r.kind, r.level) for r in organization.skills.all()}
        assert rows == {("editing", "has", 4), ("outreach", "needs", None)}

    @pytest.mark.parametrize(
        "entry",
        [
            actions.SkillEntry(skill="editing", kind="has", level=5),
            actions.SkillEntry(skill="editing", kind="has", level=-1),
            actions.SkillEntry(skill="editing", kind="wants"),
            actions.SkillEntry(skill="nope", kind="has"),
            actions.SkillEntry(skill="editing", kind="has", note="x" * 301),
        ],
    )
    def test_bad_entries_change_nothing(self, entry: actions.SkillEntry) -> None:
        organization = OrganizationFactory.create()
        skill = make_skill("editing")
        OrganizationSkill.objects.create(organization=organization, skill=skill, kind="needs")
        with pytest.raises(ValidationError):
            actions.set_organization_skills(
                actor=coordinator(), organization=organization, entries=[entry]
            )
        assert list(organization.skills.values_list("kind", flat=True)) == ["needs"]

    def test_duplicates_are_refused(self) -> None:
        organization = OrganizationFactory.create()
        make_skill("editing")
        entry = actions.SkillEntry(skill="editing", kind="has")
        with pytest.raises(ValidationError):
            actions.set_organization_skills(
                actor=coordinator(), organization=organization, entries=[entry, entry]
            )

    def test_member_may_not_set_skills(self) -> None:
        organization = OrganizationFactory.create()
        member = MembershipFactory.create(organization=organization).user
        with pytest.raises(PermissionDenied):
            actions.set_organization_skills(actor=member, organization=organization, entries=[])


class TestMembership:
    def test_join_is_private_by_default(self) -> None:
        membership = actions.join_organization(
            user=UserFactory.create(), organization=OrganizationFactory.create()
        )
        assert membership.visibility == Visibility.PRIVATE
        assert membership.role == Membership.Role.MEMBER

    def test_joining_again_changes_only_the_visibility(self) -> None:
        organization = OrganizationFactory.create()
        organizer = organizer_of(organization)
        membership = actions.join_organization(
            user=organizer, organization=organization, visibility=Visibility.MEMBERS
        )
        assert membership.role == Membership.Role.ORGANIZER
        assert membership.visibility == Visibility.MEMBERS
        assert organization.memberships.count() == 1

    def test_bad_visibility_is_refused(self) -> None:
        organization = OrganizationFactory.create()
        with pytest.raises(ValidationError):
            actions.join_organization(
                user=UserFactory.create(), organization=organization, visibility=7
            )
        assert not organization.memberships.exists()

    def test_archived_organization_takes_no_new_members(self) -> None:
        organization = OrganizationFactory.create(is_active=False)
        with pytest.raises(ValidationError):
            actions.join_organization(user=UserFactory.create(), organization=organization)

    def test_leave(self) -> None:
        membership = MembershipFactory.create()
        actions.leave_organization(user=membership.user, organization=membership.organization)
        assert not Membership.objects.exists()

    def test_leaving_without_membership_is_an_error(self) -> None:
        with pytest.raises(ValidationError):
            actions.leave_organization(
                user=UserFactory.create(), organization=OrganizationFactory.create()
            )

    def test_last_organizer_cannot_leave(self) -> None:
        organization = OrganizationFactory.create()
        organizer = organizer_of(organization)
        with pytest.raises(ValidationError) as excinfo:
            actions.leave_organization(user=organizer, organization=organization)
        assert "last organizer" in excinfo.value.messages[0]
        assert organization.is_organizer(organizer)

    def test_an_organizer_may_leave_when_another_remains(self) -> None:
        organization = OrganizationFactory.create()
        first = organizer_of(organization)
        organizer_of(organization)
        actions.leave_organization(user=first, organization=organization)
        assert not organization.memberships.filter(user=first).exists()

    def test_last_organizer_cannot_be_demoted(self) -> None:
        organization = OrganizationFactory.create()
        organizer = organizer_of(organization)
        with pytest.raises(ValidationError):
            actions.set_membership_role(
                actor=coordinator(), organization=organization, member=organizer, role="member"
            )
        assert organization.is_organizer(organizer)

    def test_last_organizer_cannot_be_removed(self) -> None:
        organization = OrganizationFactory.create()
        organizer = organizer_of(organization)
        with pytest.raises(ValidationError):
            actions.remove_member(actor=coordinator(), organization=organization, member=organizer)
        assert organization.is_organizer(organizer)

    def test_organizer_promotes_then_steps_down(self) -> None:
        organization = OrganizationFactory.create()
        organizer = organizer_of(organization)
        member = MembershipFactory.create(organization=organization).user
        actions.set_membership_role(
            actor=organizer, organization=organization, member=member, role="organizer"
        )
        actions.set_membership_role(
            actor=organizer, organization=organization, member=organizer, role="member"
        )
        assert organization.is_organizer(member)
        assert not organization.is_organizer(organizer)

    def test_bad_role_is_refused(self) -> None:
        organization = OrganizationFactory.create()
        member = MembershipFactory.create(organization=organization).user
        with pytest.raises(ValidationError):
            actions.set_membership_role(
                actor=coordinator(), organization=organization, member=member, role="boss"
            )

    @pytest.mark.parametrize("who", ["member", "other_organizer"])
    def test_only_managers_change_roles_or_remove(self, who: str) -> None:
        organization = OrganizationFactory.create()
        target = MembershipFactory.create(organization=organization).user
        actor = (
            MembershipFactory.create(organization=organization).user
            if who == "member"
            else organizer_of(OrganizationFactory.create())
        )
        with pytest.raises(PermissionDenied):
            actions.set_membership_role(
                actor=actor, organization=organization, member=target, role="organizer"
            )
        with pytest.raises(PermissionDenied):
            actions.remove_member(actor=actor, organization=organization, member=target)
        assert organization.memberships.filter(user=target, role="member").exists()

    def test_remove_member(self) -> None:
        organization = OrganizationFactory.create()
        organizer = organizer_of(organization)
        member = MembershipFactory.create(organization=organization).user
        actions.remove_member(actor=organizer, organization=organization, member=member)
        assert not organization.memberships.filter(user=member).exists()

    def test_removing_a_non_member_is_an_error(self) -> None:
        organization = OrganizationFactory.create()
        with pytest.raises(ValidationError):
            actions.remove_member(
                actor=coordinator(), organization=organization, member=UserFactory.create()
            )
