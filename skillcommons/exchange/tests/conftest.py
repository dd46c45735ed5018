from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from skillcommons.exchange import loader


@pytest.fixture(autouse=True)
def _fresh_matching(settings: Any) -> Iterator[None]:
    """Each test starts with no cached matching arrays (the test database is rolled back
    between tests, so ids repeat)."""
    settings.LANGUAGE_CODE = "en"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    loader._current = None
    loader.install(None)
    yield
    loader._current = None
    loader.install(None)
