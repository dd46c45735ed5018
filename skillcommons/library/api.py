"""JSON API of the library (mounted under /api/v1/ by config/api.py).

Reads are public and show what the pages show: published works (authors also see their drafts,
curators everything), each in the caller's best language with ``in_viewer_language`` saying
whether it is. Writes need a signed-in session or an API token and go through ``actions``;
curation needs the curator role. Files are uploaded through the pages, not the API.
"""

# No ``from __future__ import annotations``: django-ninja reads the endpoints' annotations at
# import time, and the paginated endpoint's Query[...] must be a real object, not a string.
import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from skillcommons.core.api import PUBLIC, SIGNED_IN, ErrorResponse, PagePagination
from skillcommons.core.markdown import render_markdown
from skillcommons.search import service as search_service
from skillcommons.search.documents import MAX_LIMIT, SearchQuery
from skillcommons.taxonomy.models import Skill

from . import actions
from .models import (
    MAX_BODY,
    MAX_SUMMARY,
    MAX_TITLE,
    Completion,
    Pack,
    PackProgress,
    Review,
    Variant,
    Work,
    is_curator,
)
from .viewing import viewer_languages

router = Router(tags=["library"])
slug_pattern = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

ERRORS: dict[int, type[Schema]] = {
    400: ErrorResponse,
    401: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    422: ErrorResponse,
}


# --- Schemas -----------------------------------------------------------------------------------


class WorkSummaryOut(Schema):
    id: int
    url: str
    title: str
    summary: str
    language: str
    in_viewer_language: bool
    languages: list[str]
    format: str
    level: str
    audience: str
    license: str
    estimated_minutes: int
    state: str
    quality_score: float | None


class VariantOut(Schema):
    language: str
    title: str
    summary: str
    body: str
    body_html: str
    external_url: str
    file_url: str
    file_kind: str
    translation_status: str
    translated_from: str | None
    revision: int


class WorkOut(WorkSummaryOut):
    skills: list[str]
    review_due: datetime.date | None
    view_count: int
    completion_count: int
    helpful_yes: int
    helpful_no: int
    completed_by_you: bool
    variants: list[VariantOut]


class WorkFilters(Schema):
    format: str | None = None
    audience: str | None = None
    level: str | None = None
    skill: str | None = Field(None, description="a skill code; narrower skills count too")


class WorkIn(Schema):
    format: str
    level: str
    audience: str
    license: str
    estimated_minutes: int = Field(..., ge=1, le=6000)
    skills: list[str] = Field(default_factory=list, max_length=50)
    language: str = Field(..., max_length=35)
    title: str = Field(..., max_length=MAX_TITLE)
    summary: str = Field("", max_length=MAX_SUMMARY)
    body: str = Field("", max_length=MAX_BODY)
    external_url: str = Field("", max_length=500)


class VariantIn(Schema):
    title: str = Field(..., max_length=MAX_TITLE)
    summary: str = Field("", max_length=MAX_SUMMARY)
    body: str = Field("", max_length=MAX_BODY)
    external_url: str = Field("", max_length=500)
    translated_from: str = Field("", max_length=35)
    matches_source: bool = False
    note: str = Field("", max_length=300)


class WorkReviewIn(Schema):
    decision: str
    accuracy: int = Field(..., ge=1, le=5)
    clarity: int = Field(..., ge=1, le=5)
    relevance: int = Field(..., ge=1, le=5)
    accessibility: int = Field(..., ge=1, le=5)
    up_to_date: int = Field(..., ge=1, le=5)
    licensing: int = Field(..., ge=1, le=5)
    notes: str = Field("", max_length=5000)


class WorkReviewOut(Schema):
    decision: str
    score: float
    notes: str
    created_at: datetime.datetime
    state: str


class WorkFlagIn(Schema):
    reason: str
    note: str = Field("", max_length=2000)


class HelpfulIn(Schema):
    helpful: bool
    comment: str = Field("", max_length=2000)


class WorkCompletionIn(Schema):
    language: str = Field(..., max_length=35)


class LibraryDoneOut(Schema):
    ok: bool


class VariantRevisionOut(Schema):
    number: int
    title: str
    summary: str
    body: str
    note: str
    created_at: datetime.datetime


class PackStepOut(Schema):
    work_id: int
    url: str
    title: str
    language: str
    in_viewer_language: bool
    format: str
    estimated_minutes: int
    done: bool


class PackOut(Schema):
    slug: str
    url: str
    title: str
    description: str
    language: str
    audience: str
    estimated_minutes: int
    prerequisites: list[str]
    steps: list[PackStepOut]
    started: bool
    completed_at: datetime.datetime | None


class QuizChoiceIn(Schema):
    text: str = Field(..., max_length=300)
    correct: bool = False


class QuizQuestionIn(Schema):
    text: str = Field(..., max_length=500)
    kind: str = "single"
    explanation: str = Field("", max_length=2000)
    choices: list[QuizChoiceIn] = Field(..., min_length=2, max_length=10)


class QuizQuestionsIn(Schema):
    questions: list[QuizQuestionIn] = Field(..., min_length=1, max_length=50)


class PackIn(Schema):
    audience: str
    texts: dict[str, tuple[str, str]] = Field(
        ..., description="language → [title, description]", max_length=50
    )
    works: list[int] = Field(..., min_length=1, max_length=100)
    prerequisites: list[str] = Field(default_factory=list, max_length=20)
    is_published: bool = True


class LibraryHitOut(Schema):
    work_id: int
    url: str
    language: str
    in_viewer_language: bool
    title_html: str
    snippet_html: str
    score: float


class LibrarySearchOut(Schema):
    total: int
    other_languages: int
    corrected: str | None
    facets: dict[str, dict[str, int]]
    hits: list[LibraryHitOut]


class LibrarySearchParams(Schema):
    q: str = Field("", max_length=300)
    format: list[str] = Field(default_factory=list)
    audience: list[str] = Field(default_factory=list)
    level: list[str] = Field(default_factory=list)
    language: list[str] = Field(default_factory=list)
    skill: str = ""
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=10_000)


# --- Helpers -----------------------------------------------------------------------------------


def _user(request: HttpRequest) -> Any:
    return request.user


def _work(request: HttpRequest, pk: int) -> Work:
    return get_object_or_404(
        Work.objects.visible_to(request.user).prefetch_related("variants", "skills"), pk=pk
    )


def _summary(work: Work, languages: list[str]) -> dict[str, Any]:
    variant = work.best_variant(languages)
    if variant is None:
        raise HttpError(404, _("This work has no text yet."))
    return {
        "id": work.pk,
        "url": work.get_absolute_url(),
        "title": variant.title,
        "summary": variant.summary,
        "language": variant.locale,
        "in_viewer_language": variant.locale in languages,
        "languages": [v.locale for v in work.variants.all()],
        "format": work.format,
        "level": work.level,
        "audience": work.audience,
        "license": work.license,
        "estimated_minutes": work.estimated_minutes,
        "state": work.state,
        "quality_score": work.quality_score,
    }


def _variant(variant: Variant) -> dict[str, Any]:
    return {
        "language": variant.locale,
        "title": variant.title,
        "summary": variant.summary,
        "body": variant.body,
        "body_html": render_markdown(variant.body),
        "external_url": variant.external_url,
        "file_url": variant.file.url if variant.file else "",
        "file_kind": variant.file_kind,
        "translation_status": variant.status,
        "translated_from": variant.source.locale if variant.source else None,
        "revision": variant.revision,
    }


def _detail(request: HttpRequest, work: Work) -> dict[str, Any]:
    languages = viewer_languages(request)
    ratings = list(work.ratings.values_list("helpful", flat=True))
    user = request.user
    return {
        **_summary(work, languages),
        "skills": [s.code for s in work.skills.all()],
        "review_due": work.review_due,
        "view_count": work.view_count,
        "completion_count": work.completion_count,
        "helpful_yes": sum(1 for r in ratings if r),
        "helpful_no": sum(1 for r in ratings if not r),
        "completed_by_you": bool(
            user.is_authenticated and Completion.objects.filter(work=work, user=user).exists()
        ),
        "variants": [_variant(v) for v in work.variants.select_related("source")],
    }


def _fields(payload: WorkIn) -> actions.WorkFields:
    skills = list(Skill.objects.filter(code__in=payload.skills, is_active=True))
    if len(skills) != len(set(payload.skills)):
        raise ValidationError({"skills": _("Some skills do not exist.")})
    return actions.WorkFields(
        level=payload.level,
        audience=payload.audience,
        format=payload.format,
        license=payload.license,
        estimated_minutes=payload.estimated_minutes,
        skills=skills,
    )


# --- Works -------------------------------------------------------------------------------------


@router.get(
    "/library/works",
    response={200: list[WorkSummaryOut], **ERRORS},
    auth=PUBLIC,
    summary="List published works",
)
@paginate(PagePagination)
def list_works(request: HttpRequest, filters: Query[WorkFilters]) -> Any:
    """Published works, newest first, each in the caller's best language."""
    works = Work.objects.published().prefetch_related("variants")
    for name, choices in (
        ("format", Work.Format),
        ("audience", Work.Audience),
        ("level", Work.Level),
    ):
        value = getattr(filters, name)
        if value:
            if value not in choices.values:
                raise HttpError(400, _("Unknown value for %(name)s.") % {"name": name})
            works = works.filter(**{name: value})
    if filters.skill:
        skill = Skill.objects.filter(code=filters.skill).first()
        if skill is None:
            raise HttpError(400, _("Unknown skill."))
        works = works.filter(skills__in=skill.descendant_ids()).distinct()
    languages = viewer_languages(request)
    return [_summary(w, languages) for w in works if w.variants.all()]


@router.get(
    "/library/works/{work_id}",
    response={200: WorkOut, **ERRORS},
    auth=PUBLIC,
    summary="One work with all its languages",
)
def get_work(request: HttpRequest, work_id: int) -> Any:
    return _detail(request, _work(request, work_id))


@router.post(
    "/library/works",
    response={201: WorkOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Add a work (a draft in one language)",
)
def create_work(request: HttpRequest, payload: WorkIn) -> Any:
    work = actions.create_work(
        actor=_user(request),
        fields=_fields(payload),
        locale=payload.language,
        text=actions.VariantText(
            title=payload.title,
            summary=payload.summary,
            body=payload.body,
            external_url=payload.external_url,
        ),
    )
    return Status(201, _detail(request, _work(request, work.pk)))


@router.put(
    "/library/works/{work_id}/variants/{language}",
    response={200: WorkOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Add or change the text in one language (author, curators)",
)
def put_variant(request: HttpRequest, work_id: int, language: str, payload: VariantIn) -> Any:
    work = _work(request, work_id)
    actions.save_variant(
        actor=_user(request),
        work=work,
        locale=language,
        text=actions.VariantText(
            title=payload.title,
            summary=payload.summary,
            body=payload.body,
            external_url=payload.external_url,
        ),
        source_locale=payload.translated_from,
        matches_source=payload.matches_source,
        note=payload.note,
    )
    return _detail(request, _work(request, work_id))


@router.delete(
    "/library/works/{work_id}/variants/{language}",
    response={200: WorkOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Remove a translation (author, curators; not the original language)",
)
def delete_variant(request: HttpRequest, work_id: int, language: str) -> Any:
    work = _work(request, work_id)
    variant = get_object_or_404(Variant, work=work, locale=language)
    actions.delete_variant(actor=_user(request), variant=variant)
    return _detail(request, _work(request, work_id))


@router.get(
    "/library/works/{work_id}/variants/{language}/revisions",
    response={200: list[VariantRevisionOut], **ERRORS},
    auth=PUBLIC,
    summary="The revisions of one language of a work, newest first",
)
def list_revisions(request: HttpRequest, work_id: int, language: str) -> Any:
    work = _work(request, work_id)
    variant = get_object_or_404(Variant, work=work, locale=language)
    return list(variant.revisions.all())


@router.put(
    "/library/works/{work_id}/variants/{language}/questions",
    response={200: LibraryDoneOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Replace the questions of a quiz in one language (author, curators)",
)
def put_questions(
    request: HttpRequest, work_id: int, language: str, payload: QuizQuestionsIn
) -> Any:
    work = _work(request, work_id)
    variant = get_object_or_404(Variant, work=work, locale=language)
    actions.set_questions(
        actor=_user(request),
        variant=variant,
        questions=[
            actions.QuestionInput(
                text=q.text,
                kind=q.kind,
                choices=[(c.text, c.correct) for c in q.choices],
                explanation=q.explanation,
            )
            for q in payload.questions
        ],
    )
    return {"ok": True}


@router.post(
    "/library/works/{work_id}/submit",
    response={200: WorkOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Submit a draft for review (author)",
)
def submit_work(request: HttpRequest, work_id: int) -> Any:
    actions.submit_work(actor=_user(request), work=_work(request, work_id))
    return _detail(request, _work(request, work_id))


@router.post(
    "/library/works/{work_id}/reviews",
    response={201: WorkReviewOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Review a work: rubric, notes, decision (curators)",
)
def review_work(request: HttpRequest, work_id: int, payload: WorkReviewIn) -> Any:
    if not is_curator(request.user):
        raise HttpError(403, _("Only library curators can do this."))
    review = actions.review_work(
        actor=_user(request),
        work=_work(request, work_id),
        decision=payload.decision,
        scores={name: getattr(payload, name) for name in Review.RUBRIC},
        notes=payload.notes,
    )
    return Status(
        201,
        {
            "decision": review.decision,
            "score": review.score,
            "notes": review.notes,
            "created_at": review.created_at,
            "state": review.work.state,
        },
    )


@router.post(
    "/library/works/{work_id}/flags",
    response={201: LibraryDoneOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Report a problem with a work",
)
def flag_work(request: HttpRequest, work_id: int, payload: WorkFlagIn) -> Any:
    actions.flag_work(
        actor=_user(request), work=_work(request, work_id), reason=payload.reason, note=payload.note
    )
    return Status(201, {"ok": True})


@router.put(
    "/library/works/{work_id}/rating",
    response={200: LibraryDoneOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Say whether a work was helpful",
)
def rate_work(request: HttpRequest, work_id: int, payload: HelpfulIn) -> Any:
    actions.rate_work(
        actor=_user(request),
        work=_work(request, work_id),
        helpful=payload.helpful,
        comment=payload.comment,
    )
    return {"ok": True}


@router.post(
    "/library/works/{work_id}/completion",
    response={200: LibraryDoneOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Mark a work as done (in one language)",
)
def complete_work(request: HttpRequest, work_id: int, payload: WorkCompletionIn) -> Any:
    actions.complete_work(
        actor=_user(request), work=_work(request, work_id), locale=payload.language
    )
    return {"ok": True}


# --- Packs -------------------------------------------------------------------------------------


def _pack(request: HttpRequest, pack: Pack) -> dict[str, Any]:
    languages = viewer_languages(request)
    text = pack.text_for(languages)
    done = actions.pack_items_done(pack, request.user)
    steps = []
    for item in pack.items.select_related("work").prefetch_related("work__variants"):
        variant = item.work.best_variant(languages)
        if variant is None or not item.work.is_published:
            continue
        steps.append(
            {
                "work_id": item.work_id,
                "url": variant.get_absolute_url(),
                "title": variant.title,
                "language": variant.locale,
                "in_viewer_language": variant.locale in languages,
                "format": item.work.format,
                "estimated_minutes": item.work.estimated_minutes,
                "done": item.work_id in done,
            }
        )
    progress = None
    if request.user.is_authenticated:
        progress = PackProgress.objects.filter(pack=pack, user=request.user).first()
    return {
        "slug": pack.slug,
        "url": pack.get_absolute_url(),
        "title": text.title if text else pack.slug,
        "description": text.description if text else "",
        "language": text.locale if text else "",
        "audience": pack.audience,
        "estimated_minutes": sum(s["estimated_minutes"] for s in steps),
        "prerequisites": [p.slug for p in pack.prerequisites.all()],
        "steps": steps,
        "started": progress is not None,
        "completed_at": progress.completed_at if progress else None,
    }


@router.get(
    "/library/packs", response={200: list[PackOut], **ERRORS}, auth=PUBLIC, summary="Learning packs"
)
def list_packs(request: HttpRequest) -> Any:
    packs = Pack.objects.visible_to(request.user).prefetch_related("texts", "prerequisites")
    return [_pack(request, p) for p in packs]


@router.get(
    "/library/packs/{slug}",
    response={200: PackOut, **ERRORS},
    auth=PUBLIC,
    summary="One learning pack, with your progress when signed in",
)
def get_pack(request: HttpRequest, slug: str) -> Any:
    return _pack(request, get_object_or_404(Pack.objects.visible_to(request.user), slug=slug))


@router.put(
    "/library/packs/{slug}",
    response={200: PackOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Create or replace a learning pack (curators)",
)
def put_pack(request: HttpRequest, slug: str, payload: PackIn) -> Any:
    if not is_curator(request.user):
        raise HttpError(403, _("Only library curators can do this."))
    if not slug_pattern.fullmatch(slug):
        raise HttpError(400, _("A pack's short name uses lower-case letters, digits and hyphens."))
    works = {w.pk: w for w in Work.objects.filter(pk__in=payload.works)}
    if len(works) != len(set(payload.works)):
        raise ValidationError({"works": _("Some works do not exist.")})
    prerequisites = list(Pack.objects.filter(slug__in=payload.prerequisites))
    if len(prerequisites) != len(set(payload.prerequisites)):
        raise ValidationError({"prerequisites": _("Some packs do not exist.")})
    pack = actions.save_pack(
        actor=_user(request),
        data=actions.PackInput(
            slug=slug,
            audience=payload.audience,
            texts=payload.texts,
            works=[works[pk] for pk in payload.works],
            prerequisites=prerequisites,
            is_published=payload.is_published,
        ),
    )
    return _pack(request, pack)


@router.post(
    "/library/packs/{slug}/start",
    response={200: PackOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Start a learning pack",
)
def start_pack(request: HttpRequest, slug: str) -> Any:
    pack = get_object_or_404(Pack.objects.visible_to(request.user), slug=slug)
    actions.start_pack(actor=_user(request), pack=pack)
    return _pack(request, pack)


# --- Search ------------------------------------------------------------------------------------


@router.get(
    "/library/search",
    response={200: LibrarySearchOut, **ERRORS},
    auth=PUBLIC,
    summary="Search the library",
)
def search(request: HttpRequest, params: Query[LibrarySearchParams]) -> Any:
    """Ranked by relevance, quality and the caller's languages; one hit per work."""
    filters: dict[str, list[str]] = {
        name: list(getattr(params, name))
        for name in ("format", "audience", "level", "language")
        if getattr(params, name)
    }
    if params.skill:
        skill = Skill.objects.filter(code=params.skill).first()
        if skill is None:
            raise HttpError(400, _("Unknown skill."))
        filters["skill"] = [str(skill.pk)]
    results = search_service.search(
        SearchQuery(
            text=params.q,
            languages=viewer_languages(request),
            filters=filters,
            limit=params.limit,
            offset=params.offset,
            source="library",
        )
    )
    return {
        "total": results.total,
        "other_languages": results.other_languages,
        "corrected": results.corrected,
        "facets": results.facets,
        "hits": [
            {
                "work_id": int(hit.group.rsplit(":", 1)[1]),
                "url": hit.url,
                "language": hit.language,
                "in_viewer_language": hit.in_viewer_language,
                "title_html": hit.title_html,
                "snippet_html": hit.snippet_html,
                "score": hit.score,
            }
            for hit in results.hits
        ],
    }
