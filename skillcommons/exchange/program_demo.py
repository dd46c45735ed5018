"""Demo data of cohort programs: called by the exchange app's ``demo.seed`` (``manage.py
seed_demo``). Everything goes through ``program_actions``.

One announced program of the demo organizer's organization, open for applications, for the skill
and language with the most demo mentors and learners: a few mentors who offer that skill and more
mentees (the demo member among them) have applied, the matcher has run once
(its preview waits for the organizer to publish it) and the mentees are grouped into circles.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from skillcommons.accounts.models import PersonLanguage, PersonSkill, User
from skillcommons.organizations.models import Membership, Organization
from skillcommons.taxonomy.models import Language, Skill

from . import program_actions
from .program_models import Program
from .scoring import USABLE_PROFICIENCY

MENTORS = 6
MENTEES = 16


def _best_skill_and_language(*, exclude: int) -> tuple[Skill, Language] | None:
    """The (skill, language) pair that makes the fullest demo cohort: people who offer mentoring
    in the skill (with places) and people who want it, both using the language well."""
    usable: dict[int, set[int]] = {}
    for user_id, language_id in PersonLanguage.objects.filter(
        proficiency__gte=USABLE_PROFICIENCY
    ).values_list("profile__user_id", "language_id"):
        usable.setdefault(language_id, set()).add(user_id)
    mentors: dict[int, set[int]] = {}
    learners: dict[int, set[int]] = {}
    for user_id, skill_id, wants, mentoring, capacity in PersonSkill.objects.filter(
        profile__user__is_active=True
    ).values_list(
        "profile__user_id",
        "skill_id",
        "wants_to_learn",
        "offers_mentoring",
        "profile__mentoring_capacity",
    ):
        if user_id == exclude:
            continue
        if mentoring and capacity:
            mentors.setdefault(skill_id, set()).add(user_id)
        elif wants:
            learners.setdefault(skill_id, set()).add(user_id)
    # The ten most used languages keep this quick with many demo people.
    common = sorted(sorted(usable, key=lambda pk: (-len(usable[pk]), pk))[:10])
    best: tuple[int, int, int] | None = None
    for skill_id in sorted(set(mentors) & set(learners)):
        for language_id in common:
            people = usable[language_id]
            fit = min(len(mentors[skill_id] & people), MENTORS) * min(
                len(learners[skill_id] & people), MENTEES
            )
            if fit and (best is None or fit > best[0]):
                best = (fit, skill_id, language_id)
    if best is None:
        return None
    return Skill.objects.get(pk=best[1]), Language.objects.get(pk=best[2])


def seed_programs(rng: random.Random) -> None:
    organizer = User.objects.filter(username="demo-organizer").first()
    if organizer is None:
        return
    organization = (
        Organization.objects.filter(
            memberships__user=organizer, memberships__role=Membership.Role.ORGANIZER
        )
        .order_by("pk")
        .first()
    )
    if organization is None or Program.objects.filter(organization=organization).exists():
        return
    choice = _best_skill_and_language(exclude=organizer.pk)
    if choice is None:
        return
    skill, language = choice
    learners = set(
        PersonSkill.objects.filter(skill=skill, wants_to_learn=True).values_list(
            "profile__user_id", flat=True
        )
    )
    now = timezone.now()
    program = program_actions.create_program(
        by=organizer,
        organization=organization,
        title=f"{skill.label('en')} mentoring cohort",
        description=(
            "A twelve-week cohort: each mentee meets a mentor every two weeks, online. "
            "Apply as a mentor or as a mentee while applications are open."
        ),
        skills=[skill],
        languages=[language],
        starts_on=date.today() + timedelta(days=30),
        ends_on=date.today() + timedelta(days=114),
        applications_open_at=now - timedelta(days=7),
        applications_close_at=now + timedelta(days=21),
        mentor_capacity=3,
    )
    program = program_actions.announce_program(program=program, by=organizer)

    def proficiency(user_id: int) -> int:
        return int(
            PersonLanguage.objects.filter(profile__user_id=user_id, language=language)
            .values_list("proficiency", flat=True)
            .first()
            or 0
        )

    offers = list(
        PersonSkill.objects.filter(
            skill=skill,
            offers_mentoring=True,
            profile__mentoring_capacity__gt=0,
            profile__user__is_active=True,
        )
        .exclude(profile__user_id=organizer.pk)
        .order_by("profile__user_id")
        .values_list("profile__user_id", "level")
    )
    mentors = [
        (user_id, level) for user_id, level in offers if proficiency(user_id) >= USABLE_PROFICIENCY
    ]
    rng.shuffle(mentors)
    taken: set[int] = {organizer.pk}
    for user_id, level in mentors[:MENTORS]:
        user = User.objects.get(pk=user_id)
        program_actions.apply_to_program(
            program=program,
            user=user,
            role="mentor",
            skills={skill: max(int(level or 0), 2)},
            languages={language: proficiency(user_id)},
            methods=["mentoring", "online"],
            capacity=min(program.mentor_capacity, max(user.profile.mentoring_capacity, 1)),
        )
        taken.add(user_id)
    mentor_users = list(User.objects.filter(pk__in=taken - {organizer.pk}).order_by("pk"))
    candidates = sorted(learners - taken)
    rng.shuffle(candidates)
    member = User.objects.filter(username="demo-member").first()
    chosen = candidates[: MENTEES - 1]
    if member is not None and member.pk not in taken and member.pk not in chosen:
        chosen.append(member.pk)
    for user_id in chosen:
        level = proficiency(user_id)
        if level < USABLE_PROFICIENCY:
            level = 4 if user_id == (member.pk if member else None) else 0
        if level < USABLE_PROFICIENCY:
            continue
        preferred = [rng.choice(mentor_users)] if mentor_users and rng.random() < 0.6 else []
        program_actions.apply_to_program(
            program=program,
            user=User.objects.get(pk=user_id),
            role="mentee",
            skills={skill: rng.randint(1, 3)},
            languages={language: level},
            methods=[rng.choice(["mentoring", "online", "peer"])],
            preferred_mentors=preferred,
        )
    if mentor_users:
        program_actions.run_matching(program=program, by=organizer)
    program_actions.form_program_circles(program=program, by=organizer)
