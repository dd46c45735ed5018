"""Pages of core: the health check and the error pages (HTML for pages, JSON under /api/)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_refuses_writes(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


def test_an_unknown_page_shows_the_404_page(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")
    assert '<html lang="en"' in response.text
    assert "<h1>" in response.text


def test_the_404_page_is_in_the_requested_language(client: Client) -> None:
    response = client.get("/no-such-page/", {"uselang": "ar"})
    assert response.status_code == 404
    assert '<html lang="ar" dir="rtl">' in response.text


@pytest.mark.urls("skillcommons.core.tests.urls_failing")
def test_a_crash_shows_the_500_page_without_details() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("text/html")
    assert "a bug" not in response.text
    assert "Traceback" not in response.text
    assert "<h1>" in response.text


@pytest.mark.urls("skillcommons.core.tests.urls_failing")
def test_a_crash_under_the_api_answers_500_in_json() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/broken-outside-ninja/")
    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "status": 500,
            "code": "server_error",
            "message": "Something went wrong on our side. Nothing was changed.",
        }
    }


def test_the_home_page_links_the_vendored_codex_and_htmx(client: Client) -> None:
    html = client.get("/").text
    assert "/static/vendor/codex/codex.style.css" in html
    assert "/static/vendor/codex-design-tokens/theme-wikimedia-ui.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    rtl = client.get("/", {"uselang": "ar"}).text
    assert "/static/vendor/codex/codex.style-rtl.css" in rtl
