"""Awards issued through the app's own actions, for the verification, OB 2.0 and endorsement
tests (database needed)."""

from __future__ import annotations

import io
from typing import Any

import png

from skillcommons.accounts.models import User
from skillcommons.accounts.tests.factories import make_user
from skillcommons.badges import actions
from skillcommons.badges.models import Achievement, Credential


def png_image() -> bytes:
    output = io.BytesIO()
    png.Writer(4, 4, greyscale=True).write(output, [[0, 85, 170, 255]] * 4)
    return output.getvalue()


def coordinator() -> User:
    return make_user(username="B2 Coordinator", is_superuser=True)


def achievement(*, image: bytes | None = None) -> Achievement:
    issuer = actions.ensure_platform_issuer()
    return actions.create_achievement(
        issuer=issuer,
        by=None,
        texts=[
            actions.AchievementText(
                locale="en",
                name="Wikidata query mentor",
                description="Mentored peers through their first SPARQL queries.",
                criteria="Complete three mentoring exchanges on SPARQL.",
            )
        ],
        image=image or png_image(),
    )


def award(
    *,
    recipient: User | None = None,
    visibility: str = Credential.Visibility.PUBLIC,
    of: Achievement | None = None,
    **kwargs: Any,
) -> Credential:
    by = coordinator()
    credential = actions.award_badge(
        achievement=of or achievement(),
        recipient=recipient or make_user(username="Asha", email="asha@example.org"),
        by=by,
        **kwargs,
    )
    if visibility != credential.visibility:
        credential = actions.set_credential_visibility(
            credential=credential, by=credential.recipient, visibility=visibility
        )
    return credential


def revoke(credential: Credential, reason: str = "Awarded by mistake.") -> Credential:
    return actions.revoke_credential(credential=credential, by=coordinator(), reason=reason)
