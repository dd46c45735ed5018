"""JSON API of badge issuing (mounted under /api/v1/ by config/api.py).

Reads follow the pages' gates: issuers and active achievements are public; a credential is seen by
its recipient, by everyone once the recipient made it public, and by those who manage its issuer.
Writes need a signed-in session or an API token and go through ``actions``; the acting person must
hold the issuer role (``PermissionDenied`` → 403 otherwise).
"""

# No ``from __future__ import annotations``: django-ninja reads the endpoints' annotations at
# import time.
import base64
import binascii
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from skillcommons.core.api import PUBLIC, SIGNED_IN, ErrorResponse, PagePagination
from skillcommons.organizations.models import Organization
from skillcommons.taxonomy.models import Skill

from . import actions, issuers
from .actions import MAX_CSV_BYTES, MAX_REASON, AchievementText
from .credentials import Evidence, achievement_url
from .images import MAX_IMAGE_BYTES
from .models import Achievement, Credential, ImportedCredential, Issuer, IssuingRule

router = Router(tags=["badges"])

ERRORS: dict[int, type[Schema]] = {
    400: ErrorResponse,
    401: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    422: ErrorResponse,
}


# --- schemas -------------------------------------------------------------------------------------


class KeyOut(Schema):
    id: str
    public_key_multibase: str
    is_active: bool
    created_at: datetime
    retired_at: datetime | None


class IssuerOut(Schema):
    slug: str
    name: str
    did: str
    did_document_url: str
    profile_url: str
    is_platform: bool
    organization: str | None
    is_active: bool
    can_issue: bool


class IssuerDetailOut(IssuerOut):
    description: str
    keys: list[KeyOut]


class TextOut(Schema):
    locale: str
    name: str
    description: str
    criteria: str


class AchievementOut(Schema):
    id: UUID
    url: str
    issuer: str
    name: str
    default_locale: str
    texts: list[TextOut]
    image_url: str
    image_type: str
    skills: list[str]
    level: int | None
    is_active: bool


class EvidenceIn(Schema):
    url: str = Field(max_length=500)
    name: str = Field("", max_length=200)


class AwardIn(Schema):
    username: str = Field(max_length=150)
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=10)
    valid_until: datetime | None = None
    identity: str = Field("profile", description="profile (the profile address) or email")


class CsvIn(Schema):
    csv: str = Field(
        max_length=MAX_CSV_BYTES,
        description="Columns username (required), evidence_url, valid_until, identity.",
    )


class CredentialOut(Schema):
    id: UUID
    url: str
    achievement: UUID
    name: str
    issuer: str
    recipient: str
    valid_from: datetime
    valid_until: datetime | None
    visibility: str
    revoked: bool
    revoked_at: datetime | None
    revocation_reason: str | None
    share_url: str | None
    document: dict[str, Any]


class RevokeIn(Schema):
    reason: str = Field(max_length=MAX_REASON)


class VisibilityIn(Schema):
    visibility: str = Field(description="private, link or public")


class TextIn(Schema):
    locale: str = Field(max_length=35)
    name: str = Field(max_length=200)
    description: str = Field(max_length=2000)
    criteria: str = Field(max_length=5000)


class AchievementIn(Schema):
    texts: list[TextIn] = Field(max_length=50)
    default_locale: str = Field("", max_length=35)
    image_base64: str = Field(
        max_length=MAX_IMAGE_BYTES * 4 // 3 + 8, description="A PNG or SVG image, base64."
    )
    skills: list[str] = Field(default_factory=list, max_length=50, description="Skill codes.")
    level: int | None = Field(None, ge=0, le=4)


class RuleIn(Schema):
    outcome_kind: str = Field(max_length=64)
    achievement: UUID
    skill: str | None = Field(None, description="A skill code, or leave out for any skill.")
    valid_days: int | None = Field(None, ge=1, le=36500)


class RuleOut(Schema):
    id: int
    outcome_kind: str
    skill: str | None
    achievement: UUID
    valid_days: int | None


# --- helpers -------------------------------------------------------------------------------------


def _issuer_out(request: HttpRequest, issuer: Issuer, *, detail: bool = False) -> dict[str, Any]:
    found: dict[str, Any] = {
        "slug": issuer.slug,
        "name": issuer.name,
        "did": issuers.issuer_did(issuer),
        "did_document_url": issuers.did_document_url(issuer),
        "profile_url": issuers.profile_url(issuer),
        "is_platform": issuer.is_platform,
        "organization": issuer.organization.slug if issuer.organization else None,
        "is_active": issuer.is_active,
        "can_issue": issuer.can_issue(request.user),
    }
    if detail:
        found["description"] = issuer.description
        found["keys"] = [
            {
                "id": issuers.verification_method_id(issuer, key),
                "public_key_multibase": key.public_key_multibase,
                "is_active": key.is_active,
                "created_at": key.created_at,
                "retired_at": key.retired_at,
            }
            for key in issuers.published_keys(issuer)
        ]
    return found


def _achievement_out(achievement: Achievement) -> dict[str, Any]:
    text = achievement.translation()
    return {
        "id": achievement.public_id,
        "url": achievement_url(achievement),
        "issuer": achievement.issuer.slug,
        "name": text.name if text else "",
        "default_locale": achievement.default_locale,
        "texts": [
            {
                "locale": t.locale,
                "name": t.name,
                "description": t.description,
                "criteria": t.criteria,
            }
            for t in achievement.translations.all()
        ],
        "image_url": achievement_url(achievement).removesuffix("/") + "/image",
        "image_type": achievement.image_type,
        "skills": [skill.code for skill in achievement.skills.all()],
        "level": achievement.level,
        "is_active": achievement.is_active,
    }


def _credential_out(request: HttpRequest, credential: Credential) -> dict[str, Any]:
    user = request.user
    insider = (user.is_authenticated and credential.recipient_id == user.pk) or (
        credential.issuer.can_issue(user)
    )
    return {
        "id": credential.public_id,
        "url": credential.get_absolute_url(),
        "achievement": credential.achievement.public_id,
        "name": str(credential.document.get("name", "")),
        "issuer": credential.issuer.slug,
        "recipient": credential.recipient.username,
        "valid_from": credential.valid_from,
        "valid_until": credential.valid_until,
        "visibility": credential.visibility,
        "revoked": credential.is_revoked,
        "revoked_at": credential.revoked_at,
        "revocation_reason": credential.revocation_reason if insider else None,
        "share_url": credential.share_url
        if credential.visibility != Credential.Visibility.PRIVATE
        else None,
        "document": credential.document,
    }


def _visible_issuer(request: HttpRequest, slug: str) -> Issuer:
    return get_object_or_404(
        Issuer.objects.visible_to(request.user).select_related("organization"), slug=slug
    )


def _achievement(request: HttpRequest, public_id: UUID) -> Achievement:
    return get_object_or_404(
        Achievement.objects.visible_to(request.user).with_translations(), public_id=public_id
    )


def _credential(request: HttpRequest, public_id: UUID) -> Credential:
    gate = Credential.objects.visible_to(request.user).values("pk")
    issued = Credential.objects.issued_by(request.user).values("pk")
    return get_object_or_404(
        Credential.objects.filter(Q(pk__in=gate) | Q(pk__in=issued)).select_related(
            "achievement", "issuer", "issuer__organization", "recipient"
        ),
        public_id=public_id,
    )


def _me(request: HttpRequest) -> Any:
    return request.user


def _skills(codes: list[str]) -> list[Skill]:
    found = list(Skill.objects.visible_to(None).filter(code__in=codes))
    missing = sorted(set(codes) - {skill.code for skill in found})
    if missing:
        raise ValidationError(_("There is no skill with the code %(code)s.") % {"code": missing[0]})
    return found


# --- issuers -------------------------------------------------------------------------------------


@router.get(
    "/badges/issuers",
    response={200: list[IssuerOut], **ERRORS},
    auth=PUBLIC,
    summary="Badge issuers",
)
def list_issuers(request: HttpRequest) -> Any:
    found = Issuer.objects.visible_to(request.user).select_related("organization")
    return [_issuer_out(request, issuer) for issuer in found]


@router.get(
    "/badges/issuers/{slug}",
    response={200: IssuerDetailOut, **ERRORS},
    auth=PUBLIC,
    summary="A badge issuer with its keys",
)
def get_issuer(request: HttpRequest, slug: str) -> Any:
    return _issuer_out(request, _visible_issuer(request, slug), detail=True)


@router.post(
    "/organizations/{slug}/badge-issuer",
    response={201: IssuerDetailOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Let an organization issue badges (its organizers, coordinators)",
)
def enable_issuer(request: HttpRequest, slug: str) -> Any:
    organization = get_object_or_404(Organization.objects.visible_to(request.user), slug=slug)
    issuer = actions.enable_issuing(organization=organization, by=_me(request))
    return Status(201, _issuer_out(request, issuer, detail=True))


@router.post(
    "/badges/issuers/{slug}/keys/rotate",
    response={200: IssuerDetailOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Make a new key sign new badges; old keys stay published",
)
def rotate_key(request: HttpRequest, slug: str) -> Any:
    issuer = _visible_issuer(request, slug)
    actions.rotate_issuer_key(issuer=issuer, by=_me(request))
    return _issuer_out(request, issuer, detail=True)


@router.get(
    "/badges/issuers/{slug}/rules",
    response={200: list[RuleOut], **ERRORS},
    auth=SIGNED_IN,
    summary="Issuing rules (the issuer's managers)",
)
def list_rules(request: HttpRequest, slug: str) -> Any:
    issuer = _visible_issuer(request, slug)
    if not issuer.can_issue(request.user):
        raise HttpError(
            403, _("You do not hold the issuer role for %(issuer)s.") % {"issuer": issuer.name}
        )
    rules = IssuingRule.objects.visible_to(request.user).filter(issuer=issuer)
    return [_rule_out(rule) for rule in rules.select_related("skill", "achievement")]


def _rule_out(rule: IssuingRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "outcome_kind": rule.outcome_kind,
        "skill": rule.skill.code if rule.skill else None,
        "achievement": rule.achievement.public_id,
        "valid_days": rule.valid_days,
    }


@router.post(
    "/badges/issuers/{slug}/rules",
    response={201: RuleOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Add an issuing rule: outcome kind (and skill) → achievement",
)
def create_rule(request: HttpRequest, slug: str, payload: RuleIn) -> Any:
    issuer = _visible_issuer(request, slug)
    if not issuer.can_issue(request.user):
        raise HttpError(
            403, _("You do not hold the issuer role for %(issuer)s.") % {"issuer": issuer.name}
        )
    achievement = get_object_or_404(Achievement, public_id=payload.achievement, issuer=issuer)
    skill = _skills([payload.skill])[0] if payload.skill else None
    rule = actions.create_rule(
        issuer=issuer,
        by=_me(request),
        outcome_kind=payload.outcome_kind,
        achievement=achievement,
        skill=skill,
        valid_days=payload.valid_days,
    )
    return Status(201, _rule_out(rule))


@router.delete(
    "/badges/issuers/{slug}/rules/{rule_id}",
    response={204: None, **ERRORS},
    auth=SIGNED_IN,
    summary="Remove an issuing rule",
)
def delete_rule(request: HttpRequest, slug: str, rule_id: int) -> Any:
    rule = get_object_or_404(
        IssuingRule.objects.visible_to(request.user), pk=rule_id, issuer__slug=slug
    )
    actions.delete_rule(rule=rule, by=_me(request))
    return Status(204, None)


# --- achievements --------------------------------------------------------------------------------


@router.get(
    "/badges/achievements",
    response={200: list[AchievementOut], **ERRORS},
    auth=PUBLIC,
    summary="Achievements (badge classes)",
)
@paginate(PagePagination)
def list_achievements(request: HttpRequest, issuer: str | None = None) -> Any:
    found = Achievement.objects.listed_for(request.user).with_translations()
    if issuer:
        found = found.filter(issuer__slug=issuer)
    return [_achievement_out(a) for a in found.prefetch_related("skills")]


@router.get(
    "/badges/achievements/{public_id}",
    response={200: AchievementOut, **ERRORS},
    auth=PUBLIC,
    summary="An achievement in every language it has",
)
def get_achievement(request: HttpRequest, public_id: UUID) -> Any:
    return _achievement_out(_achievement(request, public_id))


@router.post(
    "/badges/issuers/{slug}/achievements",
    response={201: AchievementOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Create an achievement (the issuer role)",
)
def create_achievement(request: HttpRequest, slug: str, payload: AchievementIn) -> Any:
    issuer = _visible_issuer(request, slug)
    if not issuer.can_issue(request.user):
        raise HttpError(
            403, _("You do not hold the issuer role for %(issuer)s.") % {"issuer": issuer.name}
        )
    try:
        image = base64.b64decode(payload.image_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(_("The image is not valid base64.")) from None
    achievement = actions.create_achievement(
        issuer=issuer,
        by=_me(request),
        texts=[AchievementText(t.locale, t.name, t.description, t.criteria) for t in payload.texts],
        image=image,
        default_locale=payload.default_locale,
        skills=_skills(payload.skills),
        level=payload.level,
    )
    return Status(201, _achievement_out(achievement))


# --- credentials ---------------------------------------------------------------------------------


def _awardable(request: HttpRequest, public_id: UUID) -> Achievement:
    achievement = _achievement(request, public_id)
    if not achievement.issuer.can_issue(request.user):
        raise HttpError(
            403,
            _("You do not hold the issuer role for %(issuer)s.")
            % {"issuer": achievement.issuer.name},
        )
    return achievement


@router.post(
    "/badges/achievements/{public_id}/awards",
    response={201: CredentialOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Award an achievement to one person (the issuer role)",
)
def award(request: HttpRequest, public_id: UUID, payload: AwardIn) -> Any:
    # Check the role before looking anyone up, so the endpoint cannot probe user names.
    achievement = _awardable(request, public_id)
    recipient = get_user_model().objects.filter(username=payload.username, is_active=True).first()
    if recipient is None:
        raise ValidationError(
            _("Nobody here has the user name %(username)s.") % {"username": payload.username}
        )
    credential = actions.award_badge(
        achievement=achievement,
        recipient=recipient,
        by=_me(request),
        evidence=[Evidence(url=e.url, name=e.name) for e in payload.evidence],
        valid_until=payload.valid_until,
        recipient_kind=payload.identity,
    )
    return Status(201, _credential_out(request, credential))


@router.post(
    "/badges/achievements/{public_id}/awards/csv",
    response={201: list[CredentialOut], **ERRORS},
    auth=SIGNED_IN,
    summary="Award an achievement to everyone in a CSV text: all rows or none",
)
def award_csv(request: HttpRequest, public_id: UUID, payload: CsvIn) -> Any:
    achievement = _awardable(request, public_id)
    awarded = actions.award_badges_from_csv(
        achievement=achievement, by=_me(request), data=payload.csv.encode("utf-8")
    )
    return Status(201, [_credential_out(request, c) for c in awarded])


@router.get(
    "/people/{username}/badges",
    response={200: list[CredentialOut], **ERRORS},
    auth=PUBLIC,
    summary="A person's badges: all of them for the person, public ones for everyone else",
)
@paginate(PagePagination)
def person_badges(request: HttpRequest, username: str) -> Any:
    person = get_object_or_404(get_user_model(), username=username, is_active=True)
    found = (
        Credential.objects.visible_to(request.user)
        .filter(recipient=person)
        .select_related("achievement", "issuer", "issuer__organization", "recipient")
    )
    if request.user.pk != person.pk:
        found = found.filter(revoked_at__isnull=True)
    return [_credential_out(request, c) for c in found]


@router.get(
    "/badges/credentials/{public_id}",
    response={200: CredentialOut, **ERRORS},
    auth=PUBLIC,
    summary="A credential with its signed document",
)
def get_credential(request: HttpRequest, public_id: UUID) -> Any:
    return _credential_out(request, _credential(request, public_id))


@router.post(
    "/badges/credentials/{public_id}/revoke",
    response={200: CredentialOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Revoke a credential with a reason (the issuer role)",
)
def revoke(request: HttpRequest, public_id: UUID, payload: RevokeIn) -> Any:
    credential = get_object_or_404(
        Credential.objects.issued_by(request.user).select_related("issuer", "recipient"),
        public_id=public_id,
    )
    actions.revoke_credential(credential=credential, by=_me(request), reason=payload.reason)
    return _credential_out(request, credential)


@router.post(
    "/badges/credentials/{public_id}/visibility",
    response={200: CredentialOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Choose who sees one of your badges: private, link or public",
)
def set_visibility(request: HttpRequest, public_id: UUID, payload: VisibilityIn) -> Any:
    credential = get_object_or_404(
        Credential.objects.visible_to(request.user).filter(recipient_id=request.user.pk),
        public_id=public_id,
    )
    actions.set_credential_visibility(
        credential=credential, by=_me(request), visibility=payload.visibility
    )
    return _credential_out(request, credential)


# --- imported credentials ------------------------------------------------------------------------


class ImportIn(Schema):
    text: str | None = Field(
        None, max_length=200_000, description="The credential as JSON text, or a VC-JWT."
    )
    image_base64: str | None = Field(
        None, max_length=3_000_000, description="Or a baked PNG/SVG (or JSON file), base64."
    )
    documents: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=10,
        description='The issuer\'s documents: [{"url": ..., "document": {...}}]. Never fetched.',
    )


class ImportedOut(Schema):
    id: UUID
    name: str
    issuer_name: str
    issuer_id: str
    verdict: str
    checked_at: datetime
    is_public: bool
    document: dict[str, Any]


class ImportedVisibilityIn(Schema):
    is_public: bool


def _imported_out(imported: ImportedCredential) -> dict[str, Any]:
    return {
        "id": imported.public_id,
        "name": imported.name,
        "issuer_name": imported.issuer_name,
        "issuer_id": imported.issuer_id,
        "verdict": imported.verdict,
        "checked_at": imported.checked_at,
        "is_public": imported.is_public,
        "document": imported.document,
    }


@router.post(
    "/badges/imported",
    response={201: ImportedOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Verify an OB 3.0 credential from another issuer and add it to your badges",
)
def import_credential(request: HttpRequest, payload: ImportIn) -> Any:
    from . import verification

    if (payload.text is None) == (payload.image_base64 is None):
        raise ValidationError(_("Give either text or image_base64."))
    data = None
    if payload.image_base64 is not None:
        try:
            data = base64.b64decode(payload.image_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError(_("The image is not valid base64.")) from None
    try:
        supplied = verification.supplied_documents(payload.documents) if payload.documents else {}
    except verification.InputProblemError as problem:
        raise ValidationError(str(problem)) from None
    imported = actions.import_credential(
        owner=_me(request), data=data, text=payload.text, supplied=supplied
    )
    return Status(201, _imported_out(imported))


@router.get(
    "/people/{username}/badges/imported",
    response={200: list[ImportedOut], **ERRORS},
    auth=PUBLIC,
    summary="Badges a person added from other issuers (public ones, or all for the person)",
)
def person_imported(request: HttpRequest, username: str) -> Any:
    person = get_object_or_404(get_user_model(), username=username, is_active=True)
    found = ImportedCredential.objects.visible_to(request.user).filter(owner=person)
    return [_imported_out(item) for item in found]


def _own_import(request: HttpRequest, public_id: UUID) -> ImportedCredential:
    return get_object_or_404(
        ImportedCredential.objects.filter(owner_id=request.user.pk), public_id=public_id
    )


@router.post(
    "/badges/imported/{public_id}/visibility",
    response={200: ImportedOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Show an imported badge to everyone, or only to you",
)
def imported_visibility(
    request: HttpRequest, public_id: UUID, payload: ImportedVisibilityIn
) -> Any:
    imported = _own_import(request, public_id)
    actions.set_imported_visibility(imported=imported, by=_me(request), is_public=payload.is_public)
    return _imported_out(imported)


@router.delete(
    "/badges/imported/{public_id}",
    response={204: None, **ERRORS},
    auth=SIGNED_IN,
    summary="Remove an imported badge",
)
def imported_remove(request: HttpRequest, public_id: UUID) -> Any:
    actions.remove_imported(imported=_own_import(request, public_id), by=_me(request))
    return Status(204, None)


class AchievementPatch(Schema):
    texts: list[TextIn] | None = Field(None, max_length=50)
    default_locale: str | None = Field(None, max_length=35)
    image_base64: str | None = Field(None, max_length=MAX_IMAGE_BYTES * 4 // 3 + 8)
    skills: list[str] | None = Field(None, max_length=50)
    level: int | None = Field(None, ge=0, le=4)
    is_active: bool | None = None


@router.patch(
    "/badges/achievements/{public_id}",
    response={200: AchievementOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Change an achievement (the issuer role); badges already issued keep their text",
)
def update_achievement(request: HttpRequest, public_id: UUID, payload: AchievementPatch) -> Any:
    achievement = _awardable(request, public_id)
    changes = payload.dict(exclude_unset=True)
    texts = (
        [AchievementText(t.locale, t.name, t.description, t.criteria) for t in payload.texts]
        if payload.texts is not None
        else [
            AchievementText(t.locale, t.name, t.description, t.criteria)
            for t in achievement.translations.all()
        ]
    )
    image = None
    if payload.image_base64 is not None:
        try:
            image = base64.b64decode(payload.image_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError(_("The image is not valid base64.")) from None
    skills = (
        _skills(payload.skills) if payload.skills is not None else list(achievement.skills.all())
    )
    actions.update_achievement(
        achievement=achievement,
        by=_me(request),
        texts=texts,
        default_locale=payload.default_locale or achievement.default_locale,
        image=image,
        skills=skills,
        level=changes.get("level", achievement.level),
        is_active=achievement.is_active if payload.is_active is None else payload.is_active,
    )
    return _achievement_out(_achievement(request, public_id))
