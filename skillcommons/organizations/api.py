"""JSON API endpoints of this app (mounted under /api/v1/ by config/api.py).

Reads are public and follow the pages' rules: organizers are listed, members only as far as their
membership's visibility reaches the caller, and ``member_count`` counts everyone without naming
anyone. Writes need a signed-in session or an API token and go through ``actions``.
"""

# No ``from __future__ import annotations``: django-ninja reads the endpoints' annotations at
# import time, and the paginated endpoint's Query[...] must be a real object, not a string.
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from skillcommons.core.api import PUBLIC, SIGNED_IN, ErrorResponse, PagePagination
from skillcommons.core.visibility import Visibility
from skillcommons.taxonomy.regions import REGION_CODES

from . import actions
from .models import Membership, Organization, OrganizationSkill
from .queries import (
    Filters,
    MemberLine,
    SkillLine,
    active_member_count,
    listing,
    organization_view,
    place,
)

router = Router(tags=["organizations"])

VISIBILITY_NAMES = {
    Visibility.PRIVATE: "private",
    Visibility.MEMBERS: "members",
    Visibility.PUBLIC: "public",
}
VISIBILITY_BY_NAME = {name: level for level, name in VISIBILITY_NAMES.items()}

ERRORS: dict[int, type[Schema]] = {
    400: ErrorResponse,
    401: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    422: ErrorResponse,
}


# --- Schemas -----------------------------------------------------------------------------------


class PlaceOut(Schema):
    code: str
    name: str


class LanguageRef(Schema):
    code: str
    name: str


class OrganizationFields(Schema):
    slug: str
    name: str
    kind: str
    kind_label: str
    is_active: bool
    country: PlaceOut | None
    region: PlaceOut | None
    languages: list[LanguageRef]
    member_count: int
    url: str


class OrganizationSummaryOut(OrganizationFields):
    """An organization in a list; read from the model through the resolvers."""

    @staticmethod
    def resolve_kind_label(obj: Organization) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_country(obj: Organization) -> dict[str, str] | None:
        return place(obj)["country"]

    @staticmethod
    def resolve_region(obj: Organization) -> dict[str, str] | None:
        return place(obj)["region"]

    @staticmethod
    def resolve_languages(obj: Organization) -> list[dict[str, str]]:
        return [{"code": lang.code, "name": lang.autonym} for lang in obj.languages.all()]

    @staticmethod
    def resolve_member_count(obj: Organization) -> int:
        annotated = getattr(obj, "member_count", None)
        return int(annotated) if annotated is not None else active_member_count(obj)

    @staticmethod
    def resolve_url(obj: Organization) -> str:
        return obj.get_absolute_url()


class SkillLineOut(Schema):
    code: str
    label: str
    level: int | None
    level_name: str
    note: str


class MemberOut(Schema):
    username: str
    url: str
    role: str


class MembershipOut(Schema):
    organization: str
    username: str
    role: str
    visibility: str


class OrganizationOut(OrganizationFields):
    description: str
    description_html: str
    website: str
    has: list[SkillLineOut]
    needs: list[SkillLineOut]
    organizers: list[MemberOut]
    members: list[MemberOut]
    your_membership: MembershipOut | None


class OrganizationFilters(Schema):
    kind: str = ""
    region: str = ""
    language: str = ""
    skill: str = ""
    skill_kind: str = ""


class OrganizationIn(Schema):
    slug: str
    name: str
    kind: str
    description: str = ""
    website: str = ""
    country: str = ""
    region: str = ""
    languages: list[str] = []
    first_organizer: str | None = None


class OrganizationSkillIn(Schema):
    skill: str
    kind: str
    level: int | None = None
    note: str = ""


class OrganizationPatch(Schema):
    name: str | None = None
    kind: str | None = None
    description: str | None = None
    website: str | None = None
    country: str | None = None
    region: str | None = None
    languages: list[str] | None = None
    is_active: bool | None = None
    skills: list[OrganizationSkillIn] | None = None


class MembershipIn(Schema):
    visibility: str = "private"


class RoleIn(Schema):
    role: str


# --- Helpers -----------------------------------------------------------------------------------


def _organization(request: HttpRequest, slug: str) -> Organization:
    return get_object_or_404(Organization.objects.visible_to(request.user), slug=slug)


def _membership_out(membership: Membership) -> dict[str, str]:
    return {
        "organization": membership.organization.slug,
        "username": membership.user.username,
        "role": membership.role,
        "visibility": VISIBILITY_NAMES[Visibility(membership.visibility)],
    }


def _person(line: MemberLine) -> dict[str, str]:
    return {"username": line.username, "url": line.url, "role": line.role}


def _skill(line: SkillLine) -> dict[str, Any]:
    return {
        "code": line.code,
        "label": line.label,
        "level": line.level,
        "level_name": line.level_name,
        "note": line.note,
    }


def _detail(request: HttpRequest, organization: Organization) -> dict[str, Any]:
    view = organization_view(organization, request.user)
    summary = OrganizationSummaryOut.from_orm(organization).dict()
    membership = view.viewer_membership
    if membership is not None:
        membership.organization = organization
    return {
        **summary,
        "member_count": view.member_count,
        "description": organization.description,
        "description_html": view.description_html,
        "website": organization.website,
        "has": [_skill(line) for line in view.has],
        "needs": [_skill(line) for line in view.needs],
        "organizers": [_person(line) for line in view.organizers],
        "members": [_person(line) for line in view.members],
        "your_membership": _membership_out(membership) if membership is not None else None,
    }


def _check_filters(filters: OrganizationFilters) -> Filters:
    errors: dict[str, list[str]] = {}
    if filters.kind and filters.kind not in Organization.Kind.values:
        errors["kind"] = [_("Choose a kind of organization from the list.")]
    if filters.region and filters.region not in REGION_CODES:
        errors["region"] = [
            _("“%(code)s” is not one of the eight Wikimedia regions.") % {"code": filters.region}
        ]
    if filters.skill_kind and filters.skill_kind not in OrganizationSkill.Kind.values:
        errors["skill_kind"] = [_("Use “has” or “needs”.")]
    if errors:
        raise ValidationError(errors)
    return Filters(**filters.dict())


def _user(username: str) -> Any:
    found = get_user_model().objects.filter(username=username, is_active=True).first()
    if found is None:
        raise ValidationError({"first_organizer": [_("Nobody has this user name.")]})
    return found


# --- Endpoints ---------------------------------------------------------------------------------


@router.get(
    "/organizations",
    response={200: list[OrganizationSummaryOut], **ERRORS},
    auth=PUBLIC,
    summary="List organizations",
)
@paginate(PagePagination)
def list_organizations(request: HttpRequest, filters: Query[OrganizationFilters]) -> Any:
    """Organizations, filtered by kind, region, working language (BCP-47 tag) and a skill they
    have or need (narrower skills under it count too)."""
    return listing(request.user, _check_filters(filters))


@router.get(
    "/organizations/{slug}",
    response={200: OrganizationOut, **ERRORS},
    auth=PUBLIC,
    summary="One organization",
)
def get_organization(request: HttpRequest, slug: str) -> Any:
    return _detail(request, _organization(request, slug))


@router.post(
    "/organizations",
    response={201: OrganizationOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Create an organization (coordinators)",
)
def create_organization(request: HttpRequest, payload: OrganizationIn) -> Any:
    # Refuse before looking anyone up, so the endpoint cannot be used to probe user names.
    if not actions.can_create_organization(request.user):
        raise HttpError(403, _("Only coordinators may create organizations."))
    first_organizer = _user(payload.first_organizer) if payload.first_organizer else None
    organization = actions.create_organization(
        actor=request.user,  # type: ignore[arg-type]
        slug=payload.slug,
        name=payload.name,
        kind=payload.kind,
        description=payload.description,
        website=payload.website,
        country=payload.country,
        region=payload.region,
        languages=payload.languages,
        first_organizer=first_organizer,
    )
    return Status(201, _detail(request, organization))


@router.patch(
    "/organizations/{slug}",
    response={200: OrganizationOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Change an organization (its organizers, coordinators)",
)
def update_organization(request: HttpRequest, slug: str, payload: OrganizationPatch) -> Any:
    organization = _organization(request, slug)
    changes = payload.dict(exclude_unset=True)
    skills = changes.pop("skills", None)
    if any(value is None for value in changes.values()):
        raise HttpError(400, _("Leave a field out instead of sending null."))
    # One transaction: a bad skill list must not leave the other changes half-saved.
    with transaction.atomic():
        actions.update_organization(
            actor=request.user,  # type: ignore[arg-type]
            organization=organization,
            **changes,
        )
        if skills is not None:
            actions.set_organization_skills(
                actor=request.user,  # type: ignore[arg-type]
                organization=organization,
                entries=[actions.SkillEntry(**entry) for entry in skills],
            )
    organization.refresh_from_db()
    return _detail(request, organization)


@router.post(
    "/organizations/{slug}/membership",
    response={200: MembershipOut, 201: MembershipOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Join, or change who sees your membership",
)
def join_organization(request: HttpRequest, slug: str, payload: MembershipIn) -> Any:
    organization = _organization(request, slug)
    if payload.visibility not in VISIBILITY_BY_NAME:
        raise ValidationError({"visibility": [_("Use “private”, “members” or “public”.")]})
    existed = organization.memberships.filter(user=request.user).exists()  # type: ignore[misc]
    membership = actions.join_organization(
        user=request.user,  # type: ignore[arg-type]
        organization=organization,
        visibility=VISIBILITY_BY_NAME[payload.visibility],
    )
    return Status(200 if existed else 201, _membership_out(membership))


@router.delete(
    "/organizations/{slug}/membership",
    response={204: None, **ERRORS},
    auth=SIGNED_IN,
    summary="Leave an organization",
)
def leave_organization(request: HttpRequest, slug: str) -> Any:
    organization = _organization(request, slug)
    actions.leave_organization(user=request.user, organization=organization)  # type: ignore[arg-type]
    return Status(204, None)


def _member(organization: Organization, username: str) -> Any:
    found = organization.members.filter(username=username).first()
    if found is None:
        raise HttpError(
            404, _("%(username)s is not a member of this organization.") % {"username": username}
        )
    return found


@router.patch(
    "/organizations/{slug}/members/{username}",
    response={200: MembershipOut, **ERRORS},
    auth=SIGNED_IN,
    summary="Change a member's role (organizers, coordinators)",
)
def set_member_role(request: HttpRequest, slug: str, username: str, payload: RoleIn) -> Any:
    organization = _organization(request, slug)
    if not actions.can_manage_organization(request.user, organization):
        raise HttpError(
            403, _("Only the organizers of this organization and coordinators may do this.")
        )
    membership = actions.set_membership_role(
        actor=request.user,  # type: ignore[arg-type]
        organization=organization,
        member=_member(organization, username),
        role=payload.role,
    )
    return _membership_out(membership)


@router.delete(
    "/organizations/{slug}/members/{username}",
    response={204: None, **ERRORS},
    auth=SIGNED_IN,
    summary="Remove a member (organizers, coordinators)",
)
def remove_member(request: HttpRequest, slug: str, username: str) -> Any:
    organization = _organization(request, slug)
    if not actions.can_manage_organization(request.user, organization):
        raise HttpError(
            403, _("Only the organizers of this organization and coordinators may do this.")
        )
    actions.remove_member(
        actor=request.user,  # type: ignore[arg-type]
        organization=organization,
        member=_member(organization, username),
    )
    return Status(204, None)
