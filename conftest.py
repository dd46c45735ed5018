"""Settings shared by the whole test suite (pytest-django, see pyproject.toml)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation
from pytest_django.fixtures import Settings


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    # Real hashers are slow on purpose; tests create many accounts and sign in often.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language_after_each_test() -> Iterator[None]:
    # A request or a test may leave another language active in the thread; the next test must
    # not depend on which one ran before.
    yield
    translation.deactivate()
