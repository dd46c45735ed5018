"""JSON API of cohort programs and peer-learning circles (mounted under /api/v1/ by config/api.py).

Announced programs are public; drafts, applications, runs and circles follow the same gates as
the pages (``visible_to`` / organizers). Writes go through ``program_actions``.
"""

# No ``from __future__ import annotations``: django-ninja reads the annotations at import time.
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from skillcommons.accounts.models import Role, User
from skillcommons.core.api import PUBLIC, SIGNED_IN, ErrorResponse
from skillcommons.organizations.models import Organization
from skillcommons.taxonomy.models import Language, Skill

from . import circles as circle_core
from . import program_actions
from .conf import matching_weights
from .program_models import Application, Circle, MatchRun, Program, ProgramMatch

router = Router(tags=["programs"])

ERRORS: dict[int, type[Schema]] = {
    400: ErrorResponse,
    401: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    422: ErrorResponse,
}


# --- Schemas -----------------------------------------------------------------------------------


class ProgramOut(Schema):
    slug: str
    title: str
    description: str
    organization: str
    state: str
    skills: list[str]
    languages: list[str]
    regions: list[str]
    starts_on: date
    ends_on: date
    applications_open_at: datetime
    applications_close_at: datetime
    accepts_applications: bool
    mentor_capacity: int
    region_quotas: dict[str, int]
    url: str


class ProgramIn(Schema):
    organization: str = ""
    title: str
    description: str = ""
    skills: list[str]
    languages: list[str]
    regions: list[str] = []
    starts_on: date
    ends_on: date
    applications_open_at: datetime
    applications_close_at: datetime
    mentor_capacity: int = 3
    region_quotas: dict[str, int] = {}


class ApplicationSkillIO(Schema):
    code: str
    level: int


class ApplicationLanguageIO(Schema):
    code: str
    proficiency: int


class ProgramApplicationIn(Schema):
    role: str
    skills: list[ApplicationSkillIO]
    languages: list[ApplicationLanguageIO]
    methods: list[str] = []
    capacity: int = 0
    preferred_mentors: list[str] = []
    motivation: str = ""


class ProgramPairOut(Schema):
    skill: str
    mentor: str
    mentee: str
    exchange_url: str | None


class ProgramApplicationOut(Schema):
    program: str
    username: str
    role: str
    skills: list[ApplicationSkillIO]
    languages: list[ApplicationLanguageIO]
    methods: list[str]
    capacity: int
    preferred_mentors: list[str]
    withdrawn: bool
    result: list[ProgramPairOut]


class ProgramRunIn(Schema):
    candidates: int = 10
    spread: float = 2.0


class ProgramComponentOut(Schema):
    name: str
    points: float
    reason: str


class ProgramReasonOut(Schema):
    mentor: str
    rank: int | None = None
    kind: str
    reason: str


class ProgramPreviewPairOut(Schema):
    mentee: str
    mentor: str
    score: float
    rank: int
    candidates: int
    preferred: bool
    components: list[ProgramComponentOut]
    missed: list[ProgramReasonOut]
    preferences: list[ProgramReasonOut]


class ProgramUnassignedOut(Schema):
    mentee: str
    reason: str
    missed: list[ProgramReasonOut]
    preferences: list[ProgramReasonOut]


class ProgramLoadOut(Schema):
    mentor: str
    assigned: int
    capacity: int


class ProgramRunOut(Schema):
    """``pairs`` holds one page of the pairs (``page`` of ``pages``); the rest is complete."""

    id: int
    program: str
    created_at: datetime
    published: bool
    options: dict[str, Any]
    totals: dict[str, Any]
    pairs: list[ProgramPreviewPairOut]
    page: int
    pages: int
    unassigned: list[ProgramUnassignedOut]
    loads: list[ProgramLoadOut]


class ProgramPublishedOut(Schema):
    program: str
    pairs: list[ProgramPairOut]


class CircleMemberOut(Schema):
    username: str
    display_name: str | None
    why: str
    when: str


class CircleOut(Schema):
    id: int
    program: str | None
    skill: str
    language: str
    common_hours: int
    members: list[CircleMemberOut]


class CirclesFormedOut(Schema):
    circles: list[CircleOut]
    left_out: list[dict[str, str]]


class SkillCirclesIn(Schema):
    skill: str


# --- Helpers -----------------------------------------------------------------------------------


def _viewer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise HttpError(401, _("Sign in first."))
    return user


def _program(request: HttpRequest, slug: str) -> Program:
    return get_object_or_404(Program.objects.visible_to(request.user), slug=slug)


def _managed(request: HttpRequest, slug: str) -> Program:
    program = _program(request, slug)
    if not program.is_managed_by(request.user):
        raise PermissionDenied(_("Only the organizers of this program's organization can do this."))
    return program


def _program_out(program: Program) -> dict[str, Any]:
    return {
        "slug": program.slug,
        "title": program.title,
        "description": program.description,
        "organization": program.organization.slug,
        "state": program.state,
        "skills": [s.code for s in program.skills.all()],
        "languages": [lang.code for lang in program.languages.all()],
        "regions": list(program.regions),
        "starts_on": program.starts_on,
        "ends_on": program.ends_on,
        "applications_open_at": program.applications_open_at,
        "applications_close_at": program.applications_close_at,
        "accepts_applications": program.accepts_applications,
        "mentor_capacity": program.mentor_capacity,
        "region_quotas": dict(program.region_quotas),
        "url": program.get_absolute_url(),
    }


def _by_codes(model: type[Skill] | type[Language], codes: list[str], field: str) -> list[Any]:
    found = {obj.code: obj for obj in model.objects.filter(code__in=codes)}
    unknown = sorted(set(codes) - set(found))
    if unknown:
        raise ValidationError(
            {field: [_("Unknown code: %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )
    return [found[c] for c in dict.fromkeys(codes)]


def _program_kwargs(payload: ProgramIn) -> dict[str, Any]:
    if len(payload.skills) > 200 or len(payload.languages) > 200 or len(payload.regions) > 20:
        raise ValidationError(_("Too many skills, languages or regions."))
    return {
        "title": payload.title,
        "description": payload.description,
        "skills": _by_codes(Skill, payload.skills, "skills"),
        "languages": _by_codes(Language, payload.languages, "languages"),
        "regions": payload.regions,
        "starts_on": payload.starts_on,
        "ends_on": payload.ends_on,
        "applications_open_at": payload.applications_open_at,
        "applications_close_at": payload.applications_close_at,
        "mentor_capacity": payload.mentor_capacity,
        "region_quotas": payload.region_quotas,
    }


def _pair_out(match: ProgramMatch) -> dict[str, Any]:
    return {
        "skill": match.skill.code,
        "mentor": match.mentor.username,
        "mentee": match.mentee.username,
        "exchange_url": match.exchange.get_absolute_url() if match.exchange else None,
    }


def _application_out(application: Application) -> dict[str, Any]:
    matches = ProgramMatch.objects.filter(program=application.program).select_related(
        "mentor", "mentee", "skill", "exchange"
    )
    mine = [m for m in matches if application.user_id in (m.mentor_id, m.mentee_id)]
    return {
        "program": application.program.slug,
        "username": application.user.username,
        "role": application.role,
        "skills": [{"code": s.skill.code, "level": s.level} for s in application.skills.all()],
        "languages": [
            {"code": lang.language.code, "proficiency": lang.proficiency}
            for lang in application.languages.all()
        ],
        "methods": list(application.methods),
        "capacity": application.capacity,
        "preferred_mentors": [u.username for u in application.preferred_mentors.all()],
        "withdrawn": application.withdrawn_at is not None,
        "result": [_pair_out(m) for m in mine],
    }


def _run_out(run: MatchRun, page: int = 1, page_size: int = 50) -> dict[str, Any]:
    preview = program_actions.run_preview(run)
    if not (1 <= page_size <= 200 and page >= 1):
        raise ValidationError(_("Use a page from 1 and a page size from 1 to 200."))
    shown = preview.pairs[(page - 1) * page_size : page * page_size]
    ids: set[int] = {load.mentor_id for load in preview.loads}
    ids |= {p.mentee_id for p in shown} | {u.mentee_id for u in preview.unassigned}
    for item in [*shown, *preview.unassigned]:
        ids |= {n.mentor_id for n in item.preferences}
    names = dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))

    def name(pk: int) -> str:
        return names.get(pk, "")

    def reasons(item: Any) -> dict[str, Any]:
        return {
            "missed": [
                {
                    "mentor": name(m.mentor_id),
                    "rank": m.rank,
                    "kind": m.kind,
                    "reason": str(m.reason),
                }
                for m in item.missed
            ],
            "preferences": [
                {"mentor": name(n.mentor_id), "kind": n.kind, "reason": str(n.reason)}
                for n in item.preferences
            ],
        }

    matching_weights()  # refuse early with the settings error if the weights are broken
    return {
        "id": run.pk,
        "program": run.program.slug,
        "created_at": run.created_at,
        "published": run.published_at is not None,
        "options": run.options,
        "totals": run.totals,
        "pairs": [
            {
                "mentee": name(p.mentee_id),
                "mentor": name(p.mentor_id),
                "score": p.score,
                "rank": p.rank,
                "candidates": p.candidates,
                "preferred": p.preferred,
                "components": [
                    {"name": c.name, "points": c.points, "reason": str(c.reason)}
                    for c in preview.explain(p).explanation.components
                ],
                **reasons(p),
            }
            for p in shown
        ],
        "page": page,
        "pages": max((len(preview.pairs) + page_size - 1) // page_size, 1),
        "unassigned": [
            {"mentee": name(u.mentee_id), "reason": str(u.reason), **reasons(u)}
            for u in preview.unassigned
        ],
        "loads": [
            {"mentor": name(load.mentor_id), "assigned": load.assigned, "capacity": load.capacity}
            for load in preview.loads
        ],
    }


def _circle_out(circle: Circle, viewer: User) -> dict[str, Any]:
    members = []
    for membership in circle.memberships.select_related("user__profile"):
        why, when = circle_core.member_reason(
            skill=circle.skill.label(),
            language=circle.language.autonym,
            proficiency=membership.proficiency,
            shared_hours=membership.shared_hours,
        )
        profile = getattr(membership.user, "profile", None)
        shared = profile.fields_for(viewer) if profile is not None else {}
        members.append(
            {
                "username": membership.user.username,
                "display_name": shared.get("display_name"),
                "why": str(why),
                "when": str(when),
            }
        )
    return {
        "id": circle.pk,
        "program": circle.program.slug if circle.program else None,
        "skill": circle.skill.code,
        "language": circle.language.code,
        "common_hours": circle.common_hours,
        "members": members,
    }


def _formed_out(
    circles: list[Circle], plan: circle_core.CirclePlan, viewer: User
) -> dict[str, Any]:
    names = dict(
        User.objects.filter(pk__in=[x.learner_id for x in plan.left_out]).values_list(
            "pk", "username"
        )
    )
    return {
        "circles": [_circle_out(c, viewer) for c in circles],
        "left_out": [
            {"username": names.get(x.learner_id, ""), "reason": str(x.reason)}
            for x in plan.left_out
        ],
    }


# --- Programs ----------------------------------------------------------------------------------


@router.get("/programs", response=list[ProgramOut], auth=PUBLIC, summary="Mentoring programs")
def list_programs(request: HttpRequest) -> Any:
    programs = (
        Program.objects.visible_to(request.user)
        .select_related("organization")
        .prefetch_related("skills", "languages")[:200]
    )
    return [_program_out(p) for p in programs]


@router.post(
    "/programs",
    response={201: ProgramOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Create a program (organizers of the organization)",
)
def create_program(request: HttpRequest, payload: ProgramIn) -> Any:
    user = _viewer(request)
    organization = Organization.objects.organized_by(user).filter(slug=payload.organization).first()
    if organization is None:
        raise PermissionDenied(_("Only the organizers of an organization can create its programs."))
    program = program_actions.create_program(
        by=user, organization=organization, **_program_kwargs(payload)
    )
    return Status(201, _program_out(program))


@router.get(
    "/programs/{slug}", response={200: ProgramOut, **ERRORS}, auth=PUBLIC, summary="A program"
)
def get_program(request: HttpRequest, slug: str) -> Any:
    return _program_out(_program(request, slug))


@router.put(
    "/programs/{slug}",
    response={200: ProgramOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Change a program (its organizers, before publishing)",
)
def update_program(request: HttpRequest, slug: str, payload: ProgramIn) -> Any:
    program = _managed(request, slug)
    program = program_actions.update_program(
        program=program, by=_viewer(request), **_program_kwargs(payload)
    )
    return _program_out(program)


@router.post(
    "/programs/{slug}/state/{verb}",
    response={200: ProgramOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Announce or cancel a program (verb: announce, cancel)",
)
def change_state(request: HttpRequest, slug: str, verb: str) -> Any:
    program = _managed(request, slug)
    actions = {
        "announce": program_actions.announce_program,
        "cancel": program_actions.cancel_program,
    }
    if verb not in actions:
        raise HttpError(404, _("Unknown action."))
    return _program_out(actions[verb](program=program, by=_viewer(request)))


# --- Applications ------------------------------------------------------------------------------


@router.post(
    "/programs/{slug}/applications",
    response={201: ProgramApplicationOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Apply to a program as a mentor or a mentee",
)
def apply(request: HttpRequest, slug: str, payload: ProgramApplicationIn) -> Any:
    program = _program(request, slug)
    user = _viewer(request)
    if (
        len(payload.skills) > 50
        or len(payload.languages) > 50
        or len(payload.preferred_mentors) > 50
    ):
        raise ValidationError(_("Too many skills, languages or mentors."))
    skills = _by_codes(Skill, [s.code for s in payload.skills], "skills")
    languages = _by_codes(Language, [lang.code for lang in payload.languages], "languages")
    by_skill = {s.code: s.level for s in payload.skills}
    by_language = {lang.code: lang.proficiency for lang in payload.languages}
    mentors = list(User.objects.filter(username__in=payload.preferred_mentors, is_active=True))
    if len(mentors) != len(set(payload.preferred_mentors)):
        raise ValidationError(
            {"preferred_mentors": [_("Choose only people who applied as mentors.")]}
        )
    application = program_actions.apply_to_program(
        program=program,
        user=user,
        role=payload.role,
        skills={s: by_skill[s.code] for s in skills},
        languages={lang: by_language[lang.code] for lang in languages},
        methods=payload.methods,
        capacity=payload.capacity,
        preferred_mentors=mentors,
        motivation=payload.motivation,
    )
    return Status(201, _application_out(application))


@router.get(
    "/programs/{slug}/application",
    response={200: ProgramApplicationOut, **ERRORS},
    auth=SIGNED_IN,
    summary="My application to a program and, once published, my result",
)
def my_application(request: HttpRequest, slug: str) -> Any:
    program = _program(request, slug)
    user = _viewer(request)
    application = get_object_or_404(
        Application.objects.visible_to(user), program=program, user_id=user.pk
    )
    return _application_out(application)


@router.delete(
    "/programs/{slug}/application",
    response={200: ProgramApplicationOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Withdraw my application (while applications are open)",
)
def withdraw(request: HttpRequest, slug: str) -> Any:
    program = _program(request, slug)
    user = _viewer(request)
    application = get_object_or_404(
        Application.objects.visible_to(user), program=program, user_id=user.pk
    )
    return _application_out(program_actions.withdraw_application(application=application, by=user))


@router.get(
    "/programs/{slug}/applications",
    response={200: list[ProgramApplicationOut], **ERRORS},
    auth=SIGNED_IN,
    summary="All applications of a program (its organizers)",
)
def list_applications(request: HttpRequest, slug: str) -> Any:
    program = _managed(request, slug)
    applications = (
        Application.objects.filter(program=program)
        .select_related("user", "program")
        .prefetch_related("skills__skill", "languages__language", "preferred_mentors")
    )
    return [_application_out(a) for a in applications]


# --- Matching ----------------------------------------------------------------------------------


@router.post(
    "/programs/{slug}/runs",
    response={201: ProgramRunOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Run the batch matcher and get its preview (organizers)",
)
def run_matching(
    request: HttpRequest, slug: str, payload: ProgramRunIn, page_size: int = 50
) -> Any:
    program = _managed(request, slug)
    run = program_actions.run_matching(
        program=program, by=_viewer(request), candidates=payload.candidates, spread=payload.spread
    )
    return Status(201, _run_out(run, 1, page_size))


@router.get(
    "/programs/{slug}/runs/{run_id}",
    response={200: ProgramRunOut, **ERRORS},
    auth=SIGNED_IN,
    summary="The preview of a matching run (organizers)",
)
def get_run(
    request: HttpRequest, slug: str, run_id: int, page: int = 1, page_size: int = 50
) -> Any:
    program = _managed(request, slug)
    return _run_out(get_object_or_404(MatchRun, pk=run_id, program=program), page, page_size)


@router.post(
    "/programs/{slug}/runs/{run_id}/publish",
    response={200: ProgramPublishedOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Publish a run: start the exchanges and notify everyone (once, all or nothing)",
)
def publish(request: HttpRequest, slug: str, run_id: int) -> Any:
    program = _managed(request, slug)
    run = get_object_or_404(MatchRun, pk=run_id, program=program)
    matches = program_actions.publish_run(run=run, by=_viewer(request))
    return {"program": program.slug, "pairs": [_pair_out(m) for m in matches]}


# --- Circles -----------------------------------------------------------------------------------


@router.post(
    "/programs/{slug}/circles",
    response={201: CirclesFormedOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Form peer-learning circles of a program's mentees (organizers)",
)
def form_program_circles(request: HttpRequest, slug: str) -> Any:
    program = _managed(request, slug)
    user = _viewer(request)
    circles, plan = program_actions.form_program_circles(program=program, by=user)
    return Status(201, _formed_out(circles, plan, user))


@router.post(
    "/circles",
    response={201: CirclesFormedOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Form circles of everyone open to peer learning in a skill (coordinators)",
)
def form_skill_circles(request: HttpRequest, payload: SkillCirclesIn) -> Any:
    user = _viewer(request)
    if not user.has_role(Role.COORDINATOR):
        raise PermissionDenied(_("Only coordinators can form circles across the whole site."))
    skill = Skill.objects.filter(code=payload.skill, is_active=True).first()
    if skill is None:
        raise ValidationError({"skill": [_("Unknown code: %(codes)s.") % {"codes": payload.skill}]})
    circles, plan = program_actions.form_skill_circles(skill=skill, by=user)
    return Status(201, _formed_out(circles, plan, user))


@router.get(
    "/circles", response={200: list[CircleOut], **ERRORS}, auth=SIGNED_IN, summary="My circles"
)
def list_circles(request: HttpRequest) -> Any:
    user = _viewer(request)
    circles = Circle.objects.visible_to(user).select_related("skill", "language", "program")[:200]
    return [_circle_out(c, user) for c in circles]


@router.get(
    "/circles/{circle_id}",
    response={200: CircleOut, **ERRORS},
    auth=SIGNED_IN,
    summary="A circle: its members and why each is there",
)
def get_circle(request: HttpRequest, circle_id: int) -> Any:
    user = _viewer(request)
    circle = get_object_or_404(
        Circle.objects.visible_to(user).select_related("skill", "language", "program"),
        pk=circle_id,
    )
    return _circle_out(circle, user)
