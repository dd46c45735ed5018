"""Every API error has one shape: ``{"error": {"status", "code", "message", "fields"?}}``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert error["status"] == status
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    return error


def test_an_unknown_api_address_answers_404_in_json(client: Client) -> None:
    error = error_of(client.get("/api/v1/nope"), 404)
    assert error["code"] == "not_found"


def test_a_value_of_the_wrong_type_answers_422_naming_the_field(client: Client) -> None:
    error = error_of(client.get("/api/v1/skills", {"page": "abc"}), 422)
    assert error["code"] == "validation_error"
    assert isinstance(error["fields"], list) and error["fields"]
    assert {"field", "message"} <= set(error["fields"][0])
    assert "page" in [field["field"] for field in error["fields"]]


def test_a_page_out_of_range_answers_400(client: Client) -> None:
    error = error_of(client.get("/api/v1/skills", {"page": "0"}), 400)
    assert error["code"] == "bad_request"


def test_personal_endpoints_answer_401_without_a_session_or_token(client: Client) -> None:
    error = error_of(client.get("/api/v1/me"), 401)
    assert error["code"] == "not_authenticated"


def test_an_invalid_token_answers_401_and_says_so(client: Client) -> None:
    response = client.get("/api/v1/me", headers={"authorization": "Bearer sc_not-a-real-token"})
    error = error_of(response, 401)
    assert error["code"] == "not_authenticated"


def test_error_messages_follow_the_requested_language(client: Client) -> None:
    english = error_of(client.get("/api/v1/nope"), 404)["message"]
    assert english == "Nothing was found here."
    # Translated once the catalogs are; in any case still the same shape in every language.
    for code in ("es", "fr", "pt-br", "ar", "bn", "hi"):
        error_of(client.get("/api/v1/nope", {"uselang": code}), 404)


def test_the_openapi_schema_and_docs_are_served(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Skillcommons API"
    assert client.get("/api/v1/docs").status_code == 200


def test_text_with_a_nul_character_is_refused_not_a_server_error(client: Client) -> None:
    # PostgreSQL cannot store NUL in text; the body is refused before any view runs.
    from skillcommons.accounts.tests.factories import make_user

    client.force_login(make_user())
    response = client.post(
        "/api/v1/library/works", {"title": "a\x00b"}, content_type="application/json"
    )
    error = error_of(response, 400)
    assert error["code"] == "bad_request"
