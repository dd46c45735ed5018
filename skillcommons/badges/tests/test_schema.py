from typing import Any

import pytest

from skillcommons.badges.schema import schema_problems
from skillcommons.badges.signing import (
    did_key,
    did_key_verification_method,
    private_key_from_seed,
    sign_credential,
)

from .credentials import CREATED, open_badge_credential, vector

pytestmark = pytest.mark.usefixtures("no_network")


def _signed() -> dict[str, Any]:
    key = private_key_from_seed(bytes(range(32)))
    return sign_credential(
        open_badge_credential(did_key(key.public_key())),
        private_key=key,
        verification_method=did_key_verification_method(key.public_key()),
        created=CREATED,
    )


def test_the_credential_we_build_and_sign_validates() -> None:
    assert schema_problems(_signed()) == []


def test_the_1edtech_vector_credential_validates() -> None:
    assert schema_problems(vector()["unsigned_credential"]) == []


def test_a_credential_without_subject_fails_with_a_readable_message() -> None:
    credential = _signed()
    del credential["credentialSubject"]
    problems = schema_problems(credential)
    assert len(problems) == 1
    assert "'credentialSubject' is a required property" in str(problems[0])


def test_a_problem_names_where_it_is() -> None:
    credential = _signed()
    credential["credentialSubject"]["achievement"]["criteria"] = "not an object"
    problems = schema_problems(credential)
    assert problems
    assert problems[0].path == "credentialSubject.achievement.criteria"


def test_not_json_object_is_a_problem_not_a_crash() -> None:
    problems = schema_problems(["a", "list"])
    assert problems and problems[0].path == "(the credential itself)"
