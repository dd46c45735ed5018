"""Pages of the peer exchange: suggestions, requests, exchanges with sessions and feedback,
blocking and reporting, and the coordinators' report queue. Thin: parse, fetch through
``visible_to``, call one action, render or redirect. Every form works without JavaScript; htmx
only swaps parts of the page."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skillcommons.accounts.models import Profile, Role, User
from skillcommons.taxonomy.models import Skill

from . import actions, recommendations
from .forms import (
    AnswerForm,
    FeedbackForm,
    RecommendationForm,
    ReportForm,
    RequestForm,
    ResolveForm,
    SessionForm,
)
from .models import Block, Exchange, ExchangeRequest, ExchangeStatus, Feedback, Report, Session


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, PermissionDenied):
        return str(error) or _("You are not allowed to do this.")
    return " ".join(error.messages)


def _zone(user_id: int) -> ZoneInfo:
    name = Profile.objects.filter(user_id=user_id).values_list("time_zone", flat=True).first()
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# ---------------------------------------------------------------------------------------------
# Overview and suggestions


@login_required
@require_GET
def my_exchanges(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    exchanges = Exchange.objects.visible_to(user).select_related("learner", "mentor", "skill").all()
    requests = ExchangeRequest.objects.visible_to(user).select_related("learner", "mentor", "skill")
    now = timezone.now()
    return render(
        request,
        "exchange/my_exchanges.html",
        {
            "active": [e for e in exchanges if e.status == ExchangeStatus.ACTIVE],
            "closed": [e for e in exchanges if e.status != ExchangeStatus.ACTIVE][:50],
            "received": [r for r in requests if r.mentor_id == user.pk and r.is_open],
            "sent": [r for r in requests if r.learner_id == user.pk and r.is_open],
            "past_requests": [r for r in requests if not r.is_open][:50],
            "now": now,
        },
    )


@login_required
@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """Who could teach me: one skill (``?skill=code``) or every skill I want to learn."""
    user = _user(request)
    form = RecommendationForm(request.GET or None)
    skill = None
    spread = False
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["skill"].strip()
        spread = form.cleaned_data["spread"]
        if code:
            skill = Skill.objects.visible_to(user).filter(code=code).first()
            if skill is None:
                form.add_error("skill", _("There is no skill with this code."))
    groups = (
        []
        if form.errors
        else recommendations.teachers_for(viewer=user, skill=skill, spread_regions=spread)
    )
    template = (
        "exchange/_suggestions.html"
        if request.headers.get("HX-Request")
        else "exchange/suggestions.html"
    )
    return render(request, template, {"form": form, "groups": groups, "asked": skill})


@login_required
@require_GET
def learners(request: HttpRequest) -> HttpResponse:
    """Whom I could help as a mentor."""
    user = _user(request)
    spread = request.GET.get("spread") == "on"
    found = recommendations.learners_for(viewer=user, spread_regions=spread)
    return render(request, "exchange/learners.html", {"suggestions": found, "spread": spread})


# ---------------------------------------------------------------------------------------------
# Requests


def _mentor_and_skill(request: HttpRequest, username: str, code: str) -> tuple[User, Skill]:
    mentor = get_object_or_404(User, username=username, is_active=True)
    skill = get_object_or_404(Skill.objects.visible_to(request.user), code=code)
    if actions.is_blocked(_user(request).pk, mentor.pk):
        raise Http404
    return mentor, skill


@login_required
@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest, username: str, code: str) -> HttpResponse:
    user = _user(request)
    mentor, skill = _mentor_and_skill(request, username, code)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = actions.send_request(
                learner=user,
                mentor=mentor,
                skill=skill,
                method=form.cleaned_data["method"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Your request was sent."))
            return redirect(sent)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "exchange/request_form.html",
        {"form": form, "mentor": mentor, "skill": skill},
        status=status,
    )


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = get_object_or_404(
        ExchangeRequest.objects.visible_to(user).select_related("learner", "mentor", "skill"),
        pk=pk,
    )
    exchange = Exchange.objects.filter(request=found).first()
    return render(
        request,
        "exchange/request_detail.html",
        {
            "req": found,
            "exchange": exchange,
            "is_mentor": found.mentor_id == user.pk,
            "other": found.learner if found.mentor_id == user.pk else found.mentor,
            "form": AnswerForm(),
        },
    )


@login_required
@require_POST
def answer_request(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """Accept, decline or withdraw (``verb``)."""
    user = _user(request)
    found = get_object_or_404(ExchangeRequest.objects.visible_to(user), pk=pk)
    form = AnswerForm(request.POST)
    answer = form.cleaned_data["answer"] if form.is_valid() else ""
    if not form.is_valid():
        messages.error(request, _("The answer is too long; nothing was changed."))
        return redirect(found)
    try:
        if verb == "accept":
            exchange = actions.accept_request(request=found, by=user, answer=answer)
            messages.success(request, _("You accepted the request. The exchange has started."))
            return redirect(exchange)
        if verb == "decline":
            actions.decline_request(request=found, by=user, answer=answer)
            messages.success(request, _("You declined the request."))
        elif verb == "withdraw":
            actions.withdraw_request(request=found, by=user)
            messages.success(request, _("You withdrew your request."))
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    return redirect(found)


# ---------------------------------------------------------------------------------------------
# Exchanges


def _exchange(request: HttpRequest, pk: int) -> Exchange:
    return get_object_or_404(
        Exchange.objects.visible_to(request.user).select_related("learner", "mentor", "skill"),
        pk=pk,
    )


def _session_rows(exchange: Exchange, viewer: User) -> list[dict[str, Any]]:
    mine = _zone(viewer.pk)
    other_id = exchange.other(viewer.pk)
    other_profile = Profile.objects.filter(user_id=other_id).first()
    theirs = None
    if other_profile is not None and other_profile.shows("time_zone", viewer):
        theirs = _zone(other_id)
    rows = []
    for session in exchange.sessions.all():
        rows.append(
            {
                "session": session,
                "my_zone": mine.key,
                "their_zone": theirs.key if theirs else "",
            }
        )
    return rows


def _exchange_context(request: HttpRequest, exchange: Exchange, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    other = exchange.learner if exchange.mentor_id == user.pk else exchange.mentor
    feedback = list(exchange.feedback.select_related("author"))
    zone = _zone(user.pk)
    context = {
        "exchange": exchange,
        "other": other,
        # Contact details: the exchange exists only once the request was accepted.
        "other_email": other.email,
        "is_mentor": exchange.mentor_id == user.pk,
        "sessions": _session_rows(exchange, user),
        "feedback": feedback,
        "my_feedback": next((f for f in feedback if f.author_id == user.pk), None),
        "session_form": SessionForm(time_zone=zone.key),
        "feedback_form": FeedbackForm(),
        "is_active": exchange.status == ExchangeStatus.ACTIVE,
    }
    context.update(extra)
    return context


@login_required
@require_GET
def exchange_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exchange = _exchange(request, pk)
    return render(request, "exchange/detail.html", _exchange_context(request, exchange))


@login_required
@require_POST
def add_session(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    exchange = _exchange(request, pk)
    form = SessionForm(request.POST, time_zone=_zone(user.pk).key)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.schedule_session(
                exchange=exchange,
                by=user,
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                online_url=data["online_url"],
                place=data["place"],
                notes=data["notes"],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("The session was planned."))
            return redirect(exchange)
    return render(
        request,
        "exchange/detail.html",
        _exchange_context(request, exchange, session_form=form),
        status=400,
    )


@login_required
@require_POST
def cancel_session(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    session = get_object_or_404(
        Session.objects.filter(exchange__in=Exchange.objects.visible_to(user)), pk=pk
    )
    try:
        actions.cancel_session(session=session, by=user)
        messages.success(request, _("The session was cancelled."))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    return redirect(session.exchange)


@login_required
@require_POST
def add_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    exchange = _exchange(request, pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            actions.give_feedback(
                exchange=exchange,
                by=user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect(exchange)
    return render(
        request,
        "exchange/detail.html",
        _exchange_context(request, exchange, feedback_form=form),
        status=400,
    )


@login_required
@require_POST
def close_exchange(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    user = _user(request)
    exchange = _exchange(request, pk)
    try:
        if verb == "complete":
            actions.complete_exchange(exchange=exchange, by=user)
            messages.success(request, _("The exchange is complete."))
        elif verb == "cancel":
            actions.cancel_exchange(exchange=exchange, by=user)
            messages.success(request, _("The exchange was ended."))
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    return redirect(exchange)


# ---------------------------------------------------------------------------------------------
# Blocking and reporting


@login_required
@require_http_methods(["GET", "POST"])
def person_safety(request: HttpRequest, username: str) -> HttpResponse:
    """Block, unblock or report one person."""
    user = _user(request)
    person = get_object_or_404(User, username=username, is_active=True)
    if person.pk == user.pk:
        raise Http404
    form = ReportForm()
    status = 200
    if request.method == "POST":
        verb = request.POST.get("action", "")
        try:
            if verb == "block":
                actions.block_person(blocker=user, blocked=person)
                messages.success(request, _("You blocked this person."))
                return redirect("exchange:person", username=person.username)
            if verb == "unblock":
                actions.unblock_person(blocker=user, blocked=person)
                messages.success(request, _("You unblocked this person."))
                return redirect("exchange:person", username=person.username)
            if verb == "report":
                form = ReportForm(request.POST)
                if form.is_valid():
                    actions.report_person(
                        reporter=user,
                        reported=person,
                        reason=form.cleaned_data["reason"],
                        details=form.cleaned_data["details"],
                    )
                    messages.success(request, _("Thank you. The coordinators will look at it."))
                    return redirect("exchange:person", username=person.username)
                status = 400
            else:
                messages.error(request, _("Choose what to do."))
                status = 400
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
            status = 400
    blocked = Block.objects.filter(blocker=user, blocked=person).exists()
    return render(
        request,
        "exchange/person.html",
        {"person": person, "blocked": blocked, "form": form},
        status=status,
    )


def _coordinator(request: HttpRequest) -> User:
    user = _user(request)
    if not user.has_role(Role.COORDINATOR):
        raise PermissionDenied
    return user


@login_required
@require_GET
def report_queue(request: HttpRequest) -> HttpResponse:
    """Coordinators: open and resolved reports, and feedback as aggregates only."""
    user = _coordinator(request)
    reports = Report.objects.visible_to(user).select_related("reporter", "reported", "resolved_by")
    aggregates = Feedback.objects.aggregate(count=Count("id"), average=Avg("rating"))
    by_rating = dict(
        Feedback.objects.values("rating").annotate(n=Count("id")).values_list("rating", "n")
    )
    open_reports = [r for r in reports if r.status == Report.Status.OPEN]
    for report in open_reports:
        # One form per report, with its own ids.
        report.resolve_form = ResolveForm(auto_id=f"id_report{report.pk}_%s")  # type: ignore[attr-defined]
    counts = Exchange.objects.aggregate(
        active=Count("id", filter=Q(status=ExchangeStatus.ACTIVE)),
        completed=Count("id", filter=Q(status=ExchangeStatus.COMPLETED)),
        cancelled=Count("id", filter=Q(status=ExchangeStatus.CANCELLED)),
    )
    return render(
        request,
        "exchange/report_queue.html",
        {
            "open": open_reports,
            "resolved": [r for r in reports if r.status != Report.Status.OPEN][:50],
            "feedback": aggregates,
            "ratings": [(rating, by_rating.get(rating, 0)) for rating in range(5, 0, -1)],
            "counts": counts,
        },
    )


@login_required
@require_POST
def resolve_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = _coordinator(request)
    report = get_object_or_404(Report.objects.visible_to(user), pk=pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note is too long; nothing was changed."))
        return redirect("exchange:reports")
    try:
        actions.resolve_report(report=report, by=user, resolution=form.cleaned_data["resolution"])
        messages.success(request, _("The report is resolved."))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    return redirect("exchange:reports")
