"""Helpers that build questionnaires, waves and people for the needs tests (plain functions,
typed, through the app's actions where there is one)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from skillcommons.accounts.models import User
from skillcommons.needs import actions
from skillcommons.needs.models import InstrumentVersion, Wave
from skillcommons.organizations.models import Membership, Organization
from skillcommons.taxonomy.models import Skill, SkillTranslation

PASSWORD = "correct horse battery 9"


def make_user(username: str, *, coordinator: bool = False) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username.lower()}@example.org", password=PASSWORD
    )
    if coordinator:
        group, _created = Group.objects.get_or_create(name="coordinator")
        user.groups.add(group)
    return user


def make_skill(code: str, label: str = "", *, fr: str = "") -> Skill:
    skill, _created = Skill.objects.get_or_create(code=code)
    SkillTranslation.objects.get_or_create(
        skill=skill, locale="en", defaults={"label": label or code.title()}
    )
    if fr:
        SkillTranslation.objects.get_or_create(skill=skill, locale="fr", defaults={"label": fr})
    return skill


def make_organization(slug: str = "wm-xx", *, organizer: User | None = None) -> Organization:
    organization = Organization.objects.create(
        slug=slug, name=f"Wikimedia {slug}", kind=Organization.Kind.CHAPTER, country="FR"
    )
    if organizer is not None:
        Membership.objects.create(
            organization=organization, user=organizer, role=Membership.Role.ORGANIZER
        )
    return organization


def sample_questions() -> list[actions.QuestionInput]:
    """One question of each type, in two languages, with skip logic."""
    make_skill("wikidata-editing", "Wikidata editing", fr="Édition de Wikidata")
    make_skill("event-organizing", "Event organizing", fr="Organisation d’événements")
    make_skill("fundraising", "Fundraising")
    return [
        actions.QuestionInput(
            name="role",
            kind="single",
            label={"en": "Your role", "fr": "Votre rôle"},
            hint={"en": "Pick one"},
            required=True,
            choices=[
                actions.ChoiceInput("editor", {"en": "Editor", "fr": "Contributeur"}),
                actions.ChoiceInput("organizer", {"en": "Organizer", "fr": "Organisateur"}),
                actions.ChoiceInput("other", {"en": "Other", "fr": "Autre"}),
            ],
        ),
        actions.QuestionInput(
            name="role_other",
            kind="text",
            label={"en": "Which role?", "fr": "Quel rôle ?"},
            relevance="${role} = 'other'",
            required=True,
        ),
        actions.QuestionInput(
            name="topics",
            kind="multiple",
            label={"en": "Topics", "fr": "Sujets"},
            choices=[
                actions.ChoiceInput("art", {"en": "Art", "fr": "Art"}),
                actions.ChoiceInput("science", {"en": "Science", "fr": "Science"}),
            ],
        ),
        actions.QuestionInput(
            name="years",
            kind="number",
            label={"en": "Years active", "fr": "Années d’activité"},
            min_value=Decimal(0),
            max_value=Decimal(50),
        ),
        actions.QuestionInput(
            name="satisfaction",
            kind="likert",
            label={"en": "Satisfied?", "fr": "Satisfait ?"},
            relevance="${years} >= 1 and (selected(${topics}, 'art') or ${role} != 'editor')",
            choices=[
                actions.ChoiceInput(str(i), {"en": f"{i} en", "fr": f"{i} fr"}) for i in range(1, 6)
            ],
        ),
        actions.QuestionInput(
            name="skills",
            kind="skill_matrix",
            label={"en": "Your skills", "fr": "Vos compétences"},
            skills=["wikidata-editing", "event-organizing", "fundraising"],
        ),
    ]


def make_version(coordinator: User, *, slug: str = "capacity-map") -> InstrumentVersion:
    version = actions.create_instrument(
        by=coordinator, slug=slug, title={"en": "Capacity map", "fr": "Carte"}, locales=["en", "fr"]
    )
    actions.add_questions(by=coordinator, version=version, questions=sample_questions())
    return actions.publish_version(by=coordinator, version=version)


def make_wave(
    coordinator: User,
    version: InstrumentVersion | None = None,
    *,
    slug: str = "wave-2026",
    open_now: bool = True,
    audience: str = Wave.Audience.BOTH,
) -> Wave:
    now = timezone.now()
    opens = now - timedelta(days=10)
    closes = now + timedelta(days=10) if open_now else now - timedelta(days=1)
    return actions.create_wave(
        by=coordinator,
        slug=slug,
        title=f"Wave {slug}",
        version=version or make_version(coordinator),
        opens_at=opens,
        closes_at=closes,
        consent_text="Your answers are used in aggregated, suppressed tables only.",
        audience=audience,
    )


def good_answers() -> dict[str, object]:
    return {"role": "organizer", "topics": ["art"], "years": "4", "satisfaction": "4"}


def good_ratings() -> dict[str, dict[str, dict[str, object]]]:
    return {
        "skills": {
            "wikidata-editing": {"proficiency": 3, "importance": 4, "can_teach": True},
            "event-organizing": {"proficiency": 1, "importance": 4, "wants_to_learn": True},
        }
    }
