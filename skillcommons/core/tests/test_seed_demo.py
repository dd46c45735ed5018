"""``manage.py seed_demo``: deterministic, sized by its options, safe to call from ``make run``."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation
from pytest_django.fixtures import Settings

from skillcommons.accounts.models import PersonLanguage, PersonSkill, Profile, User
from skillcommons.core.management.commands.seed_demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from skillcommons.core.visibility import Visibility
from skillcommons.organizations.models import Membership, Organization
from skillcommons.taxonomy.models import Skill

pytestmark = pytest.mark.django_db


def seed(**options: Any) -> str:
    out = StringIO()
    # The command's messages are translated; read them in English whatever ran before.
    with translation.override("en"):
        call_command("seed_demo", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def snapshot() -> dict[str, Any]:
    """The dataset by natural keys, so two runs compare equal whatever their ids."""
    profile_fields = [
        "user__username",
        "display_name",
        "display_name_visibility",
        "pronouns",
        "bio",
        "home_wikis",
        "country",
        "region",
        "time_zone",
        "preferred_methods",
        "availability",
        "mentoring_capacity",
        "skills_visibility",
    ]
    return {
        "profiles": list(Profile.objects.order_by("user__username").values_list(*profile_fields)),
        "languages": sorted(
            PersonLanguage.objects.values_list(
                "profile__user__username", "language__code", "proficiency"
            )
        ),
        "skills": sorted(
            PersonSkill.objects.values_list(
                "profile__user__username",
                "skill__code",
                "level",
                "wants_to_learn",
                "offers_teaching",
                "offers_mentoring",
            ),
            key=repr,
        ),
        "organizations": sorted(
            Organization.objects.values_list("slug", "name", "kind", "country", "region")
        ),
        "memberships": sorted(
            Membership.objects.values_list(
                "organization__slug", "user__username", "role", "visibility"
            )
        ),
    }


def wipe() -> None:
    User.objects.all().delete()
    Organization.objects.all().delete()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    seed(people=25, organizations=12, seed=11)
    first = snapshot()
    wipe()
    seed(people=25, organizations=12, seed=11)
    assert snapshot() == first
    wipe()
    seed(people=25, organizations=12, seed=12)
    assert snapshot()["profiles"] != first["profiles"]


def test_the_options_set_the_size() -> None:
    output = seed(people=12, organizations=9)
    assert User.objects.count() == 12 + len(DEMO_ACCOUNTS)
    assert Profile.objects.count() == User.objects.count()
    assert Organization.objects.count() == 9
    assert "Added 17 people" in output


def test_even_a_few_organizations_cover_all_eight_regions() -> None:
    seed(people=30, organizations=8)
    regions = set(Organization.objects.values_list("region", flat=True))
    assert regions == {"CEECA", "ESEAP", "LAC", "MENA", "NA", "NWE", "SA", "SSA"}


def test_more_organizations_than_the_known_ones_are_generated_user_groups() -> None:
    seed(people=5, organizations=70)
    assert Organization.objects.count() == 70
    assert Organization.objects.filter(slug__startswith="wikimedians-").exists()


def test_people_are_varied_and_consistent() -> None:
    seed(people=60, organizations=20)
    profiles = list(Profile.objects.exclude(user__username__in=DEMO_ACCOUNTS))
    assert {p.display_name_visibility for p in profiles} == set(Visibility.values)
    for profile in profiles:
        assert profile.country and profile.region and profile.time_zone
        assert profile.display_name
        assert profile.preferred_methods
    # Time zones fit the country.
    for profile in profiles:
        if profile.country == "IN":
            assert profile.time_zone == "Asia/Kolkata"
        if profile.country == "BR":
            assert profile.time_zone.startswith("America/")
    if Skill.objects.exists():
        assert PersonSkill.objects.filter(wants_to_learn=True).exists()
        assert PersonSkill.objects.filter(level__gte=3).exists()
    assert Membership.objects.filter(role=Membership.Role.ORGANIZER).exists()
    for organization in Organization.objects.all():
        assert organization.memberships.filter(role=Membership.Role.ORGANIZER).exists()


def test_the_demo_sign_ins_work_with_their_roles(client: Client) -> None:
    seed(people=5, organizations=8)
    for username in DEMO_ACCOUNTS:
        assert client.login(username=username, password=DEMO_PASSWORD), username
        client.logout()
    admin = User.objects.get(username="demo-admin")
    assert admin.is_superuser and admin.is_staff
    assert User.objects.get(username="demo-curator").has_role("curator")
    assert User.objects.get(username="demo-coordinator").has_role("coordinator")
    organizer = User.objects.get(username="demo-organizer")
    assert Membership.objects.filter(user=organizer, role=Membership.Role.ORGANIZER).exists()
    member = User.objects.get(username="demo-member")
    assert not member.has_role("curator")
    assert Membership.objects.filter(user=member, role=Membership.Role.MEMBER).exists()
    # Generated people cannot sign in with a password.
    someone = User.objects.exclude(username__in=DEMO_ACCOUNTS).first()
    assert someone is not None and not someone.has_usable_password()


def test_if_empty_does_nothing_when_people_exist() -> None:
    User.objects.create_user("someone", password="secret-password-1")
    output = seed(people=10, if_empty=True)
    assert User.objects.count() == 1
    assert "no demo data was added" in output


def test_if_empty_loads_an_empty_database() -> None:
    seed(people=3, organizations=8, if_empty=True)
    assert User.objects.count() == 3 + len(DEMO_ACCOUNTS)


def test_loading_twice_is_refused_and_changes_nothing() -> None:
    seed(people=3, organizations=8)
    before = User.objects.count()
    with pytest.raises(CommandError, match="already loaded"):
        seed(people=3, organizations=8)
    assert User.objects.count() == before


def test_production_mode_is_refused_without_force(settings: Settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="--force"):
        seed(people=3)
    assert not User.objects.exists()
    seed(people=3, organizations=8, force=True)
    assert User.objects.exists()


@pytest.mark.parametrize("options", [{"people": -1}, {"people": 2_000_000}, {"organizations": 0}])
def test_out_of_range_sizes_are_refused(options: dict[str, int]) -> None:
    with pytest.raises(CommandError):
        seed(**options)
    assert not User.objects.exists()
