"""Validation against the bundled Open Badges 3.0 ``AchievementCredential`` JSON schema.

The schema (JSON Schema draft 2019-09, the JSON-LD-compaction-tolerant variant) ships in
``data/schema/``; its ``$id`` is the official purl, but nothing is fetched: all its references are
internal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils.translation import gettext

# jsonschema ships no type information and the project has no stubs package for it.
from jsonschema import Draft201909Validator  # type: ignore[import-untyped]

from .contexts import DATA_DIR

SCHEMA_PATH = DATA_DIR / "schema" / "ob_v3p0_achievementcredential_schema.json"


@cache
def achievement_credential_schema() -> dict[str, Any]:
    """The parsed OB 3.0 AchievementCredential schema."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


@cache
def _validator() -> Draft201909Validator:
    schema = achievement_credential_schema()
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema)


@dataclass(frozen=True)
class SchemaProblem:
    """Where a credential breaks the schema (a JSON path such as ``credentialSubject.type``) and
    the validator's own explanation (in English: it comes from the jsonschema library)."""

    path: str
    detail: str

    def __str__(self) -> str:
        return gettext("%(path)s: %(detail)s") % {"path": self.path, "detail": self.detail}


def _path(parts: Any) -> str:
    rendered = ""
    for part in parts:
        rendered += f"[{part}]" if isinstance(part, int) else (f".{part}" if rendered else part)
    return rendered or gettext("(the credential itself)")


def schema_problems(document: Any) -> list[SchemaProblem]:
    """Every way ``document`` breaks the OB 3.0 AchievementCredential schema; empty if none.

    Problems are ordered by their place in the document so a reader sees them top to bottom.
    """
    errors = sorted(_validator().iter_errors(document), key=lambda e: [str(p) for p in e.path])
    return [SchemaProblem(path=_path(error.path), detail=error.message) for error in errors]
