"""The inbox and e-mail: notify stores a sentence translated when read, e-mails it on commit
(immediately in development, through the database queue and its worker in production), and
respects each person's preference."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import translation

from skillcommons.accounts.tests.factories import make_user
from skillcommons.notifications import actions
from skillcommons.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def test_notify_stores_the_message_and_emails_after_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    ada = make_user(username="Ada", email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        note = actions.notify(
            recipient=ada,
            kind="test.hello",
            message="%(person)s says hello.",
            params={"person": "Grace"},
            url="/somewhere/",
        )
        assert mail.outbox == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    assert note.text() == "Grace says hello."
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    assert "Grace says hello." in mail.outbox[0].body
    assert "/somewhere/" in mail.outbox[0].body
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_the_message_is_translated_when_it_is_read() -> None:
    ada = make_user(username="Ada")
    # Stored untranslated; any sentence of the catalogs works, e.g. the sign-in link's.
    note = actions.notify(recipient=ada, kind="test", message="Sign in")
    assert note.message == "Sign in"
    with translation.override("fr"):
        assert note.text() == "Se connecter"
    assert note.text() == "Sign in"


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="the in-process db_worker closes the test's PostgreSQL connection; runs on SQLite",
)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_in_production_the_email_waits_for_the_database_worker(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django_tasks_db.models import DBTaskResult

    ada = make_user(username="Ada", email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify(recipient=ada, kind="test", message="Inbox")
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]


def test_mark_read_touches_only_my_notifications() -> None:
    ada, bob = make_user(username="Ada"), make_user(username="Bob")
    mine = actions.notify(recipient=ada, kind="test", message="Inbox")
    theirs = actions.notify(recipient=bob, kind="test", message="Inbox")
    assert actions.mark_read(user=ada, notification_ids=[mine.pk, theirs.pk]) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert actions.mark_read(user=bob) == 1


def test_the_inbox_needs_sign_in_and_shows_only_mine() -> None:
    ada, bob = make_user(username="Ada"), make_user(username="Bob")
    actions.notify(recipient=bob, kind="test", message="%(x)s is secret", params={"x": "Bob"})
    assert Client().get("/inbox/").status_code == 302
    assert Client().get("/api/v1/notifications").status_code == 401
    client = Client()
    client.force_login(ada)
    assert "Bob is secret" not in client.get("/inbox/").content.decode()
    assert client.get("/api/v1/notifications").json()["count"] == 0
    assert (
        client.put(
            "/api/v1/notifications/preferences", {"email": "maybe"}, content_type="application/json"
        ).status_code
        == 422
    )
    assert Notification.objects.filter(recipient=bob, read_at__isnull=True).count() == 1
