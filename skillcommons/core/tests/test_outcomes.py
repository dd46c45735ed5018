"""The outcome log: pillars record what happened once, however often they report it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from skillcommons.accounts.models import User
from skillcommons.core.actions import record_outcome
from skillcommons.core.models import Outcome
from skillcommons.organizations.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def person() -> User:
    return User.objects.create_user("Learner", password="secret-password-1")


@pytest.fixture
def subject() -> Organization:
    return Organization.objects.create(slug="wm-xx", name="Wikimedia XX", kind="chapter")


def test_recording_the_same_outcome_twice_keeps_one(person: User, subject: Organization) -> None:
    first = record_outcome(
        person=person,
        kind="exchange.completed",
        subject=subject,
        occurred_at=datetime(2025, 5, 1, tzinfo=UTC),
        evidence_url="https://example.org/first",
    )
    again = record_outcome(
        person=person,
        kind="exchange.completed",
        subject=subject,
        evidence_url="https://example.org/second",
    )
    assert again.pk == first.pk
    assert Outcome.objects.count() == 1
    stored = Outcome.objects.get()
    assert stored.occurred_at == datetime(2025, 5, 1, tzinfo=UTC)
    assert stored.evidence_url == "https://example.org/first"
    assert stored.subject == subject


def test_another_kind_person_or_subject_is_another_outcome(
    person: User, subject: Organization
) -> None:
    other_person = User.objects.create_user("Mentor", password="secret-password-1")
    other_subject = Organization.objects.create(slug="wm-yy", name="Wikimedia YY", kind="chapter")
    record_outcome(person=person, kind="exchange.completed", subject=subject)
    record_outcome(person=person, kind="library.pack_completed", subject=subject)
    record_outcome(person=other_person, kind="exchange.completed", subject=subject)
    record_outcome(person=person, kind="exchange.completed", subject=other_subject)
    assert Outcome.objects.count() == 4
    assert Outcome.objects.filter(person=person).count() == 3


def test_the_time_defaults_to_now(person: User, subject: Organization) -> None:
    before = datetime.now(tz=UTC)
    outcome = record_outcome(person=person, kind="activity.attended", subject=subject)
    assert outcome.occurred_at >= before
