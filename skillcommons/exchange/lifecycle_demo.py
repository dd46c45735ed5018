"""Demo requests and exchanges in every state for the demo sign-ins, made through the actions."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from skillcommons.accounts.models import PersonLanguage, PersonSkill, Profile, User
from skillcommons.notifications.models import Notification

from . import actions


def _offers() -> Q:
    found = Q()
    for name in PersonSkill.OFFER_FIELDS:
        found |= Q(**{name: True})
    return found


def _mentors(exclude: set[int]) -> list[tuple[User, PersonSkill]]:
    """People with free places and something to offer, with one of their offered skills."""
    rows = (
        PersonSkill.objects.filter(_offers(), profile__mentoring_capacity__gte=2)
        .exclude(profile__user_id__in=exclude)
        .filter(profile__user__is_active=True)
        .select_related("profile__user", "skill")
        .order_by("profile__user_id", "skill_id")
    )
    seen: dict[int, tuple[User, PersonSkill]] = {}
    for row in rows[:2000]:
        user = row.profile.user
        if user.pk not in seen and actions.mentor_load(user.pk) < row.profile.mentoring_capacity:
            seen[user.pk] = (user, row)
    return list(seen.values())


def _ensure_suggestions(member: User) -> None:
    """The demo member's profile wants a skill that someone who shares a usable language with
    them offers, so "Who could teach me" has something to show."""
    from . import loader, recommendations

    if any(g.suggestions for g in recommendations.teachers_for(viewer=member)):
        return
    snap = loader.snapshot()
    mine = {
        snap.language_index[language_id]
        for language_id, proficiency in PersonLanguage.objects.filter(
            profile__user=member
        ).values_list("language_id", "proficiency")
        if proficiency >= 3
    }
    table = snap.mentors
    skill_pks = {index: pk for pk, index in snap.skill_index.items()}
    for row in range(len(table)):
        if table.load[row] >= table.capacity[row] or int(table.ids[row]) == member.pk:
            continue
        shared = any(
            int(lang) in mine and int(prof) >= 3
            for lang, prof in zip(table.lang_ids[row], table.lang_prof[row], strict=True)
        )
        offered = [int(s) for s in table.skill_ids[row] if s >= 0]
        if shared and offered:
            PersonSkill.objects.update_or_create(
                profile=Profile.objects.get(user=member),
                skill_id=skill_pks[offered[0]],
                defaults={"wants_to_learn": True, "level": 1},
            )
            return


def seed_exchanges(rng: random.Random) -> None:
    member = User.objects.filter(username="demo-member").first()
    coordinator = User.objects.filter(username="demo-coordinator").first()
    if member is None:
        return
    newest = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    demo_ids = set(User.objects.filter(username__startswith="demo-").values_list("pk", flat=True))
    mentors = _mentors(demo_ids)
    if len(mentors) < 4:
        return
    rng.shuffle(mentors)
    (pending_to, pending_skill), (active_with, active_skill) = mentors[0], mentors[1]
    (done_with, done_skill), (declined_by, declined_skill) = mentors[2], mentors[3]

    actions.send_request(
        learner=member,
        mentor=pending_to,
        skill=pending_skill.skill,
        method="mentoring",
        message="Hello! I would love to learn this for a project on my home wiki.",
    )
    active = actions.accept_request(
        request=actions.send_request(
            learner=member, mentor=active_with, skill=active_skill.skill, method="online"
        ),
        by=active_with,
        answer="Happy to help. Let us meet online first.",
    )
    soon = (timezone.now() + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    actions.schedule_session(
        exchange=active,
        by=active_with,
        starts_at=soon,
        online_url="https://meet.example.org/skillcommons-demo",
        notes="Bring a list of the pages you want to improve.",
    )
    actions.schedule_session(
        exchange=active, by=member, starts_at=soon + timedelta(days=7), place="Community library"
    )
    done = actions.accept_request(
        request=actions.send_request(
            learner=member, mentor=done_with, skill=done_skill.skill, method="peer"
        ),
        by=done_with,
    )
    actions.give_feedback(exchange=done, by=member, rating=5, comment="Clear and patient.")
    actions.give_feedback(exchange=done, by=done_with, rating=4, comment="Well prepared.")
    actions.decline_request(
        request=actions.send_request(
            learner=member, mentor=declined_by, skill=declined_skill.skill, method="training"
        ),
        by=declined_by,
        answer="I am travelling this month, sorry.",
    )
    # The demo member as a mentor, when their profile offers something with a free place.
    offered = PersonSkill.objects.filter(_offers(), profile__user=member).first()
    profile = Profile.objects.get(user=member)
    if offered is not None and profile.mentoring_capacity > actions.mentor_load(member.pk):
        learner = (
            User.objects.filter(is_active=True)
            .exclude(pk__in=demo_ids)
            .exclude(pk__in=[m.pk for m, _row in mentors[:4]])
            .order_by("pk")
            .first()
        )
        if learner is not None:
            actions.send_request(
                learner=learner,
                mentor=member,
                skill=offered.skill,
                method="mentoring",
                message="Could you help me get started?",
            )
    if coordinator is not None:
        actions.report_person(
            reporter=member,
            reported=declined_by,
            reason="no_show",
            details="Did not come to two planned sessions (demo report).",
        )
    _ensure_suggestions(member)
    # Demo notifications stay in the inboxes but are not e-mailed when the seed commits.
    Notification.objects.filter(pk__gt=newest).update(emailed_at=timezone.now())
