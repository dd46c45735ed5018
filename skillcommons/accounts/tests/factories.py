"""Factories for people and the vocabulary their profiles use. Skills, languages and regions are
made here so these tests do not depend on other apps' test helpers."""

# factory_boy's declarations (Sequence, LazyAttribute, …) are untyped and not re-exported for mypy;
# the make_* helpers below are typed, so tests stay checked.
# mypy: disable-error-code="attr-defined, no-untyped-call"

from __future__ import annotations

from typing import Any

import factory

from skillcommons.accounts.models import User
from skillcommons.taxonomy.models import (
    CountryRegion,
    Language,
    Region,
    RegionScheme,
    Skill,
    SkillTranslation,
)

PASSWORD = "correct horse battery staple 42"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"Wikimedian {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username.replace(' ', '.').lower()}@example.org")
    password = factory.django.Password(PASSWORD)


class LanguageFactory(factory.django.DjangoModelFactory[Language]):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"x-test{n}")
    autonym = factory.LazyAttribute(lambda lang: f"Autonym {lang.code}")
    english_name = factory.LazyAttribute(lambda lang: f"English {lang.code}")


class SkillFactory(factory.django.DjangoModelFactory[Skill]):
    class Meta:
        model = Skill
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"skill-{n}")


def make_user(**kwargs: Any) -> User:
    return UserFactory.create(**kwargs)


def make_language(**kwargs: Any) -> Language:
    return LanguageFactory.create(**kwargs)


def make_skill(*, label: str = "", **kwargs: Any) -> Skill:
    """A skill with an English label (``label``, or the code in title case)."""
    skill = SkillFactory.create(**kwargs)
    SkillTranslation.objects.get_or_create(
        skill=skill, locale="en", defaults={"label": label or skill.code.title()}
    )
    return skill


def make_region(country: str = "NZ", region: str = "ESEAP") -> Region:
    """A current region scheme in which ``country`` belongs to ``region``."""
    scheme = RegionScheme.objects.filter(is_current=True).first()
    if scheme is None:
        scheme = RegionScheme.objects.create(
            version="test", effective_from="2024-01-01", is_current=True
        )
    found, _created = Region.objects.get_or_create(scheme=scheme, code=region)
    CountryRegion.objects.update_or_create(
        scheme=scheme, country=country, defaults={"region": found}
    )
    return found
