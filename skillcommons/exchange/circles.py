"""Peer-learning circles: learners who want the same skill and share a usable language, in groups
of 3–6, each membership explained.

Pure and ORM-free, and deterministic: the same learners always give the same circles.

The method (``docs/matching.md``, "Peer-learning circles"):

1. Every (learner, wanted skill) pair is *open* until it is placed in a circle; a person can be in
   one circle per skill.
2. Repeatedly take the (skill, language) with the most open learners who want that skill and use
   that language at level 3 or better (ties: lower skill id, then lower language id). Fewer than
   the minimum size left: stop.
3. Split that group into ``ceil(n / max_size)`` circles of nearly equal size (so never below the
   minimum), after ordering the learners by their first available hour of the week in UTC, then
   id: people whose free time starts at similar hours (often nearby time zones) end up together.
4. Open learners left over join the smallest circle of their skill with room in a language they
   use, when there is one; anyone still left gets a reason.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .scoring import HOURS_PER_WEEK, USABLE_PROFICIENCY, Reason

MIN_SIZE = 3
MAX_SIZE = 6


@dataclass(frozen=True)
class CircleLearner:
    """A learner: the skills they want, their languages as (language, proficiency 0–6) and their
    weekly availability as a 168-bit mask in UTC (0 = not given)."""

    id: int
    skills: tuple[int, ...]
    languages: tuple[tuple[int, int], ...]
    availability: int = 0

    def usable(self) -> dict[int, int]:
        found: dict[int, int] = {}
        for language, proficiency in self.languages:
            if proficiency >= USABLE_PROFICIENCY:
                found[language] = max(found.get(language, 0), proficiency)
        return found


@dataclass(frozen=True)
class CircleMember:
    learner_id: int
    proficiency: int  # their level in the circle's language
    shared_hours: int  # weekly hours they share with at least one other member


@dataclass(frozen=True)
class FormedCircle:
    skill: int
    language: int
    members: tuple[CircleMember, ...]
    common_hours: int  # weekly hours when every member is available

    @property
    def member_ids(self) -> tuple[int, ...]:
        return tuple(m.learner_id for m in self.members)


@dataclass(frozen=True)
class LeftOut:
    learner_id: int
    skill: int
    reason: Reason


@dataclass(frozen=True)
class CirclePlan:
    circles: tuple[FormedCircle, ...]
    left_out: tuple[LeftOut, ...]


def member_reason(
    *, skill: str, language: str, proficiency: int, shared_hours: int
) -> tuple[Reason, Reason]:
    """Why a person is in a circle: the shared skill and language, and the shared time."""
    why = Reason(
        _(
            "Wants to learn %(skill)s and uses %(language)s at level %(proficiency)s, "
            "like everyone in this circle."
        ),
        {"skill": skill, "language": language, "proficiency": proficiency},
    )
    if shared_hours:
        when = Reason(
            ngettext_lazy(
                "Shares %(hours)s weekly hour of free time with another member.",
                "Shares %(hours)s weekly hours of free time with other members.",
                "hours",
            ),
            {"hours": shared_hours},
        )
    else:
        when = Reason(_("Shares no weekly free time with the others yet: agree on a time."))
    return why, when


def _first_hour(mask: int) -> int:
    return (mask & -mask).bit_length() - 1 if mask else HOURS_PER_WEEK


def _sizes(n: int, max_size: int) -> list[int]:
    count = -(-n // max_size)
    return [n // count + (1 if i < n % count else 0) for i in range(count)]


def _validate(learners: Sequence[CircleLearner], min_size: int, max_size: int) -> None:
    if not 2 <= min_size <= max_size <= 50:
        raise ValueError("Circle sizes must satisfy 2 <= min_size <= max_size <= 50.")
    if max_size < 2 * min_size - 1:
        # Splitting n >= min_size into ceil(n / max) near-equal parts keeps every part at least
        # min_size only when max_size >= 2 * min_size - 1.
        raise ValueError("max_size must be at least 2 * min_size - 1.")
    seen: set[int] = set()
    for learner in learners:
        if learner.id in seen:
            raise ValueError("Learner ids must be unique.")
        seen.add(learner.id)
        if learner.availability < 0 or learner.availability >> HOURS_PER_WEEK:
            raise ValueError("An availability mask has 168 bits.")


def _member(learner: CircleLearner, language: int, others: Iterable[CircleLearner]) -> CircleMember:
    together = 0
    for other in others:
        if other.id != learner.id:
            together |= other.availability
    return CircleMember(
        learner_id=learner.id,
        proficiency=learner.usable()[language],
        shared_hours=(learner.availability & together).bit_count(),
    )


def _circle(skill: int, language: int, group: Sequence[CircleLearner]) -> FormedCircle:
    common = (1 << HOURS_PER_WEEK) - 1
    for learner in group:
        common &= learner.availability
    ordered = sorted(group, key=lambda item: item.id)
    return FormedCircle(
        skill=skill,
        language=language,
        members=tuple(_member(learner, language, group) for learner in ordered),
        common_hours=common.bit_count(),
    )


def form_circles(
    learners: Sequence[CircleLearner],
    *,
    skills: Collection[int] | None = None,
    min_size: int = MIN_SIZE,
    max_size: int = MAX_SIZE,
    skill_names: Mapping[int, str] | None = None,
) -> CirclePlan:
    """Circles for ``learners`` (only for ``skills`` when given). See the module docstring."""
    _validate(learners, min_size, max_size)
    names = skill_names or {}
    by_id = {learner.id: learner for learner in learners}
    usable = {learner.id: learner.usable() for learner in learners}
    # Open learners per (skill, usable language); a learner is in one set per language they use.
    open_by_key: dict[tuple[int, int], set[int]] = {}
    wanted: list[tuple[int, int]] = sorted(
        (skill, learner.id)
        for learner in learners
        for skill in set(learner.skills)
        if skills is None or skill in skills
    )
    for skill, learner_id in wanted:
        for language in usable[learner_id]:
            open_by_key.setdefault((skill, language), set()).add(learner_id)
    placed: set[tuple[int, int]] = set()
    groups: list[list[CircleLearner]] = []
    keys: list[tuple[int, int]] = []

    def close(skill: int, learner_id: int) -> None:
        placed.add((skill, learner_id))
        for language in usable[learner_id]:
            members = open_by_key.get((skill, language))
            if members is not None:
                members.discard(learner_id)
                if not members:
                    del open_by_key[(skill, language)]

    # Largest group first; a lazy heap: an entry whose size changed is pushed again.
    heap = [(-len(members), key) for key, members in open_by_key.items()]
    heapq.heapify(heap)
    while heap:
        negative, (skill, language) = heapq.heappop(heap)
        members = open_by_key.get((skill, language), set())
        if len(members) != -negative:
            if members:
                heapq.heappush(heap, (-len(members), (skill, language)))
            continue
        if len(members) < min_size:
            break
        pool = sorted(
            (by_id[learner_id] for learner_id in members),
            key=lambda item: (_first_hour(item.availability), item.id),
        )
        start = 0
        for size in _sizes(len(pool), max_size):
            groups.append(pool[start : start + size])
            keys.append((skill, language))
            start += size
        for learner in pool:
            close(skill, learner.id)

    # Leftovers join the smallest circle of their skill with room, in a language they use.
    circles_of: dict[int, list[int]] = {}
    for i, (skill, _language) in enumerate(keys):
        circles_of.setdefault(skill, []).append(i)
    still_open: list[tuple[int, int]] = []
    for skill, learner_id in wanted:
        if (skill, learner_id) in placed:
            continue
        room = [
            i
            for i in circles_of.get(skill, [])
            if keys[i][1] in usable[learner_id] and len(groups[i]) < max_size
        ]
        if room:
            target = min(room, key=lambda i: (len(groups[i]), i))
            groups[target].append(by_id[learner_id])
            close(skill, learner_id)
        else:
            still_open.append((skill, learner_id))
    left = tuple(
        LeftOut(
            learner_id, skill, _left_reason(learner_id, skill, open_by_key, usable, names, min_size)
        )
        for skill, learner_id in still_open
    )
    circles = tuple(
        _circle(skill, language, group)
        for (skill, language), group in zip(keys, groups, strict=True)
    )
    return CirclePlan(circles=circles, left_out=left)


def _left_reason(
    learner_id: int,
    skill: int,
    open_by_key: Mapping[tuple[int, int], set[int]],
    usable: Mapping[int, Mapping[int, int]],
    names: Mapping[int, str],
    min_size: int,
) -> Reason:
    label = names.get(skill, str(skill))
    mine = usable[learner_id]
    if not mine:
        return Reason(
            _(
                "You have no language at level 3 or better, so no circle for %(skill)s could "
                "use a language you share."
            ),
            {"skill": label},
        )
    others = len(
        set().union(*(open_by_key.get((skill, language), set()) for language in mine))
        - {learner_id}
    )
    if not others:
        return Reason(
            _("No other learner of %(skill)s without a circle shares a usable language with you."),
            {"skill": label},
        )
    return Reason(
        ngettext_lazy(
            "Only %(count)s other learner of %(skill)s without a circle shares a usable "
            "language with you; a circle needs at least %(minimum)s people.",
            "Only %(count)s other learners of %(skill)s without a circle share a usable "
            "language with you; a circle needs at least %(minimum)s people.",
            "count",
        ),
        {"count": others, "skill": label, "minimum": min_size},
    )
