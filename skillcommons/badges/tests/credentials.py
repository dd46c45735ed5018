"""Shared test data: the 1EdTech vector and an Open Badges 3.0 credential built for tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

from skillcommons.badges.contexts import DATA_DIR

VECTOR_DIR = DATA_DIR / "test-vector"
CREATED = datetime(2026, 11, 23, 7, 0, 0, tzinfo=UTC)


@cache
def _vector() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTOR_DIR / "vector.json").read_text(encoding="utf-8"))
    return data


def vector() -> dict[str, Any]:
    """A fresh copy of the 1EdTech test vector."""
    return json.loads(json.dumps(_vector()))  # type: ignore[no-any-return]


def open_badge_credential(
    issuer: str, *, subject: str = "https://skillcommons.example/people/asha"
) -> dict[str, Any]:
    """An unsigned OB 3.0 OpenBadgeCredential as the app will issue it."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:6f1f8c3e-2f0a-4c55-9d53-0d1c9e1a7b10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Wikimedia Skillcommons"},
        "validFrom": "2026-11-23T07:00:00Z",
        "name": "Wikidata query mentor",
        "credentialSubject": {
            "id": subject,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://skillcommons.example/achievements/wikidata-query-mentor",
                "type": ["Achievement"],
                "name": "Wikidata query mentor",
                "description": "Mentored three peers through their first SPARQL queries.",
                "criteria": {"narrative": "Complete three mentoring exchanges on SPARQL."},
            },
        },
    }
