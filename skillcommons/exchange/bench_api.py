"""``api_p95_ms`` of ``bench_matching``: top-k through the JSON API with the test client.

Inside one transaction that is rolled back at the end (nothing stays in the database), it
creates the synthetic skill tree as skills, the synthetic languages, one account and profile per
synthetic mentor (100,000 by default) and one asking member per query, then serves the synthetic
mentor arrays through ``loader.install`` (the loader's override for benchmarks) so the request
path is the real one: authentication, the member's own profile read from the database, blocks,
scoring, the profile gate for the people returned, JSON. Only the requests are timed.

While it runs the transaction holds SQLite's write lock: do not run it beside a server that
writes to the same database.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import setup_test_environment, teardown_test_environment

from skillcommons.accounts.models import PersonLanguage, PersonSkill, Profile, User
from skillcommons.core.visibility import Visibility
from skillcommons.taxonomy.models import Language, Skill
from skillcommons.taxonomy.regions import REGION_CODES

from . import loader
from .scoring import HOURS_PER_WEEK, LearnerTable, MentorTable, Query
from .synthetic import N_LANGUAGES, N_REGIONS

PREFIX = "bench-api"
BATCH = 5000
UNUSABLE = "!"  # Django's mark for "no password": nobody can sign in as these people


class _RollbackError(Exception):
    """Leaves the benchmark's transaction without keeping anything."""


def _slots(mask: int) -> list[dict[str, Any]]:
    """A UTC hour mask as availability slots (time zone UTC)."""
    slots: list[dict[str, Any]] = []
    for hour in range(HOURS_PER_WEEK):
        if not mask >> hour & 1:
            continue
        day, h = divmod(hour, 24)
        if slots and slots[-1]["day"] == day and slots[-1]["end"] == f"{h:02d}:00":
            slots[-1]["end"] = f"{h + 1:02d}:00" if h < 23 else "24:00"
        else:
            slots.append(
                {
                    "day": day,
                    "start": f"{h:02d}:00",
                    "end": f"{h + 1:02d}:00" if h < 23 else "24:00",
                }
            )
    return slots


def _skills(parents: list[int]) -> list[Skill]:
    created: list[Skill] = []
    for index, parent in enumerate(parents):
        skill = Skill(
            code=f"{PREFIX}-{index}",
            parent=created[parent] if parent >= 0 else None,
            depth=0 if parent < 0 else created[parent].depth + 1,
            position=index,
        )
        created.append(skill)
    # Parents come before children in the synthetic tree, so one level at a time.
    for depth in range(3):
        Skill.objects.bulk_create([s for s in created if s.depth == depth], batch_size=BATCH)
    return created


def _users(names: list[str]) -> list[User]:
    users = User.objects.bulk_create(
        [User(username=name, password=UNUSABLE) for name in names], batch_size=BATCH
    )
    if users and users[0].pk is None:  # databases that do not return ids from bulk inserts
        users = list(User.objects.filter(username__in=names).order_by("pk"))
    return users


def measure(table: MentorTable, queries: list[Query], k: int) -> dict[str, Any]:
    """Time one ``GET /api/v1/exchange/suggestions?skill=…&k=…`` per query."""
    try:
        setup_test_environment()
        own_environment = True
    except RuntimeError:  # already inside a test run
        own_environment = False
    timings: list[float] = []
    setup_seconds = 0.0
    per_request = 0
    try:
        # Measured as production runs: DEBUG off (with DEBUG on, Django also logs every query).
        with (
            warnings.catch_warnings(),
            override_settings(DEBUG=False),
            transaction.atomic(),
        ):
            # WhiteNoise warns once per handler that collectstatic has not run; irrelevant here.
            warnings.filterwarnings("ignore", message="No directory at")
            started = time.perf_counter()
            timings, setup_seconds, per_request = _run(table, queries, k, started)
            raise _RollbackError
    except _RollbackError:
        pass
    finally:
        loader.install(None)
        if own_environment:
            teardown_test_environment()
    ms = np.array(timings) * 1000
    return {
        "api_queries": len(timings),
        "api_setup_seconds": round(setup_seconds, 3),
        "api_sql_queries_per_request": per_request,
        "api_p50_ms": round(float(np.percentile(ms, 50)), 3) if len(ms) else None,
        "api_p95_ms": round(float(np.percentile(ms, 95)), 3) if len(ms) else None,
        "api_max_ms": round(float(ms.max()), 3) if len(ms) else None,
    }


def _run(
    table: MentorTable, queries: list[Query], k: int, started: float
) -> tuple[list[float], float, int]:
    tree = table.tree
    skills = _skills(tree.parent.tolist())
    languages = Language.objects.bulk_create(
        [
            Language(code=f"x-{PREFIX}-{i}", autonym=f"L{i}", english_name=f"L{i}")
            for i in range(N_LANGUAGES)
        ]
    )
    if languages and languages[0].pk is None:
        languages = list(Language.objects.filter(code__startswith=f"x-{PREFIX}-").order_by("pk"))
    mentors = _users([f"{PREFIX}-m{i}" for i in range(len(table))])
    Profile.objects.bulk_create(
        [Profile(user=user, display_name_visibility=Visibility.MEMBERS) for user in mentors],
        batch_size=BATCH,
    )
    viewers = _users([f"{PREFIX}-q{i}" for i in range(len(queries))])
    Profile.objects.bulk_create(
        [
            Profile(
                user=user,
                time_zone="UTC",
                availability=_slots(q.availability),
                preferred_methods=[
                    m for bit, m in enumerate(Profile.Method.values) if q.methods >> bit & 1
                ],
                region=REGION_CODES[q.region] if 0 <= q.region < len(REGION_CODES) else "",
            )
            for user, q in zip(viewers, queries, strict=True)
        ]
    )
    profiles = dict(Profile.objects.filter(user__in=viewers).values_list("user_id", "pk"))
    PersonLanguage.objects.bulk_create(
        [
            PersonLanguage(profile_id=profiles[user.pk], language=languages[lang], proficiency=prof)
            for user, q in zip(viewers, queries, strict=True)
            for lang, prof in q.languages
        ]
    )
    PersonSkill.objects.bulk_create(
        [
            PersonSkill(
                profile_id=profiles[user.pk],
                skill=skills[q.skill],
                level=max(q.desired_level - 1, 0),
                wants_to_learn=True,
            )
            for user, q in zip(viewers, queries, strict=True)
        ]
    )
    served = MentorTable(
        tree=tree,
        ids=np.array([u.pk for u in mentors], dtype=np.int64),
        skill_ids=table.skill_ids,
        skill_levels=table.skill_levels,
        lang_ids=table.lang_ids,
        lang_prof=table.lang_prof,
        availability=table.availability,
        methods=table.methods,
        capacity=table.capacity,
        load=table.load,
        region=table.region,
        n_languages=N_LANGUAGES,
        n_regions=N_REGIONS,
        region_boost=table.region_boost,
        language_codes=[lang.code for lang in languages],
    )
    served.prepare()
    loader.install(
        loader.Snapshot(
            tree=tree,
            skill_index={skill.pk: i for i, skill in enumerate(skills)},
            language_index={lang.pk: i for i, lang in enumerate(languages)},
            region_index={code: i for i, code in enumerate(REGION_CODES)},
            mentors=served,
            learners=LearnerTable([], tree=tree, n_languages=N_LANGUAGES, n_regions=N_REGIONS),
            hidden={},
        )
    )
    setup_seconds = time.perf_counter() - started
    client = Client()
    # One untimed request first: the first request of a process imports the URL map.
    client.force_login(viewers[0])
    first = f"/api/v1/exchange/suggestions?skill={skills[queries[0].skill].code}&k={k}"
    client.get(first)
    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(first)
    timings = []
    for user, q in zip(viewers, queries, strict=True):
        client.force_login(user)
        url = f"/api/v1/exchange/suggestions?skill={skills[q.skill].code}&k={k}"
        if q.spread_regions:
            url += "&spread=true"
        begin = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - begin)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return timings, setup_seconds, len(executed)
