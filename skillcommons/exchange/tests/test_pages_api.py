"""The exchange through the pages (no JavaScript) and the API: permissions, contact details,
time zones, private feedback, the report queue, the inbox."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from skillcommons.exchange import actions
from skillcommons.exchange.models import Exchange, ExchangeRequest, RequestStatus, Session
from skillcommons.notifications.models import Notification

from .factories import pair, person, requested, started, vocabulary

pytestmark = pytest.mark.django_db


@pytest.fixture
def v() -> dict[str, Any]:
    return vocabulary()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_request_accept_and_exchange_through_the_pages(v: dict[str, Any]) -> None:
    mentor, learner = pair(v)
    as_learner, as_mentor = _client(learner), _client(mentor)
    form = as_learner.get("/exchange/ask/Mentor/t-wikidata/")
    assert form.status_code == 200
    assert "mentor@example.org" not in form.content.decode()
    sent = as_learner.post(
        "/exchange/ask/Mentor/t-wikidata/", {"method": "mentoring", "message": "Hi!"}
    )
    request = ExchangeRequest.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/exchange/requests/{request.pk}/"
    detail = as_mentor.get(sent["Location"]).content.decode()
    assert "Hi!" in detail and "learner@example.org" not in detail
    assert "Inbox (1 unread)" in detail
    accepted = as_mentor.post(f"/exchange/requests/{request.pk}/accept/", {"answer": "Sure"})
    exchange = Exchange.objects.get()
    assert accepted["Location"] == f"/exchange/{exchange.pk}/"
    page = as_learner.get(accepted["Location"]).content.decode()
    assert "mentor@example.org" in page  # contact details once accepted
    assert as_learner.get("/exchange/").status_code == 200


def test_only_participants_see_an_exchange_or_a_request(v: dict[str, Any]) -> None:
    mentor, learner = pair(v)
    exchange = started(v, mentor, learner)
    request = ExchangeRequest.objects.get()
    outsider = _client(person("Outsider"))
    for url in (f"/exchange/{exchange.pk}/", f"/exchange/requests/{request.pk}/"):
        assert outsider.get(url).status_code == 404
    assert outsider.post(f"/exchange/{exchange.pk}/complete/").status_code == 404
    assert outsider.get(f"/api/v1/exchange/exchanges/{exchange.pk}").status_code == 404
    assert outsider.get(f"/api/v1/exchange/requests/{request.pk}").status_code == 404
    assert outsider.get("/api/v1/exchange/exchanges").json() == []
    assert Client().get(f"/exchange/{exchange.pk}/").status_code == 302


def test_sessions_show_in_each_persons_time_zone(v: dict[str, Any]) -> None:
    mentor = person(
        "Mentor",
        offers=[(v["wikidata"], 3)],
        languages=[(v["fr"], 6)],
        capacity=2,
        time_zone="Asia/Kolkata",
    )
    learner = person(
        "Learner", wants=[(v["wikidata"], 1)], languages=[(v["fr"], 5)], time_zone="Europe/Paris"
    )
    exchange = started(v, mentor, learner)
    response = _client(learner).post(
        f"/exchange/{exchange.pk}/sessions/",
        {"starts_at": "2030-01-07T18:00", "duration_minutes": "60", "place": "Library"},
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.starts_at.isoformat() == "2030-01-07T17:00:00+00:00"  # 18:00 in Paris
    page = _client(mentor).get(f"/exchange/{exchange.pk}/").content.decode()
    assert "2030-01-07 22:30" in page and "Asia/Kolkata" in page  # the mentor's time
    assert "2030-01-07 18:00" in page and "Europe/Paris" in page  # and the learner's


def test_bad_session_input_is_shown_on_the_form_and_changes_nothing(v: dict[str, Any]) -> None:
    mentor, learner = pair(v)
    exchange = started(v, mentor, learner)
    response = _client(learner).post(
        f"/exchange/{exchange.pk}/sessions/",
        {"starts_at": "not a date", "duration_minutes": "60", "place": ""},
    )
    assert response.status_code == 400
    assert 'aria-describedby="id_starts_at' in response.content.decode()
    response = _client(learner).post(
        f"/exchange/{exchange.pk}/sessions/",
        {"starts_at": "2030-01-07T18:00", "duration_minutes": "60"},
    )
    assert response.status_code == 400
    assert "Give an online link or a place." in response.content.decode()
    assert not Session.objects.exists()


def test_feedback_is_private_to_the_two_and_coordinators_see_aggregates(
    v: dict[str, Any],
) -> None:
    mentor, learner = pair(v)
    exchange = started(v, mentor, learner)
    assert (
        _client(learner)
        .post(f"/exchange/{exchange.pk}/feedback/", {"rating": "5", "comment": "Secret praise"})
        .status_code
        == 302
    )
    assert "Secret praise" in _client(mentor).get(f"/exchange/{exchange.pk}/").content.decode()
    coordinator = person("Coordinator")
    coordinator.groups.add(Group.objects.get_or_create(name="coordinator")[0])
    queue = _client(coordinator).get("/exchange/reports/")
    assert queue.status_code == 200
    text = queue.content.decode()
    assert "Secret praise" not in text and "5.00" in text
    assert _client(coordinator).get(f"/exchange/{exchange.pk}/").status_code == 404
    assert _client(learner).get("/exchange/reports/").status_code == 403


def test_block_and_report_pages(v: dict[str, Any]) -> None:
    mentor, learner = pair(v)
    as_mentor = _client(mentor)
    assert as_mentor.post("/exchange/people/Learner/", {"action": "block"}).status_code == 302
    # The blocked learner cannot even open the request form.
    assert _client(learner).get("/exchange/ask/Mentor/t-wikidata/").status_code == 404
    bad = as_mentor.post("/exchange/people/Learner/", {"action": "report", "reason": "nope"})
    assert bad.status_code == 400
    good = as_mentor.post(
        "/exchange/people/Learner/", {"action": "report", "reason": "spam", "details": "Ads"}
    )
    assert good.status_code == 302
    assert as_mentor.get("/exchange/people/Mentor/").status_code == 404


def test_the_whole_lifecycle_through_the_api(v: dict[str, Any]) -> None:
    mentor, learner = pair(v)
    as_learner, as_mentor = _client(learner), _client(mentor)
    created = as_learner.post(
        "/api/v1/exchange/requests",
        {"mentor": "Mentor", "skill": "t-wikidata", "method": "mentoring", "message": "Hi"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    request_id = created.json()["id"]
    again = as_learner.post(
        "/api/v1/exchange/requests",
        {"mentor": "Mentor", "skill": "t-wikidata", "method": "mentoring"},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert again.json()["error"]["message"] == (
        "You already have an open request to this person for this skill."
    )
    assert (
        as_learner.post(
            f"/api/v1/exchange/requests/{request_id}/accept", {}, content_type="application/json"
        ).status_code
        == 403
    )
    exchange = as_mentor.post(
        f"/api/v1/exchange/requests/{request_id}/accept",
        {"answer": "Yes"},
        content_type="application/json",
    ).json()
    assert exchange["status"] == "active" and exchange["other_email"] == "learner@example.org"
    session = as_mentor.post(
        f"/api/v1/exchange/exchanges/{exchange['id']}/sessions",
        {"starts_at": "2030-01-07T18:00:00+01:00", "online_url": "https://meet.example.org/a"},
        content_type="application/json",
    )
    assert session.status_code == 201
    assert session.json()["starts_at"].startswith("2030-01-07T17:00:00")
    for client, rating in ((as_learner, 5), (as_mentor, 4)):
        response = client.post(
            f"/api/v1/exchange/exchanges/{exchange['id']}/feedback",
            {"rating": rating},
            content_type="application/json",
        )
        assert response.status_code == 201
    done = as_learner.get(f"/api/v1/exchange/exchanges/{exchange['id']}").json()
    assert done["status"] == "completed"
    closed = as_learner.post(f"/api/v1/exchange/exchanges/{exchange['id']}/cancel")
    assert closed.status_code == 400
    assert as_learner.post("/api/v1/exchange/exchanges/999999/complete").status_code == 404


def test_api_bad_input_is_refused(v: dict[str, Any]) -> None:
    _mentor, learner = pair(v)
    client = _client(learner)
    cases = [
        ({"mentor": "Learner", "skill": "t-wikidata", "method": "peer"}, 400),
        ({"mentor": "Nobody", "skill": "t-wikidata", "method": "peer"}, 404),
        ({"mentor": "Mentor", "skill": "t-wikidata", "method": "peer", "message": "x" * 3000}, 422),
        ({"mentor": "Mentor", "skill": "t-wikidata", "method": "teleport"}, 400),
        ({"mentor": "Mentor", "skill": "nope", "method": "peer"}, 404),
    ]
    for body, status in cases:
        response = client.post("/api/v1/exchange/requests", body, content_type="application/json")
        assert response.status_code == status, (body, response.content)
        assert "error" in response.json()
    assert not ExchangeRequest.objects.exists()
    assert (
        Client().post("/api/v1/exchange/requests", {}, content_type="application/json").status_code
        == 401
    )


def test_inbox_page_marks_read_and_the_api_lists_only_mine(v: dict[str, Any]) -> None:
    mentor, learner = pair(v)
    request = requested(v, mentor, learner)
    actions.withdraw_request(request=request, by=learner)
    as_mentor = _client(mentor)
    page = as_mentor.get("/inbox/").content.decode()
    assert "Learner asks you for help with Wikidata." in page
    assert "Inbox (2 unread)" in page
    note = Notification.objects.filter(recipient=mentor).first()
    assert note is not None
    partial = as_mentor.post("/inbox/read/", {"id": str(note.pk)}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert as_mentor.post("/inbox/read/", {"id": "abc"}).status_code == 302
    listed = as_mentor.get("/api/v1/notifications?unread=true").json()
    assert listed["count"] == 1
    assert _client(learner).get("/api/v1/notifications").json()["count"] == 0
    counts = as_mentor.post(
        "/api/v1/notifications/read", {}, content_type="application/json"
    ).json()
    assert counts == {"changed": 1, "unread": 0}
    assert as_mentor.post("/inbox/preferences/", {}).status_code == 302
    assert as_mentor.get("/api/v1/notifications/preferences").json() == {"email": False}
    assert ExchangeRequest.objects.get().status == RequestStatus.WITHDRAWN
