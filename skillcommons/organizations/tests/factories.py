"""Factories for organization tests. Users, skills and languages are created directly here so
these tests do not depend on other apps' test helpers."""

# factory_boy's declarations (Sequence, SubFactory, …) are untyped and not re-exported for mypy;
# the helpers below are typed, so tests stay checked.
# mypy: disable-error-code="attr-defined, no-untyped-call"

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.contrib.auth.models import Group
from django.test import Client

from skillcommons.accounts.models import User
from skillcommons.core.visibility import Visibility
from skillcommons.organizations.models import Membership, Organization, OrganizationSkill
from skillcommons.taxonomy.models import (
    CountryRegion,
    Language,
    Region,
    RegionScheme,
    Skill,
    SkillTranslation,
)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username.replace(' ', '_')}@example.org")
    password = factory.django.Password("correct horse battery")


def coordinator(**kwargs: Any) -> User:
    user = UserFactory.create(**kwargs)
    group, _created = Group.objects.get_or_create(name="coordinator")
    user.groups.add(group)
    return user


def admin_user(**kwargs: Any) -> User:
    return UserFactory.create(is_superuser=True, is_staff=True, **kwargs)


class LanguageFactory(factory.django.DjangoModelFactory[Language]):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = "en"
    autonym = factory.LazyAttribute(lambda lang: lang.code)
    english_name = factory.LazyAttribute(lambda lang: lang.code)


class SkillFactory(factory.django.DjangoModelFactory[Skill]):
    class Meta:
        model = Skill
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"skill-{n}")
    parent = None


def make_skill(code: str, label: str = "", parent: Skill | None = None) -> Skill:
    """A skill with an English label."""
    skill = SkillFactory.create(code=code, parent=parent)
    SkillTranslation.objects.get_or_create(
        skill=skill, locale="en", defaults={"label": label or code.replace("-", " ").title()}
    )
    return skill


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = Organization.Kind.USER_GROUP


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER
    visibility = Visibility.PRIVATE


class OrganizationSkillFactory(factory.django.DjangoModelFactory[OrganizationSkill]):
    class Meta:
        model = OrganizationSkill

    organization = factory.SubFactory(OrganizationFactory)
    skill = factory.SubFactory(SkillFactory)
    kind = OrganizationSkill.Kind.HAS
    level = 2


def organizer_of(organization: Organization, **kwargs: Any) -> User:
    user = UserFactory.create(**kwargs)
    MembershipFactory.create(organization=organization, user=user, role=Membership.Role.ORGANIZER)
    return user


def region_scheme(mapping: dict[str, str] | None = None, *, version: str = "test") -> RegionScheme:
    """A current region scheme with all eight regions and ``mapping`` (country → region)."""
    RegionScheme.objects.filter(is_current=True).update(is_current=False)
    scheme = RegionScheme.objects.create(
        version=version, effective_from=datetime.date(2025, 1, 1), is_current=True
    )
    regions = {
        code: Region.objects.create(scheme=scheme, code=code)
        for code in ("CEECA", "ESEAP", "LAC", "MENA", "NA", "NWE", "SA", "SSA")
    }
    for country, region in (mapping or {}).items():
        CountryRegion.objects.create(scheme=scheme, country=country, region=regions[region])
    return scheme


#: Everyone whose access the tests compare, from a visitor to an administrator.
ROLES = ["anonymous", "member", "other_organizer", "organizer", "coordinator", "admin"]
#: The roles that may manage an organization.
MANAGERS = {"organizer", "coordinator", "admin"}


def as_role(client: Client, role: str, organization: Organization) -> User | None:
    """Sign ``client`` in as someone with ``role`` towards ``organization``."""
    user: User
    if role == "anonymous":
        return None
    if role == "member":
        user = MembershipFactory.create(organization=organization).user
    elif role == "other_organizer":
        user = organizer_of(OrganizationFactory.create())
    elif role == "organizer":
        user = organizer_of(organization)
    elif role == "coordinator":
        user = coordinator()
    else:
        user = admin_user()
    client.force_login(user)
    return user
