"""JSON API of the peer exchange (mounted under /api/v1/ by config/api.py). Every endpoint needs
a signed-in caller; exchanges and requests are found only through ``visible_to`` (others get 404),
and every write calls the same action as the pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from skillcommons.accounts.models import Profile, User
from skillcommons.core.api import SIGNED_IN, ErrorResponse
from skillcommons.taxonomy.models import Skill

from . import actions, recommendations
from .models import (
    MAX_MESSAGE_LENGTH,
    Exchange,
    ExchangeRequest,
    Feedback,
    Report,
    Session,
)

router = Router(tags=["exchange"], auth=SIGNED_IN)

ERRORS: dict[int, Any] = {
    400: ErrorResponse,
    401: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    422: ErrorResponse,
}


def _user(request: HttpRequest) -> User:
    # SIGNED_IN authentication sets request.user to the account of the token or session.
    assert isinstance(request.user, User)
    return request.user


# ---------------------------------------------------------------------------------------------
# Schemas


class ExchangeSkillRef(Schema):
    code: str
    label: str


class PersonRef(Schema):
    username: str
    display_name: str | None = None


class ScoreComponentOut(Schema):
    name: str = Field(description="skill, level, language, availability, method, capacity, region")
    points: float
    maximum: float
    text: str


class SuggestionOut(Schema):
    person: PersonRef
    skill: ExchangeSkillRef
    score: float
    components: list[ScoreComponentOut]


class SuggestionGroupOut(Schema):
    skill: ExchangeSkillRef
    desired_level: int
    suggestions: list[SuggestionOut]


class SuggestionFilters(Schema):
    skill: str | None = Field(None, max_length=100, description="A skill code; default: my wants")
    k: int = Field(10, ge=1, le=recommendations.MAX_K)
    spread: bool = Field(False, description="Favour people in other regions")


class LearnerFilters(Schema):
    k: int = Field(10, ge=1, le=recommendations.MAX_K)
    spread: bool = Field(False, description="Favour people in other regions")


class RequestIn(Schema):
    mentor: str = Field(max_length=150, description="User name of the person asked")
    skill: str = Field(max_length=100, description="Skill code")
    method: str = Field(max_length=20, description=", ".join(Profile.Method.values))
    message: str = Field("", max_length=MAX_MESSAGE_LENGTH)


class AnswerIn(Schema):
    answer: str = Field("", max_length=MAX_MESSAGE_LENGTH)


class RequestOut(Schema):
    id: int
    learner: PersonRef
    mentor: PersonRef
    skill: ExchangeSkillRef
    method: str
    message: str
    answer: str
    status: Literal["pending", "accepted", "declined", "withdrawn", "expired"]
    created_at: datetime
    expires_at: datetime
    exchange_id: int | None = None


class SessionIn(Schema):
    starts_at: datetime = Field(description="ISO 8601 with a time zone offset (answers are UTC)")
    duration_minutes: int = Field(60, ge=5, le=600)
    online_url: str = Field("", max_length=500)
    place: str = Field("", max_length=200)
    notes: str = Field("", max_length=MAX_MESSAGE_LENGTH)


class SessionOut(Schema):
    id: int
    starts_at: datetime
    duration_minutes: int
    online_url: str
    place: str
    notes: str
    cancelled: bool


class FeedbackIn(Schema):
    rating: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=MAX_MESSAGE_LENGTH)


class FeedbackOut(Schema):
    author: str
    rating: int
    comment: str
    created_at: datetime


class ExchangeOut(Schema):
    id: int
    learner: PersonRef
    mentor: PersonRef
    skill: ExchangeSkillRef
    method: str
    status: Literal["active", "completed", "cancelled"]
    started_at: datetime
    closed_at: datetime | None
    other_email: str = Field(description="Contact of the other participant")
    sessions: list[SessionOut]
    feedback: list[FeedbackOut]


class BlockIn(Schema):
    username: str = Field(max_length=150)


class ReportIn(Schema):
    username: str = Field(max_length=150)
    reason: str = Field(max_length=20, description=", ".join(Report.Reason.values))
    details: str = Field("", max_length=MAX_MESSAGE_LENGTH)
    exchange_id: int | None = None


class ReportOut(Schema):
    id: int
    reporter: str
    reported: str
    reason: str
    details: str
    status: str
    created_at: datetime


class ResolveIn(Schema):
    resolution: str = Field("", max_length=MAX_MESSAGE_LENGTH)


class OkOut(Schema):
    ok: bool


# ---------------------------------------------------------------------------------------------
# Helpers


def _skill_ref(skill: Skill) -> ExchangeSkillRef:
    return ExchangeSkillRef(code=skill.code, label=skill.label())


def _person(user: User, fields: dict[str, Any] | None = None) -> PersonRef:
    return PersonRef(
        username=user.username, display_name=(fields or {}).get("display_name") or None
    )


def _suggestion(s: recommendations.Suggestion, skill: dict[str, str]) -> dict[str, Any]:
    # Plain data: the response schema validates it once (building schema objects here would
    # validate every suggestion twice, a third of the request time).
    return {
        "person": {
            "username": s.person.username,
            "display_name": s.person_fields.get("display_name"),
        },
        "skill": skill,
        "score": s.score,
        "components": [c.__dict__ for c in s.components],
    }


def _skill_dict(skill: Skill) -> dict[str, str]:
    return {"code": skill.code, "label": skill.label()}


def _request_out(r: ExchangeRequest) -> RequestOut:
    exchange = Exchange.objects.filter(request=r).values_list("pk", flat=True).first()
    status = r.status if r.status != "pending" or r.is_open else "expired"
    return RequestOut(
        id=r.pk,
        learner=_person(r.learner),
        mentor=_person(r.mentor),
        skill=_skill_ref(r.skill),
        method=r.method,
        message=r.message,
        answer=r.answer,
        status=status,  # type: ignore[arg-type]
        created_at=r.created_at,
        expires_at=r.expires_at,
        exchange_id=exchange,
    )


def _exchange_out(e: Exchange, viewer: User) -> ExchangeOut:
    other = e.learner if e.mentor_id == viewer.pk else e.mentor
    return ExchangeOut(
        id=e.pk,
        learner=_person(e.learner),
        mentor=_person(e.mentor),
        skill=_skill_ref(e.skill),
        method=e.method,
        status=e.status,  # type: ignore[arg-type]
        started_at=e.started_at,
        closed_at=e.closed_at,
        other_email=other.email,
        sessions=[
            SessionOut(
                id=s.pk,
                starts_at=s.starts_at.astimezone(UTC),
                duration_minutes=s.duration_minutes,
                online_url=s.online_url,
                place=s.place,
                notes=s.notes,
                cancelled=s.cancelled_at is not None,
            )
            for s in e.sessions.all()
        ],
        feedback=[
            FeedbackOut(
                author=f.author.username,
                rating=f.rating,
                comment=f.comment,
                created_at=f.created_at,
            )
            for f in Feedback.objects.filter(exchange=e).select_related("author")
        ],
    )


def _requests(user: User) -> Any:
    return ExchangeRequest.objects.visible_to(user).select_related("learner", "mentor", "skill")


def _exchanges(user: User) -> Any:
    return Exchange.objects.visible_to(user).select_related("learner", "mentor", "skill")


def _other_person(username: str) -> User:
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise HttpError(404, _("There is no such person."))
    return found


# ---------------------------------------------------------------------------------------------
# Suggestions


@router.get(
    "/exchange/suggestions",
    response={200: list[SuggestionGroupOut], **ERRORS},
    summary="Who could teach me a skill (or each skill I want to learn), with every score part",
)
def suggestions(request: HttpRequest, filters: Query[SuggestionFilters]) -> Any:
    user = _user(request)
    skill = None
    if filters.skill:
        skill = (
            Skill.objects.visible_to(user).with_translations().filter(code=filters.skill).first()
        )
        if skill is None:
            raise HttpError(404, _("There is no skill with this code."))
    groups = recommendations.teachers_for(
        viewer=user, skill=skill, k=filters.k, spread_regions=filters.spread
    )
    out = []
    for group in groups:
        ref = _skill_dict(group.skill)
        out.append(
            {
                "skill": ref,
                "desired_level": group.desired_level,
                "suggestions": [_suggestion(s, ref) for s in group.suggestions],
            }
        )
    return out


@router.get(
    "/exchange/learners",
    response={200: list[SuggestionOut], **ERRORS},
    summary="Whom I could help as a mentor, with every score part",
)
def learners(request: HttpRequest, filters: Query[LearnerFilters]) -> Any:
    found = recommendations.learners_for(
        viewer=_user(request), k=filters.k, spread_regions=filters.spread
    )
    return [_suggestion(s, _skill_dict(s.skill)) for s in found]


# ---------------------------------------------------------------------------------------------
# Requests


@router.get("/exchange/requests", response={200: list[RequestOut], **ERRORS}, summary="My requests")
def list_requests(request: HttpRequest) -> Any:
    return [_request_out(r) for r in _requests(_user(request))[:200]]


@router.post(
    "/exchange/requests", response={201: RequestOut, **ERRORS}, summary="Ask someone for help"
)
def create_request(request: HttpRequest, payload: RequestIn) -> Any:
    user = _user(request)
    mentor = _other_person(payload.mentor)
    skill = Skill.objects.visible_to(user).filter(code=payload.skill).first()
    if skill is None:
        raise HttpError(404, _("There is no skill with this code."))
    if actions.is_blocked(user.pk, mentor.pk):
        raise HttpError(400, _("You cannot send a request to this person."))
    sent = actions.send_request(
        learner=user, mentor=mentor, skill=skill, method=payload.method, message=payload.message
    )
    return Status(201, _request_out(sent))


@router.get(
    "/exchange/requests/{request_id}", response={200: RequestOut, **ERRORS}, summary="A request"
)
def get_request(request: HttpRequest, request_id: int) -> Any:
    return _request_out(get_object_or_404(_requests(_user(request)), pk=request_id))


@router.post(
    "/exchange/requests/{request_id}/accept",
    response={200: ExchangeOut, **ERRORS},
    summary="Accept a request (the mentor): the exchange starts",
)
def accept(request: HttpRequest, request_id: int, payload: AnswerIn) -> Any:
    user = _user(request)
    found = get_object_or_404(_requests(user), pk=request_id)
    exchange = actions.accept_request(request=found, by=user, answer=payload.answer)
    return _exchange_out(get_object_or_404(_exchanges(user), pk=exchange.pk), user)


@router.post(
    "/exchange/requests/{request_id}/decline",
    response={200: RequestOut, **ERRORS},
    summary="Decline a request (the mentor)",
)
def decline(request: HttpRequest, request_id: int, payload: AnswerIn) -> Any:
    user = _user(request)
    found = get_object_or_404(_requests(user), pk=request_id)
    return _request_out(actions.decline_request(request=found, by=user, answer=payload.answer))


@router.post(
    "/exchange/requests/{request_id}/withdraw",
    response={200: RequestOut, **ERRORS},
    summary="Withdraw my request (the learner)",
)
def withdraw(request: HttpRequest, request_id: int) -> Any:
    user = _user(request)
    found = get_object_or_404(_requests(user), pk=request_id)
    return _request_out(actions.withdraw_request(request=found, by=user))


# ---------------------------------------------------------------------------------------------
# Exchanges


@router.get(
    "/exchange/exchanges", response={200: list[ExchangeOut], **ERRORS}, summary="My exchanges"
)
def list_exchanges(request: HttpRequest) -> Any:
    user = _user(request)
    return [_exchange_out(e, user) for e in _exchanges(user).prefetch_related("sessions")[:200]]


@router.get(
    "/exchange/exchanges/{exchange_id}",
    response={200: ExchangeOut, **ERRORS},
    summary="One of my exchanges, with sessions, feedback and the other person's contact",
)
def get_exchange(request: HttpRequest, exchange_id: int) -> Any:
    user = _user(request)
    return _exchange_out(get_object_or_404(_exchanges(user), pk=exchange_id), user)


@router.post(
    "/exchange/exchanges/{exchange_id}/sessions",
    response={201: SessionOut, **ERRORS},
    summary="Plan a session",
)
def add_session(request: HttpRequest, exchange_id: int, payload: SessionIn) -> Any:
    user = _user(request)
    exchange = get_object_or_404(_exchanges(user), pk=exchange_id)
    session = actions.schedule_session(
        exchange=exchange,
        by=user,
        starts_at=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        online_url=payload.online_url,
        place=payload.place,
        notes=payload.notes,
    )
    return Status(
        201,
        SessionOut(
            id=session.pk,
            starts_at=session.starts_at.astimezone(UTC),
            duration_minutes=session.duration_minutes,
            online_url=session.online_url,
            place=session.place,
            notes=session.notes,
            cancelled=False,
        ),
    )


@router.post(
    "/exchange/sessions/{session_id}/cancel",
    response={200: OkOut, **ERRORS},
    summary="Cancel a session",
)
def cancel_session(request: HttpRequest, session_id: int) -> Any:
    user = _user(request)
    session = get_object_or_404(
        Session.objects.filter(exchange__in=Exchange.objects.visible_to(user)), pk=session_id
    )
    actions.cancel_session(session=session, by=user)
    return OkOut(ok=True)


@router.post(
    "/exchange/exchanges/{exchange_id}/feedback",
    response={201: FeedbackOut, **ERRORS},
    summary="Give my rating and comment (private to the two participants)",
)
def add_feedback(request: HttpRequest, exchange_id: int, payload: FeedbackIn) -> Any:
    user = _user(request)
    exchange = get_object_or_404(_exchanges(user), pk=exchange_id)
    feedback = actions.give_feedback(
        exchange=exchange, by=user, rating=payload.rating, comment=payload.comment
    )
    return Status(
        201,
        FeedbackOut(
            author=user.username,
            rating=feedback.rating,
            comment=feedback.comment,
            created_at=feedback.created_at,
        ),
    )


@router.post(
    "/exchange/exchanges/{exchange_id}/complete",
    response={200: ExchangeOut, **ERRORS},
    summary="Mark the exchange complete (records the outcome for both people)",
)
def complete(request: HttpRequest, exchange_id: int) -> Any:
    user = _user(request)
    exchange = get_object_or_404(_exchanges(user), pk=exchange_id)
    actions.complete_exchange(exchange=exchange, by=user)
    return _exchange_out(get_object_or_404(_exchanges(user), pk=exchange_id), user)


@router.post(
    "/exchange/exchanges/{exchange_id}/cancel",
    response={200: ExchangeOut, **ERRORS},
    summary="End the exchange early",
)
def cancel(request: HttpRequest, exchange_id: int) -> Any:
    user = _user(request)
    exchange = get_object_or_404(_exchanges(user), pk=exchange_id)
    actions.cancel_exchange(exchange=exchange, by=user)
    return _exchange_out(get_object_or_404(_exchanges(user), pk=exchange_id), user)


# ---------------------------------------------------------------------------------------------
# Blocks and reports


@router.post("/exchange/blocks", response={201: OkOut, **ERRORS}, summary="Block someone")
def block(request: HttpRequest, payload: BlockIn) -> Any:
    actions.block_person(blocker=_user(request), blocked=_other_person(payload.username))
    return Status(201, OkOut(ok=True))


@router.delete(
    "/exchange/blocks/{username}", response={200: OkOut, **ERRORS}, summary="Unblock someone"
)
def unblock(request: HttpRequest, username: str) -> Any:
    actions.unblock_person(blocker=_user(request), blocked=_other_person(username))
    return OkOut(ok=True)


def _report_out(r: Report) -> ReportOut:
    return ReportOut(
        id=r.pk,
        reporter=r.reporter.username,
        reported=r.reported.username,
        reason=r.reason,
        details=r.details,
        status=r.status,
        created_at=r.created_at,
    )


@router.post("/exchange/reports", response={201: ReportOut, **ERRORS}, summary="Report someone")
def report(request: HttpRequest, payload: ReportIn) -> Any:
    user = _user(request)
    exchange = None
    if payload.exchange_id is not None:
        exchange = get_object_or_404(_exchanges(user), pk=payload.exchange_id)
    made = actions.report_person(
        reporter=user,
        reported=_other_person(payload.username),
        reason=payload.reason,
        details=payload.details,
        exchange=exchange,
    )
    return Status(201, _report_out(made))


@router.get(
    "/exchange/reports",
    response={200: list[ReportOut], **ERRORS},
    summary="Reports: every report for coordinators, one's own for everyone else",
)
def list_reports(request: HttpRequest, status: Literal["open", "resolved"] | None = None) -> Any:
    found = Report.objects.visible_to(_user(request)).select_related("reporter", "reported")
    if status:
        found = found.filter(status=status)
    return [_report_out(r) for r in found[:200]]


@router.post(
    "/exchange/reports/{report_id}/resolve",
    response={200: ReportOut, **ERRORS},
    summary="Resolve a report (coordinators)",
)
def resolve(request: HttpRequest, report_id: int, payload: ResolveIn) -> Any:
    user = _user(request)
    found = get_object_or_404(
        Report.objects.visible_to(user).select_related("reporter", "reported"), pk=report_id
    )
    return _report_out(actions.resolve_report(report=found, by=user, resolution=payload.resolution))
