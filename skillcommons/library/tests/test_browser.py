"""Search as you type in a real browser (Debian's Chromium through Playwright) against a live
server with the CSP on: typing refreshes only the results; the page also works by submitting."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from .factories import published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are
# ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


@pytest.fixture
def page() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"Chromium is not installed at {CHROMIUM}.")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(locale="en-US")
        context.set_default_timeout(15_000)
        yield context.new_page()
        browser.close()


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="transactional tests on PostgreSQL flush the seeded languages this test needs; runs on SQLite",
)
def test_typing_refreshes_the_results_without_reloading(page: object, live_server: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    published(title="Photographing monuments")
    published(title="Organizing an edit-a-thon")
    base = str(live_server.url)  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/library/search/")
    page.evaluate("window.scLibraryMarker = 1")
    page.fill("#id_q", "monuments")
    results = page.locator("#sc-lib-results")
    expect(results).to_contain_text("Photographing monuments")
    expect(results).not_to_contain_text("edit-a-thon")
    # htmx swapped the results in: the page itself was not reloaded.
    assert page.evaluate("window.scLibraryMarker") == 1
    assert "q=monuments" in page.url
    # No script or style was refused by the Content-Security-Policy.
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e]
