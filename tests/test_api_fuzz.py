"""Property-based fuzzing of the whole JSON API from its own OpenAPI schema (schemathesis).

Every operation is called with generated valid and invalid input, as a visitor and with a member's
API token. Whatever comes in, the answer is never a server error, and documented answers match the
schema they document.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from skillcommons.accounts import actions as account_actions
from skillcommons.accounts.models import User


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    # Schemathesis calls the WSGI handler directly, which closes "old" database connections when a
    # request starts and ends; inside a test transaction that would close the test's own
    # connection (PostgreSQL). Django's test client disconnects the same receiver for this reason.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def member_token(db: None) -> str:
    member = User.objects.create_user("Fuzz Member", "fuzz@example.org", "a-long-password-1")
    _token, raw = account_actions.create_api_token(user=member, name="fuzz")
    return raw


# Loading the schema only renders /api/v1/openapi.json; it needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_operation_answers_with_a_server_error(case: Any, member_token: str) -> None:
    # The test client does not undo GZipMiddleware; ask for plain bodies as a simple client would.
    plain = {"Accept-Encoding": "identity"}
    case.call_and_validate(headers=plain, checks=[not_a_server_error, response_schema_conformance])
    case.call_and_validate(
        headers={**plain, "Authorization": f"Bearer {member_token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )


def test_schema_names_are_unique_so_openapi_components_do_not_collide() -> None:
    # django-ninja names OpenAPI components after the class; two apps defining ``SkillIn`` would
    # silently document one operation with the other's schema.
    from ninja import Schema

    import config.api  # noqa: F401  (imports every router)

    def subclasses(cls: type) -> list[type]:
        found = []
        for sub in cls.__subclasses__():
            found.append(sub)
            found.extend(subclasses(sub))
        return found

    ours = [c for c in subclasses(Schema) if c.__module__.startswith(("skillcommons.", "config."))]
    names = [c.__name__ for c in ours]
    assert sorted({n for n in names if names.count(n) > 1}) == []
