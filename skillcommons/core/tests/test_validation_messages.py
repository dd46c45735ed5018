"""API validation errors are whole translated sentences, never pydantic's English."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import pytest
from django.test import Client
from django.utils import translation
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from skillcommons.core.validation_messages import message_for


class Sample(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=2, max_length=5)]
    count: Annotated[int, Field(ge=1, le=10)]
    ratio: float
    flag: bool
    kind: Literal["a", "b"]
    tags: Annotated[list[str], Field(max_length=2)]
    day: date
    site: HttpUrl


VALID = {
    "name": "abc",
    "count": 3,
    "ratio": 0.5,
    "flag": True,
    "kind": "a",
    "tags": [],
    "day": "2026-01-01",
    "site": "https://example.org",
}


def errors_for(**changes: object) -> list[str]:
    try:
        Sample.model_validate({**VALID, **changes})
    except ValidationError as exc:
        return [message_for(error) for error in exc.errors()]
    raise AssertionError("the input was valid")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"name": "a"}, "Enter at least 2 characters."),
        ({"name": "abcdef"}, "Enter at most 5 characters."),
        ({"count": 0}, "Enter a value of at least 1."),
        ({"count": 11}, "Enter a value of at most 10."),
        ({"count": "many"}, "Enter a whole number."),
        ({"ratio": "half"}, "Enter a number."),
        ({"flag": "perhaps"}, "Enter true or false."),
        ({"kind": "c"}, "Choose one of: 'a', 'b'."),
        ({"tags": ["x", "y", "z"]}, "Give at most 2 items."),
        ({"tags": "x"}, "Give a list of values."),
        ({"day": "yesterday"}, "Enter a date in ISO 8601 format, such as 2026-05-01."),
        ({"site": "not a url"}, "Enter a valid URL."),
        ({"surplus": 1}, "This field is not expected here."),
    ],
)
def test_each_error_type_gets_its_own_sentence(changes: dict[str, object], expected: str) -> None:
    with translation.override("en"):
        assert errors_for(**changes) == [expected]


def test_a_missing_field_is_required() -> None:
    data = dict(VALID)
    del data["name"]
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        Sample.model_validate(data)
    assert [message_for(error) for error in caught.value.errors()] == ["This field is required."]


def test_an_unknown_error_type_falls_back_to_a_general_sentence() -> None:
    with translation.override("en"):
        assert message_for({"type": "no_such_type", "msg": "English"}) == "This value is not valid."


@pytest.mark.django_db
def test_the_api_names_the_field_with_a_translated_sentence(client: Client) -> None:
    response = client.get("/api/v1/skills", {"page": "abc"})
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert {"field": "page", "message": "Enter a whole number."} in fields


@pytest.mark.django_db
def test_the_field_message_follows_the_requested_language(client: Client) -> None:
    response = client.get("/api/v1/skills", {"page": "abc", "uselang": "es"})
    fields = response.json()["error"]["fields"]
    assert {"field": "page", "message": "Introduce un número entero."} in fields
