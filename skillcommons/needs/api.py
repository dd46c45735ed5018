"""JSON API of questionnaires, waves and responses (mounted under /api/v1/ by config/api.py).

Published questionnaires and announced waves are public. Answering, reading and withdrawing
responses need a signed-in session or an API token; a response is only ever returned to the
person who gave it. Building and importing questionnaires is for coordinators.
"""

# No ``from __future__ import annotations``: django-ninja reads the annotations at import time.
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from skillcommons.core.api import PUBLIC, SIGNED_IN, ErrorResponse
from skillcommons.organizations.models import Organization

from . import actions, xlsform
from .models import InstrumentVersion, Question, Response, Wave, can_manage_instruments

router = Router(tags=["needs"])

ERRORS: dict[int, type[Schema]] = {
    400: ErrorResponse,
    401: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    422: ErrorResponse,
}


class NeedsChoiceOut(Schema):
    value: str
    label: dict[str, str]


class NeedsQuestionOut(Schema):
    name: str
    kind: str
    label: dict[str, str]
    hint: dict[str, str]
    required: bool
    relevance: str
    min_value: Decimal | None
    max_value: Decimal | None
    choices: list[NeedsChoiceOut]
    skills: list[str]


class QuestionnaireVersionOut(Schema):
    instrument: str
    number: int
    status: str
    title: dict[str, str]
    locales: list[str]
    published_at: datetime | None
    questions: list[NeedsQuestionOut]


class NeedsWaveOut(Schema):
    slug: str
    title: str
    description: str
    instrument: str
    version: int
    audience: str
    organization_kinds: list[str]
    opens_at: datetime
    closes_at: datetime
    is_open: bool
    consent_text: str


class NeedsRatingIn(Schema):
    proficiency: int | None = None
    importance: int | None = None
    wants_to_learn: bool = False
    can_teach: bool = False
    robustness: int | None = None


class NeedsResponseIn(Schema):
    organization: str | None = None
    answers: dict[str, Any] = {}
    #: ``{question name: {skill code: rating}}``.
    ratings: dict[str, dict[str, NeedsRatingIn]] = {}
    consent_statistics: bool = False
    consent_profile: bool = False
    submit: bool = False


class NeedsRatingOut(Schema):
    question: str
    skill: str
    proficiency: int
    importance: int
    wants_to_learn: bool
    can_teach: bool
    robustness: int | None


class NeedsResponseOut(Schema):
    id: int
    wave: str
    organization: str | None
    status: str
    submitted_at: datetime | None
    consent_statistics: bool
    consent_profile: bool
    consent_text: str
    answers: dict[str, Any]
    ratings: list[NeedsRatingOut]


def _version_out(version: InstrumentVersion) -> dict[str, Any]:
    questions = version.questions.prefetch_related("choices", "skills")
    return {
        "instrument": version.instrument.slug,
        "number": version.number,
        "status": version.status,
        "title": version.title,
        "locales": version.locales,
        "published_at": version.published_at,
        "questions": [
            {
                "name": q.name,
                "kind": q.kind,
                "label": q.label,
                "hint": q.hint,
                "required": q.required,
                "relevance": q.relevance,
                "min_value": q.min_value,
                "max_value": q.max_value,
                "choices": [{"value": c.value, "label": c.label} for c in q.choices.all()],
                "skills": sorted(s.code for s in q.skills.all())
                if q.kind == Question.Kind.SKILL_MATRIX
                else [],
            }
            for q in questions
        ],
    }


def _wave_out(wave: Wave) -> dict[str, Any]:
    return {
        "slug": wave.slug,
        "title": wave.title,
        "description": wave.description,
        "instrument": wave.version.instrument.slug,
        "version": wave.version.number,
        "audience": wave.audience,
        "organization_kinds": wave.organization_kinds,
        "opens_at": wave.opens_at,
        "closes_at": wave.closes_at,
        "is_open": wave.is_open(),
        "consent_text": wave.consent_text,
    }


def _response_out(response: Response) -> dict[str, Any]:
    return {
        "id": response.pk,
        "wave": response.wave.slug,
        "organization": response.organization.slug if response.organization else None,
        "status": response.status,
        "submitted_at": response.submitted_at,
        "consent_statistics": response.consent_statistics,
        "consent_profile": response.consent_profile,
        "consent_text": response.consent_text,
        "answers": {a.question.name: a.value for a in response.answers.select_related("question")},
        "ratings": [
            {
                "question": r.question.name,
                "skill": r.skill.code,
                "proficiency": r.proficiency,
                "importance": r.importance,
                "wants_to_learn": r.wants_to_learn,
                "can_teach": r.can_teach,
                "robustness": r.robustness,
            }
            for r in response.skill_ratings.select_related("question", "skill")
        ],
    }


@router.get(
    "/needs/questionnaires/{slug}/versions/{number}",
    response={200: QuestionnaireVersionOut, **ERRORS},
    auth=PUBLIC,
    summary="One questionnaire version with its questions (drafts: coordinators)",
)
def get_version(request: HttpRequest, slug: str, number: int) -> Any:
    version = get_object_or_404(
        InstrumentVersion.objects.visible_to(request.user).select_related("instrument"),
        instrument__slug=slug,
        number=number,
    )
    return _version_out(version)


@router.post(
    "/needs/questionnaires/import",
    response={201: QuestionnaireVersionOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Import an XLSForm (.xlsx or .csv) as a draft version (coordinators)",
)
def import_questionnaire(
    request: HttpRequest, file: File[UploadedFile], slug: Form[str] = ""
) -> Any:
    if not can_manage_instruments(request.user):
        raise HttpError(403, _("Only coordinators may build questionnaires and run waves."))
    if file.size is not None and file.size > xlsform.MAX_FILE_BYTES:
        raise HttpError(
            400,
            _("The file is larger than %(limit)d MB.")
            % {"limit": xlsform.MAX_FILE_BYTES // (1024 * 1024)},
        )
    version = actions.import_xlsform(
        by=request.user,  # type: ignore[arg-type]
        content=file.read(),
        file_name=file.name or "",
        slug=slug,
    )
    return Status(201, _version_out(version))


@router.get(
    "/needs/waves",
    response={200: list[NeedsWaveOut], **ERRORS},
    auth=PUBLIC,
    summary="Announced waves",
)
def list_waves(request: HttpRequest) -> Any:
    waves = Wave.objects.visible_to(request.user).select_related("version__instrument")
    return [_wave_out(w) for w in waves]


@router.get(
    "/needs/waves/{slug}",
    response={200: NeedsWaveOut, **ERRORS},
    auth=PUBLIC,
    summary="One wave",
)
def get_wave(request: HttpRequest, slug: str) -> Any:
    wave = get_object_or_404(Wave.objects.visible_to(request.user), slug=slug)
    return _wave_out(wave)


@router.post(
    "/needs/waves/{slug}/responses",
    response={200: NeedsResponseOut, 201: NeedsResponseOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Save a draft or submit answers (as yourself or for an organization you organize)",
)
def answer_wave(request: HttpRequest, slug: str, payload: NeedsResponseIn) -> Any:
    wave = get_object_or_404(Wave.objects.visible_to(request.user), slug=slug)
    organization = None
    if payload.organization:
        organization = get_object_or_404(
            Organization.objects.visible_to(request.user),
            slug=payload.organization,
        )
    existed = (
        Response.objects.filter(wave=wave, organization=organization)
        if organization
        else Response.objects.filter(
            wave=wave, respondent_id=request.user.pk, organization__isnull=True
        )
    ).exists()
    response = actions.save_response(
        wave=wave,
        by=request.user,  # type: ignore[arg-type]
        organization=organization,
        answers=payload.answers,
        ratings={
            name: {code: rating.dict() for code, rating in rows.items()}
            for name, rows in payload.ratings.items()
        },
        consent_statistics=payload.consent_statistics,
        consent_profile=payload.consent_profile,
        submit=payload.submit,
        locale=translation.get_language() or "",
    )
    return Status(200 if existed else 201, _response_out(response))


@router.get(
    "/needs/responses",
    response={200: list[NeedsResponseOut], **ERRORS},
    auth=SIGNED_IN,
    summary="Your own responses",
)
def my_responses(request: HttpRequest) -> Any:
    found = Response.objects.visible_to(request.user).select_related("wave", "organization")
    return [_response_out(r) for r in found]


@router.get(
    "/needs/responses/{response_id}",
    response={200: NeedsResponseOut, **ERRORS},
    auth=SIGNED_IN,
    summary="One of your responses",
)
def get_response(request: HttpRequest, response_id: int) -> Any:
    response = get_object_or_404(
        Response.objects.visible_to(request.user).select_related("wave", "organization"),
        pk=response_id,
    )
    return _response_out(response)


@router.delete(
    "/needs/responses/{response_id}",
    response={204: None, **ERRORS},
    auth=SIGNED_IN,
    summary="Withdraw (delete) one of your responses",
)
def withdraw_response(request: HttpRequest, response_id: int) -> Any:
    response = get_object_or_404(Response.objects.visible_to(request.user), pk=response_id)
    actions.withdraw_response(by=request.user, response=response)  # type: ignore[arg-type]
    return Status(204, None)


class WaveInviteIn(Schema):
    audience: str
    organization_kinds: list[str] = []


class WaveInviteOut(Schema):
    invited: int


@router.post(
    "/needs/waves/{slug}/invitations",
    response={200: WaveInviteOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Invite organizations, their members or everyone to a wave (coordinators)",
)
def invite_to_wave(request: HttpRequest, slug: str, payload: WaveInviteIn) -> Any:
    if not can_manage_instruments(request.user):
        raise HttpError(403, _("Only coordinators may build questionnaires and run waves."))
    wave = get_object_or_404(Wave.objects.visible_to(request.user), slug=slug)
    invited = actions.invite(
        by=request.user,  # type: ignore[arg-type]
        wave=wave,
        audience=payload.audience,
        organization_kinds=payload.organization_kinds,
    )
    return {"invited": invited}
