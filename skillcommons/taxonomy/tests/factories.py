"""Test data for the vocabulary: people with or without the curator permission, and skills.

Plain typed functions rather than factory_boy classes: mypy strict checks every call."""

from __future__ import annotations

from itertools import count

from django.contrib.auth.models import Permission

from skillcommons.accounts.models import User
from skillcommons.taxonomy.models import Skill, SkillTranslation

PASSWORD = "correct horse battery staple 42"
_numbers = count(1)


def make_member(username: str | None = None) -> User:
    name = username or f"Taxonomy member {next(_numbers)}"
    user, _created = User.objects.get_or_create(
        username=name, defaults={"email": f"member{next(_numbers)}@example.org"}
    )
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def make_curator(username: str = "Curator") -> User:
    user = make_member(username)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="taxonomy", codename__in=["add_skill", "change_skill"]
        )
    )
    return User.objects.get(pk=user.pk)  # a fresh instance: permissions are cached per object


def make_skill(
    code: str | None = None, labels: dict[str, str] | None = None, parent: Skill | None = None
) -> Skill:
    """A skill with the given labels (default: an English label made from the code)."""
    code = code or f"test-skill-{next(_numbers)}"
    skill, _created = Skill.objects.get_or_create(code=code, defaults={"parent": parent})
    for locale, label in (labels or {"en": code.replace("-", " ").title()}).items():
        SkillTranslation.objects.update_or_create(
            skill=skill, locale=locale, defaults={"label": label}
        )
    return skill
