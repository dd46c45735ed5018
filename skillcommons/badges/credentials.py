"""Building the OB 3.0 ``OpenBadgeCredential`` of an award from the models, and the documents that
describe achievements.

The credential carries, in this order of contexts, the W3C VC 2.0 context, the OB 3.0.3 context and
the 1EdTech extensions context (which defines the ``1EdTechJsonSchemaValidator2019`` schema type).
It names the OB 3.0 JSON schema in ``credentialSchema`` and a ``BitstringStatusListEntry`` in
``credentialStatus``. Signing happens in ``actions.py`` through ``signing.sign_credential``, which
refuses any term the contexts do not define.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from skillcommons.taxonomy.models import Skill
from skillcommons.taxonomy.proficiency import Proficiency

from .issuers import credential_issuer
from .models import Achievement, Issuer
from .schema import achievement_credential_schema
from .signing import format_datetime

CREDENTIAL_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
]
SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019"
SKILLS_FRAMEWORK = "Skillcommons skills"


@dataclass(frozen=True)
class Evidence:
    """A link showing what the badge was earned for."""

    url: str
    name: str = ""


def hash_identity(value: str, salt: str) -> str:
    """An OB 3.0 ``IdentityHash``: ``sha256$`` and the hex SHA-256 of the value then the salt."""
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


def new_salt() -> str:
    return secrets.token_hex(16)


def normalize_email(email: str) -> str:
    """E-mail addresses are hashed in lower case, so a verifier can match what a person types."""
    return email.strip().lower()


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def achievement_url(achievement: Achievement) -> str:
    return absolute(achievement.get_absolute_url())


def achievement_image_url(achievement: Achievement) -> str:
    return absolute(reverse("badges:achievement_image", args=[achievement.public_id]))


def skill_alignment(skill: Skill, locale: str) -> dict[str, Any]:
    """An OB 3.0 ``Alignment`` to a taxonomy skill: Wikidata is the target where the skill has an
    item, otherwise the skill's page here."""
    return {
        "type": ["Alignment"],
        "targetName": skill.label(locale),
        "targetUrl": skill.wikidata_url or absolute(skill.get_absolute_url()),
        "targetCode": skill.code,
        "targetFramework": SKILLS_FRAMEWORK,
    }


def achievement_document(achievement: Achievement, locale: str | None = None) -> dict[str, Any]:
    """The achievement as an OB 3.0 ``Achievement`` in one language (the best available)."""
    text = achievement.translation(locale or achievement.default_locale)
    language = text.locale if text else achievement.default_locale
    document: dict[str, Any] = {
        "id": achievement_url(achievement),
        "type": ["Achievement"],
        "achievementType": "Badge",
        "name": text.name if text else str(achievement.public_id),
        "description": text.description if text else "",
        "criteria": {"narrative": text.criteria if text else ""},
        "image": {"id": achievement_image_url(achievement), "type": "Image"},
        "inLanguage": language,
        "creator": credential_issuer(achievement.issuer),
    }
    skills = list(achievement.skills.all())
    if skills:
        document["alignment"] = [skill_alignment(skill, language) for skill in skills]
    if achievement.level is not None:
        with translation.override(language):
            document["tag"] = [str(Proficiency(achievement.level).label)]
    return document


def recipient_subject(
    *, profile_url: str | None, identity_hash: str = "", salt: str = ""
) -> dict[str, Any]:
    """The ``credentialSubject`` without its achievement: the person's profile address as ``id``,
    or a salted hashed e-mail as an ``IdentityObject`` (the address itself is never written)."""
    if profile_url:
        return {"id": profile_url, "type": ["AchievementSubject"]}
    return {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash,
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            }
        ],
    }


def open_badge_credential(
    *,
    credential_id: str,
    issuer: Issuer,
    achievement: dict[str, Any],
    subject: dict[str, Any],
    valid_from: datetime,
    valid_until: datetime | None,
    evidence: list[Evidence],
    status: dict[str, Any],
) -> dict[str, Any]:
    """The unsigned ``OpenBadgeCredential``."""
    credential: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXTS),
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": credential_issuer(issuer),
        "validFrom": format_datetime(valid_from),
        "name": achievement["name"],
        "credentialSubject": {**subject, "achievement": achievement},
        "credentialSchema": [
            {"id": achievement_credential_schema()["$id"], "type": SCHEMA_TYPE},
        ],
        "credentialStatus": status,
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    if evidence:
        credential["evidence"] = [
            {"id": item.url, "type": ["Evidence"], **({"name": item.name} if item.name else {})}
            for item in evidence
        ]
    return credential
