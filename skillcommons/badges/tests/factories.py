"""Helpers for badge issuing tests: people, organizations, issuers and achievements, created
directly so these tests do not depend on other apps' test helpers."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group

from skillcommons.accounts.models import User
from skillcommons.badges import actions
from skillcommons.badges.actions import AchievementText
from skillcommons.badges.artwork import medal_png, medal_svg
from skillcommons.badges.models import Achievement, Issuer
from skillcommons.organizations.models import Membership, Organization
from skillcommons.taxonomy.models import Skill, SkillTranslation

PASSWORD = "correct horse battery"


def make_user(username: str, **kwargs: Any) -> User:
    kwargs.setdefault("email", f"{username.lower().replace(' ', '_')}@example.org")
    return User.objects.create_user(username=username, password=PASSWORD, **kwargs)


def make_coordinator(username: str = "Coordinator") -> User:
    user = make_user(username)
    group, _created = Group.objects.get_or_create(name="coordinator")
    user.groups.add(group)
    return user


def make_organization(slug: str = "wmxx", *, organizer: User | None = None) -> Organization:
    organization = Organization.objects.create(
        slug=slug, name=f"Wikimedia {slug.upper()}", kind=Organization.Kind.CHAPTER
    )
    if organizer is not None:
        Membership.objects.create(
            organization=organization, user=organizer, role=Membership.Role.ORGANIZER
        )
    return organization


def make_skill(code: str = "sparql", *, qid: str = "", label: str = "") -> Skill:
    code = f"test-{code}"
    skill = Skill.objects.create(code=code, wikidata_qid=qid)
    SkillTranslation.objects.create(skill=skill, locale="en", label=label or code.title())
    return skill


def org_issuer(slug: str = "wmxx", *, organizer: User | None = None) -> Issuer:
    organizer = organizer or make_user(f"Organizer {slug}")
    organization = make_organization(slug, organizer=organizer)
    return actions.enable_issuing(organization=organization, by=organizer)


def texts(name: str = "Query mentor", *, french: bool = True) -> list[AchievementText]:
    found = [
        AchievementText(
            "en", name, "Mentored peers through SPARQL.", "Complete three mentoring exchanges."
        )
    ]
    if french:
        found.append(
            AchievementText(
                "fr",
                "Mentor de requêtes",
                "A accompagné des pairs en SPARQL.",
                "Terminer trois échanges de mentorat.",
            )
        )
    return found


def make_achievement(
    issuer: Issuer,
    *,
    by: User | None = None,
    name: str = "Query mentor",
    svg: bool = False,
    skills: list[Skill] | None = None,
    level: int | None = 3,
) -> Achievement:
    if by is None and not issuer.is_platform:
        by = issuer.organization.memberships.get(role="organizer").user  # type: ignore[union-attr]
    return actions.create_achievement(
        issuer=issuer,
        by=by,
        texts=texts(name),
        image=medal_svg(label=name) if svg else medal_png(),
        default_locale="en",
        skills=skills or [],
        level=level,
    )
