"""From a program's applications to the pure cohort matcher, and back.

:func:`snapshot_for` reads the active applications once into plain JSON (what a
:class:`~.program_models.MatchRun` stores: the inputs the run used). :func:`preview_from` turns a
snapshot into :mod:`.cohort` records and runs the matcher, so a stored run can be explained again
in the reader's language, and it gives the same pairs every time for the same snapshot.

What is used (decision 0012): what the applicant wrote in the application (skills with levels,
languages with levels, ways of learning, places offered, preferred mentors), plus from their
profile the weekly availability and region. Applying is the consent: the form says so.
A mentor's places are the fewer of those offered in the application and those free on their
profile (mentoring capacity minus active exchanges), because publishing starts real exchanges.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skillcommons.accounts.models import Profile
from skillcommons.taxonomy.models import Language, Skill

from .batch import BatchOptions
from .cohort import CohortMentee, Preview, build_preview, region_quotas
from .conf import matching_weights
from .loader import methods_mask, utc_hours
from .models import Exchange
from .program_models import Application, Program
from .scoring import MentorRecord, Query, SkillTree

SNAPSHOT_VERSION = 1


def _availability(profile: Profile | None, program: Program) -> int:
    if profile is None:
        return 0
    return utc_hours(list(profile.availability or []), profile.time_zone, program.starts_on)


def snapshot_for(program: Program) -> dict[str, Any]:
    """The inputs of a matching run, as JSON."""
    skills = list(Skill.objects.order_by("pk").values_list("pk", "parent_id"))
    skill_index = {pk: i for i, (pk, _parent) in enumerate(skills)}
    languages = list(Language.objects.order_by("pk").values_list("pk", "code"))
    language_index = {pk: i for i, (pk, _code) in enumerate(languages)}
    applications = list(
        Application.objects.active()
        .filter(program=program)
        .select_related("user__profile")
        .prefetch_related("skills", "languages", "preferred_mentors")
        .order_by("pk")
    )
    mentor_ids = [a.user_id for a in applications if a.role == Application.Role.MENTOR]
    loads: dict[int, int] = {}
    for mentor_id in (
        Exchange.objects.active()
        .filter(mentor_id__in=mentor_ids)
        .values_list("mentor_id", flat=True)
    ):
        loads[mentor_id] = loads.get(mentor_id, 0) + 1
    regions: list[str] = sorted(
        {str(code) for code in program.region_quotas}
        | {
            a.user.profile.region
            for a in applications
            if hasattr(a.user, "profile") and a.user.profile.region
        }
    )
    region_index = {code: i for i, code in enumerate(regions)}
    mentors: list[dict[str, Any]] = []
    mentees: list[dict[str, Any]] = []
    for a in applications:
        profile: Profile | None = getattr(a.user, "profile", None)
        common = {
            "id": a.user_id,
            "languages": [
                [language_index[al.language_id], al.proficiency] for al in a.languages.all()
            ],
            "availability": format(_availability(profile, program), "x"),
            "methods": methods_mask(a.methods),
            "region": region_index.get(profile.region, -1) if profile else -1,
        }
        if a.role == Application.Role.MENTOR:
            free = 0
            if profile is not None:
                free = max(profile.mentoring_capacity - loads.get(a.user_id, 0), 0)
            mentors.append(
                {
                    **common,
                    "skills": [[skill_index[s.skill_id], s.level] for s in a.skills.all()],
                    "capacity": min(a.capacity, free),
                }
            )
        else:
            wanted = list(a.skills.all())
            if not wanted:
                continue
            mentees.append(
                {
                    **common,
                    "skill": skill_index[wanted[0].skill_id],
                    "level": wanted[0].level,
                    "preferred": sorted(u.pk for u in a.preferred_mentors.all()),
                }
            )
    return {
        "version": SNAPSHOT_VERSION,
        "skills": [pk for pk, _parent in skills],
        "parents": [skill_index[parent] if parent else -1 for _pk, parent in skills],
        "languages": [code for _pk, code in languages],
        "regions": regions,
        "mentors": mentors,
        "mentees": mentees,
    }


def options_for(program: Program, snapshot: Mapping[str, Any], **overrides: Any) -> BatchOptions:
    region_index = {code: i for i, code in enumerate(snapshot["regions"])}
    return BatchOptions(
        candidates=int(overrides.get("candidates", 10)),
        spread=float(overrides.get("spread", 2.0)),
        mentor_region_quota=region_quotas(
            {str(k): int(v) for k, v in program.region_quotas.items()}, region_index
        ),
    )


def preview_from(snapshot: Mapping[str, Any], options: BatchOptions) -> Preview:
    """Run the cohort matcher on a stored snapshot."""
    languages = list(snapshot["languages"])
    mentors = [
        MentorRecord(
            id=int(m["id"]),
            skills=tuple((int(s), int(level)) for s, level in m["skills"]),
            languages=tuple((int(lang), int(p)) for lang, p in m["languages"]),
            availability=int(m["availability"], 16),
            methods=int(m["methods"]),
            capacity=int(m["capacity"]),
            load=0,
            region=int(m["region"]),
        )
        for m in snapshot["mentors"]
    ]
    mentees = [
        CohortMentee(
            id=int(m["id"]),
            query=Query(
                skill=int(m["skill"]),
                desired_level=int(m["level"]),
                languages=tuple((int(lang), int(p)) for lang, p in m["languages"]),
                availability=int(m["availability"], 16),
                methods=int(m["methods"]),
                region=int(m["region"]),
            ),
            preferred=tuple(int(p) for p in m["preferred"]),
        )
        for m in snapshot["mentees"]
    ]
    return build_preview(
        mentors,
        mentees,
        tree=SkillTree(snapshot["parents"]),
        n_languages=len(languages),
        # At least one region: scoring indexes the region weights even for unknown regions.
        n_regions=max(len(snapshot["regions"]), 1),
        language_codes=languages,
        options=options,
        weights=matching_weights(),
    )


def options_json(options: BatchOptions) -> dict[str, Any]:
    return {
        "candidates": options.candidates,
        "spread": options.spread,
        "mentor_region_quota": {str(k): v for k, v in options.mentor_region_quota.items()},
    }


def options_from_json(data: Mapping[str, Any]) -> BatchOptions:
    return BatchOptions(
        candidates=int(data.get("candidates", 10)),
        spread=float(data.get("spread", 2.0)),
        mentor_region_quota={
            int(k): int(v) for k, v in dict(data.get("mentor_region_quota", {})).items()
        },
    )


def totals_of(preview: Preview) -> dict[str, Any]:
    return {
        "mentees": preview.assigned + len(preview.unassigned),
        "mentors": len(preview.loads),
        "assigned": preview.assigned,
        "unassigned": len(preview.unassigned),
        "first_choice": preview.first_choice,
        "objective": round(preview.objective, 3),
        "greedy_objective": round(preview.greedy_objective, 3),
        "greedy_assigned": preview.greedy_assigned,
        "spread_cost": round(preview.spread_cost, 3),
        "mentors_used": preview.mentors_used,
        "load_gini": round(preview.load_gini, 4),
    }


def skill_pk(snapshot: Mapping[str, Any], dense: int) -> int:
    return int(snapshot["skills"][dense])
