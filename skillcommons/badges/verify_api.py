"""The verification service and endorsements in the JSON API.

``POST /api/v1/badges/verify``: the verification service for scripts and other sites.

Give exactly one of ``credential`` (a JSON object, or a string: JSON text or a VC-JWT), ``image``
(a baked PNG or SVG, base64-encoded) or ``url`` (a badge of this site). The answer is always 200
with the verdict and every check when a credential was examined (even one that fails); bad
requests get the shared error format, and too many requests a 429.

``/api/v1/badges/endorsements``: list (by achievement or person), read, create and withdraw
endorsements; every list and read goes through ``Endorsement.objects.visible_to``.
"""

import base64
import binascii
import json
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from skillcommons.accounts.models import User
from skillcommons.core.api import PUBLIC, SIGNED_IN, ErrorResponse, PagePagination
from skillcommons.organizations.models import Organization
from skillcommons.taxonomy.models import Skill

from . import endorsements, verification
from .models import Achievement, Endorsement
from .verify_service import RateLimitedError, verify_request

router = Router(tags=["badges"])

#: base64 of the largest upload, with room for padding.
_MAX_IMAGE_CHARS = verification.MAX_UPLOAD_BYTES * 4 // 3 + 8


class SuppliedDocument(Schema):
    url: str = Field(max_length=500)
    document: dict[str, Any]


class VerifyIn(Schema):
    credential: dict[str, Any] | str | None = Field(
        None, description="The credential: a JSON object, JSON text, or a compact VC-JWT."
    )
    image: str | None = Field(
        None,
        max_length=_MAX_IMAGE_CHARS,
        description="A baked PNG or SVG badge, base64-encoded (at most 2 MB before encoding).",
    )
    url: str | None = Field(
        None, max_length=500, description="The address of a badge on this site."
    )
    email: str | None = Field(
        None, max_length=254, description="Compare with the recipient's email identity."
    )
    documents: list[SuppliedDocument] = Field(
        default_factory=list,
        max_length=10,
        description="Issuer DID documents or status lists of a badge from another site.",
    )


class CheckOut(Schema):
    name: str
    title: str
    status: str = Field(description="passed, failed, not_checked or not_applicable")
    explanation: str


class VerifyOut(Schema):
    verified: bool
    verdict: str = Field(
        description=(
            "verified, unreadable, not_authentic, invalid, not_yet_valid, expired, revoked, "
            "suspended, status_unknown or other_recipient"
        )
    )
    message: str
    format: str = Field(description="json (Data Integrity proof), vc-jwt, or empty if unreadable")
    checks: list[CheckOut]
    credential: dict[str, Any] | None


# No authentication class: the cookie one would demand a CSRF token from every script, and this
# endpoint writes nothing. A signed-in browser's session still identifies the viewer (Django's
# middleware), so the owner of a private badge can verify it by its address.
@router.post(
    "/badges/verify",
    auth=None,
    response={200: VerifyOut, 400: ErrorResponse, 422: ErrorResponse, 429: ErrorResponse},
    summary="Verify an Open Badges credential",
)
def verify(request: HttpRequest, payload: VerifyIn) -> dict[str, Any]:
    given = [
        name for name in ("credential", "image", "url") if getattr(payload, name) not in (None, "")
    ]
    if len(given) != 1:
        raise HttpError(400, _("Give exactly one of credential, image or url."))
    data: bytes | None = None
    text: str | None = None
    if payload.image is not None:
        try:
            data = base64.b64decode(payload.image, validate=True)
        except (binascii.Error, ValueError) as error:
            raise HttpError(400, _("The image is not valid base64.")) from error
    elif isinstance(payload.credential, dict):
        text = json.dumps(payload.credential)
    elif payload.credential is not None:
        text = payload.credential
    supplied = {item.url.split("#", 1)[0]: item.document for item in payload.documents}
    try:
        report = verify_request(
            request,
            data=data,
            text=text,
            url=payload.url,
            email=payload.email or None,
            supplied=supplied,
        )
    except RateLimitedError as error:
        raise HttpError(
            429, _("Too many verifications from your address; wait a minute and try again.")
        ) from error
    return report.as_dict()


# --- endorsements --------------------------------------------------------------------------------


class EndorsementOut(Schema):
    id: str
    url: str
    endorser: str
    organization: str | None
    achievement: str | None = Field(description="The endorsed achievement's public id")
    person: str | None = Field(description="The endorsed person's user name")
    skill: str | None = Field(description="The endorsed skill's code")
    comment: str
    is_public: bool
    withdrawn: bool
    created_at: datetime
    credential: dict[str, Any] = Field(description="The signed EndorsementCredential")


class EndorseIn(Schema):
    achievement: UUID | None = None
    person: str | None = Field(None, max_length=150)
    skill: str | None = Field(None, max_length=100, description="A skill code")
    comment: str = Field(max_length=2000)
    organization: int | None = Field(None, description="Endorse in this organization's name")


def _endorsement_out(endorsement: Endorsement) -> dict[str, Any]:
    return {
        "id": str(endorsement.public_id),
        "url": settings.SITE_URL + endorsement.get_absolute_url(),
        "endorser": endorsement.endorser.username,
        "organization": endorsement.organization.name if endorsement.organization else None,
        "achievement": str(endorsement.achievement.public_id) if endorsement.achievement else None,
        "person": endorsement.person.username if endorsement.person else None,
        "skill": endorsement.skill.code if endorsement.skill else None,
        "comment": endorsement.comment,
        "is_public": endorsement.is_public,
        "withdrawn": endorsement.is_withdrawn,
        "created_at": endorsement.created_at,
        "credential": endorsement.document,
    }


def _visible_endorsements(request: HttpRequest) -> QuerySet[Endorsement]:
    return Endorsement.objects.visible_to(request.user).select_related(
        "endorser", "organization", "achievement", "person", "skill"
    )


@router.get(
    "/badges/endorsements",
    auth=PUBLIC,
    response=list[EndorsementOut],
    summary="Endorsements of an achievement or of a person",
)
@paginate(PagePagination)
def list_endorsements(
    request: HttpRequest, achievement: UUID | None = None, person: str | None = None
) -> Any:
    found = _visible_endorsements(request)
    if achievement is not None:
        found = found.filter(achievement__public_id=achievement)
    if person is not None:
        found = found.filter(person__username=person)
    return [_endorsement_out(item) for item in found]


@router.get(
    "/badges/endorsements/{public_id}",
    auth=PUBLIC,
    response={200: EndorsementOut, 404: ErrorResponse},
    summary="One endorsement with its signed credential",
)
def get_endorsement(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    return _endorsement_out(get_object_or_404(_visible_endorsements(request), public_id=public_id))


@router.post(
    "/badges/endorsements",
    auth=SIGNED_IN,
    response={201: EndorsementOut, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse},
    summary="Endorse an achievement, or a person's skill",
)
def create_endorsement(request: HttpRequest, payload: EndorseIn) -> Status[dict[str, Any]]:
    user = request.user
    assert isinstance(user, User)
    organization = None
    if payload.organization is not None:
        organization = get_object_or_404(
            Organization.objects.visible_to(user), pk=payload.organization
        )
    if (payload.achievement is None) == (payload.person is None):
        raise HttpError(400, _("Give either an achievement, or a person and a skill."))
    if payload.achievement is not None:
        achievement = get_object_or_404(
            Achievement.objects.visible_to(user), public_id=payload.achievement
        )
        endorsement = endorsements.endorse_achievement(
            by=user, achievement=achievement, comment=payload.comment, organization=organization
        )
    else:
        if not payload.skill:
            raise HttpError(400, _("Name the skill you endorse."))
        person = get_object_or_404(User.objects.filter(is_active=True), username=payload.person)
        skill = get_object_or_404(Skill.objects.all(), code=payload.skill)
        endorsement = endorsements.endorse_skill(
            by=user, person=person, skill=skill, comment=payload.comment, organization=organization
        )
    return Status(201, _endorsement_out(endorsement))


@router.post(
    "/badges/endorsements/{public_id}/withdraw",
    auth=SIGNED_IN,
    response={200: EndorsementOut, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse},
    summary="Withdraw an endorsement (its status bit is set at once)",
)
def withdraw_endorsement(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    endorsement = get_object_or_404(_visible_endorsements(request), public_id=public_id)
    return _endorsement_out(endorsements.withdraw_endorsement(endorsement=endorsement, by=user))
