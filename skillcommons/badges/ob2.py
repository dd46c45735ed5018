"""Open Badges 2.0 for older backpacks: hosted assertions and PNGs baked with their URL.

Each award also exists as an OB 2.0 ``Assertion`` with ``"verification": {"type": "hosted"}``,
served at a stable address of this site; it points at an OB 2.0 ``BadgeClass`` (the achievement)
which points at an OB 2.0 ``Issuer`` profile. A baked PNG carries the assertion's URL in an
uncompressed ``iTXt`` chunk with the keyword ``openbadges`` (OB 2.0 "Baking Specification"), so a
2.0 backpack fetches the assertion and sees whether it is still good. A revoked award answers
``410 Gone`` with ``{"revoked": true, "revocationReason": ...}``, as OB 2.0 asks.

Only awards that are not private have hosted assertions (a 2.0 backpack fetches them without
signing in). The OB 3.0 credential stays the authoritative, signed record.
"""

from __future__ import annotations

import io
from html import escape
from typing import Any

import png
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext

from . import baking, credentials, issuers
from .models import Achievement, Credential, Issuer
from .signing import format_datetime

OB2_CONTEXT = "https://w3id.org/openbadges/v2"


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def assertion_url(credential: Credential) -> str:
    return _absolute(reverse("badges_verify:ob2_assertion", args=[credential.public_id]))


def badge_class_url(achievement: Achievement) -> str:
    return _absolute(reverse("badges_verify:ob2_badge_class", args=[achievement.public_id]))


def issuer_url(issuer: Issuer) -> str:
    return _absolute(reverse("badges_verify:ob2_issuer", args=[issuer.slug]))


def baked_url(credential: Credential) -> str:
    return _absolute(reverse("badges_verify:ob2_baked", args=[credential.public_id]))


def _format(moment: Any) -> str:
    return format_datetime(moment)


def issuer_document(issuer: Issuer) -> dict[str, Any]:
    """The OB 2.0 ``Issuer`` profile."""
    document: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": issuer_url(issuer),
        "name": issuer.name,
        "url": issuers.profile_url(issuer),
    }
    if issuer.email:
        document["email"] = issuer.email
    if issuer.description:
        document["description"] = issuer.description
    return document


def badge_class_document(achievement: Achievement, locale: str | None = None) -> dict[str, Any]:
    """The OB 2.0 ``BadgeClass`` of an achievement, in the best language for ``locale``."""
    ob3 = credentials.achievement_document(achievement, locale)
    document: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_url(achievement),
        "name": ob3["name"],
        "description": ob3["description"] or ob3["name"],
        "image": credentials.achievement_image_url(achievement),
        "criteria": {
            "id": credentials.achievement_url(achievement),
            "narrative": ob3["criteria"]["narrative"],
        },
        "issuer": issuer_url(achievement.issuer),
    }
    alignment = [
        {
            "targetName": item["targetName"],
            "targetUrl": item["targetUrl"],
            **({"targetCode": item["targetCode"]} if item.get("targetCode") else {}),
            "targetFramework": item["targetFramework"],
        }
        for item in ob3.get("alignment", [])
    ]
    if alignment:
        document["alignment"] = alignment
    if ob3.get("tag"):
        document["tags"] = list(ob3["tag"])
    return document


def _recipient(credential: Credential) -> dict[str, Any]:
    if credential.recipient_kind == Credential.RecipientKind.EMAIL:
        return {
            "type": "email",
            "hashed": True,
            "salt": credential.recipient_salt,
            "identity": credential.recipient_identity_hash,
        }
    subject = credential.document.get("credentialSubject", {})
    return {"type": "url", "hashed": False, "identity": str(subject.get("id", ""))}


def assertion_document(credential: Credential) -> dict[str, Any]:
    """The OB 2.0 hosted ``Assertion`` of an award (or, if revoked, the revocation notice)."""
    url = assertion_url(credential)
    if credential.is_revoked:
        return {
            "@context": OB2_CONTEXT,
            "type": "Assertion",
            "id": url,
            "revoked": True,
            "revocationReason": credential.revocation_reason
            or gettext("The issuer revoked this badge."),
        }
    document: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": url,
        "recipient": _recipient(credential),
        "badge": badge_class_url(credential.achievement),
        "verification": {"type": "hosted"},
        "issuedOn": _format(credential.valid_from),
        "image": baked_url(credential),
    }
    if credential.valid_until is not None:
        document["expires"] = _format(credential.valid_until)
    evidence = [
        {"id": item["url"], **({"name": item["name"]} if item.get("name") else {})}
        for item in credential.evidence
        if isinstance(item, dict) and item.get("url")
    ]
    if evidence:
        document["evidence"] = evidence
    return document


def bake_png_ob2(image: bytes, assertion: str) -> bytes:
    """A copy of the PNG carrying ``assertion`` (its URL) under the OB 2.0 keyword ``openbadges``."""
    chunks = baking._png_chunks(image)
    if baking._png_credentials(chunks):
        raise baking.BakingError(
            baking.BakingProblem.ALREADY_BAKED,
            gettext("The image already carries a badge credential."),
        )
    end = next(i for i, (kind, _body) in enumerate(chunks) if kind == b"IEND")
    chunks.insert(end, (b"iTXt", baking._itxt(baking.OB2_PNG_KEYWORD, assertion)))
    output = io.BytesIO()
    png.write_chunks(output, chunks[: end + 2])
    return output.getvalue()


def bake_svg_ob2(image: bytes, assertion: str) -> bytes:
    """A copy of the SVG with ``<openbadges:assertion verify="URL"/>`` as the root's first child
    (OB 2.0 SVG baking); the rest of the file is kept byte for byte."""
    text = baking._svg_text(image)
    root = baking._svg_root(text)
    if baking._svg_credentials(root):
        raise baking.BakingError(
            baking.BakingProblem.ALREADY_BAKED,
            gettext("The image already carries a badge credential."),
        )
    position = 0
    while match := baking._PROLOG_ITEM.match(text, position):
        position = match.end()
    start = baking._START_TAG.search(text, position)
    if start is None:  # pragma: no cover - the parser accepted a root element
        raise baking.BakingError(
            baking.BakingProblem.DAMAGED, gettext("The SVG image is not well-formed XML.")
        )
    name, attributes = start.group("name"), start.group("attributes")
    self_closing = attributes.rstrip().endswith("/")
    if self_closing:
        attributes = attributes.rstrip()[:-1]
    element = (
        f'<openbadges:assertion xmlns:openbadges="{baking.OB2_SVG_NAMESPACE}" '
        f'verify="{escape(assertion)}"/>'
    )
    closing = f"</{name}>" if self_closing else ""
    baked = text[: start.start()] + f"<{name}{attributes}>" + element + closing
    return (baked + text[start.end() :]).encode("utf-8")


def baked_image(credential: Credential) -> tuple[bytes, str]:
    """The award's image baked for OB 2.0 backpacks (the hosted assertion's URL inside), and its
    content type."""
    achievement = credential.achievement
    if achievement.image_type == Achievement.ImageType.SVG:
        return bake_svg_ob2(bytes(achievement.image), assertion_url(credential)), "image/svg+xml"
    return bake_png_ob2(bytes(achievement.image), assertion_url(credential)), "image/png"


def hosted_credentials() -> Any:
    """Awards that have a hosted OB 2.0 assertion: all but private ones."""
    return Credential.objects.exclude(visibility=Credential.Visibility.PRIVATE)
