"""Helpers for the library tests: people in each role, and works created through the actions."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from django.contrib.auth.models import Group

from skillcommons.accounts.models import User
from skillcommons.library import actions
from skillcommons.library.models import Pack, Review, Work
from skillcommons.taxonomy.models import Skill, SkillTranslation

_numbers = itertools.count(1)
RUBRIC_GOOD = dict.fromkeys(Review.RUBRIC, 4)


def person(username: str = "") -> User:
    name = username or f"Learner {next(_numbers)}"
    user = User.objects.create_user(
        username=name,
        email=f"{name.replace(' ', '_')}@example.org",
        password="correct horse battery",
    )
    return user


def curator(username: str = "") -> User:
    user = person(username or f"Curator {next(_numbers)}")
    group, _created = Group.objects.get_or_create(name="curator")
    user.groups.add(group)
    return user


def skill(code: str, labels: dict[str, str] | None = None, parent: Skill | None = None) -> Skill:
    found, _created = Skill.objects.get_or_create(code=code, defaults={"parent": parent})
    for locale, label in (labels or {"en": code}).items():
        SkillTranslation.objects.update_or_create(
            skill=found, locale=locale, defaults={"label": label}
        )
    return found


def draft(
    author: User,
    *,
    title: str = "Your first edit",
    body: str = "Click **Edit** and change one sentence.",
    locale: str = "en",
    format: str = "article",
    audience: str = "newcomer",
    skills: Sequence[Skill] = (),
) -> Work:
    return actions.create_work(
        actor=author,
        fields=actions.WorkFields(
            level="beginner",
            audience=audience,
            format=format,
            license="CC-BY-SA-4.0",
            estimated_minutes=10,
            skills=skills,
        ),
        locale=locale,
        text=actions.VariantText(title=title, summary="A short guide.", body=body),
    )


def publish(work: Work, reviewer: User | None = None) -> Work:
    reviewer = reviewer or curator()
    if work.state in {Work.State.DRAFT, Work.State.CHANGES_REQUESTED}:
        assert work.created_by is not None
        actions.submit_work(actor=work.created_by, work=work)
    actions.review_work(actor=reviewer, work=work, decision="publish", scores=RUBRIC_GOOD, notes="")
    work.refresh_from_db()
    return work


def published(author: User | None = None, **kwargs: object) -> Work:
    return publish(draft(author or person(), **kwargs))  # type: ignore[arg-type]


def pack(works: Sequence[Work], slug: str = "first-steps") -> Pack:
    return actions.save_pack(
        actor=None,
        data=actions.PackInput(
            slug=slug,
            audience="newcomer",
            texts={"en": ("First steps", "Start here."), "es": ("Primeros pasos", "Empieza aquí.")},
            works=works,
        ),
    )
