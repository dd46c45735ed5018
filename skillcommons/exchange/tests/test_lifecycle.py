"""The exchange lifecycle through its actions: the state machine, capacity, blocks, reports,
bad input (refused with a clear error, nothing changed) and the notifications it sends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from skillcommons.core.models import Outcome
from skillcommons.exchange import actions
from skillcommons.exchange.models import (
    Block,
    Exchange,
    ExchangeRequest,
    ExchangeStatus,
    RequestStatus,
)
from skillcommons.notifications.models import Notification

from .factories import pair, person, requested, started, vocabulary

pytestmark = pytest.mark.django_db


@pytest.fixture
def v() -> dict[str, Any]:
    return vocabulary()


def _counts() -> tuple[int, int, int]:
    return (
        ExchangeRequest.objects.count(),
        Exchange.objects.count(),
        Notification.objects.count(),
    )


def test_a_request_notifies_the_mentor_in_the_inbox_and_by_email(
    v: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    mentor, learner = pair(v)
    with django_capture_on_commit_callbacks(execute=True):
        request = requested(v, mentor, learner)
    assert request.status == RequestStatus.PENDING
    note = Notification.objects.get(recipient=mentor)
    assert note.kind == "exchange.request"
    assert note.text() == "Learner asks you for help with Wikidata."
    assert note.url == f"/exchange/requests/{request.pk}/"
    assert [m.to for m in mail.outbox] == [["mentor@example.org"]]
    assert "Learner asks you for help with Wikidata." in mail.outbox[0].body


def test_accepting_starts_an_exchange_and_tells_the_learner(v: dict[str, Any]) -> None:
    mentor, learner = pair(v)
    exchange = started(v, mentor, learner)
    assert exchange.status == ExchangeStatus.ACTIVE
    assert (exchange.learner, exchange.mentor) == (learner, mentor)
    assert ExchangeRequest.objects.get().status == RequestStatus.ACCEPTED
    assert Notification.objects.filter(recipient=learner, kind="exchange.accepted").exists()


def test_decline_and_withdraw_close_the_request(v: dict[str, Any]) -> None:
    mentor, learner = pair(v)
    first = requested(v, mentor, learner)
    actions.decline_request(request=first, by=mentor, answer="Not now")
    first.refresh_from_db()
    assert (first.status, first.answer) == (RequestStatus.DECLINED, "Not now")
    second = requested(v, mentor, learner)
    actions.withdraw_request(request=second, by=learner)
    second.refresh_from_db()
    assert second.status == RequestStatus.WITHDRAWN
    assert not Exchange.objects.exists()


@pytest.mark.parametrize("verb", ["accept", "decline", "withdraw"])
def test_a_closed_request_cannot_be_answered_again(v: dict[str, Any], verb: str) -> None:
    mentor, learner = pair(v)
    request = requested(v, mentor, learner)
    actions.decline_request(request=request, by=mentor)
    before = _counts()
    with pytest.raises(ValidationError, match="already closed"):
        if verb == "accept":
            actions.accept_request(request=request, by=mentor)
        elif verb == "decline":
            actions.decline_request(request=request, by=mentor)
        else:
            actions.withdraw_request(request=request, by=learner)
    assert _counts() == before


def test_only_the_mentor_answers_and_only_the_learner_withdraws(v: dict[str, Any]) -> None:
    mentor, learner = pair(v)
    request = requested(v, mentor, learner)
    with pytest.raises(PermissionDenied):
        actions.accept_request(request=request, by=learner)
    with pytest.raises(PermissionDenied):
        actions.withdraw_request(request=request, by=mentor)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_an_expired_request_cannot_be_accepted_and_expiry_closes_it(v: dict[str, Any]) -> None:
    mentor, learner = pair(v)
    request = requested(v, mentor, learner)
    ExchangeRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ValidationError, match="expired"):
        actions.accept_request(request=request, by=mentor)
    assert not Exchange.objects.exists()
    assert actions.expire_requests() == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.EXPIRED
    assert Notification.objects.filter(recipient=learner, kind="exchange.expired").exists()
    # A new request is allowed once the old one ran out.
    assert requested(v, mentor, learner).status == RequestStatus.PENDING


def test_bad_requests_are_refused_and_change_nothing(v: dict[str, Any]) -> None:
    mentor, learner = pair(v)
    stranger = person("Stranger", languages=[(v["fr"], 6)])
    requested(v, mentor, learner)
    before = _counts()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"learner": learner, "mentor": learner}, "yourself"),
        ({"learner": learner, "mentor": mentor}, "already have an open request"),
        ({"learner": learner, "mentor": stranger}, "offers nothing"),
        ({"learner": stranger, "mentor": mentor, "method": "telepathy"}, "ways of learning"),
        ({"learner": stranger, "mentor": mentor, "message": "x" * 2001}, "too long"),
    ]
    for overrides, message in cases:
        arguments = {"skill": v["wikidata"], "method": "mentoring", "message": ""} | overrides
        with pytest.raises(ValidationError, match=message):
            actions.send_request(**arguments)
    assert _counts() == before


def test_a_full_mentor_gets_no_new_request_and_cannot_over_accept(v: dict[str, Any]) -> None:
    mentor, learner = pair(v, capacity=1)
    other = person("Other", wants=[(v["wikidata"], 1)], languages=[(v["fr"], 5)])
    waiting = requested(v, mentor, other)  # sent while a place was free
    started(v, mentor, learner)
    before = _counts()
    with pytest.raises(ValidationError, match="no free place"):
        actions.accept_request(request=waiting, by=mentor)
    third = person("Third", languages=[(v["fr"], 5)])
    with pytest.raises(ValidationError, match="no free place"):
        actions.send_request(learner=third, mentor=mentor, skill=v["wikidata"], method="peer")
    assert _counts() == before
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.PENDING


def test_sessions_feedback_and_completion_record_outcomes_for_both(v: dict[str, Any]) -> None:
    mentor, learner = pair(v)
    exchange = started(v, mentor, learner)
    when = datetime(2030, 1, 7, 18, 0, tzinfo=UTC)
    session = actions.schedule_session(
        exchange=exchange, by=learner, starts_at=when, online_url="https://meet.example.org/x"
    )
    assert session.starts_at == when
    assert Notification.objects.filter(recipient=mentor, kind="exchange.session").exists()
    actions.give_feedback(exchange=exchange, by=learner, rating=5, comment="Great")
    exchange.refresh_from_db()
    assert exchange.status == ExchangeStatus.ACTIVE
    assert not Outcome.objects.exists()
    actions.give_feedback(exchange=exchange, by=mentor, rating=4)
    exchange.refresh_from_db()
    assert exchange.status == ExchangeStatus.COMPLETED
    outcomes = Outcome.objects.filter(kind="exchange.completed", object_id=str(exchange.pk))
    assert {o.person for o in outcomes} == {mentor, learner}
    assert outcomes[0].evidence_url.endswith(f"/exchange/{exchange.pk}/")
    with pytest.raises(ValidationError, match="already gave feedback"):
        actions.give_feedback(exchange=exchange, by=mentor, rating=3)
    with pytest.raises(ValidationError, match="closed"):
        actions.schedule_session(exchange=exchange, by=mentor, starts_at=when, place="Paris")


def test_completion_frees_the_mentors_place(v: dict[str, Any]) -> None:
    mentor, learner = pair(v, capacity=1)
    exchange = started(v, mentor, learner)
    actions.complete_exchange(exchange=exchange, by=learner)
    assert actions.mentor_load(mentor.pk) == 0
    with pytest.raises(ValidationError, match="closed"):
        actions.cancel_exchange(exchange=exchange, by=mentor)
    other = person("Other", languages=[(v["fr"], 5)])
    assert actions.send_request(
        learner=other, mentor=mentor, skill=v["wikidata"], method="peer"
    ).is_open


def test_bad_sessions_and_feedback_are_refused(v: dict[str, Any]) -> None:
    mentor, learner = pair(v)
    exchange = started(v, mentor, learner)
    outsider = person("Outsider")
    when = datetime(2030, 1, 7, 18, 0, tzinfo=UTC)
    with pytest.raises(ValidationError, match="online link or a place"):
        actions.schedule_session(exchange=exchange, by=learner, starts_at=when)
    with pytest.raises(ValidationError):
        actions.schedule_session(
            exchange=exchange, by=learner, starts_at=when, online_url="javascript:alert(1)"
        )
    with pytest.raises(ValidationError):
        actions.schedule_session(
            exchange=exchange, by=learner, starts_at=when.replace(tzinfo=None), place="Paris"
        )
    with pytest.raises(PermissionDenied):
        actions.schedule_session(exchange=exchange, by=outsider, starts_at=when, place="Paris")
    with pytest.raises(ValidationError, match="rating"):
        actions.give_feedback(exchange=exchange, by=learner, rating=6)
    with pytest.raises(PermissionDenied):
        actions.give_feedback(exchange=exchange, by=outsider, rating=5)
    assert not exchange.sessions.exists()
    assert not exchange.feedback.exists()


def test_a_block_stops_requests_and_closes_open_ones(v: dict[str, Any]) -> None:
    mentor, learner = pair(v)
    request = requested(v, mentor, learner)
    actions.block_person(blocker=mentor, blocked=learner)
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    with pytest.raises(ValidationError, match="cannot send a request to this person"):
        requested(v, mentor, learner)
    with pytest.raises(ValidationError, match="yourself"):
        actions.block_person(blocker=mentor, blocked=mentor)
    assert actions.unblock_person(blocker=mentor, blocked=learner) == 1
    assert not Block.objects.exists()
    assert requested(v, mentor, learner).is_open


def test_reports_reach_coordinators_who_resolve_them(v: dict[str, Any]) -> None:
    from django.contrib.auth.models import Group

    mentor, learner = pair(v)
    coordinator = person("Coordinator")
    coordinator.groups.add(Group.objects.get_or_create(name="coordinator")[0])
    report = actions.report_person(
        reporter=learner, reported=mentor, reason="no_show", details="Missed 3 sessions"
    )
    assert Notification.objects.filter(recipient=coordinator, kind="exchange.report").exists()
    with pytest.raises(PermissionDenied):
        actions.resolve_report(report=report, by=learner)
    actions.resolve_report(report=report, by=coordinator, resolution="Talked to them")
    report.refresh_from_db()
    assert report.status == "resolved"
    with pytest.raises(ValidationError, match="Choose a reason"):
        actions.report_person(reporter=learner, reported=mentor, reason="bogus")
    with pytest.raises(ValidationError, match="yourself"):
        actions.report_person(reporter=learner, reported=learner, reason="spam")


def test_no_email_when_the_person_turned_it_off(
    v: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from skillcommons.notifications.actions import set_email_preference

    mentor, learner = pair(v)
    set_email_preference(user=mentor, email=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        requested(v, mentor, learner)
    assert callbacks  # the e-mail task was queued, and sent nothing
    assert Notification.objects.filter(recipient=mentor).count() == 1
    assert mail.outbox == []


def test_the_expiry_command_closes_overdue_requests(v: dict[str, Any]) -> None:
    from io import StringIO

    from django.core.management import call_command

    mentor, learner = pair(v)
    request = requested(v, mentor, learner)
    ExchangeRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    out = StringIO()
    call_command("expire_exchange_requests", stdout=out)
    assert out.getvalue().strip() == "Expired requests: 1"
    request.refresh_from_db()
    assert request.status == RequestStatus.EXPIRED
