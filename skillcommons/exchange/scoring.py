"""The matching score: who can teach a learner a skill, and whom a mentor could help.

Pure and ORM-free. People are packed into NumPy arrays (:class:`MentorTable` for people who offer
skills, :class:`LearnerTable` for what people want to learn) so one query scores only the people
holding a related skill, with a handful of vectorised operations. The ORM side (not in this
module) loads those arrays from profiles and keeps them current.

Identifiers are dense indices chosen by the loader: skills ``0..n_skills-1`` (positions in a
:class:`SkillTree`), languages ``0..n_languages-1``, regions ``0..n_regions-1`` (``-1`` unknown).
Availability is a 168-bit mask of the hours of the week in UTC (bit 0 = Monday 00:00–01:00 UTC).
Methods are a bitmask of the profile's preferred methods.

The score is the sum of named components (see :class:`Weights` and ``docs/matching.md``); every
component is returned in an :class:`Explanation` so pages and the API can show why someone was
suggested. People are *excluded* (never suggested) when they hold no related skill, share no
usable language with the learner, or have no free mentoring place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

HOURS_PER_WEEK = 168
AVAILABILITY_WORDS = 3  # 168 bits in three 64-bit words
USABLE_PROFICIENCY = 3  # "advanced" on the 0–5 scale; native (6) is above it
NATIVE_PROFICIENCY = 6

# Skill relations, strongest first.
EXACT = 3
PARENT_OR_CHILD = 2
SIBLING = 1
UNRELATED = 0

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
Int8Array = npt.NDArray[np.int8]
UIntArray = npt.NDArray[np.uint64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

COMPONENTS = ("skill", "level", "language", "availability", "method", "capacity", "region")


@dataclass(frozen=True)
class Weights:
    """Points of each score component. The defaults are documented in ``docs/matching.md``;
    a site overrides them with the ``SKILLCOMMONS_MATCHING_WEIGHTS`` setting (read at the edge by
    :func:`skillcommons.exchange.conf.matching_weights`)."""

    skill_exact: float = 40.0
    skill_parent_or_child: float = 25.0
    skill_sibling: float = 10.0
    level: float = 15.0
    language: float = 15.0
    availability: float = 15.0
    availability_saturation_hours: int = 6
    method: float = 5.0
    capacity: float = 5.0
    region: float = 5.0

    def __post_init__(self) -> None:
        for name in (
            "skill_exact",
            "skill_parent_or_child",
            "skill_sibling",
            "level",
            "language",
            "availability",
            "method",
            "capacity",
            "region",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not (isinstance(value, int | float) and 0 <= value < 1e6):
                raise ValueError(f"Matching weight {name} must be a number from 0 to 1e6.")
        if not (
            isinstance(self.availability_saturation_hours, int)
            and 1 <= self.availability_saturation_hours <= HOURS_PER_WEEK
        ):
            raise ValueError("availability_saturation_hours must be a whole number from 1 to 168.")

    def skill_points(self, relation: int) -> float:
        return {
            EXACT: self.skill_exact,
            PARENT_OR_CHILD: self.skill_parent_or_child,
            SIBLING: self.skill_sibling,
        }.get(relation, 0.0)


# ---------------------------------------------------------------------------------------------
# The model, one formula per component (shared by both directions; the reference scorer in
# ``reference.py`` restates the same formulas with plain Python loops).


def level_fraction(gap: Any) -> Any:
    """Mentor level minus desired level → 0..1: one level above or more is ideal (1), the same
    level is half (0.5), below is nothing."""
    return np.clip((gap + 1) / 2.0, 0.0, 1.0)


def language_fraction(best: Any) -> Any:
    """Best proficiency both people have in one shared language (3–6) → 0.25..1."""
    return (best - 2) / 4.0


# ---------------------------------------------------------------------------------------------
# Bit helpers


def hours_mask(hours: Iterable[int]) -> int:
    """A 168-bit availability mask (Python int) from hour-of-week numbers 0–167 (UTC)."""
    mask = 0
    for hour in hours:
        if not 0 <= hour < HOURS_PER_WEEK:
            raise ValueError("An hour of the week is a number from 0 to 167.")
        mask |= 1 << hour
    return mask


def mask_words(mask: int) -> UIntArray:
    """The three little-endian 64-bit words of a 168-bit mask."""
    if mask < 0 or mask >> HOURS_PER_WEEK:
        raise ValueError("An availability mask has 168 bits.")
    return np.array(
        [(mask >> (64 * i)) & 0xFFFF_FFFF_FFFF_FFFF for i in range(AVAILABILITY_WORDS)],
        dtype=np.uint64,
    )


def words_mask(words: Sequence[int] | UIntArray) -> int:
    return sum(int(w) << (64 * i) for i, w in enumerate(words))


# ---------------------------------------------------------------------------------------------
# The skill tree


class SkillTree:
    """The skill hierarchy as a parent array (``-1`` for a top-level area)."""

    def __init__(self, parents: Sequence[int] | Int32Array) -> None:
        parent = np.asarray(parents, dtype=np.int32)
        n = len(parent)
        if parent.ndim != 1 or (n and (parent.min() < -1 or parent.max() >= n)):
            raise ValueError("Every parent is -1 or the index of another skill.")
        depth = np.zeros(n, dtype=np.int8)
        for skill in range(n):
            node, steps = int(parent[skill]), 0
            while node >= 0:
                steps += 1
                if steps > n:
                    raise ValueError("The skill tree has a cycle.")
                node = int(parent[node])
            depth[skill] = steps
        self.parent: Int32Array = parent
        self.depth: Int8Array = depth
        # Children as CSR: children of s are child_rows[child_ptr[s]:child_ptr[s+1]].
        has_parent = np.flatnonzero(parent >= 0).astype(np.int32)
        order = has_parent[np.argsort(parent[has_parent], kind="stable")]
        counts = np.bincount(parent[has_parent], minlength=n) if n else np.zeros(0, np.int64)
        self.child_ptr: IntArray = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self.child_rows: Int32Array = order.astype(np.int32)

    def __len__(self) -> int:
        return len(self.parent)

    def children(self, skill: int) -> Int32Array:
        return self.child_rows[self.child_ptr[skill] : self.child_ptr[skill + 1]]

    def relation(self, offered: Any, wanted: Any) -> Any:
        """Relation of offered skill(s) to wanted skill(s), elementwise (arrays or scalars):
        3 exact, 2 parent or child, 1 sibling (same parent), 0 unrelated or padding (-1)."""
        offered = np.asarray(offered)
        wanted = np.asarray(wanted)
        valid = (offered >= 0) & (wanted >= 0)
        o = np.where(valid, offered, 0)
        w = np.where(valid, wanted, 0)
        po = self.parent[o]
        pw = self.parent[w]
        rel = np.where(
            o == w,
            EXACT,
            np.where(
                (po == w) | (pw == o),
                PARENT_OR_CHILD,
                np.where((po == pw) & (po >= 0), SIBLING, UNRELATED),
            ),
        )
        return np.where(valid, rel, UNRELATED)

    def neighbourhood(self, skill: int) -> Int32Array:
        """Every skill related to ``skill`` (itself, its parent, children and siblings)."""
        if not 0 <= skill < len(self):
            raise ValueError("Unknown skill.")
        parts: list[Int32Array] = [np.array([skill], dtype=np.int32), self.children(skill)]
        parent = int(self.parent[skill])
        if parent >= 0:
            parts.append(np.array([parent], dtype=np.int32))
            parts.append(self.children(parent))
        return np.unique(np.concatenate(parts))


# ---------------------------------------------------------------------------------------------
# Explanations


@dataclass(frozen=True)
class Reason:
    """A translatable sentence with named placeholders, rendered in the active language."""

    message: Promise | str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        # ``%`` on a lazy message translates it now, in the active language; a plural message
        # (ngettext_lazy with a named number) picks its form from the params.
        return str(self.message % dict(self.params)) if self.params else str(self.message)


@dataclass(frozen=True)
class Component:
    name: str
    points: float
    reason: Reason
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Explanation:
    components: tuple[Component, ...]

    @property
    def total(self) -> float:
        total = 0.0
        for component in self.components:
            total += component.points
        return total

    def points(self) -> dict[str, float]:
        return {c.name: c.points for c in self.components}


@dataclass(frozen=True)
class Match:
    """One suggestion: the person's id, their row in the table, the score and why."""

    id: int
    row: int
    score: float
    load: int
    explanation: Explanation


# Sentences for the learner looking at a mentor, and for the mentor looking at a learner.
SKILL_REASONS: dict[bool, dict[int, Promise]] = {
    False: {
        EXACT: _("Offers exactly the skill you asked for."),
        PARENT_OR_CHILD: _("Offers a broader or narrower skill in the same branch."),
        SIBLING: _("Offers a neighbouring skill in the same area."),
    },
    True: {
        EXACT: _("Wants to learn exactly a skill you offer."),
        PARENT_OR_CHILD: _("Wants a broader or narrower skill than one you offer."),
        SIBLING: _("Wants a skill next to one you offer, in the same area."),
    },
}
LEVEL_REASONS: dict[bool, tuple[Promise, Promise, Promise]] = {
    False: (
        _("Their level in it (%(level)s) is above the level you want (%(desired)s)."),
        _("Their level in it (%(level)s) is the level you want (%(desired)s)."),
        _("Their level in it (%(level)s) is below the level you want (%(desired)s)."),
    ),
    True: (
        _("Your level (%(level)s) is above the level they want (%(desired)s)."),
        _("Your level (%(level)s) is the level they want (%(desired)s)."),
        _("Your level (%(level)s) is below the level they want (%(desired)s)."),
    ),
}
METHOD_REASONS: dict[bool, tuple[Promise, Promise, Promise]] = {
    # (no preference given, a preferred method matches, none matches)
    False: (
        _("You did not ask for a particular way to learn."),
        _("Offers a way of learning you prefer."),
        _("Prefers other ways of learning than the ones you asked for."),
    ),
    True: (
        _("They did not ask for a particular way to learn."),
        _("Prefers a way of learning you offer."),
        _("Prefers other ways of learning than yours."),
    ),
}


def _explain(
    *,
    for_mentor: bool,
    relation: int,
    skill: int,
    level: int,
    desired: int,
    language: int,
    language_best: int,
    language_code: str,
    hours: int,
    method_hit: bool,
    methods_asked: bool,
    free: int,
    capacity: int,
    points: Mapping[str, float],
) -> Explanation:
    above, same, below = LEVEL_REASONS[for_mentor]
    level_message = above if level >= desired + 1 else same if level == desired else below
    if hours:
        hours_reason = Reason(
            ngettext_lazy(
                "You are both available %(hours)s hour a week at the same time.",
                "You are both available %(hours)s hours a week at the same time.",
                "hours",
            ),
            {"hours": hours},
        )
    else:
        hours_reason = Reason(_("Your weekly availability does not overlap."))
    no_preference, hit, miss = METHOD_REASONS[for_mentor]
    method_message = no_preference if not methods_asked else hit if method_hit else miss
    if for_mentor:
        capacity_message = ngettext_lazy(
            "You have %(free)s of %(capacity)s mentoring place free.",
            "You have %(free)s of %(capacity)s mentoring places free.",
            "capacity",
        )
    else:
        capacity_message = ngettext_lazy(
            "%(free)s of %(capacity)s mentoring place is free.",
            "%(free)s of %(capacity)s mentoring places are free.",
            "capacity",
        )
    if points["region"]:
        region_reason = Reason(_("Lives in another region: the exchange spreads opportunity."))
    else:
        region_reason = Reason(_("No regional spreading bonus."))
    return Explanation(
        (
            Component(
                "skill",
                points["skill"],
                Reason(SKILL_REASONS[for_mentor][relation]),
                {"skill": skill, "relation": relation},
            ),
            Component(
                "level",
                points["level"],
                Reason(level_message, {"level": level, "desired": desired}),
                {"level": level, "desired": desired},
            ),
            Component(
                "language",
                points["language"],
                Reason(
                    _("You can both use %(language)s well (level %(proficiency)s or better)."),
                    {"language": language_code, "proficiency": language_best},
                ),
                {"language": language, "proficiency": language_best},
            ),
            Component("availability", points["availability"], hours_reason, {"hours": hours}),
            Component("method", points["method"], Reason(method_message), {"match": method_hit}),
            Component(
                "capacity",
                points["capacity"],
                Reason(capacity_message, {"free": free, "capacity": capacity}),
                {"free": free, "capacity": capacity},
            ),
            Component("region", points["region"], region_reason, {}),
        )
    )


# ---------------------------------------------------------------------------------------------
# Records: plain descriptions of people, used to build tables and by the reference scorer.


@dataclass(frozen=True)
class MentorRecord:
    """Someone who offers skills: (skill, level 0–4) pairs, (language, proficiency 0–6) pairs,
    availability mask, methods bitmask, capacity and current number of mentees, region."""

    id: int
    skills: tuple[tuple[int, int], ...]
    languages: tuple[tuple[int, int], ...]
    availability: int = 0
    methods: int = 0
    capacity: int = 0
    load: int = 0
    region: int = -1


@dataclass(frozen=True)
class Query:
    """A learner asking for a skill: what they want, how they can learn, and options."""

    skill: int
    desired_level: int
    languages: tuple[tuple[int, int], ...]
    availability: int = 0
    methods: int = 0  # 0 = no preference
    region: int = -1
    spread_regions: bool = False
    exclude_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class WantRecord:
    """One skill a learner wants (a learner with three wants is three records)."""

    learner_id: int
    skill: int
    desired_level: int
    languages: tuple[tuple[int, int], ...]
    availability: int = 0
    methods: int = 0
    region: int = -1


def _pad(rows: Sequence[Sequence[tuple[int, int]]], n: int) -> tuple[Int32Array, Int8Array]:
    width = max([len(r) for r in rows], default=0) or 1
    ids = np.full((n, width), -1, dtype=np.int32)
    values = np.zeros((n, width), dtype=np.int8)
    for i, row in enumerate(rows):
        for j, (key, value) in enumerate(row):
            ids[i, j] = key
            values[i, j] = value
    return ids, values


def _postings(keys: Int32Array, n_keys: int) -> tuple[IntArray, Int32Array]:
    """CSR from key to the rows holding it, for a padded (rows × width) key array."""
    rows = np.broadcast_to(np.arange(keys.shape[0], dtype=np.int32)[:, None], keys.shape)
    flat_keys = keys.ravel()
    flat_rows = rows.ravel()
    keep = flat_keys >= 0
    flat_keys, flat_rows = flat_keys[keep], flat_rows[keep]
    order = np.argsort(flat_keys, kind="stable")
    counts = np.bincount(flat_keys, minlength=n_keys)
    ptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    return ptr, flat_rows[order].astype(np.int32)


def _check_range(name: str, values: Any, low: int, high: int) -> None:
    arr = np.asarray(values)
    if arr.size and (arr.min() < low or arr.max() > high):
        raise ValueError(f"{name} must be from {low} to {high}.")


def _per_row(values: Any, n: int, dtype: Any) -> Any:
    """A 2-D (n × width) contiguous array; a 1-D input is one column."""
    arr = np.ascontiguousarray(values, dtype=dtype)
    if arr.ndim == 1:
        arr = arr.reshape(n, -1) if n else arr.reshape(0, 1)
    if arr.ndim != 2 or arr.shape[0] != n:
        raise ValueError("Per-mentor arrays need one row per mentor.")
    return arr


@dataclass(frozen=True)
class SkillFit:
    """Rows related to one wanted skill, with the relation and level of their closest skill."""

    rows: Int32Array
    relation: Int8Array
    level: Int8Array
    best_skill: Int32Array


class MentorTable:
    """Everyone who offers skills, packed: one row per mentor.

    ``skill_ids``/``skill_levels`` and ``lang_ids``/``lang_prof`` are padded (rows × width, id
    ``-1`` = padding); ``availability`` is rows × 3 uint64 words. A skill → rows index (CSR)
    finds the mentors holding any skill related to a query without scanning everyone.
    """

    def __init__(
        self,
        *,
        tree: SkillTree,
        ids: Any,
        skill_ids: Any,
        skill_levels: Any,
        lang_ids: Any,
        lang_prof: Any,
        availability: Any,
        methods: Any,
        capacity: Any,
        load: Any,
        region: Any,
        n_languages: int,
        n_regions: int,
        region_boost: Any = None,
        language_codes: Sequence[str] | None = None,
    ) -> None:
        self.tree = tree
        self.ids: IntArray = np.ascontiguousarray(ids, dtype=np.int64)
        n = len(self.ids)
        self.skill_ids: Int32Array = _per_row(skill_ids, n, np.int32)
        self.skill_levels: Int8Array = _per_row(skill_levels, n, np.int8)
        self.lang_ids: Int32Array = _per_row(lang_ids, n, np.int32)
        self.lang_prof: Int8Array = _per_row(lang_prof, n, np.int8)
        self.availability: UIntArray = np.ascontiguousarray(availability, dtype=np.uint64).reshape(
            n, AVAILABILITY_WORDS
        )
        self.methods: IntArray = np.ascontiguousarray(methods, dtype=np.int64)
        self.capacity: Int32Array = np.ascontiguousarray(capacity, dtype=np.int32)
        self.load: Int32Array = np.ascontiguousarray(load, dtype=np.int32)
        self.region: Int32Array = np.ascontiguousarray(region, dtype=np.int32)
        self.n_languages = n_languages
        self.n_regions = n_regions
        self.region_boost: FloatArray = (
            np.ones(n_regions, dtype=np.float64)
            if region_boost is None
            else np.asarray(region_boost, dtype=np.float64)
        )
        self.language_codes = tuple(language_codes) if language_codes is not None else None
        if len(set(self.ids.tolist())) != n:
            raise ValueError("Mentor ids must be unique.")
        if self.skill_ids.shape != self.skill_levels.shape:
            raise ValueError("Skill ids and levels must have the same shape.")
        if self.lang_ids.shape != self.lang_prof.shape:
            raise ValueError("Language ids and proficiencies must have the same shape.")
        for name, arr in (
            ("methods", self.methods),
            ("capacity", self.capacity),
            ("load", self.load),
            ("region", self.region),
        ):
            if arr.shape != (n,):
                raise ValueError(f"{name} needs one value per mentor.")
        _check_range("Skill ids", self.skill_ids, -1, len(tree) - 1)
        _check_range("Skill levels", self.skill_levels, 0, 4)
        _check_range("Language ids", self.lang_ids, -1, n_languages - 1)
        _check_range("Language proficiencies", self.lang_prof, 0, NATIVE_PROFICIENCY)
        _check_range("Regions", self.region, -1, n_regions - 1)
        _check_range("Capacities", self.capacity, 0, 10_000)
        _check_range("Loads", self.load, 0, 10_000)
        if self.region_boost.shape != (n_regions,):
            raise ValueError("region_boost needs one value per region.")
        self.skill_ptr, self.skill_rows = _postings(self.skill_ids, len(tree))
        self._fits: dict[int, SkillFit] = {}

    @classmethod
    def from_records(
        cls,
        records: Sequence[MentorRecord],
        *,
        tree: SkillTree,
        n_languages: int,
        n_regions: int,
        region_boost: Any = None,
        language_codes: Sequence[str] | None = None,
    ) -> MentorTable:
        n = len(records)
        skill_ids, skill_levels = _pad([r.skills for r in records], n)
        lang_ids, lang_prof = _pad([r.languages for r in records], n)
        availability = np.zeros((n, AVAILABILITY_WORDS), dtype=np.uint64)
        for i, r in enumerate(records):
            availability[i] = mask_words(r.availability)
        return cls(
            tree=tree,
            ids=[r.id for r in records],
            skill_ids=skill_ids,
            skill_levels=skill_levels,
            lang_ids=lang_ids,
            lang_prof=lang_prof,
            availability=availability,
            methods=[r.methods for r in records],
            capacity=[r.capacity for r in records],
            load=[r.load for r in records],
            region=[r.region for r in records],
            n_languages=n_languages,
            n_regions=n_regions,
            region_boost=region_boost,
            language_codes=language_codes,
        )

    def __len__(self) -> int:
        return len(self.ids)

    def record(self, row: int) -> MentorRecord:
        """Row ``row`` as a plain record (for the reference scorer and debugging)."""
        skills = tuple(
            (int(s), int(lv))
            for s, lv in zip(self.skill_ids[row], self.skill_levels[row], strict=True)
            if s >= 0
        )
        languages = tuple(
            (int(lang), int(p))
            for lang, p in zip(self.lang_ids[row], self.lang_prof[row], strict=True)
            if lang >= 0
        )
        return MentorRecord(
            id=int(self.ids[row]),
            skills=skills,
            languages=languages,
            availability=words_mask(self.availability[row]),
            methods=int(self.methods[row]),
            capacity=int(self.capacity[row]),
            load=int(self.load[row]),
            region=int(self.region[row]),
        )

    def skill_fit(self, skill: int) -> SkillFit:
        """The mentors holding a skill related to ``skill``, with their closest skill (highest
        relation, then highest level). Depends only on the skills, so it is computed once per
        skill and cached; loads and other columns may change in place without invalidating it."""
        fit = self._fits.get(skill)
        if fit is None:
            fit = self.fit_rows(skill, self.candidates(skill))
            self._fits[skill] = fit
        return fit

    def fit_rows(self, skill: int, rows: Int32Array) -> SkillFit:
        """The closest skill of each of ``rows`` to ``skill`` (see :meth:`skill_fit`)."""
        sk = self.skill_ids[rows]
        rel = self.tree.relation(sk, skill)
        key = np.where(rel > 0, rel * 8 + self.skill_levels[rows], -1)
        pick = np.argmax(key, axis=1)
        r = np.arange(len(rows))
        best_key = key[r, pick]
        return SkillFit(
            rows=rows,
            relation=np.where(best_key >= 0, best_key // 8, 0).astype(np.int8),
            level=np.where(best_key >= 0, best_key % 8, 0).astype(np.int8),
            best_skill=sk[r, pick].astype(np.int32),
        )

    def prepare(self) -> None:
        """Compute :meth:`skill_fit` for every skill now rather than on first use."""
        for skill in range(len(self.tree)):
            self.skill_fit(skill)

    def candidates(self, skill: int) -> Int32Array:
        """Rows holding any skill related to ``skill``, ascending."""
        related = self.tree.neighbourhood(skill)
        parts = [self.skill_rows[self.skill_ptr[s] : self.skill_ptr[s + 1]] for s in related]
        rows = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        if len(rows) * 8 < len(self):
            return np.unique(rows)
        mask = np.zeros(len(self), dtype=np.bool_)
        mask[rows] = True
        return np.flatnonzero(mask).astype(np.int32)

    def language_code(self, language: int) -> str:
        if self.language_codes is not None and 0 <= language < len(self.language_codes):
            return self.language_codes[language]
        return str(language)


def _validate_query(query: Query, tree: SkillTree, n_languages: int) -> None:
    if not 0 <= query.skill < len(tree):
        raise ValueError("Unknown skill.")
    if not 0 <= query.desired_level <= 4:
        raise ValueError("The desired level is from 0 to 4.")
    for language, proficiency in query.languages:
        if not 0 <= language < n_languages:
            raise ValueError("Unknown language.")
        if not 0 <= proficiency <= NATIVE_PROFICIENCY:
            raise ValueError("A language proficiency is from 0 to 6.")
    mask_words(query.availability)


def _language_lookup(languages: Iterable[tuple[int, int]], n_languages: int) -> Int8Array:
    """Proficiency per language id for the usable languages of one person (0 elsewhere); the
    extra last slot answers the padding id -1."""
    lookup = np.zeros(n_languages + 1, dtype=np.int8)
    for language, proficiency in languages:
        if proficiency >= USABLE_PROFICIENCY:
            lookup[language] = max(int(lookup[language]), proficiency)
    return lookup


@dataclass
class _Scored:
    """Component arrays for a set of rows (internal)."""

    rows: Int32Array
    keep: BoolArray
    points: dict[str, FloatArray]
    total: FloatArray
    relation: IntArray
    best_skill: IntArray
    level: IntArray
    language_best: IntArray
    hours: IntArray
    method_hit: BoolArray


def _common_components(
    *,
    weights: Weights,
    relation: IntArray,
    level: IntArray,
    desired: Any,
    language_best: IntArray,
    hours: IntArray,
    method_hit: BoolArray,
    free: Any,
    capacity: Any,
    region_bonus: FloatArray,
) -> tuple[dict[str, FloatArray], FloatArray]:
    by_relation = np.array(
        [0.0, weights.skill_sibling, weights.skill_parent_or_child, weights.skill_exact]
    )
    skill_points = by_relation[relation]
    level_points = weights.level * level_fraction(level - desired)
    language_points = weights.language * language_fraction(np.maximum(language_best, 2))
    sat = weights.availability_saturation_hours
    availability_points = weights.availability * (np.minimum(hours, sat) / float(sat))
    method_points = np.where(method_hit, weights.method, 0.0)
    capacity_points = weights.capacity * (
        np.asarray(free, dtype=np.float64) / np.maximum(capacity, 1)
    )
    region_points = weights.region * region_bonus
    parts = (
        skill_points,
        level_points,
        language_points,
        availability_points,
        method_points,
        capacity_points,
        region_points,
    )
    shape = np.broadcast_shapes(*(np.shape(part) for part in parts))
    points = {
        name: np.broadcast_to(np.asarray(part, dtype=np.float64), shape)
        for name, part in zip(COMPONENTS, parts, strict=True)
    }
    total = points["skill"] + points["level"]
    for name in COMPONENTS[2:]:
        total = total + points[name]
    return points, total


def _best_language(
    lang_ids: Int32Array, lang_prof: Int8Array, lookup: Int8Array
) -> tuple[IntArray, IntArray]:
    """Per row: the best min(proficiency, other's proficiency) over shared usable languages (0 if
    none) and that language (lowest id among equals; -1 if none)."""
    other = lookup[lang_ids]  # padding -1 reads the zero slot
    shared = np.where(
        (lang_prof >= USABLE_PROFICIENCY) & (other >= USABLE_PROFICIENCY),
        np.minimum(lang_prof, other),
        0,
    ).astype(np.int64)
    # Prefer the higher level, then the lower language id.
    key = shared * (1 << 20) - np.where(shared > 0, lang_ids, 0)
    pick = np.argmax(key, axis=1)
    rows = np.arange(len(lang_ids))
    best = shared[rows, pick]
    language = np.where(best > 0, lang_ids[rows, pick], -1).astype(np.int64)
    return best, language


def _hours(a: UIntArray, b: UIntArray) -> IntArray:
    counts: IntArray = np.bitwise_count(a & b).sum(axis=1, dtype=np.int64)
    return counts


def _score_mentors(
    table: MentorTable, query: Query, weights: Weights, fit: SkillFit | None = None
) -> _Scored:
    """Score the mentors holding a skill related to ``query.skill`` (or only the rows of
    ``fit``) and drop the excluded ones (internal; see :func:`top_k`). Exclusions are applied first so
    the remaining components are computed for fewer rows."""
    _validate_query(query, table.tree, table.n_languages)
    if fit is None:
        fit = table.skill_fit(query.skill)
    rows = fit.rows
    capacity = table.capacity[rows]
    free = capacity - table.load[rows]
    lookup = _language_lookup(query.languages, table.n_languages)
    # min(a, b) >= 3 exactly when both people use the language at 3 or better.
    shared = np.minimum(table.lang_prof[rows], lookup[table.lang_ids[rows]])
    language_best = shared.max(axis=1).astype(np.int64)
    keep = (language_best >= USABLE_PROFICIENCY) & (free > 0)
    if query.exclude_ids:
        excluded = np.fromiter(query.exclude_ids, dtype=np.int64)
        keep &= ~np.isin(table.ids[rows], excluded)
    kept = np.flatnonzero(keep)
    rows = rows[kept]
    capacity = capacity[kept]
    free = free[kept]
    language_best = language_best[kept]
    relation = fit.relation[kept].astype(np.int64)
    level = fit.level[kept].astype(np.int64)
    hours = _hours(table.availability[rows], mask_words(query.availability)[None, :])
    method_hit = (table.methods[rows] & query.methods) != 0
    if query.spread_regions and query.region >= 0:
        region = table.region[rows]
        different = (region >= 0) & (region != query.region)
        region_bonus = np.where(different, table.region_boost[np.maximum(region, 0)], 0.0)
    else:
        region_bonus = np.zeros(len(rows), dtype=np.float64)
    points, total = _common_components(
        weights=weights,
        relation=relation,
        level=level,
        desired=query.desired_level,
        language_best=language_best,
        hours=hours,
        method_hit=method_hit,
        free=free,
        capacity=capacity,
        region_bonus=region_bonus,
    )
    return _Scored(
        rows=rows,
        keep=np.ones(len(rows), dtype=np.bool_),
        points=points,
        total=total,
        relation=relation,
        best_skill=fit.best_skill[kept].astype(np.int64),
        level=level,
        language_best=language_best,
        hours=hours,
        method_hit=method_hit,
    )


def _select(total: FloatArray, keep: BoolArray, tie: Sequence[Any], k: int) -> IntArray:
    """Positions of the best ``k`` kept entries: higher total, then each ``tie`` array ascending."""
    kept = np.flatnonzero(keep)
    if k <= 0 or not len(kept):
        return np.zeros(0, dtype=np.int64)
    scores = total[kept]
    if len(kept) > k:
        part = np.argpartition(-scores, k - 1)[:k]
        threshold = scores[part].min()
        kept = kept[scores >= threshold]  # keep every tie at the boundary, ordered below
    order = np.lexsort((*(t[kept] for t in reversed(tie)), -total[kept]))
    return kept[order[:k]].astype(np.int64)


def top_k(table: MentorTable, query: Query, k: int, weights: Weights | None = None) -> list[Match]:
    """The ``k`` best mentors for ``query``: higher score first, then lower current load, then
    lower id. Excluded mentors (no related skill, no shared usable language, full) never appear."""
    weights = weights or Weights()
    scored = _score_mentors(table, query, weights)
    load = table.load[scored.rows]
    ids = table.ids[scored.rows]
    picks = _select(scored.total, scored.keep, (load, ids), k)
    return [_mentor_match(table, query, weights, scored, int(p)) for p in picks]


def rank(
    table: MentorTable, query: Query, k: int, weights: Weights | None = None
) -> tuple[Int32Array, FloatArray]:
    """:func:`top_k` without explanations: the rows and scores of the ``k`` best mentors, in the
    same order. For bulk use (the batch matcher); explain the few you show with
    :func:`explain_row`."""
    weights = weights or Weights()
    scored = _score_mentors(table, query, weights)
    picks = _select(scored.total, scored.keep, (table.load[scored.rows], table.ids[scored.rows]), k)
    return scored.rows[picks], scored.total[picks]


def explain_row(
    table: MentorTable, query: Query, row: int, weights: Weights | None = None
) -> Match | None:
    """The scored, explained match of mentor ``row`` for ``query``; None if excluded."""
    weights = weights or Weights()
    fit = table.fit_rows(query.skill, np.array([row], dtype=np.int32))
    if fit.relation[0] == UNRELATED:
        return None
    scored = _score_mentors(table, query, weights, fit)
    if not len(scored.rows):
        return None
    return _mentor_match(table, query, weights, scored, 0)


def _mentor_match(
    table: MentorTable, query: Query, weights: Weights, scored: _Scored, p: int
) -> Match:
    row = int(scored.rows[p])
    points = {name: float(scored.points[name][p]) for name in COMPONENTS}
    lookup = _language_lookup(query.languages, table.n_languages)
    language_best, best_language = _best_language(
        table.lang_ids[row : row + 1], table.lang_prof[row : row + 1], lookup
    )
    explanation = _explain(
        for_mentor=False,
        relation=int(scored.relation[p]),
        skill=int(scored.best_skill[p]),
        level=int(scored.level[p]),
        desired=query.desired_level,
        language=int(best_language[0]),
        language_best=int(language_best[0]),
        language_code=table.language_code(int(best_language[0])),
        hours=int(scored.hours[p]),
        method_hit=bool(scored.method_hit[p]),
        methods_asked=query.methods != 0,
        free=int(table.capacity[row] - table.load[row]),
        capacity=int(table.capacity[row]),
        points=points,
    )
    return Match(
        id=int(table.ids[row]),
        row=row,
        score=float(scored.total[p]),
        load=int(table.load[row]),
        explanation=explanation,
    )


RANK_MANY_CHUNK = 256  # mentees scored together: bounds the (mentees × mentors) matrices


def rank_many(
    table: MentorTable, queries: Sequence[Query], k: int, weights: Weights | None = None
) -> tuple[IntArray, Int32Array, FloatArray, IntArray]:
    """:func:`rank` for many queries at once, as flat arrays sorted by query then rank: (query
    index, mentor row, score, 1-based rank). Same rows, order and scores as calling
    :func:`rank` per query (tested), but queries wanting the same skill are scored together as a
    (queries × mentors) matrix, which is what makes a 50,000-mentee batch fast."""
    weights = weights or Weights()
    for query in queries:
        _validate_query(query, table.tree, table.n_languages)
    by_skill: dict[int, list[int]] = {}
    for i, query in enumerate(queries):
        by_skill.setdefault(query.skill, []).append(i)
    id_to_row: dict[int, int] | None = None
    if any(q.exclude_ids for q in queries):
        id_to_row = {int(v): r for r, v in enumerate(table.ids.tolist())}
    out: list[tuple[IntArray, Int32Array, FloatArray, IntArray]] = []
    for skill, members in by_skill.items():
        fit = table.skill_fit(skill)
        # Columns ordered by the tie-break (lower load, then lower id): among equal scores the
        # lower column wins.
        order = np.lexsort((table.ids[fit.rows], table.load[fit.rows]))
        rows = fit.rows[order]
        capacity = table.capacity[rows]
        free = capacity - table.load[rows]
        usable_cols = np.flatnonzero(free > 0)
        rows, capacity, free = rows[usable_cols], capacity[usable_cols], free[usable_cols]
        relation = fit.relation[order][usable_cols].astype(np.int64)
        level = fit.level[order][usable_cols].astype(np.int64)
        for start in range(0, len(members), RANK_MANY_CHUNK):
            chunk = members[start : start + RANK_MANY_CHUNK]
            out.append(
                _rank_chunk(
                    table,
                    [queries[i] for i in chunk],
                    np.array(chunk, dtype=np.int64),
                    rows,
                    relation,
                    level,
                    free,
                    capacity,
                    k,
                    weights,
                    id_to_row,
                )
            )
    if not out:
        empty = np.zeros(0, dtype=np.int64)
        return empty, np.zeros(0, dtype=np.int32), np.zeros(0), empty
    query_index = np.concatenate([o[0] for o in out])
    mentor_rows = np.concatenate([o[1] for o in out])
    scores = np.concatenate([o[2] for o in out])
    ranks = np.concatenate([o[3] for o in out])
    final = np.lexsort((ranks, query_index))
    return query_index[final], mentor_rows[final], scores[final], ranks[final]


def _rank_chunk(
    table: MentorTable,
    queries: Sequence[Query],
    query_index: IntArray,
    rows: Int32Array,
    relation: IntArray,
    level: IntArray,
    free: Any,
    capacity: Any,
    k: int,
    weights: Weights,
    id_to_row: Mapping[int, int] | None,
) -> tuple[IntArray, Int32Array, FloatArray, IntArray]:
    m, c = len(queries), len(rows)
    # Shared usable language, best level: for each threshold t, does some language reach t on
    # both sides? Each person's languages at level >= t are a bitset over the languages these
    # queries use (64 per word), so one AND answers it for every pair.
    wanted = sorted({lang for q in queries for lang, p in q.languages if p >= USABLE_PROFICIENCY})
    local = np.full(table.n_languages + 1, -1, dtype=np.int64)
    local[wanted] = np.arange(len(wanted))
    mentor_local = local[table.lang_ids[rows]]
    mentor_prof = table.lang_prof[rows]
    language_best = np.zeros((m, c), dtype=np.int64)
    n_words = (len(wanted) + 63) // 64
    one = np.uint64(1)
    for t in range(USABLE_PROFICIENCY, NATIVE_PROFICIENCY + 1):
        query_bits = np.zeros((m, n_words), dtype=np.uint64)
        for i, q in enumerate(queries):
            for lang, p in q.languages:
                if p >= t:
                    col = int(local[lang])
                    query_bits[i, col // 64] |= one << np.uint64(col % 64)
        mentor_bits = np.zeros((c, n_words), dtype=np.uint64)
        for slot in range(mentor_local.shape[1]):
            j = mentor_local[:, slot]
            on = (j >= 0) & (mentor_prof[:, slot] >= t)
            bit = np.left_shift(one, (np.maximum(j, 0) % 64).astype(np.uint64))
            for word in range(n_words):
                hit = on & (j // 64 == word)
                mentor_bits[hit, word] |= bit[hit]
        shared = np.zeros((m, c), dtype=np.bool_)
        for word in range(n_words):
            shared |= (query_bits[:, word, None] & mentor_bits[None, :, word]) != 0
        language_best = np.where(shared, t, language_best)
    query_hours = np.stack([mask_words(q.availability) for q in queries])
    hours = np.bitwise_count(query_hours[:, None, :] & table.availability[rows][None, :, :]).sum(
        axis=2, dtype=np.int64
    )
    query_methods = np.array([q.methods for q in queries], dtype=np.int64)
    method_hit = (query_methods[:, None] & table.methods[rows][None, :]) != 0
    desired = np.array([q.desired_level for q in queries], dtype=np.int64)[:, None]
    region = table.region[rows]
    boost = np.where(region >= 0, table.region_boost[np.maximum(region, 0)], 0.0)
    spread = np.array([q.spread_regions and q.region >= 0 for q in queries])
    query_region = np.array([q.region for q in queries], dtype=np.int64)
    different = (region[None, :] >= 0) & (region[None, :] != query_region[:, None])
    region_bonus = np.where(spread[:, None] & different, boost[None, :], 0.0)
    _points, total = _common_components(
        weights=weights,
        relation=relation[None, :],
        level=level[None, :],
        desired=desired,
        language_best=language_best,
        hours=hours,
        method_hit=method_hit,
        free=free[None, :],
        capacity=capacity[None, :],
        region_bonus=region_bonus,
    )
    keep = language_best >= USABLE_PROFICIENCY
    if id_to_row is not None:
        for i, q in enumerate(queries):
            for excluded in q.exclude_ids:
                row = id_to_row.get(excluded)
                if row is None:
                    continue
                hits = np.flatnonzero(rows == row)
                keep[i, hits] = False
    masked = np.where(keep, total, -np.inf)
    if c > k:
        threshold = -np.partition(-masked, k - 1, axis=1)[:, k - 1]
        keep &= masked >= threshold[:, None]
    qi, column = np.nonzero(keep)
    score = total[qi, column]
    order = np.lexsort((column, -score, qi))
    qi, column, score = qi[order], column[order], score[order]
    first = np.searchsorted(qi, qi, side="left")
    position = np.arange(len(qi)) - first
    within = position < k
    return (
        query_index[qi[within]],
        rows[column[within]].astype(np.int32),
        score[within],
        (position[within] + 1).astype(np.int64),
    )


# ---------------------------------------------------------------------------------------------
# The reverse direction: learners a mentor could help. Same components and formulas; the rows
# are (learner, wanted skill) pairs and the query is the mentor.


class LearnerTable:
    """What people want to learn, packed: one row per (learner, wanted skill)."""

    def __init__(
        self,
        wants: Sequence[WantRecord],
        *,
        tree: SkillTree,
        n_languages: int,
        n_regions: int,
        region_boost: Any = None,
        language_codes: Sequence[str] | None = None,
    ) -> None:
        n = len(wants)
        self.tree = tree
        self.n_languages = n_languages
        self.n_regions = n_regions
        self.learner_ids: IntArray = np.array([w.learner_id for w in wants], dtype=np.int64)
        self.skill: Int32Array = np.array([w.skill for w in wants], dtype=np.int32)
        self.desired: Int8Array = np.array([w.desired_level for w in wants], dtype=np.int8)
        self.lang_ids, self.lang_prof = _pad([w.languages for w in wants], n)
        self.availability: UIntArray = np.zeros((n, AVAILABILITY_WORDS), dtype=np.uint64)
        for i, w in enumerate(wants):
            self.availability[i] = mask_words(w.availability)
        self.methods: IntArray = np.array([w.methods for w in wants], dtype=np.int64)
        self.region: Int32Array = np.array([w.region for w in wants], dtype=np.int32)
        self.region_boost: FloatArray = (
            np.ones(n_regions, dtype=np.float64)
            if region_boost is None
            else np.asarray(region_boost, dtype=np.float64)
        )
        self.language_codes = tuple(language_codes) if language_codes is not None else None
        _check_range("Skill ids", self.skill, 0, len(tree) - 1)
        _check_range("Desired levels", self.desired, 0, 4)
        _check_range("Language ids", self.lang_ids, -1, n_languages - 1)
        _check_range("Language proficiencies", self.lang_prof, 0, NATIVE_PROFICIENCY)
        _check_range("Regions", self.region, -1, n_regions - 1)
        self.skill_ptr, self.skill_rows = _postings(self.skill[:, None], len(tree))

    def __len__(self) -> int:
        return len(self.learner_ids)


def top_learners(
    table: LearnerTable,
    mentor: MentorRecord,
    k: int,
    weights: Weights | None = None,
    *,
    spread_regions: bool = False,
) -> list[Match]:
    """The ``k`` (learner, wanted skill) rows ``mentor`` could best help: higher score, then
    lower learner id, then lower row. ``Match.id`` is the learner id and ``Match.row`` the want
    row. A full mentor (load ≥ capacity) helps nobody new, so the list is empty."""
    weights = weights or Weights()
    free = mentor.capacity - mentor.load
    if free <= 0 or not mentor.skills:
        return []
    tree = table.tree
    related = np.unique(np.concatenate([tree.neighbourhood(s) for s, _level in mentor.skills]))
    parts = [table.skill_rows[table.skill_ptr[s] : table.skill_ptr[s + 1]] for s in related]
    rows = np.unique(np.concatenate(parts)).astype(np.int32)
    wanted = table.skill[rows]
    best_key = np.full(len(rows), -1, dtype=np.int64)
    best_skill = np.full(len(rows), -1, dtype=np.int64)
    for offered, offered_level in mentor.skills:
        rel = tree.relation(offered, wanted)
        key = np.where(rel > 0, rel * 8 + offered_level, -1)
        better = key > best_key
        best_key = np.where(better, key, best_key)
        best_skill = np.where(better, offered, best_skill)
    relation = np.where(best_key >= 0, best_key // 8, 0)
    level = np.where(best_key >= 0, best_key % 8, 0)
    lookup = _language_lookup(mentor.languages, table.n_languages)
    language_best, best_language = _best_language(
        table.lang_ids[rows], table.lang_prof[rows], lookup
    )
    hours = _hours(table.availability[rows], mask_words(mentor.availability)[None, :])
    method_hit = (table.methods[rows] & mentor.methods) != 0
    region = table.region[rows]
    if spread_regions and mentor.region >= 0:
        different = (region >= 0) & (region != mentor.region)
        region_bonus = np.where(different, table.region_boost[np.maximum(region, 0)], 0.0)
    else:
        region_bonus = np.zeros(len(rows), dtype=np.float64)
    desired = table.desired[rows].astype(np.int64)
    points, total = _common_components(
        weights=weights,
        relation=relation,
        level=level,
        desired=desired,
        language_best=language_best,
        hours=hours,
        method_hit=method_hit,
        free=free,
        capacity=mentor.capacity,
        region_bonus=region_bonus,
    )
    keep = (relation > 0) & (language_best >= USABLE_PROFICIENCY)
    keep &= table.learner_ids[rows] != mentor.id
    picks = _select(total, keep, (table.learner_ids[rows], rows), k)
    codes = table.language_codes
    matches = []
    for p in picks:
        row = int(rows[p])
        pts = {name: float(points[name][p]) for name in COMPONENTS}
        language = int(best_language[p])
        explanation = _explain(
            for_mentor=True,
            relation=int(relation[p]),
            skill=int(best_skill[p]),
            level=int(level[p]),
            desired=int(desired[p]),
            language=language,
            language_best=int(language_best[p]),
            language_code=codes[language]
            if codes and 0 <= language < len(codes)
            else str(language),
            hours=int(hours[p]),
            method_hit=bool(method_hit[p]),
            methods_asked=bool(table.methods[row] != 0),
            free=free,
            capacity=mentor.capacity,
            points=pts,
        )
        matches.append(
            Match(
                id=int(table.learner_ids[row]),
                row=row,
                score=float(total[p]),
                load=mentor.load,
                explanation=explanation,
            )
        )
    return matches
