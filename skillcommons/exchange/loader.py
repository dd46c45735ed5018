"""From the database to the packed arrays of ``scoring.py``, kept current.

**What matching may use** (decision 0011). Matching reads only what a person shares with signed-in
members, because a suggestion and its explanation are shown to a signed-in member:

* someone is *suggested as a mentor* only if they opted in: a mentoring capacity above 0, and
  what they offer, their languages and their capacity shared with members (at least);
* someone is *suggested as a learner* to mentors only if they share what they want to learn and
  their languages with members;
* of those people, skill levels, availability (with the time zone), preferred ways of learning and
  the region count only when shared with members; a hidden level counts as 0, hidden
  availability as no hours, hidden methods as none, a hidden region as unknown. The explanation
  then says the field is not shared instead of describing it (``recommendations.py``);
* the person asking is the owner of their own profile: all of their own fields are used.

**Keeping it current.** Building the arrays reads every profile once, so the result is cached in
the process as a :class:`Snapshot` tagged with two version numbers kept in Django's cache (shared
by every process when the cache is). Saving or deleting a profile, a person's skill or language,
a skill or a language bumps the *data* version (signals in ``signals.py``), and so does a new
person-skill or person-language row (the profile editor replaces them with ``bulk_create``,
which sends no signal; the newest ids are read per query): the next query rebuilds.
Starting or closing an exchange bumps only the *load* version: the next query re-reads the
current number of mentees per mentor (one grouped query) and updates the table in place, which
keeps the per-skill caches of the table (they depend on skills only).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from skillcommons.accounts.availability import convert_slots
from skillcommons.accounts.models import PersonLanguage, PersonSkill, Profile
from skillcommons.core.visibility import Visibility
from skillcommons.taxonomy.models import Language, Skill
from skillcommons.taxonomy.regions import REGION_CODES

from .scoring import (
    HOURS_PER_WEEK,
    LearnerTable,
    MentorRecord,
    MentorTable,
    Query,
    SkillTree,
    WantRecord,
    hours_mask,
)

DATA_VERSION_KEY = "skillcommons.exchange.matching.data"
LOAD_VERSION_KEY = "skillcommons.exchange.matching.load"
SHARED = Visibility.MEMBERS
METHOD_BITS = {method: 1 << i for i, method in enumerate(Profile.Method.values)}


@dataclass
class Snapshot:
    """Everything a query needs: the tables and the maps between database ids and indices."""

    tree: SkillTree
    skill_index: dict[int, int]  # Skill.pk → index
    language_index: dict[int, int]  # Language.pk → index
    region_index: dict[str, int]
    mentors: MentorTable
    learners: LearnerTable
    #: per user id, the field groups the person does not share with members (see the module doc)
    hidden: dict[int, frozenset[str]]
    data_version: tuple[int, ...] = ()
    load_version: int = 0


_lock = threading.Lock()
_current: Snapshot | None = None
_override: Snapshot | None = None


def _version(key: str) -> int:
    value = cache.get(key)
    if value is None:
        cache.add(key, 1)
        value = cache.get(key, 1)
    return int(value)


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2)


def invalidate() -> None:
    """Profiles, skills or languages changed: rebuild before the next query."""
    _bump(DATA_VERSION_KEY)


def invalidate_loads() -> None:
    """An exchange started or closed: re-read the mentors' loads before the next query."""
    _bump(LOAD_VERSION_KEY)


def install(snapshot: Snapshot | None) -> None:
    """Serve ``snapshot`` instead of the database (the benchmark's synthetic arrays); ``None``
    goes back to the database."""
    global _override
    _override = snapshot


def snapshot() -> Snapshot:
    """The current arrays, rebuilt or refreshed if the data or the loads changed."""
    global _current
    if _override is not None:
        return _override
    data_version = (_version(DATA_VERSION_KEY), *_newest_rows())
    load_version = _version(LOAD_VERSION_KEY)
    with _lock:
        current = _current
        if current is None or current.data_version != data_version:
            current = build()
            current.data_version = data_version
            current.load_version = load_version
            _current = current
        elif current.load_version != load_version:
            refresh_loads(current)
            current.load_version = load_version
        return current


def _newest_rows() -> tuple[int, int]:
    """The newest person-skill and person-language ids: profile editing replaces those rows
    with ``bulk_create``, which sends no signal, so new ids tell that they changed."""
    newest_skill = PersonSkill.objects.aggregate(m=Max("id"))["m"] or 0
    newest_language = PersonLanguage.objects.aggregate(m=Max("id"))["m"] or 0
    return int(newest_skill), int(newest_language)


# ---------------------------------------------------------------------------------------------
# Building


def utc_hours(slots: list[dict[str, Any]], time_zone: str, reference: date | None = None) -> int:
    """Weekly availability slots in ``time_zone`` → a 168-bit mask of whole UTC hours covered
    (the week of ``reference`` decides daylight-saving time). Bad data gives an empty mask."""
    if not slots or not time_zone:
        return 0
    try:
        ZoneInfo(time_zone)
        converted = convert_slots(slots, time_zone, "UTC", reference or timezone.now().date())
    except (ZoneInfoNotFoundError, ValueError, KeyError, TypeError):
        return 0
    hours: set[int] = set()
    for slot in converted:
        day = int(str(slot["day"]))
        start_h, start_m = (int(x) for x in str(slot["start"]).split(":"))
        end_h, _end_m = (int(x) for x in str(slot["end"]).split(":"))
        first = start_h + (1 if start_m else 0)
        for hour in range(first, end_h):
            hours.add((day * 24 + hour) % HOURS_PER_WEEK)
    return hours_mask(hours)


def methods_mask(methods: Any) -> int:
    mask = 0
    for method in methods if isinstance(methods, list) else []:
        mask |= METHOD_BITS.get(str(method), 0)
    return mask


def build() -> Snapshot:
    """Read every eligible person once and pack them."""
    skills = list(Skill.objects.order_by("pk").values_list("pk", "parent_id"))
    skill_index = {pk: i for i, (pk, _parent) in enumerate(skills)}
    tree = SkillTree([skill_index.get(parent, -1) if parent else -1 for _pk, parent in skills])
    languages = list(Language.objects.order_by("pk").values_list("pk", "code"))
    language_index = {pk: i for i, (pk, _code) in enumerate(languages)}
    codes = [code for _pk, code in languages]
    region_index = {code: i for i, code in enumerate(REGION_CODES)}
    today = timezone.now().date()

    mentor_profiles = Profile.objects.filter(
        user__is_active=True,
        mentoring_capacity__gt=0,
        offers_visibility__gte=SHARED,
        languages_visibility__gte=SHARED,
        capacity_visibility__gte=SHARED,
    )
    learner_profiles = Profile.objects.filter(
        user__is_active=True, wants_visibility__gte=SHARED, languages_visibility__gte=SHARED
    )
    profile_fields = (
        "pk",
        "user_id",
        "skills_visibility",
        "availability",
        "availability_visibility",
        "time_zone",
        "time_zone_visibility",
        "preferred_methods",
        "methods_visibility",
        "region",
        "location_visibility",
        "mentoring_capacity",
    )
    people: dict[int, dict[str, Any]] = {}
    for row in mentor_profiles.values(*profile_fields):
        people[row["pk"]] = row | {"mentor": True}
    for row in learner_profiles.values(*profile_fields):
        people.setdefault(row["pk"], row | {"mentor": False})["learner"] = True

    langs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for profile_id, language_id, proficiency in PersonLanguage.objects.filter(
        profile_id__in=list(people)
    ).values_list("profile_id", "language_id", "proficiency"):
        langs[profile_id].append((language_index[language_id], int(proficiency)))
    offers: dict[int, list[tuple[int, int]]] = defaultdict(list)
    wants: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for ps in PersonSkill.objects.filter(profile_id__in=list(people)).values(
        "profile_id", "skill_id", "level", "wants_to_learn", *PersonSkill.OFFER_FIELDS
    ):
        person = people[ps["profile_id"]]
        level = ps["level"] if ps["level"] is not None else 0
        if person.get("mentor") and any(ps[name] for name in PersonSkill.OFFER_FIELDS):
            shown = level if person["skills_visibility"] >= SHARED else 0
            offers[ps["profile_id"]].append((skill_index[ps["skill_id"]], shown))
        if person.get("learner") and ps["wants_to_learn"]:
            known = level if person["skills_visibility"] >= SHARED else 0
            wants[ps["profile_id"]].append((skill_index[ps["skill_id"]], min(known + 1, 4)))

    loads = current_loads()
    mentor_records: list[MentorRecord] = []
    want_records: list[WantRecord] = []
    hidden: dict[int, frozenset[str]] = {}
    for pid, person in people.items():
        hides = _hidden_groups(person)
        availability = (
            0
            if "availability" in hides
            else utc_hours(person["availability"], person["time_zone"], today)
        )
        methods = 0 if "methods" in hides else methods_mask(person["preferred_methods"])
        region = -1 if "location" in hides else region_index.get(person["region"], -1)
        user_id = int(person["user_id"])
        hidden[user_id] = hides
        if person.get("mentor") and offers[pid]:
            mentor_records.append(
                MentorRecord(
                    id=user_id,
                    skills=tuple(offers[pid]),
                    languages=tuple(langs[pid]),
                    availability=availability,
                    methods=methods,
                    capacity=int(person["mentoring_capacity"]),
                    load=min(loads.get(user_id, 0), int(person["mentoring_capacity"])),
                    region=region,
                )
            )
        for skill, desired in wants[pid]:
            want_records.append(
                WantRecord(
                    learner_id=user_id,
                    skill=skill,
                    desired_level=desired,
                    languages=tuple(langs[pid]),
                    availability=availability,
                    methods=methods,
                    region=region,
                )
            )
    mentor_records.sort(key=lambda r: r.id)
    want_records.sort(key=lambda w: (w.learner_id, w.skill))
    common: dict[str, Any] = {
        "tree": tree,
        "n_languages": max(len(codes), 1),
        "n_regions": len(REGION_CODES),
        "language_codes": codes,
    }
    return Snapshot(
        tree=tree,
        skill_index=skill_index,
        language_index=language_index,
        region_index=region_index,
        mentors=MentorTable.from_records(mentor_records, **common),
        learners=LearnerTable(want_records, **common),
        hidden=hidden,
    )


def _hidden_groups(person: dict[str, Any]) -> frozenset[str]:
    hides = set()
    if person["skills_visibility"] < SHARED:
        hides.add("skills")
    if person["availability_visibility"] < SHARED or person["time_zone_visibility"] < SHARED:
        hides.add("availability")
    if person["methods_visibility"] < SHARED:
        hides.add("methods")
    if person["location_visibility"] < SHARED:
        hides.add("location")
    return frozenset(hides)


def current_loads() -> dict[int, int]:
    """Active exchanges per mentor user id."""
    from .models import Exchange

    return dict(
        Exchange.objects.active()
        .values("mentor_id")
        .annotate(n=Count("id"))
        .values_list("mentor_id", "n")
    )


def refresh_loads(snap: Snapshot) -> None:
    loads = current_loads()
    table = snap.mentors
    fresh = np.array([loads.get(int(i), 0) for i in table.ids.tolist()], dtype=np.int32)
    table.load[:] = np.minimum(fresh, table.capacity)


# ---------------------------------------------------------------------------------------------
# Queries from the person asking (the owner: every field of their own profile counts)


def own_query_parts(snap: Snapshot, profile: Profile) -> dict[str, Any]:
    """Languages, availability, methods and region of ``profile`` in the snapshot's indices."""
    languages = tuple(
        (snap.language_index[language_id], int(proficiency))
        for language_id, proficiency in profile.languages.values_list("language_id", "proficiency")
        if language_id in snap.language_index
    )
    return {
        "languages": languages,
        "availability": utc_hours(list(profile.availability or []), profile.time_zone),
        "methods": methods_mask(profile.preferred_methods),
        "region": snap.region_index.get(profile.region, -1),
    }


def query_for(
    snap: Snapshot,
    profile: Profile,
    skill_id: int,
    desired_level: int,
    *,
    exclude_ids: frozenset[int] = frozenset(),
    spread_regions: bool = False,
    parts: dict[str, Any] | None = None,
) -> Query | None:
    """The scoring query of ``profile`` asking for skill ``skill_id`` (None if the skill is not
    in the snapshot)."""
    index = snap.skill_index.get(skill_id)
    if index is None:
        return None
    parts = parts if parts is not None else own_query_parts(snap, profile)
    return Query(
        skill=index,
        desired_level=max(0, min(desired_level, 4)),
        exclude_ids=exclude_ids | {profile.user_id},
        spread_regions=spread_regions,
        **parts,
    )
