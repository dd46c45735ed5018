"""From the database to the statistical core: a wave's answers as ``aggregate.AssessmentRows``.

Two queries, both reading columns in bulk (no model instances): one row per submitted response
with statistics consent (pseudonym, weight, the breakdowns copied at submission) and one row per
skill rating of those responses. The rows are turned into NumPy columns and handed to
``aggregate.build_cube`` and ``publish.publish``; the same code runs on SQLite and PostgreSQL.

What is counted:

- only **submitted** responses whose respondent consented to aggregate statistics;
- the respondent is the response's per-wave **pseudonym** (never the account): a person who
  answered as themself and for an organization counts as two respondents, as they are two units
  of the survey;
- when a response rated the same skill in two skill-matrix questions, the first question's rating
  counts (the roll-up needs one rating per respondent and skill).

The skill tree holds the rated skills and their ancestors (the roll-up columns); columns follow
the taxonomy's order (area, then its skills, then their sub-skills). Labels in the tables are
stable codes (skill code, region code, ISO country code, language tag, organization kind,
organization short name); pages translate them for display.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import ExpressionWrapper, F, IntegerField, Max, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce

from skillcommons.needs.aggregate import (
    DIMENSIONS,
    MISSING,
    AssessmentRows,
    Cube,
    Dimension,
    SkillTree,
)
from skillcommons.needs.models import MAX_LEVEL, MAX_ROBUSTNESS, Response, SkillRating, Wave
from skillcommons.needs.publish import DEFAULT_PROTECTED_K, Policy, Publication, publish
from skillcommons.organizations.models import Membership, Organization
from skillcommons.taxonomy.models import Skill

#: Row label of respondents who did not state a value (a value like any other, so tables add up).
NOT_STATED = "(not stated)"
#: Row label of respondents who answered as themselves, in the organization table.
NO_ORGANIZATION = "(none)"
#: Cache lifetime of computed tables. The key changes with every counted response, so a long life
#: is safe; it spares coordinators the suppression audit (seconds to a minute) on every page.
CACHE_SECONDS = 24 * 3600


def policy() -> Policy:
    """The disclosure thresholds from settings (``NEEDS_MIN_CELL``, ``NEEDS_PROTECTED_MIN_CELL``,
    ``NEEDS_PROTECTED_COUNTRIES``); the protection list is matched on ISO country codes."""
    k = int(getattr(settings, "NEEDS_MIN_CELL", 5))
    return Policy(
        k=k,
        protected_k=max(k, int(getattr(settings, "NEEDS_PROTECTED_MIN_CELL", DEFAULT_PROTECTED_K))),
        protected_countries=frozenset(
            str(code).upper() for code in getattr(settings, "NEEDS_PROTECTED_COUNTRIES", ())
        ),
    )


@dataclass(frozen=True)
class WaveData:
    """A wave's counted answers, ready for the cube, with what pages need to label them."""

    rows: AssessmentRows
    tree: SkillTree
    dimensions: tuple[Dimension, ...]
    respondents: int
    #: For drill-down: each country's region and each organization's affiliate type.
    parents: dict[str, dict[str, str]] = field(default_factory=dict)


def counted_responses(wave: Wave) -> QuerySet[Response]:
    """The responses that enter the statistics of ``wave``."""
    return Response.objects.filter(
        wave=wave, status=Response.Status.SUBMITTED, consent_statistics=True
    )


def cohort_of(wave: Wave, organization: Organization) -> QuerySet[Response]:
    """The counted responses about an organization: its own answer and its members' answers."""
    members = Membership.objects.filter(organization=organization).values("user_id")
    return counted_responses(wave).filter(
        Q(organization=organization) | Q(organization__isnull=True, respondent_id__in=members)
    )


_LEVELS = MAX_LEVEL + 1
_ROBUSTNESS_STATES = MAX_ROBUSTNESS + 2  # not rated, 0, 1, 2
#: The five answers of a rating in one integer, computed by the database: reading one column
#: instead of five makes the bulk read several times faster (the cost is per value fetched).
_PACKED_RATING = ExpressionWrapper(
    (
        (
            (F("proficiency") * _LEVELS + F("importance")) * 2
            + Cast("wants_to_learn", IntegerField())
        )
        * 2
        + Cast("can_teach", IntegerField())
    )
    * _ROBUSTNESS_STATES
    + Coalesce(F("robustness"), Value(-1))
    + 1,
    output_field=IntegerField(),
)


def _fetch(
    queryset: QuerySet[Response] | QuerySet[SkillRating], columns: Sequence[str]
) -> list[tuple[Any, ...]]:
    """Rows of ``columns`` through one cursor, without building model instances or dicts."""
    sql, params = queryset.order_by().values_list(*columns).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _codes(values: Iterable[str], missing: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Dense integer codes of string values (sorted labels; empty values become ``missing``)."""
    labelled = np.asarray([value or missing for value in values], dtype=object)
    if labelled.size == 0:
        return np.zeros(0, dtype=np.int64), ()
    labels, codes = np.unique(labelled.astype(str), return_inverse=True)
    return codes.astype(np.int64), tuple(str(label) for label in labels)


def _skill_tree(rated: Iterable[int]) -> SkillTree:
    """The rated skills and their ancestors, in taxonomy order (area, skills, sub-skills)."""
    known = {
        pk: (parent, code)
        for pk, parent, code in Skill.objects.order_by("position", "code").values_list(
            "pk", "parent_id", "code"
        )
    }
    wanted: set[int] = set()
    for skill in rated:
        node: int | None = skill
        while node is not None and node not in wanted:
            wanted.add(node)
            node = known[node][0]
    children: dict[int | None, list[int]] = {}
    for pk, (parent, _code) in known.items():
        if pk in wanted:
            children.setdefault(parent, []).append(pk)
    ordered: list[int] = []

    def visit(parent: int | None) -> None:
        for pk in children.get(parent, []):
            ordered.append(pk)
            visit(pk)

    visit(None)
    return SkillTree.from_parents(
        {pk: known[pk][0] for pk in ordered}, {pk: known[pk][1] for pk in ordered}
    )


def load(responses: QuerySet[Response]) -> WaveData:
    """The answers of ``responses`` as columns for the cube (see the module docstring)."""
    people = _fetch(
        responses,
        (
            "pk",
            "pseudonym",
            "weight",
            "region",
            "country",
            "language",
            "affiliate_type",
            "organization__slug",
        ),
    )
    response_ids = np.asarray([p[0] for p in people], dtype=np.int64)
    _pseudonyms, person = np.unique(
        np.asarray([p[1] for p in people], dtype=str), return_inverse=True
    )
    weight = np.asarray([p[2] for p in people], dtype=np.float64)
    codes: dict[str, np.ndarray] = {}
    labels: dict[str, tuple[str, ...]] = {}
    for index, name in enumerate(DIMENSIONS, start=3):
        missing = NO_ORGANIZATION if name == "organization" else NOT_STATED
        codes[name], labels[name] = _codes((p[index] for p in people), missing)

    ratings = _fetch(
        SkillRating.objects.filter(response__in=responses.values("pk")).annotate(
            packed=_PACKED_RATING
        ),
        ("response_id", "question_id", "skill_id", "packed"),
    )
    table = np.asarray(ratings, dtype=np.int64).reshape(-1, 4)
    # One rating per response and skill: the first matrix question's.
    table = table[np.lexsort((table[:, 1], table[:, 2], table[:, 0]))]
    first = np.ones(len(table), dtype=bool)
    first[1:] = (table[1:, 0] != table[:-1, 0]) | (table[1:, 2] != table[:-1, 2])
    table = table[first]
    packed = table[:, 3]
    robustness = packed % _ROBUSTNESS_STATES - 1  # stored + 1, 0 for not rated
    packed = packed // _ROBUSTNESS_STATES
    can_teach = packed % 2
    packed = packed // 2
    wants = packed % 2
    packed = packed // 2
    importance = packed % _LEVELS
    proficiency = packed // _LEVELS

    order = np.argsort(response_ids)
    position = order[np.searchsorted(response_ids[order], table[:, 0])]
    respondent = person[position].astype(np.int64)
    rows = AssessmentRows(
        respondent=respondent,
        weight=weight[position],
        skill=table[:, 2],
        proficiency=proficiency,
        importance=importance,
        wants_to_learn=wants.astype(bool),
        can_teach=can_teach.astype(bool),
        robustness=np.where(robustness < 0, MISSING, robustness),
        dimensions={name: codes[name][position] for name in DIMENSIONS},
    )
    parents: dict[str, dict[str, str]] = {"country": {}, "organization": {}}
    for p in people:
        if p[4]:
            parents["country"][p[4]] = p[3] or NOT_STATED
        if p[7]:
            parents["organization"][p[7]] = p[6] or NOT_STATED
    return WaveData(
        rows=rows,
        tree=_skill_tree(np.unique(table[:, 2]).tolist()),
        dimensions=tuple(Dimension(name, labels[name]) for name in DIMENSIONS),
        respondents=int(np.unique(respondent).size),
        parents=parents,
    )


@dataclass(frozen=True)
class WaveTables:
    """A wave's published tables (suppressed) with their source, for pages and downloads."""

    data: WaveData
    cube: Cube
    publication: Publication


def _cache_key(responses: QuerySet[Response], scope: str) -> str:
    stamp = responses.aggregate(last=Max("updated_at"))["last"]
    count = responses.count()
    rule = policy()
    raw = f"{scope}|{count}|{stamp}|{rule.k}|{rule.protected_k}|{sorted(rule.protected_countries)}"
    return "needs:tables:" + hashlib.sha256(raw.encode()).hexdigest()


def tables_for(responses: QuerySet[Response], scope: str) -> WaveTables | None:
    """The suppressed tables of ``responses`` (``None`` when nobody is counted), cached.

    Suppression is deterministic, so serving a cached copy reveals nothing a fresh computation
    would not; the key changes with every new or edited counted response.
    """
    from skillcommons.needs.aggregate import build_cube

    key = _cache_key(responses, scope)
    found = cache.get(key)
    if isinstance(found, WaveTables):
        return found
    data = load(responses)
    if len(data.rows) == 0:
        return None
    rule = policy()
    countries = {label for d in data.dimensions if d.name == "country" for label in d.labels}
    rule = Policy(
        k=rule.k,
        protected_k=rule.protected_k,
        protected_countries=rule.protected_countries & countries,
    )
    cube = build_cube(data.rows, data.tree, data.dimensions)
    result = WaveTables(data=data, cube=cube, publication=publish(cube, rule))
    cache.set(key, result, CACHE_SECONDS)
    return result


def wave_tables(wave: Wave) -> WaveTables | None:
    """Every counted response of the wave."""
    return tables_for(counted_responses(wave), f"wave:{wave.pk}")


def organization_tables(wave: Wave, organization: Organization) -> WaveTables | None:
    """The responses about one organization (its own and its members'), suppressed alike."""
    return tables_for(cohort_of(wave, organization), f"wave:{wave.pk}:org:{organization.pk}")
