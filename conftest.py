"""Settings shared by the whole test suite (pytest-django, see pyproject.toml)."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    # Real hashers are slow on purpose; tests create many accounts and sign in often.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
